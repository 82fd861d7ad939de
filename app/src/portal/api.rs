//! The portal's server functions: one per thing a page does. On the server each body checks
//! who is calling through the `Backend` (permissions live in the service, never here); in the
//! browser each is a POST to `/portal/api/NAME`. All take and return `types`.
//!
//! Arguments arrive form-encoded (so every form also posts without JavaScript); results go back
//! in postcard, not JSON. Both ends are this crate, so the format needs no field names, and the
//! browser bundle carries one small positional decoder per type instead of serde_json's
//! (docs/PERFORMANCE.md). Errors stay JSON (`AppError`'s own encoding). The REST API
//! (`/api/v1`) is separate and is JSON.

use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use super::types::*;
#[cfg(feature = "ssr")]
use crate::domain::{AgentId, ClientId, RequestId};

/// The HTTP status of a failed call or page, from its error's code.
#[cfg(feature = "ssr")]
pub fn status_of(e: &AppError) -> http::StatusCode {
    use http::StatusCode;
    match e.code.as_str() {
        "invalid_input" => StatusCode::BAD_REQUEST,
        "unauthenticated" | "invalid_credentials" => StatusCode::UNAUTHORIZED,
        "forbidden" | "cross_site" => StatusCode::FORBIDDEN,
        "not_found" => StatusCode::NOT_FOUND,
        "gone" => StatusCode::GONE,
        "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
        "internal" => StatusCode::INTERNAL_SERVER_ERROR,
        "storage_full" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::CONFLICT,
    }
}

#[cfg(feature = "ssr")]
mod ctx {
    use http::request::Parts;
    use leptos::prelude::*;

    use super::super::backend::{CallerCache, SharedBackend};
    use super::AppError;
    use crate::domain::Agent;

    pub fn backend() -> Result<SharedBackend, AppError> {
        use_context::<SharedBackend>()
            .ok_or_else(|| AppError::new("internal", "the portal backend is not configured"))
    }

    pub fn parts() -> Result<Parts, AppError> {
        use_context::<Parts>()
            .ok_or_else(|| AppError::new("internal", "no request in this context"))
    }

    /// The backend and the signed-in agent, or `unauthenticated`.
    pub fn caller() -> Result<(SharedBackend, Agent), AppError> {
        let b = backend()?;
        let parts = parts()?;
        let agent = match use_context::<CallerCache>() {
            Some(cache) => cache.get_or(|| b.caller(&parts))?,
            None => b.caller(&parts)?,
        };
        Ok((b, agent))
    }

    /// A plain HTML form post (no JavaScript yet), which expects a page back.
    pub fn is_form_post(parts: &Parts) -> bool {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    }

    /// After a plain form post that worked: back to the page it came from, with `done=WHAT`
    /// in its address, so that page can say so (a redirect carries no answer otherwise).
    /// Calls from the bundle get their answer in the body and no redirect.
    pub fn done(what: &str) {
        let Some(back) =
            with_context::<Parts, _>(|p| is_form_post(p).then(|| back_to(p))).flatten()
        else {
            return;
        };
        let sep = if back.contains('?') { '&' } else { '?' };
        leptos_axum::redirect(&format!("{back}{sep}done={what}"));
    }

    /// A plain HTML form post, asked of the request in this context (borrowed, not cloned).
    pub fn plain_post() -> bool {
        with_context::<Parts, _>(is_form_post).unwrap_or(false)
    }

    /// The path and query of the page a form was posted from (its `Referer`: portal pages
    /// send it to their own origin), without the marks of earlier posts; `/` without one.
    /// Only the path is taken, so the redirect cannot leave this site.
    pub fn back_to(parts: &Parts) -> String {
        let referer = parts
            .headers
            .get(http::header::REFERER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let path = referer
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/");
        // `//host` would be another site; a path of ours never starts so.
        if path.starts_with("//") || path.contains('\\') {
            return "/".into();
        }
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| {
                !p.is_empty()
                    && !p.starts_with("done=")
                    && !p.starts_with("__err=")
                    && !p.starts_with("__path=")
            })
            .collect();
        if kept.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", kept.join("&"))
        }
    }

    pub fn set_cookie(value: &str) {
        if let (Some(res), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }

    /// Gives a failed call its HTTP status (the body carries the `AppError`). Not a plain
    /// form post from a portal page: that one goes back to its page (`back_to`) with the
    /// error in the address, where `ServerAction::new()` finds it when the page renders. The
    /// link page sends no `Referer` (its address is a credential), so its posts keep the
    /// status.
    pub fn fail(e: AppError) -> AppError {
        let back = with_context::<Parts, _>(|p| {
            (is_form_post(p) && p.headers.contains_key(http::header::REFERER)).then(|| {
                (
                    format!("http://page{}", back_to(p)),
                    p.uri.path().to_owned(),
                )
            })
        })
        .flatten();
        if let Some((back, path)) = back {
            if let Ok(url) = server_fn::error::ServerFnUrlError::new(path, e.clone()).to_url(&back)
            {
                leptos_axum::redirect(&format!("{}?{}", url.path(), url.query().unwrap_or("")));
            }
            return e;
        }
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(super::status_of(&e));
        }
        e
    }

    pub async fn guard<T>(
        f: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        f.await.map_err(fail)
    }

    pub fn parse_id<T: std::str::FromStr>(field: &str, s: &str) -> Result<T, AppError> {
        s.parse()
            .map_err(|_| AppError::invalid(field, "is not a valid ID"))
    }
}

