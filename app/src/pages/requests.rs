//! Session Requests: the Active / Upcoming / Past tabs, filters, live rows with the actions
//! the state machine allows now, and the create dialog (`?create=1`, so it opens without JS).

use leptos::either::*;
use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use super::layout::caller;
use super::texts;
use super::widgets::{
    CopyButton, CopyLink, ErrorNote, Relative, StatusBadge, Tab, Time, ZoneNote, field_error,
};
use crate::domain::Outcome;
use crate::live;
use crate::portal::api::{CreateRequest, RequestAction, create_choices, list_requests};
use crate::portal::{
    AssigneeView, Choices, ListFilter, QueueCounts, RequestForm, RequestPage, RequestRow,
    row_actions,
};

const TABS: [&str; 3] = ["active", "upcoming", "past"];

/// The recipient zones the create and edit forms offer (a stored zone not listed here is
/// offered too), most-used first within each region.
pub const RECIPIENT_ZONES: [&str; 40] = [
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Rome",
    "Europe/Madrid",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Prague",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "America/Buenos_Aires",
    "Africa/Johannesburg",
    "Africa/Cairo",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
];

/// A first guess of the recipient's zone from the language their mail is in (English is
/// spoken everywhere: no guess, so the agent's own zone stays).
pub fn zone_for_language(code: &str) -> Option<&'static str> {
    Some(match code {
        "de" => "Europe/Berlin",
        "fr" => "Europe/Paris",
        "es" => "Europe/Madrid",
        "it" => "Europe/Rome",
        "pt" => "Europe/Lisbon",
        "nl" => "Europe/Amsterdam",
        "pl" => "Europe/Warsaw",
        "ja" => "Asia/Tokyo",
        "ko" => "Asia/Seoul",
        "zh-Hans" => "Asia/Shanghai",
        _ => return None,
    })
}

fn filter_from_query() -> Memo<ListFilter> {
    let q = use_query_map();
    Memo::new(move |_| {
        q.with(|q| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            let view = get("view");
            let outcome = if view == "past" {
                get("outcome")
            } else {
                String::new()
            };
            ListFilter {
                view: if TABS.contains(&view.as_str()) {
                    view
                } else {
                    "active".into()
                },
                status: get("status"),
                assignee: get("assignee"),
                q: get("q"),
                cursor: get("cursor"),
                outcome,
            }
        })
    })
}

#[component]
pub fn Requests() -> impl IntoView {
    let t = texts();
    let me = caller();
    let can_edit = me.as_ref().is_some_and(|m| m.can_edit);
    let filter = filter_from_query();
    let query = use_query_map();
    let creating = Memo::new(move |_| query.with(|q| q.get("create").is_some()) && can_edit);
    let act = ServerAction::<RequestAction>::new();
    let page = super::resource(move || filter.get(), list_requests);
    let choices = super::resource(|| (), |_| create_choices());

    let tab = move |name: &'static str, label: &'static str, count: Option<String>| {
        let selected = Signal::derive(move || filter.read().view == name);
        view! { <Tab href=format!("/?view={name}") id=format!("tab-{name}") label=label selected=selected count=count/> }
    };
    // The tabs with their counts; a live region of their own, so the counts follow the
    // queue. `data-waiting` is what the bundle puts in the browser tab's title.
    let tabs = move |counts: Option<QueueCounts>| {
        let shown = |n: usize, cap: usize| {
            if n > cap {
                format!("{cap}+")
            } else {
                n.to_string()
            }
        };
        let (active, upcoming) = counts.map_or((None, None), |c| {
            (Some(shown(c.active, c.cap)), Some(shown(c.upcoming, c.cap)))
        });
        let waiting = counts.map(|c| shown(c.waiting, c.cap));
        view! {
            <nav class="tabs" aria-label=t.nav_requests data-live="" id="tabs">
                <span hidden="" id="waiting-count" data-waiting=waiting></span>
                {tab("active", t.tab_active, active)}
                {tab("upcoming", t.tab_upcoming, upcoming)}
                {tab("past", t.tab_past, None)}
            </nav>
        }
    };
    view! {
        <div class="page-head">
            <h1>{t.nav_requests}</h1>
            {can_edit.then(|| view! {
                <A href=move || format!("/?view={}&create=1", filter.read().view) attr:class="button primary" attr:id="new-request">
                    "+ " {t.new_request}
                </A>
            })}
        </div>
        <Transition fallback=move || tabs(None)>
            {move || Suspend::new(async move { tabs(page.await.ok().map(|p| p.counts)) })}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                // Tracked: a new tab or filter in the address redraws the form for it.
                let f = filter.get();
                Suspend::new(async move {
                    let choices = choices.await.ok();
                    view! { <Filters filter=f choices=choices/> }
                })
            }}
        </Transition>
        {move || act.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        // Fetched again by the frame when a request changes (`enhance`).
        <div data-live="" id="requests-live">
            <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => Either::Left(view! { <Table page=p filter=filter.get_untracked() act=act can_edit=can_edit/> }),
                        Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                    }
                })}
            </Transition>
        </div>
        <Show when=move || creating.get()>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match choices.await {
                        Ok(c) => Either::Left(view! { <CreateDialog choices=c view=filter.get_untracked().view/> }),
                        Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                    }
                })}
            </Transition>
        </Show>
    }
}

