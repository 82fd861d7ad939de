//! The end user's page, `GET /s/TOKEN`. The portal's pages go through Leptos' router and its
//! streaming renderer; this one is a single page whose data is one look-up, so it is rendered
//! here in one synchronous pass (`app::pages::link_document`) and leaves as one piece. The
//! machinery this skips (a resource, a suspense boundary that built the view twice, the
//! stream and its joining) was about half of the page's CPU (docs/PERFORMANCE.md).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;

pub async fn page(State(st): State<AppState>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let token = parts
        .uri
        .path()
        .strip_prefix(app::pages::LINK_PREFIX)
        .unwrap_or_default()
        .to_owned();
    let data = st.portal.link_view(&parts, token).await;
    let doc = app::pages::link_document(parts, data);
    let mut res = (doc.status, Html(doc.html)).into_response();
    let h = res.headers_mut();
    // The page's address is the end user's credential: never cached, never sent on as a
    // Referer (the header middleware also says no-referrer for every response).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&app::pages::page_policy(&doc.nonce)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}
