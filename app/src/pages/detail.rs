//! One request: its fields, the actions allowed now, the edit form (while it can change),
//! and the timeline of who did what when.

use leptos::either::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::layout::caller;
use super::requests::{RequestFields, RowButtons, assignee_name};
use super::session::SessionView;
use super::texts;
use super::widgets::{CopyLink, ErrorNote, Relative, StatusBadge, Time, in_browser, live_version};
use crate::domain::EventKind;
use crate::portal::api::{EditRequest, RequestAction, create_choices, get_request};
use crate::portal::{ActorView, RequestDetail, RowAction, row_actions};

#[component]
pub fn Detail() -> impl IntoView {
    let t = texts();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let version = live_version();
    let act = ServerAction::<RequestAction>::new();
    let edit = ServerAction::<EditRequest>::new();
    let detail = super::resource(
        move || {
            (
                id(),
                version.get(),
                act.version().get(),
                edit.version().get(),
            )
        },
        |(id, _, _, _)| get_request(id),
    );
    // Made here, not inside the body that shows it: a resource first created inside another
    // resource's view is missing from the server's hydration data, and the page would not
    // hydrate on a direct load.
    let choices = super::resource(|| (), |_| create_choices());
    // The session view stays mounted while the request is live (it holds a socket and maybe
    // a video connection); a refetch in flight keeps the last answer. It is live-only, so it
    // appears after hydration (the server's render cannot know what the socket will say).
    let browser = in_browser();
    let can_connect = caller().is_some_and(|m| m.can_edit);
    let live_session = Memo::new(move |prev: Option<&bool>| {
        detail
            .get()
            .and_then(|r| r.ok())
            .map(|d| can_connect && !d.row.status.is_terminal())
            .or(prev.copied())
            .unwrap_or(false)
    });
    let ice_servers = Signal::derive(move || {
        detail
            .get()
            .and_then(|r| r.ok())
            .map(|d| d.ice_servers)
            .unwrap_or_default()
    });
    view! {
        <p><A href="/" attr:class="back">"← " {t.back_to_list}</A></p>
        {move || act.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => Either::Left(view! { <Body d=d act=act edit=edit choices=choices/> }),
                    Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                }
            })}
        </Transition>
        <div class="session-slot">
            {move || (browser.get() && live_session.get()).then(|| view! { <SessionView id=id() ice_servers=ice_servers/> })}
        </div>
    }
}

#[component]
fn Body(
    d: RequestDetail,
    act: ServerAction<RequestAction>,
    edit: ServerAction<EditRequest>,
    choices: Resource<Result<crate::portal::Choices, crate::portal::AppError>, super::Wire>,
) -> impl IntoView {
    let t = texts();
    let can_edit = caller().is_some_and(|m| m.can_edit);
    let row = d.row.clone();
    let id = row.id.to_string();
    let running_ms = d
        .session_started_at
        .map_or(0, |s| (d.now.0 - s.0).max(0) as u64);
    let session_secs = (d.session_total_ms + running_ms) / 1000;
    let editable = can_edit && !row.status.is_terminal();
    let mut actions = row_actions(&row, can_edit);
    if can_edit && d.link_bound {
        actions.push(RowAction::Release);
    }
    let form = d.form.clone();
    let edit_id = id.clone();
    view! {
        <div class="page-head">
            <h1 id="detail-title">{row.recipient_name.clone()}</h1>
            <StatusBadge status=row.status/>
        </div>
        <div class="actions detail-actions">
            <RowButtons id=id.clone() actions=actions act=act/>
        </div>
        <div class="columns">
            <section aria-labelledby="fields-title" class="card">
                <h2 id="fields-title">{t.details}</h2>
                <dl class="fields-list">
                    <dt>{t.recipient_email}</dt><dd>{row.recipient_email.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>{t.col_assignee}</dt><dd>{assignee_name(&row.assignee)}</dd>
                    <dt>{t.send_invitation}</dt><dd>{if row.send_email { "✔" } else { "—" }}</dd>
                    <dt>{t.email_language}</dt><dd>{d.email_language.clone()}</dd>
                    <dt>{t.comment}</dt><dd class="pre">{if d.comment.is_empty() { "—".to_owned() } else { d.comment.clone() }}</dd>
                    <dt>{t.schedule}</dt><dd>{match row.scheduled_at {
                        Some(at) => Either::Left(view! { <Time at=at/> {row.time_zone.clone().map(|z| format!(" ({z})"))} }),
                        None => Either::Right(t.not_scheduled),
                    }}</dd>
                    <dt>{t.expiration}</dt><dd><Time at=row.expires_at/> " (" <Relative at=row.expires_at now=d.now/> ")"</dd>
                    <dt>{t.session_time}</dt><dd id="session-time">{clock(session_secs)}</dd>
                    <dt>{t.created_by}</dt><dd>{d.created_by.clone()}</dd>
                    <dt>{t.created_at}</dt><dd><Time at=d.created_at/></dd>
                    <dt>{t.updated_at}</dt><dd><Time at=d.updated_at/></dd>
                    <dt>{t.link}</dt><dd>{if row.status.is_terminal() { Either::Left("—") } else { Either::Right(view! { <CopyLink link=row.link.clone()/> }) }}</dd>
                </dl>
            </section>
            <section aria-labelledby="timeline-title" class="card">
                <h2 id="timeline-title">{t.timeline}</h2>
                <ol class="timeline" id="timeline">
                    {d.events.iter().rev().map(|e| {
                        let who = match &e.actor {
                            ActorView::Agent(name) => name.clone(),
                            ActorView::EndUser => t.end_user.to_owned(),
                            ActorView::System => t.system.to_owned(),
                        };
                        view! {
                            <li data-kind=e.kind.name()>
                                <Time at=e.at/> " · " <strong>{t.event(&e.kind)}</strong>
                                {match e.kind { EventKind::SessionEnded { duration_ms } => Some(format!(" ({})", clock(duration_ms / 1000))), _ => None }}
                                " · " {who}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        </div>
        {editable.then(|| view! {
            <section aria-labelledby="edit-title" class="card">
                <h2 id="edit-title">{t.save}</h2>
                <Transition fallback=|| ()>
                    {
                        let form = form.clone();
                        let edit_id = edit_id.clone();
                        move || {
                            let form = form.clone();
                            let edit_id = edit_id.clone();
                            Suspend::new(async move {
                                choices.await.ok().map(|c| view! {
                                    <ActionForm action=edit attr:id="edit-form">
                                        <input type="hidden" name="id" value=edit_id/>
                                        <RequestFields choices=c form=form error=Signal::derive(move || edit.value().get().and_then(|r| r.err()))/>
                                        <div class="buttons">
                                            <button type="submit" class="primary" disabled=move || edit.pending().get()>{t.save}</button>
                                            {move || edit.value().get().and_then(|r| r.ok()).map(|_| view! { <span role="status">{t.saved}</span> })}
                                        </div>
                                    </ActionForm>
                                })
                            })
                        }
                    }
                </Transition>
            </section>
        })}
    }
}

/// A duration as h:mm:ss.
fn clock(secs: u64) -> String {
    format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}