/// The signed-in agent, or `None` when nobody is signed in.
#[server(prefix = "/portal/api", output = Postcard, endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    ctx::guard(async move {
        match ctx::caller() {
            Ok((_, agent)) => Ok(Some(Me::from(&agent))),
            Err(e) if e.is_unauthenticated() => Ok(None),
            Err(e) => Err(e),
        }
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] totp: Option<String>,
) -> Result<(), AppError> {
    ctx::guard(async move {
        let b = ctx::backend()?;
        let parts = ctx::parts()?;
        match b.login(&parts, email, password, totp).await {
            Ok(cookie) => {
                ctx::set_cookie(&cookie);
                leptos_axum::redirect("/");
                Ok(())
            }
            // Without JavaScript the error has to travel in the page's address.
            Err(e) if ctx::is_form_post(&parts) => {
                leptos_axum::redirect(&format!("/signin?error={}", e.code));
                Ok(())
            }
            Err(e) => Err(e),
        }
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    ctx::guard(async move {
        let b = ctx::backend()?;
        let cookie = b.logout(&ctx::parts()?).await?;
        ctx::set_cookie(&cookie);
        leptos_axum::redirect("/signin");
        Ok(())
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "logout-all")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        let cookie = b.logout_everywhere(&ctx::parts()?, agent).await?;
        ctx::set_cookie(&cookie);
        leptos_axum::redirect("/signin");
        Ok(())
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "me/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.change_password(&ctx::parts()?, agent, current_password, new_password)
            .await?;
        ctx::done("password");
        Ok(())
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "totp/status")]
pub async fn totp_status() -> Result<bool, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.totp_enabled(agent).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "totp/begin")]
pub async fn totp_begin() -> Result<TotpSetupView, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.totp_begin(agent).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "totp/confirm")]
pub async fn totp_confirm(code: String) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.totp_confirm(agent, code).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "totp/disable")]
pub async fn totp_disable(password: String) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.totp_disable(&ctx::parts()?, agent, password).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "audit/list")]
pub async fn list_audit(cursor: String) -> Result<AuditView, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.audit(agent, cursor).await
    })
    .await
}

/// Remembers the portal language for this browser (a plain cookie; no sign-in needed), and
/// for a signed-in agent also as the language of the mails they get.
#[server(prefix = "/portal/api", output = Postcard, endpoint = "language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    ctx::guard(async move {
        let lang = crate::i18n::Lang::parse(&lang).unwrap_or_default();
        ctx::set_cookie(&format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            crate::i18n::LANG_COOKIE,
            lang.code()
        ));
        if let Ok((b, agent)) = ctx::caller() {
            b.remember_language(agent, lang.code().to_owned()).await?;
        }
        Ok(())
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "requests/list")]
pub async fn list_requests(filter: ListFilter) -> Result<RequestPage, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.list(agent, filter).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "requests/detail")]
pub async fn get_request(id: String) -> Result<RequestDetail, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        let id: RequestId = ctx::parse_id("id", &id)?;
        b.detail(agent, id).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "requests/choices")]
pub async fn create_choices() -> Result<Choices, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.choices(agent).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "requests/create")]
pub async fn create_request(form: RequestForm) -> Result<Created, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        let created = b.create(agent, form).await?;
        // A plain post (the dialog before its script runs) cannot show the new link where it
        // was sent from; the request's own page shows it.
        if ctx::plain_post() {
            leptos_axum::redirect(&format!("/requests/{}", created.id));
        }
        Ok(created)
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "requests/edit")]
pub async fn edit_request(id: String, form: RequestForm) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        let id: RequestId = ctx::parse_id("id", &id)?;
        b.edit(agent, id, form).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "requests/act")]
pub async fn request_action(id: String, action: String) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        let id: RequestId = ctx::parse_id("id", &id)?;
        let action = RowAction::parse(&action)
            .ok_or_else(|| AppError::invalid("action", "is not a request action"))?;
        b.act(agent, id, action).await?;
        // Connect and Start lead to the session: from the list too, the agent lands on the
        // request's page with the session view on top.
        if matches!(action, RowAction::Connect | RowAction::Start) && ctx::plain_post() {
            leptos_axum::redirect(&format!("/requests/{id}"));
        }
        Ok(())
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "agents/list")]
pub async fn list_agents() -> Result<Vec<AgentView>, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.agents(agent).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "agents/create")]
pub async fn create_agent(
    email: String,
    name: String,
    password: String,
    role: String,
    #[server(default)] view: bool,
    #[server(default)] edit: bool,
) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        let admin = match role.as_str() {
            "admin" => true,
            "agent" => false,
            _ => return Err(AppError::invalid("role", "must be admin or agent")),
        };
        let permissions = crate::domain::Permissions {
            view_session_requests: view || edit,
            edit_session_requests: edit,
        };
        b.create_agent(agent, email, name, password, admin, permissions)
            .await
    })
    .await
}

