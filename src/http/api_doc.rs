//! The OpenAPI document served at `/api/v1/openapi.json`: every operation from its handler's
//! annotation, the error answers each can give, the sign-in scheme, and the webhooks a
//! receiver gets (OpenAPI 3.1 `webhooks`), so that clients and receivers can be generated.

use serde_json::{Value, json};
use utoipa::OpenApi;

use super::{admin, assist, audit, events, logo, ops, outbox, requests};
use crate::service::webhook_payload::{
    WEBHOOK_KINDS, WebhookActor, WebhookAssignee, WebhookEvent, WebhookRequest,
};

/// The document as served: the derived one with its `webhooks` section.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
    doc["webhooks"] = webhooks();
    doc
}

/// One entry per event type: a signed POST of `WebhookEvent` to each endpoint.
fn webhooks() -> Value {
    let mut out = serde_json::Map::new();
    for kind in WEBHOOK_KINDS {
        let name = format!("session_request.{kind}");
        let post = json!({
            "operationId": format!("webhook_{kind}"),
            "summary": format!("A session request's `{kind}` event"),
            "description": "Sent to each webhook endpoint for every status change of a session request (and its creation); for one request and one endpoint, each call waits until the one before it was delivered.",
            "security": [],
            "parameters": [
                {"name": "beckon-signature", "in": "header", "required": true,
                 "description": "`t=<unix seconds>,v1=<hex>`: `v1` is HMAC-SHA256 under the endpoint's secret of `t`, a dot and the raw body. Check it, and that `t` is recent.",
                 "schema": {"type": "string", "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}$"}},
                {"name": "beckon-delivery", "in": "header", "required": true,
                 "description": "The outbox item's ID (the same across retries).",
                 "schema": {"type": "string"}}
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEvent"}}}},
            "responses": {
                "2XX": {"description": "Accepted. Anything else, a redirect included, or no answer within 10 seconds is retried with back-off until accepted."}
            }
        });
        out.insert(name, json!({ "post": post }));
    }
    Value::Object(out)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Beckon REST API", version = "1", description = "Remote-support session requests. The contract is docs/API.md in the repository."),
    paths(
        admin::login, admin::logout, admin::logout_all, admin::change_password,
        admin::totp_begin, admin::totp_confirm, admin::totp_disable, admin::me,
        admin::list_agents, admin::create_agent, admin::update_agent,
        admin::list_clients, admin::create_client, admin::update_client,
        admin::get_settings, admin::update_settings, logo::upload, logo::remove, admin::purges, audit::list, audit::csv,
        outbox::list, outbox::retry, outbox::test_mail,
        outbox::list_webhooks, outbox::add_webhook, outbox::remove_webhook,
        requests::create, requests::list, requests::get, requests::edit,
        requests::connect, requests::start, requests::end, requests::close, requests::reopen, requests::resend,
        requests::release, requests::socket,
        events::stream,
        assist::checkin, assist::join, assist::prompt, assist::consent, assist::control, assist::decline, assist::end, assist::socket,
        ops::healthz, ops::metrics,
    ),
    components(schemas(WebhookEvent, WebhookActor, WebhookAssignee, WebhookRequest)),
    modifiers(&BearerAuth, &ErrorAnswers),
)]
struct ApiDoc;

/// Routes that take no agent sign-in: the end user's (their link is the credential), the
/// operations routes (`/metrics` has its own token) and signing in itself.
fn without_sign_in(path: &str) -> bool {
    path.starts_with("/api/v1/assist/")
        || matches!(
            path,
            "/healthz" | "/metrics" | "/api/v1/auth/login" | "/api/v1/openapi.json"
        )
}

/// The error answers every operation can give, added where its own annotation does not list
/// them, each with the error body: bad input (400), a slow request head (408), too large
/// (413), not JSON (415), rate limits and connection caps (429), and, by route, sign-in
/// (401/403) and unknown IDs (404). Also: a PATCH's body may be left out (it changes
/// nothing), and routes without a sign-in say so.
struct ErrorAnswers;

impl utoipa::Modify for ErrorAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::HttpMethod;
        use utoipa::openapi::{ContentBuilder, Ref, Required, ResponseBuilder};
        let error = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorJson")))
                        .build(),
                )
                .build()
        };
        for (path, item) in doc.paths.paths.iter_mut() {
            let open = without_sign_in(path);
            let has_id = path.contains('{');
            for (method, op) in [
                (HttpMethod::Get, item.get.as_mut()),
                (HttpMethod::Post, item.post.as_mut()),
                (HttpMethod::Patch, item.patch.as_mut()),
                (HttpMethod::Delete, item.delete.as_mut()),
                (HttpMethod::Put, item.put.as_mut()),
            ] {
                let Some(op) = op else { continue };
                let mut add = vec![
                    ("400", "bad input"),
                    ("408", "the request's head did not arrive in time"),
                    ("429", "rate-limited, or too many connections"),
                ];
                if op.request_body.is_some() {
                    add.push(("413", "the body is larger than 1 MiB"));
                    add.push(("415", "the body is not JSON"));
                }
                if open {
                    op.security = Some(Vec::new());
                } else {
                    add.push(("401", "not signed in, or the sign-in ended"));
                    add.push(("403", "signed in without the right to this"));
                }
                if path.starts_with("/api/v1/assist/") {
                    add.push(("403", "an agent's sign-in cannot act as the end user"));
                }
                if has_id {
                    add.push(("404", "no such resource"));
                }
                for (code, what) in add {
                    let listed = op.responses.responses.get(code);
                    // A bare status an annotation listed gets the error body too.
                    let bare = matches!(listed, Some(utoipa::openapi::RefOr::T(r)) if r.content.is_empty());
                    if listed.is_none() || bare {
                        op.responses
                            .responses
                            .insert(code.to_owned(), error(what).into());
                    }
                }
                // Every other error an annotation listed bare (a 409, a 410…) carries the
                // error body too, under the words it gave.
                for (code, answer) in op.responses.responses.iter_mut() {
                    let utoipa::openapi::RefOr::T(r) = answer else {
                        continue;
                    };
                    if r.description.is_empty() && !code.starts_with('4') && !code.starts_with('5')
                    {
                        r.description = "success".into();
                    }
                    if (code.starts_with('4') || code.starts_with('5')) && r.content.is_empty() {
                        let what = match (r.description.as_str(), code.as_str()) {
                            ("", "404") => "no such resource",
                            ("", "409") => "the request's state does not allow this now",
                            ("", "410") => "the link has ended",
                            ("", _) => "refused",
                            (d, _) => d,
                        };
                        *answer = error(what).into();
                    }
                }
                if method == HttpMethod::Patch
                    && let Some(body) = op.request_body.as_mut()
                {
                    body.required = Some(Required::False);
                }
            }
        }
    }
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        doc.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}
