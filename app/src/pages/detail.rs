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
use super::widgets::{
    CheckMark, CopyLink, ErrorNote, Relative, StatusBadge, Time, TimeIn, ZoneNote,
};
use crate::domain::EventKind;
use crate::live;
use crate::portal::api::{EditRequest, RequestAction, create_choices, get_request};
use crate::portal::{ActorView, Choices, RequestDetail, RequestForm, RowAction, row_actions};

#[component]
pub fn Detail() -> impl IntoView {
    let t = texts();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let act = ServerAction::<RequestAction>::new();
    let detail = super::resource(id, get_request);
    let can_edit = caller().is_some_and(|m| m.can_edit);
    view! {
        <p><A href="/" attr:class="back">"← " {t.back_to_list}</A></p>
        {move || act.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => {
                        let live_request = can_edit && !d.row.status.is_terminal();
                        let in_session = d.row.status == crate::domain::Status::InSession;
                        let (id, form, ice_servers, end_keeps) = (d.row.id.to_string(), d.form.clone(), d.ice_servers.clone(), d.end_keeps);
                        // Only for the edit form (not for a finished request, a view-only
                        // agent, or the live refresh of such a page).
                        let choices = if live_request {
                            create_choices().await.ok().map(|c| c.with_current(&d.row.assignee))
                        } else {
                            None
                        };
                        Either::Left(view! {
                            // The live region is fetched again by the frame when the request
                            // changes (`enhance`); the session view and the edit form keep
                            // their state.
                            // The session first: during a session the picture matters most,
                            // and the details and edit form wait below it.
                            <div class="session-slot">
                                {live_request.then(|| view! { <SessionView id=id.clone() ice_servers=ice_servers end_keeps=end_keeps/> })}
                            </div>
                            <div data-live="" id="detail-live"><Body d=d act=act/></div>
                            // During a session the edit form waits, folded, below the picture.
                            {choices.map(|c| view! {
                                <details class="edit-details" id="edit-details" open=!in_session>
                                    <summary>{t.edit_request}</summary>
                                    <EditForm id=id choices=c form=form/>
                                </details>
                            })}
                        })
                    }
                    Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Body(d: RequestDetail, act: ServerAction<RequestAction>) -> impl IntoView {
    let t = texts();
    let can_edit = caller().is_some_and(|m| m.can_edit);
    let row = d.row.clone();
    let id = row.id.to_string();
    let session_secs = row.session_secs;
    let mut actions = row_actions(&row, can_edit);
    if can_edit && d.link_bound {
        actions.push(RowAction::Release);
    }
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
                    <dt>{t.send_invitation}</dt><dd>{if row.send_email { Either::Left(view! { <CheckMark label=t.yes/> }) } else { Either::Right("—") }}</dd>
                    <dt>{t.email_language}</dt><dd>{d.email_language.clone()}</dd>
                    <dt>{t.comment}</dt><dd class="pre">{if d.comment.is_empty() { "—".to_owned() } else { d.comment.clone() }}</dd>
                    <dt>{t.schedule}</dt><dd>{match row.scheduled_at {
                        // The agent's time; the recipient's beside it, in their zone.
                        Some(at) => Either::Left(view! {
                            <Time at=at/>
                            {row.time_zone.clone().map(|z| view! {
                                <span class="muted recipient-time">" · " {t.for_recipient} " " <TimeIn at=at zone=z.clone()/> " (" {z} ")"</span>
                            })}
                        }),
                        None => Either::Right(t.not_scheduled),
                    }}</dd>
                    <dt>{t.expiration}</dt><dd><Time at=row.expires_at/> " (" <Relative at=row.expires_at now=d.now/> ")"</dd>
                    <dt>{t.session_time}</dt><dd id="session-time">{clock(session_secs)}</dd>
                    <dt>{t.created_by}</dt><dd>{d.created_by.clone()}</dd>
                    <dt>{t.created_at}</dt><dd><Time at=d.created_at/></dd>
                    <dt>{t.updated_at}</dt><dd><Time at=d.updated_at/></dd>
                    <dt>{t.link}</dt><dd>{match row.link.clone().filter(|_| !row.status.is_terminal()) { None => Either::Left("—"), Some(link) => Either::Right(view! { <CopyLink link/> }) }}</dd>
                </dl>
                <ZoneNote/>
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
                                {match e.kind {
                                    EventKind::SessionEnded { duration_ms } => Some(format!(" ({})", clock(duration_ms / 1000))),
                                    EventKind::SessionFinished { duration_ms, reason } => Some(format!(" ({}, {})", clock(duration_ms / 1000), t.end_reason(reason))),
                                    _ => None,
                                }}
                                " · " {who}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        </div>
    }
}

/// The edit form of a request that can still change. An island: a refused save keeps what
/// was typed, beside the error, and a saved one says so.
#[cfg_attr(feature = "link-bundle", component)]
#[cfg_attr(not(feature = "link-bundle"), island)]
fn EditForm(id: String, choices: Choices, form: RequestForm) -> impl IntoView {
    let t = texts();
    let edit = ServerAction::<EditRequest>::new();
    let saved = move || edit.value().get().is_some_and(|r| r.is_ok());
    // The timeline and fields above show the change.
    Effect::new(move |_| {
        if saved() {
            live::request_refresh();
        }
    });
    view! {
        <section aria-labelledby="edit-title" class="card">
            <h2 id="edit-title">{t.save}</h2>
            <ActionForm action=edit attr:id="edit-form">
                <input type="hidden" name="id" value=id/>
                <RequestFields choices=choices form=form error=Signal::derive(move || edit.value().get().and_then(|r| r.err()))/>
                <div class="buttons">
                    <button type="submit" class="primary" disabled=move || edit.pending().get()>{t.save}</button>
                    {move || saved().then(|| view! { <span role="status">{t.saved}</span> })}
                </div>
            </ActionForm>
        </section>
    }
}

/// A duration as h:mm:ss.
fn clock(secs: u64) -> String {
    format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}
