//! The audit log for administrators: pages of JSON, and the whole log as CSV.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::Authed;
use super::error::ApiResult;
use super::extract::ApiQuery;
use crate::store::records::AuditEvent;

#[derive(Serialize, ToSchema)]
pub struct AuditJson {
    at: String,
    /// `sign_in_succeeded`, `sign_in_failed`, `signed_out_everywhere`, `password_changed`,
    /// `agent_created`, `agent_changed`, `client_created`, `client_changed`,
    /// `settings_changed`, `webhook_added`, `webhook_removed`, `link_released`,
    /// `declined_by_end_user`.
    kind: &'static str,
    /// The agent's ID, when a signed-in agent did it.
    actor_id: Option<String>,
    /// The agent's email then, the email a failed sign-in tried, `end user` or `operator`.
    actor: String,
    ip: Option<String>,
    target: Option<String>,
    detail: String,
}

impl From<AuditEvent> for AuditJson {
    fn from(e: AuditEvent) -> AuditJson {
        AuditJson {
            at: e.at.to_string(),
            kind: e.kind.name(),
            actor_id: e.actor.map(|a| a.to_string()),
            actor: e.actor_label,
            ip: e.ip.map(|ip| ip.to_string()),
            target: e.target,
            detail: e.detail,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    items: Vec<AuditJson>,
    next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries per page (default 100, at most 500). Read here, not by the query parser, so
    /// that `limit=` (empty) is refused like any other non-number.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit", operation_id = "list_audit_entries", summary = "The audit log, newest first", tag = "admin", params(AuditQuery),
    responses((status = 200, body = AuditPage, description = "newest first"), (status = 400, body = super::ErrorJson), (status = 403)))]
pub async fn list(
    State(st): State<AppState>,
    auth: Authed,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let limit = match q.limit.as_deref().map(str::parse::<usize>) {
        None => 100,
        Some(Ok(n)) if (1..=500).contains(&n) => n,
        Some(_) => {
            return Err(super::error::ApiError::invalid(
                "limit: must be a number from 1 to 500",
            ));
        }
    };
    let (items, next_cursor) = st
        .svc
        .run(move |s| s.audit_page(&auth.agent, limit, q.cursor.as_deref()))
        .await?;
    Ok(Json(AuditPage {
        items: items.into_iter().map(AuditJson::from).collect(),
        next_cursor,
    }))
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading
/// `'`: an attacker chooses the email a failed sign-in tries.
fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

#[utoipa::path(get, path = "/api/v1/audit.csv", operation_id = "export_audit_csv", summary = "The whole audit log as CSV", tag = "admin",
    responses((status = 200, content_type = "text/csv", description = "every entry, oldest first"), (status = 403)))]
pub async fn csv(State(st): State<AppState>, auth: Authed) -> ApiResult<Response> {
    let body = st
        .svc
        .run(move |s| {
            let mut out = csv::Writer::from_writer(Vec::new());
            let header = ["at", "kind", "actor_id", "actor", "ip", "target", "detail"];
            out.write_record(header)
                .map_err(|e| crate::service::ServiceError::Internal(e.to_string()))?;
            s.audit_each(&auth.agent, |e| {
                let j = AuditJson::from(e);
                let row = [
                    j.at,
                    j.kind.to_owned(),
                    j.actor_id.unwrap_or_default(),
                    cell(&j.actor),
                    j.ip.unwrap_or_default(),
                    j.target.unwrap_or_default(),
                    cell(&j.detail),
                ];
                out.write_record(&row).map_err(std::io::Error::other)
            })?;
            out.into_inner()
                .map_err(|e| crate::service::ServiceError::Internal(e.to_string()))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"beckon-audit.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::cell("-1+2"), "'-1+2");
        assert_eq!(super::cell("ada@example.com"), "ada@example.com");
    }
}
