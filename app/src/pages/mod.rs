//! The Leptos pages: the agent portal and the end user's link page. Rendered on the server
//! (every page is readable and every form posts before the bundle loads), then hydrated.
//! Pages never reach storage: they call the server functions in `portal::api`.

mod account;
mod admin;
mod detail;
mod layout;
mod link;
mod requests;
mod session;
mod signin;
mod widgets;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use crate::i18n::{Lang, Texts};

/// Where the end user's page lives; it is rendered by `LinkApp` with its own small bundle.
pub const LINK_PREFIX: &str = "/s/";

/// The HTML document around every page.
pub fn shell(mut options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    #[cfg(feature = "ssr")]
    let link_page = use_context::<http::request::Parts>()
        .is_some_and(|p| p.uri.path().starts_with(LINK_PREFIX));
    #[cfg(not(feature = "ssr"))]
    let link_page = false;
    if link_page {
        options.output_name = "link".into();
    }
    #[cfg(feature = "ssr")]
    set_page_policy();
    let app = if link_page {
        leptos::either::Either::Left(view! { <LinkApp/> })
    } else {
        leptos::either::Either::Right(view! { <App/> })
    };
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" href="/assets/beckon.css"/>
                <link rel="icon" href="/assets/icon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                {app}
            </body>
        </html>
    }
}

/// The Content-Security-Policy of a rendered page. Leptos gives every response a fresh nonce
/// and puts it on each script it writes (the hydration loader, streamed chunks); no other
/// inline script runs, so an injected `<script>` or `onclick=` does nothing. The WASM module
/// needs `'wasm-unsafe-eval'`, the bundle's own files `'self'`. Sockets and event streams are
/// same-origin (`'self'` covers `ws:`/`wss:` to this host). Other responses get a stricter
/// policy from the server's header middleware.
#[cfg(feature = "ssr")]
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' blob:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(feature = "ssr")]
fn set_page_policy() {
    use http::{HeaderValue, header};
    let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(v) = HeaderValue::from_str(&page_policy(&nonce.to_string())) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, v);
    }
}

/// The language of this page view: on the server from the `beckon_lang` cookie or
/// `Accept-Language`; in the browser from what the server wrote into `<html lang>`.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|p| {
                let cookie = p
                    .headers
                    .get_all(http::header::COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(';'))
                    .filter_map(|c| c.trim().split_once('='))
                    .find(|(k, _)| *k == crate::i18n::LANG_COOKIE)
                    .and_then(|(_, v)| Lang::parse(v));
                cookie
                    .or_else(|| {
                        p.headers
                            .get(http::header::ACCEPT_LANGUAGE)
                            .and_then(|v| v.to_str().ok())
                            .and_then(Lang::from_accept_language)
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| Lang::parse(&l))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        Lang::default()
    }
}

/// The texts of the current language (provided by `App`).
pub fn texts() -> &'static Texts {
    use_context::<Lang>().unwrap_or_default().texts()
}

/// The link route inside `App`. In the portal's bundle it carries none of the page's code: the
/// server renders `/s/…` with `LinkApp` and its own bundle, so the portal only ever reaches it
/// by a client-side navigation, which it turns into a full page load.
#[cfg(any(feature = "ssr", not(feature = "hydrate"), feature = "link-bundle"))]
use link::LinkPage as LinkRoute;

#[cfg(all(
    feature = "hydrate",
    not(feature = "ssr"),
    not(feature = "link-bundle")
))]
#[component]
fn LinkRoute() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
}

/// The end user's page on its own, rendered by the server for every `/s/…` address and
/// hydrated by its own bundle: no portal and no router (it is one page), so that bundle
/// carries neither.
#[component]
pub fn LinkApp() -> impl IntoView {
    provide_meta_context();
    provide_context(request_lang());
    view! { <link::LinkPage/> }
}

/// The portal (and, for the route list, the link page).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(request_lang());
    let t = texts();
    // Async rendering: status codes and redirects are decided before the first byte is sent.
    view! {
        <Title text=t.app_name/>
        <Router>
            <Routes fallback=move || view! { <main class="narrow"><p>{t.page_not_found}</p></main> }>
                <Route path=path!("/s/:token") view=LinkRoute ssr=SsrMode::Async/>
                <Route path=path!("/signin") view=signin::SignIn ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=layout::Portal ssr=SsrMode::Async>
                    <Route path=path!("") view=requests::Requests ssr=SsrMode::Async/>
                    <Route path=path!("requests/:id") view=detail::Detail ssr=SsrMode::Async/>
                    <Route path=path!("admin/agents") view=admin::Agents ssr=SsrMode::Async/>
                    <Route path=path!("admin/clients") view=admin::Clients ssr=SsrMode::Async/>
                    <Route path=path!("admin/settings") view=admin::Settings ssr=SsrMode::Async/>
                    <Route path=path!("admin/mail") view=admin::Mail ssr=SsrMode::Async/>
                    <Route path=path!("admin/audit") view=admin::Audit ssr=SsrMode::Async/>
                    <Route path=path!("account") view=account::Account ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