/// One change to an agent, from one of the small forms of the agents page: `role`,
/// `disabled`, `password`, or `perms` (with the `view` / `edit` checkboxes).
#[server(prefix = "/portal/api", output = Postcard, endpoint = "agents/change")]
pub async fn change_agent(
    id: String,
    role: Option<String>,
    disabled: Option<bool>,
    password: Option<String>,
    perms: Option<String>,
    view: Option<String>,
    edit: Option<String>,
) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        let id: AgentId = ctx::parse_id("id", &id)?;
        let change = if let Some(role) = role {
            AgentChange::Role(match role.as_str() {
                "admin" => crate::domain::Role::Admin,
                "agent" => crate::domain::Role::Agent,
                _ => return Err(AppError::invalid("role", "must be admin or agent")),
            })
        } else if let Some(disabled) = disabled {
            AgentChange::Disabled(disabled)
        } else if let Some(password) = password {
            AgentChange::Password(password)
        } else if perms.is_some() {
            AgentChange::Permissions(crate::domain::Permissions {
                view_session_requests: view.is_some() || edit.is_some(),
                edit_session_requests: edit.is_some(),
            })
        } else {
            return Err(AppError::invalid("change", "nothing to change"));
        };
        b.change_agent(agent, id, change).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "clients/list")]
pub async fn list_clients() -> Result<Vec<ClientView>, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.clients(agent).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "clients/save")]
pub async fn save_client(
    id: Option<String>,
    name: String,
    members: Vec<String>,
) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        let id: Option<ClientId> = id
            .filter(|s| !s.is_empty())
            .map(|s| ctx::parse_id("id", &s))
            .transpose()?;
        let members = members
            .iter()
            .map(|m| ctx::parse_id("members", m))
            .collect::<Result<Vec<AgentId>, _>>()?;
        b.save_client(agent, id, name, members).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "settings")]
pub async fn get_settings() -> Result<SettingsView, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.settings(agent).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "settings/save")]
pub async fn save_settings(
    organisation: String,
    default_expiry: String,
    max_expiry: String,
) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.save_settings(agent, organisation, default_expiry, max_expiry)
            .await?;
        ctx::done("settings");
        Ok(())
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "mail/list")]
pub async fn list_outbox(state: String, cursor: String) -> Result<OutboxPage, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.outbox(agent, state, cursor).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "mail/retry")]
pub async fn retry_delivery(id: String) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.retry_delivery(agent, ctx::parse_id("id", &id)?).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "mail/test")]
pub async fn send_test_mail() -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.test_mail(agent).await?;
        ctx::done("test-mail");
        Ok(())
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "webhooks/add")]
pub async fn add_webhook(url: String) -> Result<String, AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.add_webhook(agent, url).await
    })
    .await
}

#[server(prefix = "/portal/api", output = Postcard, endpoint = "webhooks/remove")]
pub async fn remove_webhook(id: String) -> Result<(), AppError> {
    ctx::guard(async move {
        let (b, agent) = ctx::caller()?;
        b.remove_webhook(agent, ctx::parse_id("id", &id)?).await
    })
    .await
}

// The end user's link page's forms (the page itself is rendered by `pages::link_document`).
// The token is the credential, so it travels in the body, never in a URL the server logs.

/// After a plain form post on the link page, back to it (it sends no Referer on purpose).
#[cfg(feature = "ssr")]
fn back_to_link(parts: &http::request::Parts, token: &str) {
    if ctx::is_form_post(parts) {
        leptos_axum::redirect(&format!("/s/{token}"));
    }
}

/// One server function for every button of the link page, so the page holds one action
/// rather than four (each is signals the server builds and drops on every render). Answers
/// the step it did, so the page knows which one succeeded.
#[server(prefix = "/portal/api", output = Postcard, endpoint = "link/act")]
pub async fn link_act(
    token: String,
    step: LinkStep,
    prompt_id: Option<u32>,
) -> Result<LinkStep, AppError> {
    ctx::guard(async move {
        let (b, parts) = (ctx::backend()?, ctx::parts()?);
        match step {
            LinkStep::Checkin => b.link_checkin(&parts, token.clone()).await?,
            LinkStep::Allow | LinkStep::Deny => {
                let Some(prompt_id) = prompt_id else {
                    return Err(AppError::invalid(
                        "prompt_id",
                        "prompt_id: the prompt being answered is missing",
                    ));
                };
                b.link_consent(&parts, token.clone(), prompt_id, step == LinkStep::Allow)
                    .await?
            }
            LinkStep::Decline => b.link_decline(&parts, token.clone()).await?,
            LinkStep::End => b.link_end(&parts, token.clone()).await?,
        }
        back_to_link(&parts, &token);
        Ok(step)
    })
    .await
}
