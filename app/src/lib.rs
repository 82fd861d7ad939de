//! Beckon's shared crate: the pure domain (always) and the Leptos pages (`ssr` on the server,
//! `hydrate` in the WASM bundle built by the server's build script).
#![forbid(unsafe_code)]

pub mod domain;
pub mod pages;

/// Entry point of the WASM bundle: Leptos' hydration script calls this after loading it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(pages::App);
}
