//! Small pieces the pages share: status badges, times, errors and the copy-link button.

use leptos::prelude::*;

use super::texts;
use crate::domain::Status;
use crate::portal::{AppError, Instant};

/// Status as icon plus words: the shape tells the six apart without colour. The icons are
/// drawn (SVG in the text's colour), not characters: emoji and rarer symbols show as empty
/// boxes where no font has them (many Linux desktops).
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let shape = match status {
        // A ring.
        Status::Open => {
            r#"<circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" stroke-width="2"/>"#
        }
        // A ring with its first quarter filled: someone is there.
        Status::Waiting => {
            r#"<circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M8 3a5 5 0 0 1 5 5H8z" fill="currentColor"/>"#
        }
        Status::Ready => r#"<path d="M8 1.5 14.5 8 8 14.5 1.5 8z" fill="currentColor"/>"#,
        Status::InSession => r#"<path d="M4 2.5 13.5 8 4 13.5z" fill="currentColor"/>"#,
        Status::Closed => r#"<rect x="3" y="3" width="10" height="10" fill="currentColor"/>"#,
        // An hourglass.
        Status::Expired => {
            r#"<path d="M3.5 2h9v1.5L9.5 8l3 4.5V14h-9v-1.5l3-4.5-3-4.5z" fill="currentColor"/>"#
        }
    };
    view! {
        <span class=format!("badge status-{}", status.as_str()) data-status=status.as_str()>
            <svg class="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false" inner_html=shape></svg>
            " "
            {texts().status(status)}
        </span>
    }
}

/// A drawn check mark (see `StatusBadge` for why not a character).
#[component]
pub fn CheckMark(label: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" width="14" height="14" role="img" aria-label=label>
            <path d="M2.5 8.5 6.5 12.5 13.5 4" fill="none" stroke="currentColor" stroke-width="2.2"/>
        </svg>
    }
}

/// An absolute time in UTC, as the server renders it; the portal's bundle (`enhance`)
/// rewrites every `time[data-ms]` into the viewer's own zone once the page runs.
#[component]
pub fn Time(at: Instant) -> impl IntoView {
    view! { <time datetime=at.rfc3339() data-ms=at.0.to_string()>{at.utc_text()}</time> }
}

/// An absolute time in a given zone (the recipient's), rewritten by the bundle like `Time`.
#[component]
pub fn TimeIn(at: Instant, zone: String) -> impl IntoView {
    view! { <time datetime=at.rfc3339() data-ms=at.0.to_string() data-zone=zone>{at.utc_text()}</time> }
}

/// "Times are in your time zone: Europe/Berlin": the zone the agent's pages show times in
/// (UTC as the server renders them, the browser's own once the bundle runs).
#[component]
pub fn ZoneNote() -> impl IntoView {
    view! { <p class="hint zone-note">{texts().your_zone_note} " " <span data-local-zone="">"UTC"</span></p> }
}

/// One tab of a tab bar: a link that says whether it is the current view, and how many
/// things it holds where that is known.
#[component]
pub fn Tab(
    href: String,
    id: String,
    label: &'static str,
    #[prop(into)] selected: Signal<bool>,
    #[prop(default = None)] count: Option<String>,
) -> impl IntoView {
    view! {
        <a href=href id=id aria-current=move || if selected.get() { "page" } else { "false" }
           class=move || if selected.get() { "tab selected" } else { "tab" }>
            {label}
            {count.map(|n| view! { " " <span class="count">{n}</span> })}
        </a>
    }
}

/// "in 3 h" / "5 min ago", against the server's `now` of the same response.
#[component]
pub fn Relative(at: Instant, now: Instant) -> impl IntoView {
    let secs = at.as_second() - now.as_second();
    view! { <time datetime=at.rfc3339() title=at.utc_text()>{texts().relative(secs)}</time> }
}

/// An error for people: known codes in their language, the server's sentence otherwise.
pub fn error_text(e: &AppError) -> String {
    let t = texts();
    match e.code.as_str() {
        "forbidden" | "cross_site" => t.forbidden.to_owned(),
        "invalid_credentials" => t.wrong_credentials.to_owned(),
        "totp_required" => t.totp_required.to_owned(),
        "rate_limited" => t.rate_limited.to_owned(),
        _ => format!("{} {}", t.error_prefix, e.message),
    }
}

#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    view! { <p class="error" role="alert">{error_text(&error)}</p> }
}

/// Whether this page was reached after a plain form post that did `what`: the server
/// function sent the browser back with `done=WHAT` in the address (`portal::api`).
pub fn done(what: &str) -> bool {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get("done").as_deref() == Some(what))
}

/// The message for `field` of a failed form submission, shown beside the field.
pub fn field_error(
    error: impl Fn() -> Option<AppError> + Copy + Send + Sync + 'static,
    field: &'static str,
) -> impl IntoView {
    move || {
        error()
            .and_then(|e| e.for_field(field))
            .map(|m| view! { <span class="field-error" id=format!("err-{field}") role="alert">{m}</span> })
    }
}

/// A read-only field holding a link with a one-click copy button (select-and-copy without JS).
#[component]
pub fn CopyLink(link: String, #[prop(optional)] id: Option<String>) -> impl IntoView {
    view! {
        <span class="copy-link">
            <input type="text" readonly value=link.clone() aria-label=texts().link id=id class="link-field"/>
            <CopyButton link=link/>
        </span>
    }
}

/// Puts a link on the clipboard with one click, and says so: the bundle's one listener
/// (`enhance`) handles every `button.copy[data-link]`, rows refreshed in place included.
#[component]
pub fn CopyButton(link: String) -> impl IntoView {
    let t = texts();
    view! {
        <button type="button" class="secondary copy" data-link=link data-copied=t.copied>{t.copy_link}</button>
    }
}

/// The chat panel, the same on both sides.
#[component]
pub fn Chat(
    lines: RwSignal<Vec<crate::live::ChatLine>>,
    title: String,
    placeholder: String,
    send: String,
    on_send: impl Fn(String) + Send + Sync + 'static,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(el) = input.get() else { return };
        let text = el.value();
        if !text.trim().is_empty() {
            on_send(text);
            el.set_value("");
        }
    };
    view! {
        <section class="chat card" aria-labelledby="chat-title">
            <h2 id="chat-title">{title}</h2>
            <ol class="chat-log" id="chat-log" aria-live="polite">
                {move || lines.get().into_iter().map(|l| view! {
                    <li class:mine=l.mine><strong>{l.from}</strong>" "<span>{l.text}</span></li>
                }).collect_view()}
            </ol>
            <form class="chat-form" on:submit=submit>
                <input type="text" id="chat-input" maxlength="2000" autocomplete="off"
                    aria-label=placeholder.clone() placeholder=placeholder node_ref=input/>
                <button type="submit" class="secondary" id="chat-send">{send}</button>
            </form>
        </section>
    }
}

/// The text inside a `<textarea>`. Leptos writes a textarea's children unescaped on the
/// server (as it does a `<script>`'s), so a stored comment holding `</textarea>` would end
/// the element and inject markup into the page. On the server it is escaped here; in the
/// browser it becomes a text node as it is.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        out
    } else {
        text.to_owned()
    }
}
