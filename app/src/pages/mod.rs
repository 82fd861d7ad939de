//! The Leptos pages: the agent portal and the end user's link page. Rendered on the server
//! (every page is readable and every form posts before the bundle loads). The portal's
//! islands (`#[island]`) and `enhance` then make it live; the link page is hydrated whole
//! by its own bundle.
//! Pages never reach storage: they call the server functions in `portal::api`.

mod account;
mod admin;
mod detail;
#[cfg(all(feature = "hydrate", not(feature = "link-bundle")))]
pub mod enhance;
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

/// Where the end user's page lives; it is rendered by `link_document` with its own small bundle.
pub const LINK_PREFIX: &str = "/s/";

/// The HTML document around every portal page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    #[cfg(feature = "ssr")]
    set_page_policy();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <HeadStart/>
                <PageTexts/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// What every page's `<head>` starts with.
#[component]
fn HeadStart() -> impl IntoView {
    view! {
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <link rel="stylesheet" href="/assets/beckon.css"/>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml"/>
    }
}

/// The end user's page (`/s/TOKEN`), rendered whole.
#[cfg(feature = "ssr")]
pub struct LinkDocument {
    pub status: http::StatusCode,
    /// The nonce of the page's one script, for its Content-Security-Policy (`page_policy`).
    pub nonce: String,
    pub html: String,
}

/// Where the end user's bundle is served (the server's `/pkg/link*` routes).
pub const LINK_JS: &str = "/pkg/link.js";
pub const LINK_WASM: &str = "/pkg/link_bg.wasm";

/// The link page's loader: the bundle's script, its module, then `hydrate`. Leptos'
/// `HydrationScripts` writes the same steps for any bundle and formats them on every page;
/// this page has one bundle at fixed addresses, so its loader is a constant.
#[cfg(feature = "ssr")]
const LINK_LOADER: &str = r#"import("/pkg/link.js").then(m=>m.default({module_or_path:"/pkg/link_bg.wasm"}).then(()=>m.hydrate()));"#;

/// Renders the end user's page for the request `parts` from what the server found behind its
/// link. Not through the portal's router and streaming renderer: the page is one synchronous
/// pass over a view whose data is already here, hydrated by its own bundle (`link-bundle`),
/// which reads `data` back from the page.
#[cfg(feature = "ssr")]
pub fn link_document(parts: http::request::Parts, data: link::LinkData) -> LinkDocument {
    let status = link::status(&data);
    // Inside a `<script>` only `</script` would end it; JSON has `<` only inside strings,
    // where `\u003c` means the same.
    let json = serde_json::to_string(&data)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c");
    let owner = Owner::new_root(None);
    let (nonce, html) = owner.with(|| {
        provide_context(parts);
        leptos::nonce::provide_nonce();
        let nonce = leptos::nonce::use_nonce()
            .map(|n| n.to_string())
            .unwrap_or_default();
        let lang = request_lang();
        provide_context(lang);
        let title = link::title(&data);
        let page_lang = link::language(&data).unwrap_or(lang.code()).to_owned();
        let html = view! {
            <!DOCTYPE html>
            <html lang=page_lang>
                <head>
                    <HeadStart/>
                    <meta name="referrer" content="no-referrer"/>
                    <meta name="robots" content="noindex"/>
                    <title>{title}</title>
                    // Data, never run; it carries the nonce like every script of ours.
                    <script type="application/json" id=link::DATA_ID nonce=nonce.clone() inner_html=json></script>
                    <link rel="modulepreload" href=LINK_JS/>
                    <link rel="preload" href=LINK_WASM r#as="fetch" r#type="application/wasm" crossorigin=""/>
                    <script type="module" nonce=nonce.clone() inner_html=LINK_LOADER></script>
                </head>
                <body>
                    <LinkApp data/>
                </body>
            </html>
        }
        .to_html();
        (nonce, html)
    });
    owner.unset();
    LinkDocument {
        status,
        nonce,
        html,
    }
}

