//! The operators' side of mail and webhooks (admins only): the outbox queue with its last
//! errors and a retry, a test mail, and the webhook endpoints.

use app::domain::{MailId, WebhookId};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::Authed;
use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiQuery};
use super::requests::path_id;
use crate::service::OutboxQuery;
use crate::store::records::{DeliveryState, OutboxItem, OutboxMessage, WebhookEndpoint};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// `pending`, `failed`, `sent` or `superseded`; all when absent.
    state: Option<String>,
    /// 1..=200, default 50.
    limit: Option<String>,
    cursor: Option<String>,
}

/// One mail or webhook call in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxItemJson {
    id: String,
    /// `mail` or `webhook`.
    channel: &'static str,
    /// `invitation`, `reminder`, `rescheduled`, `closed`, `expired`, `assigned`,
    /// `end_user_waiting`, `test` or `webhook`.
    kind: &'static str,
    /// The address a mail goes to.
    to: Option<String>,
    language: Option<String>,
    webhook_id: Option<String>,
    request_id: Option<String>,
    /// `pending`, `sent`, `failed` or `superseded`.
    state: &'static str,
    attempts: u32,
    /// When a pending item is tried next.
    next_attempt_at: Option<String>,
    last_error: Option<String>,
    created_at: String,
    finished_at: Option<String>,
}

impl From<&OutboxItem> for OutboxItemJson {
    fn from(i: &OutboxItem) -> Self {
        let (channel, to, language, webhook_id) = match &i.message {
            OutboxMessage::Mail { to, language, .. } => {
                ("mail", Some(to.clone()), Some(language.clone()), None)
            }
            OutboxMessage::Webhook { endpoint, .. } => {
                ("webhook", None, None, Some(endpoint.to_string()))
            }
        };
        OutboxItemJson {
            id: i.id.to_string(),
            channel,
            kind: i.kind_name(),
            to,
            language,
            webhook_id,
            request_id: i.request.map(|r| r.to_string()),
            state: i.state.name(),
            attempts: i.attempts,
            next_attempt_at: (i.state == DeliveryState::Pending)
                .then(|| i.next_attempt_at.to_string()),
            last_error: i.last_error.clone(),
            created_at: i.created_at.to_string(),
            finished_at: i.finished_at.map(|t| t.to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxPageJson {
    items: Vec<OutboxItemJson>,
    next_cursor: Option<String>,
}

/// The state names of the query, as the service knows them.
pub fn parse_state(s: Option<&str>) -> ApiResult<Option<DeliveryState>> {
    Ok(match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("pending") => Some(DeliveryState::Pending),
        Some("failed") => Some(DeliveryState::Failed),
        Some("sent") => Some(DeliveryState::Sent),
        Some("superseded") => Some(DeliveryState::Superseded),
        Some(_) => {
            return Err(ApiError::invalid(
                "state: must be pending, failed, sent or superseded",
            ));
        }
    })
}

#[utoipa::path(get, path = "/api/v1/outbox", operation_id = "list_outbox", summary = "The outbox: mails and webhook calls with their delivery state", tag = "admin", params(OutboxParams),
    responses((status = 200, body = OutboxPageJson), (status = 400, body = super::ErrorJson), (status = 401), (status = 403)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Authed,
    ApiQuery(p): ApiQuery<OutboxParams>,
) -> ApiResult<Json<OutboxPageJson>> {
    let limit = match p.limit.as_deref() {
        None | Some("") => 50,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=200).contains(&n) => n,
            _ => return Err(ApiError::invalid("limit: must be a number from 1 to 200")),
        },
    };
    let cursor = match p.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            c.parse::<MailId>()
                .map_err(|_| ApiError::invalid("cursor: is not a cursor from a previous page"))?,
        ),
    };
    let query = OutboxQuery {
        state: parse_state(p.state.as_deref())?,
        limit,
        cursor,
    };
    let (items, next) = st
        .svc
        .run(move |s| s.list_outbox(&auth.agent, &query))
        .await?;
    Ok(Json(OutboxPageJson {
        items: items.iter().map(Into::into).collect(),
        next_cursor: next.map(|c| c.to_string()),
    }))
}

#[utoipa::path(post, path = "/api/v1/outbox/{id}/retry", operation_id = "retry_outbox_item", summary = "Try a failed mail or webhook call again", tag = "admin",
    responses((status = 202, body = OutboxItemJson), (status = 403), (status = 404), (status = 409)))]
pub async fn retry(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<OutboxItemJson>)> {
    let id: MailId = path_id(&id)?;
    let item = st
        .svc
        .run(move |s| s.retry_delivery(&auth.agent, id))
        .await?;
    Ok((StatusCode::ACCEPTED, Json((&item).into())))
}

#[utoipa::path(post, path = "/api/v1/outbox/test-mail", operation_id = "send_test_mail", summary = "Queue a test mail to the calling administrator", tag = "admin",
    responses((status = 202, body = OutboxItemJson, description = "a test mail to the calling admin, queued"), (status = 403)))]
pub async fn test_mail(
    State(st): State<AppState>,
    auth: Authed,
) -> ApiResult<(StatusCode, Json<OutboxItemJson>)> {
    let item = st.svc.run(move |s| s.queue_test_mail(&auth.agent)).await?;
    Ok((StatusCode::ACCEPTED, Json((&item).into())))
}

/// A webhook endpoint. The secret is shown only in the answer that created it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookJson {
    id: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    created_at: String,
}

impl WebhookJson {
    fn new(e: &WebhookEndpoint, with_secret: bool) -> Self {
        WebhookJson {
            id: e.id.to_string(),
            url: e.url.clone(),
            secret: with_secret.then(|| e.secret.clone()),
            created_at: e.created_at.to_string(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWebhook {
    /// `https://…` (or `http://` to this machine).
    url: String,
}

#[utoipa::path(get, path = "/api/v1/webhooks", operation_id = "list_webhooks", summary = "List webhook endpoints", tag = "admin",
    responses((status = 200, body = [WebhookJson]), (status = 403)))]
pub async fn list_webhooks(
    State(st): State<AppState>,
    auth: Authed,
) -> ApiResult<Json<Vec<WebhookJson>>> {
    let list = st.svc.run(move |s| s.list_webhooks(&auth.agent)).await?;
    Ok(Json(
        list.iter().map(|e| WebhookJson::new(e, false)).collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/webhooks", operation_id = "add_webhook", summary = "Add a webhook endpoint", tag = "admin", request_body = NewWebhook,
    responses((status = 201, body = WebhookJson, description = "with its signing secret, shown this once"), (status = 400, body = super::ErrorJson), (status = 403)))]
pub async fn add_webhook(
    State(st): State<AppState>,
    auth: Authed,
    ApiJson(body): ApiJson<NewWebhook>,
) -> ApiResult<(StatusCode, Json<WebhookJson>)> {
    let e = st
        .svc
        .run(move |s| s.add_webhook(&auth.agent, &body.url))
        .await?;
    Ok((StatusCode::CREATED, Json(WebhookJson::new(&e, true))))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", operation_id = "remove_webhook", summary = "Remove a webhook endpoint", tag = "admin",
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn remove_webhook(
    State(st): State<AppState>,
    auth: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: WebhookId = path_id(&id)?;
    st.svc
        .run(move |s| s.remove_webhook(&auth.agent, id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