/// Status, assignee and free text; a GET form, so the filter lives in the address.
#[component]
fn Filters(filter: ListFilter, choices: Option<Choices>) -> impl IntoView {
    let t = texts();
    let statuses: Vec<_> = match filter.view.as_str() {
        "upcoming" => vec![crate::domain::Status::Open],
        "past" => vec![
            crate::domain::Status::Closed,
            crate::domain::Status::Expired,
        ],
        _ => vec![
            crate::domain::Status::Waiting,
            crate::domain::Status::Ready,
            crate::domain::Status::InSession,
        ],
    };
    let (agents, clients) = choices.map(|c| (c.agents, c.clients)).unwrap_or_default();
    let sel = filter.assignee.clone();
    let status_sel = filter.status.clone();
    view! {
        <Form method="GET" action="/" attr:class="filters" attr:aria-label=t.filters>
            <input type="hidden" name="view" value=filter.view.clone()/>
            <label>
                <span>{t.col_status}</span>
                <select name="status" id="filter-status">
                    <option value="">{t.any_status}</option>
                    {statuses.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=status_sel == s.as_str()>{t.status(s)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{t.col_assignee}</span>
                <select name="assignee" id="filter-assignee">
                    <option value="">{t.anyone}</option>
                    <option value="me" selected=sel == "me">{t.me}</option>
                    <option value="unassigned" selected=sel == "unassigned">{t.unassigned}</option>
                    <optgroup label=t.agents>
                        {agents.into_iter().map(|(id, name)| {
                            let v = id.to_string();
                            view! { <option selected=sel == v value=v.clone()>{name}</option> }
                        }).collect_view()}
                    </optgroup>
                    <optgroup label=t.clients>
                        {clients.into_iter().map(|(id, name)| {
                            let v = id.to_string();
                            view! { <option selected=sel == v value=v.clone()>{name}</option> }
                        }).collect_view()}
                    </optgroup>
                </select>
            </label>
            {(filter.view == "past").then(|| {
                let chosen = filter.outcome.clone();
                view! {
                    <label>
                        <span>{t.col_outcome}</span>
                        <select name="outcome" id="filter-outcome">
                            <option value="">{t.any_outcome}</option>
                            {Outcome::ALL.into_iter().map(|o| view! {
                                <option value=o.as_str() selected=chosen == o.as_str()>{t.outcome(o)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                }
            })}
            <label class="grow">
                <span>{t.search}</span>
                <input type="search" name="q" id="filter-q" value=filter.q.clone() placeholder=t.search_hint maxlength="200"/>
            </label>
            <button type="submit" class="secondary">{t.apply}</button>
        </Form>
    }
}

#[component]
fn Table(
    page: RequestPage,
    filter: ListFilter,
    act: ServerAction<RequestAction>,
    can_edit: bool,
) -> impl IntoView {
    let t = texts();
    if page.rows.is_empty() {
        return Either::Left(view! { <p class="empty" id="no-requests">{t.no_requests}</p> });
    }
    let now = page.now;
    let next = page.next_cursor.map(|c| {
        let href = format!(
            "/?view={}&status={}&assignee={}&q={}&outcome={}&cursor={c}",
            filter.view,
            filter.status,
            filter.assignee,
            urlencode(&filter.q),
            filter.outcome,
        );
        view! { <A href=href attr:class="button secondary" attr:rel="next">{t.next_page}</A> }
    });
    let first = (!filter.cursor.is_empty()).then(|| {
        view! { <A href=format!("/?view={}", filter.view) attr:class="button secondary">{t.first_page}</A> }
    });
    let columns = Columns::of(&filter.view);
    // Each view shows what matters there: how long people wait, when things are planned,
    // how they ended.
    let heads = match columns {
        Columns::Active => [t.col_waiting_for, t.col_assignee, t.col_expiry],
        Columns::Upcoming => [t.col_assignee, t.col_schedule, t.col_expiry],
        Columns::Past => [t.col_ended, t.col_session, t.col_outcome],
    };
    Either::Right(view! {
        <div class="table-wrap">
            <table class="requests" id="requests" data-view=filter.view.clone()>
                <thead>
                    <tr>
                        <th scope="col">{t.col_status}</th>
                        <th scope="col">{t.col_recipient}</th>
                        {heads.map(|h| view! { <th scope="col">{h}</th> }).to_vec()}
                        {(columns == Columns::Past).then(|| view! { <th scope="col">{t.col_assignee}</th> })}
                        <th scope="col">{t.col_actions}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| view! { <Row row=row now=now act=act can_edit=can_edit columns=columns/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">{first}{next}</nav>
        <ZoneNote/>
    })
}

pub fn assignee_name(a: &AssigneeView) -> String {
    match a {
        AssigneeView::Unassigned => texts().unassigned.to_owned(),
        AssigneeView::Agent { name, .. } | AssigneeView::Client { name, .. } => name.clone(),
    }
}

/// The columns between the recipient and the actions, per tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Columns {
    Active,
    Upcoming,
    Past,
}

impl Columns {
    fn of(view: &str) -> Columns {
        match view {
            "upcoming" => Columns::Upcoming,
            "past" => Columns::Past,
            _ => Columns::Active,
        }
    }
}

#[component]
fn Row(
    row: RequestRow,
    now: crate::portal::Instant,
    act: ServerAction<RequestAction>,
    can_edit: bool,
    columns: Columns,
) -> impl IntoView {
    let t = texts();
    let id = row.id.to_string();
    let actions = row_actions(&row, can_edit);
    let online = row.online.then(|| view! { <span class="online" title=t.online>"● " <span class="sr-only">{t.online}</span></span> });
    view! {
        <tr data-id=id.clone() data-status=row.status.as_str()>
            <td data-label=t.col_status><StatusBadge status=row.status/></td>
            <td data-label=t.col_recipient>
                {online}
                <A href=format!("/requests/{id}") attr:class="recipient">{row.recipient_name.clone()}</A>
                {row.recipient_email.clone().map(|e| view! { <div class="muted">{e}</div> })}
            </td>
            {match columns {
                Columns::Active => EitherOf3::A(view! {
                    <td data-label=t.col_waiting_for class="waiting-for">
                        {row.waiting_since.map(|at| view! {
                            <time datetime=at.rfc3339() title=at.utc_text()>{t.duration(now.as_second() - at.as_second())}</time>
                        })}
                    </td>
                    <td data-label=t.col_assignee>{assignee_name(&row.assignee)}</td>
                    <td data-label=t.col_expiry><Relative at=row.expires_at now=now/></td>
                }),
                Columns::Upcoming => EitherOf3::B(view! {
                    <td data-label=t.col_assignee>{assignee_name(&row.assignee)}</td>
                    <td data-label=t.col_schedule>
                        {row.scheduled_at.map(|at| view! { <Time at=at/> })}
                        {row.missed.then(|| view! { " " <span class="badge missed" data-missed="true">{t.missed}</span> })}
                    </td>
                    <td data-label=t.col_expiry>
                        {(!row.status.is_terminal()).then(|| view! { <Relative at=row.expires_at now=now/> })}
                    </td>
                }),
                Columns::Past => EitherOf3::C(view! {
                    <td data-label=t.col_ended>{row.ended.map(|(at, _)| view! { <Time at=at/> })}</td>
                    <td data-label=t.col_session class="session-length">
                        {if row.session_secs > 0 { t.duration(row.session_secs as i64) } else { "—".to_owned() }}
                    </td>
                    <td data-label=t.col_outcome>
                        {row.ended.map(|(_, o)| view! { <span class="outcome" data-outcome=o.as_str()>{t.outcome(o)}</span> })}
                    </td>
                    <td data-label=t.col_assignee>{assignee_name(&row.assignee)}</td>
                }),
            }}
            <td data-label=t.col_actions class="actions">
                <RowButtons id=id.clone() actions=actions act=act/>
                {row.link.clone().filter(|_| !row.status.is_terminal()).map(|link| view! { <CopyButton link/> })}
            </td>
        </tr>
    }
}

/// The next step as one button, the rest in a *More* menu, and *Close* asking first (it
/// ends the link and mails the recipient). Each is a small form: posts without JS,
/// dispatches with it; the menus are plain `<details>`, so they work without JS too, and
/// carry a `data-keep` key so that a live update of the row leaves an open menu open.
#[component]
pub fn RowButtons(
    id: String,
    actions: Vec<crate::portal::RowAction>,
    act: ServerAction<RequestAction>,
) -> impl IntoView {
    use crate::portal::RowAction as A;
    let t = texts();
    let button = move |id: String, a: A, class: &'static str, label: &'static str| {
        view! {
            <ActionForm action=act attr:class="inline">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="action" value=a.as_str()/>
                <button type="submit" class=class data-action=a.as_str() disabled=move || act.pending().get()>{label}</button>
            </ActionForm>
        }
    };
    // The next step, in the order a session goes.
    let primary = [A::Connect, A::Start, A::End, A::Reopen, A::Resend]
        .into_iter()
        .find(|p| actions.contains(p));
    let close = actions.contains(&A::Close);
    let rest: Vec<A> = actions
        .iter()
        .copied()
        .filter(|a| Some(*a) != primary && *a != A::Close)
        .collect();
    let main = primary.map(|a| {
        let class = if matches!(a, A::Connect | A::Start) {
            "primary"
        } else {
            "secondary"
        };
        button(id.clone(), a, class, t.action(a))
    });
    let menu =
        (!rest.is_empty() || close).then(|| {
            let items = rest
                .into_iter()
                .map(|a| button(id.clone(), a, "secondary", t.action(a)))
                .collect_view();
            let confirm = close.then(|| view! {
            <details class="confirm" data-keep=format!("{id}/confirm")>
                <summary class="button secondary" data-confirm="close">{t.act_close}</summary>
                <p class="hint">{t.close_confirm}</p>
                {button(id.clone(), A::Close, "danger", t.close_yes)}
            </details>
        });
            view! {
                <details class="more" data-keep=format!("{id}/more")>
                    <summary class="button secondary">{t.more}</summary>
                    <div class="menu">{items}{confirm}</div>
                </details>
            }
        });
    view! { {main}{menu} }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A duration in settings (seconds) as words, e.g. "7 d".
fn span(secs: u64) -> String {
    texts().duration(secs as i64)
}

/// The create dialog; after success, the link with a copy button (shown once: an island, so
/// the answer of its server function stays on the page).
#[cfg_attr(feature = "link-bundle", component)]
#[cfg_attr(not(feature = "link-bundle"), island)]
fn CreateDialog(choices: Choices, view: String) -> impl IntoView {
    let t = texts();
    let create = ServerAction::<CreateRequest>::new();
    // Only success swaps the form for the link: a refused submission keeps what was typed.
    let done = Memo::new(move |_| create.value().get().and_then(|r| r.ok()));
    // The list behind the dialog shows the new request.
    Effect::new(move |_| {
        if done.with(Option::is_some) {
            live::request_refresh();
        }
    });
    let close_href = format!("/?view={view}");
    let close_href2 = close_href.clone();
    let escape_href = close_href.clone();
    view! {
        <div class="backdrop" on:keydown=move |ev| {
            if ev.key() == "Escape" {
                live::go(&escape_href);
            }
        }>
            <dialog open class="dialog" aria-labelledby="create-title" id="create-dialog" aria-modal="true">
                <h2 id="create-title">{t.create_title}</h2>
                {move || match done.get() {
                    Some(done) => Either::Right(view! {
                        <div class="created" id="created">
                            <p>{t.created}</p>
                            <CopyLink link=done.link.clone() id="created-link".to_string()/>
                            <p><a class="button primary" href=format!("/requests/{}", done.id) id="created-open">{t.details}</a>
                            " " <a class="button secondary" href=close_href.clone() id="created-done">{t.done}</a></p>
                        </div>
                    }),
                    None => {
                        let (choices, cancel) = (choices.clone(), close_href2.clone());
                        Either::Left(view! {
                        <ActionForm action=create attr:id="create-form">
                            <RequestFields choices=choices form=RequestForm::default() error=Signal::derive(move || create.value().get().and_then(|r| r.err())) with_expiry_hint=true autofocus=true/>
                            <div class="buttons">
                                <button type="submit" class="primary" id="create-submit" disabled=move || create.pending().get()>{t.create}</button>
                                <a class="button secondary" href=cancel>{t.cancel}</a>
                            </div>
                        </ActionForm>
                    })
                    }
                }}
            </dialog>
        </div>
    }
}

/// The fields of a request, for create and edit. Names are `form[...]` (the server function's
/// argument); errors from the server appear next to the field they name.
#[component]
pub fn RequestFields(
    choices: Choices,
    form: RequestForm,
    error: Signal<Option<crate::portal::AppError>>,
    #[prop(default = false)] with_expiry_hint: bool,
    /// Keyboard users start in the first field (the create dialog): the page opens with
    /// the dialog, so the browser focuses it on load, before any script.
    #[prop(default = false)]
    autofocus: bool,
) -> impl IntoView {
    let t = texts();
    let res = move || error.get();
    // The agent's zone: the browser's once hydrated (the server cannot know it).
    let tz = RwSignal::new(if form.time_zone.is_empty() {
        "UTC".to_owned()
    } else {
        form.time_zone.clone()
    });
    let keep_tz = !form.time_zone.is_empty();
    // The agent's pages speak the agent's zone: an edit form that came in the request's zone
    // shows its times again in the browser's (and posts them in it).
    let shown = form.shown_ms;
    Effect::new(move |_| {
        let Some(z) = live::time_zone() else { return };
        match shown {
            _ if !keep_tz => tz.set(z),
            Some((scheduled, expires)) if z != tz.get_untracked() => {
                let set = |id: &str, ms: i64| {
                    if let Some(text) = live::input_time(crate::portal::Instant(ms)) {
                        live::set_input_value(id, &text);
                    }
                };
                if let Some(ms) = scheduled {
                    set("f-scheduled_at", ms);
                }
                set("f-expires_at", expires);
                tz.set(z);
            }
            _ => {}
        }
    });
    let assign = if form.assign.is_empty() {
        "me".to_owned()
    } else {
        form.assign.clone()
    };
    let lang = if form.email_language.is_empty() {
        "en".to_owned()
    } else {
        form.email_language.clone()
    };
    // The recipient's zone: as stored, or guessed from the mail's language until the agent
    // picks one (empty: the same as the times' zone).
    let recipient_zone = RwSignal::new(if keep_tz || !form.recipient_zone.is_empty() {
        form.recipient_zone.clone()
    } else {
        zone_for_language(&lang).unwrap_or_default().to_owned()
    });
    let zone_picked = RwSignal::new(keep_tz || !form.recipient_zone.is_empty());
    let mut zones: Vec<String> = RECIPIENT_ZONES.iter().map(|z| (*z).to_owned()).collect();
    if !form.recipient_zone.is_empty() && !zones.contains(&form.recipient_zone) {
        zones.insert(0, form.recipient_zone.clone());
    }
    let described = |f: &str| format!("err-{f}");
    view! {
        <div class="fields">
            <label for="f-recipient_name">{t.recipient_name}</label>
            <input id="f-recipient_name" name="form[recipient_name]" required maxlength="200" value=form.recipient_name.clone() aria-describedby=described("recipient_name") autofocus=autofocus/>
            {field_error(res, "recipient_name")}

            <label for="f-assign">{t.assign_to}</label>
            <select id="f-assign" name="form[assign]" aria-describedby=described("assignee")>
                <option value="unassigned" selected=assign == "unassigned">{t.unassigned}</option>
                <option value="me" selected=assign == "me">{t.me}</option>
                <optgroup label=t.agents>
                    {choices.agents.iter().map(|(id, name)| {
                        let v = format!("agent:{id}");
                        view! { <option selected=assign == v value=v.clone()>{name.clone()}</option> }
                    }).collect_view()}
                </optgroup>
                <optgroup label=t.clients>
                    {choices.clients.iter().map(|(id, name)| {
                        let v = format!("client:{id}");
                        view! { <option selected=assign == v value=v.clone()>{name.clone()}</option> }
                    }).collect_view()}
                </optgroup>
            </select>
            {field_error(res, "assignee")}

            <label for="f-recipient_email">{t.recipient_email}</label>
            <input id="f-recipient_email" name="form[recipient_email]" type="email" value=form.recipient_email.clone() aria-describedby=described("recipient_email")/>
            {field_error(res, "recipient_email")}

            <label class="check">
                <input id="f-send_email" type="checkbox" name="form[send_email]" value="true" checked=form.send_email/>
                " " {t.send_invitation}
            </label>
            {field_error(res, "send_email")}

            <label for="f-email_language">{t.email_language}</label>
            <select id="f-email_language" name="form[email_language]" on:change=move |ev| {
                if !zone_picked.get_untracked() {
                    let code = event_target_value(&ev);
                    recipient_zone.set(zone_for_language(&code).unwrap_or_default().to_owned());
                }
            }>
                // The mails speak the portal's languages (`i18n::LANGS`).
                {crate::i18n::LANGS.iter().map(|(_, code, name)| view! {
                    <option value=*code selected=lang == *code>{*name}</option>
                }).collect_view()}
            </select>
            {field_error(res, "email_language")}

            <label for="f-comment">{t.comment}</label>
            <textarea id="f-comment" name="form[comment]" maxlength="4000" rows="3" aria-describedby=described("comment")>{super::widgets::textarea_text(&form.comment)}</textarea>
            {field_error(res, "comment")}
            <label class="check">
                <input id="f-share_comment" type="checkbox" name="form[share_comment]" value="true" checked=form.share_comment/>
                " " {t.share_comment}
            </label>

            <label for="f-scheduled_at">{t.schedule}</label>
            <input id="f-scheduled_at" name="form[scheduled_at]" type="datetime-local" value=form.scheduled_at.clone() aria-describedby="tz-note"/>
            {field_error(res, "scheduled_at")}
            // The hour the clocks go back happens twice: asked only then, beside the time.
            {move || res().and_then(|e| e.for_field("scheduled_fold")).map(|m| view! {
                <span class="field-error" id="err-scheduled_fold" role="alert">{m}</span>
                <label for="f-scheduled_fold">{t.fold_choice}</label>
                <select id="f-scheduled_fold" name="form[scheduled_fold]">
                    <option value="earlier">{t.fold_earlier}</option>
                    <option value="later">{t.fold_later}</option>
                </select>
            })}

            <label for="f-expires_at">{t.expiration}</label>
            <input id="f-expires_at" name="form[expires_at]" type="datetime-local" value=form.expires_at.clone() aria-describedby="tz-note expiry-hint"/>
            {with_expiry_hint.then(|| view! {
                <span class="hint" id="expiry-hint">{crate::i18n::fill(t.expiry_hint, &[("default", &span(choices.default_expiry_secs)), ("max", &span(choices.max_expiry_secs))])}</span>
            })}
            {field_error(res, "expires_at")}

            <input type="hidden" name="form[time_zone]" value=move || tz.get()/>
            <span class="hint" id="tz-note">{move || crate::i18n::fill(t.time_zone_note, &[("tz", &tz.get())])}</span>
            {field_error(res, "time_zone")}

            <label for="f-recipient_zone">{t.recipient_zone}</label>
            <select id="f-recipient_zone" name="form[recipient_zone]" aria-describedby="recipient-zone-hint"
                prop:value=move || recipient_zone.get()
                on:change=move |ev| {
                    zone_picked.set(true);
                    recipient_zone.set(event_target_value(&ev));
                }>
                <option value="" selected=move || recipient_zone.get().is_empty()>
                    {move || crate::i18n::fill(t.zone_same, &[("tz", &tz.get())])}
                </option>
                {zones.into_iter().map(|z| {
                    let (v, label) = (z.clone(), z.replace('_', " "));
                    view! { <option value=v.clone() selected=move || recipient_zone.get() == v>{label}</option> }
                }).collect_view()}
            </select>
            <span class="hint" id="recipient-zone-hint">{t.recipient_zone_hint}</span>
            {field_error(res, "recipient_zone")}
        </div>
    }
}