/// The page's data as the server wrote it (`link_document`); a page without it (never
/// served by us) shows an error rather than panicking.
#[cfg(feature = "hydrate")]
pub fn link_data() -> link::LinkData {
    document()
        .get_element_by_id(link::DATA_ID)
        .and_then(|e| e.text_content())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_else(|| {
            Err(crate::portal::AppError::new(
                "internal",
                "this page is missing its data; reload it",
            ))
        })
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
    // A form posted from a portal page goes back to it (the server function redirects to
    // the `Referer`, with any error in the address), so portal pages tell their own origin
    // where they were. Link and set-up pages, whose addresses are credentials, do not.
    res.insert_header(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// The language of this page view: on the server from the `beckon_lang` cookie or
/// `Accept-Language`; in the browser from what the server wrote into `<html lang>`.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        // Borrowed, not `use_context`: that clones the request's headers and extensions.
        with_context::<http::request::Parts, _>(|p| {
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

/// The texts of the current language. On the server: the request's (provided by `App`). In
/// the browser: the strings the page carries (`PageTexts`), so the portal's bundle holds
/// English, its fallback, and none of the other ten languages (about 44 KB gzipped).
pub fn texts() -> &'static Texts {
    #[cfg(feature = "hydrate")]
    {
        page_texts()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<Lang>().unwrap_or_else(request_lang).texts()
    }
}

/// The id of the page's `<script type="application/json">` holding its texts.
pub const TEXTS_ID: &str = "portal-texts";

/// The page's texts, read once from the page (English if they are missing or from another
/// build, which a reload fixes).
#[cfg(feature = "hydrate")]
fn page_texts() -> &'static Texts {
    static TEXTS: std::sync::OnceLock<&'static Texts> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        let strings: Vec<String> = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(TEXTS_ID))
            .and_then(|e| e.text_content())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        // Kept for the page's life, like the compiled-in texts they stand for.
        let strings: Vec<&'static str> = strings
            .into_iter()
            .map(|s| &*Box::leak(s.into_boxed_str()))
            .collect();
        match Texts::from_strings(&strings) {
            Some(t) => Box::leak(Box::new(t)),
            None => Lang::english(),
        }
    })
}

/// The page's texts for the browser bundle (`texts`), as a JSON list in field order: one
/// language per page instead of all eleven in the bundle. Written once per language.
#[component]
fn PageTexts() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let json = {
        static JSON: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let all = JSON.get_or_init(|| {
            crate::i18n::LANGS
                .iter()
                .map(|(lang, _, _)| {
                    // Inside a `<script>` only `</script` would end it; `\u003c` is `<`.
                    serde_json::to_string(&lang.texts().strings())
                        .unwrap_or_else(|_| "[]".into())
                        .replace('<', "\\u003c")
                })
                .collect()
        });
        let lang = request_lang();
        let i = crate::i18n::LANGS
            .iter()
            .position(|l| l.0 == lang)
            .unwrap_or(0);
        all[i].as_str()
    };
    #[cfg(not(feature = "ssr"))]
    let json = "";
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    view! { <script type="application/json" id=TEXTS_ID nonce=nonce inner_html=json></script> }
}

/// How a page's loaded data travels in the HTML the server renders, for hydration: postcard,
/// like the server functions' results (`portal::api`), so the bundle decodes both with the
/// same small decoders and carries no JSON decoder per type.
pub type Wire = codee::binary::PostcardCodec;

/// `Resource::new`, with its data carried as `Wire`.
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Wire>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// The end user's page on its own, hydrated by its own bundle: no portal and no router (it is
/// one page), so that bundle carries neither.
#[component]
pub fn LinkApp(data: link::LinkData) -> impl IntoView {
    // The server's `link_document` has already read it.
    provide_context(use_context::<Lang>().unwrap_or_else(request_lang));
    view! { <link::LinkPage data/> }
}

/// The portal. Its pages render on the server only; in the browser just their islands come
/// alive (the bundle's `hydrate`). The end user's page is not here: `link_document`.
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// The loader is a literal; the server's routes use the constants.
    #[test]
    fn the_link_loader_loads_the_bundle_the_server_serves() {
        assert!(LINK_LOADER.starts_with(&format!("import(\"{LINK_JS}\")")));
        assert!(LINK_LOADER.contains(&format!("module_or_path:\"{LINK_WASM}\"")));
        assert!(LINK_LOADER.ends_with("m.hydrate()));"));
    }
}
