//! Browser security headers on every response. Rendered pages set their own
//! Content-Security-Policy (with the nonce of their scripts, `app::pages::page_policy`); every
//! other response (JSON, the setup form, errors, files) gets one that allows no script at all.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::client::Client;

/// For anything that is not a rendered page: no scripts, no frames, no plugins; the setup
/// form may load our stylesheet and post to itself.
const STRICT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
    form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A year: browsers that saw HTTPS once never try plain HTTP again. Not `includeSubDomains`:
/// other services on sibling hosts are not ours to decide for.
const HSTS: &str = "max-age=31536000";

pub async fn secure(req: Request, next: Next) -> Response {
    let https = req.extensions().get::<Client>().is_some_and(|c| c.https);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_POLICY),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Link pages carry the end user's credential in their address; portal addresses carry
    // request IDs and searches. No page of ours needs to tell another site where it was;
    // portal pages say `same-origin` themselves (`app::pages::shell`), for their forms.
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    // For browsers older than CSP's frame-ancestors.
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}
