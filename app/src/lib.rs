//! Beckon's shared crate: the pure domain (always), the portal's view types and server
//! functions, and the Leptos pages (`ssr` on the server, `hydrate` in the WASM bundle built
//! by the server's build script).
#![forbid(unsafe_code)]
// Leptos views are deeply nested types; the default limit is too small for the table pages.
#![recursion_limit = "256"]

pub mod domain;
pub mod i18n;
pub mod live;
pub mod pages;
pub mod portal;
#[cfg(feature = "hydrate")]
pub mod rtc;

/// Entry point of the WASM bundle: Leptos' hydration script calls this after loading it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The portal's pages are rendered on the server; only its islands come alive here
    // (Leptos' island script hydrates each `<leptos-island>` after this returns).
    #[cfg(not(feature = "link-bundle"))]
    {
        leptos::mount::hydrate_islands();
        pages::enhance::start();
    }
    #[cfg(feature = "link-bundle")]
    leptos::mount::hydrate_body(|| {
        use leptos::prelude::*;
        let data = pages::link_data();
        view! { <pages::LinkApp data/> }
    });
    // A marker for the end-to-end tests (and anyone debugging): the bundle is running. Set
    // after a task turn, so the portal's islands (hydrated right after this returns) are live.
    leptos::prelude::set_timeout(
        || {
            if let Some(w) = web_sys::window() {
                let _ = js_sys::Reflect::set(&w, &"__beckon_hydrated".into(), &true.into());
            }
        },
        std::time::Duration::ZERO,
    );
}
