//! The end user's link page, `/s/TOKEN`, in the request's language. Readable without
//! JavaScript (and its buttons post); once hydrated it listens on the assist WebSocket, so the
//! agent's Connect shows the Allow / Deny dialog at once instead of on the next poll.

use leptos::either::*;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::widgets::{ErrorNote, Time};
use crate::domain::Status;
use crate::i18n::{Lang, fill};
#[cfg(feature = "hydrate")]
use crate::live;
use crate::portal::api::{LinkCheckin, LinkConsent, LinkDecline, get_link};
use crate::portal::{LinkInfo, LinkView};

#[component]
pub fn LinkPage() -> impl IntoView {
    let params = use_params_map();
    let token = params.read_untracked().get("token").unwrap_or_default();
    let tok = token.clone();
    let view_res = Resource::new(move || tok.clone(), get_link);
    view! {
        <Meta name="referrer" content="no-referrer"/>
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=|| ()>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    let v = view_res.await;
                    #[cfg(feature = "ssr")]
                    set_status(&v);
                    match v {
                        Ok(LinkView::Active(info)) => EitherOf4::A(view! { <Active info=info token=token/> }),
                        Ok(LinkView::Unknown) => EitherOf4::B(gone(false)),
                        Ok(LinkView::Finished) => EitherOf4::C(gone(true)),
                        Err(e) => EitherOf4::D(view! { <main class="link-page narrow"><ErrorNote error=e/></main> }),
                    }
                })
            }}
        </Suspense>
    }
}

/// API.md: unknown link → 404, ended → 410 (the page is friendly either way). The page is
/// never cached and never sends a Referer: its address is the end user's credential.
#[cfg(feature = "ssr")]
fn set_status(v: &Result<LinkView, crate::portal::AppError>) {
    use http::{HeaderValue, StatusCode, header};
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    res.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.insert_header(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let code = match v {
        Ok(LinkView::Unknown) => StatusCode::NOT_FOUND,
        Ok(LinkView::Finished) => StatusCode::GONE,
        Err(e) if e.code == "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
        Ok(LinkView::Active(_)) => return,
    };
    res.set_status(code);
}

fn gone(finished: bool) -> impl IntoView {
    let t = super::texts();
    let (title, body) = if finished {
        (t.link_finished_title, t.link_finished_body)
    } else {
        (t.link_unknown_title, t.link_unknown_body)
    };
    view! {
        <Title text=title/>
        <main class="link-page narrow" id="content">
            <h1>{title}</h1>
            <p>{body}</p>
        </main>
    }
}

#[component]
fn Active(info: LinkInfo, token: String) -> impl IntoView {
    let lang = Lang::parse(&info.language).unwrap_or_default();
    let t = lang.texts();
    // Dates on this page speak the request's language, not the browser's portal choice.
    provide_context(lang);
    let status = RwSignal::new(info.status);
    let prompt = RwSignal::new(info.prompt.clone());
    let declined = RwSignal::new(false);
    // The consent prompt takes the focus when it appears, so a keyboard user answers it first.
    let allow_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = allow_button.get() {
            let _ = b.focus();
        }
    });
    let checkin = ServerAction::<LinkCheckin>::new();
    let consent = ServerAction::<LinkConsent>::new();
    let decline = ServerAction::<LinkDecline>::new();

    // Live: the socket says what changed (status, a connect prompt) the moment it happens.
    #[cfg(feature = "hydrate")]
    {
        let token = token.clone();
        Effect::new(move |opened: Option<bool>| {
            if opened.is_none() {
                live::watch_link(&token, move |push| {
                    if let Some(s) = Status::parse(&push.status) {
                        status.set(s);
                    }
                    prompt.set(push.prompt.and_then(|p| {
                        Some(crate::portal::PromptView {
                            id: p.id.parse().ok()?,
                            agent_name: p.agent_name,
                        })
                    }));
                });
            }
            true
        });
    }
    // Our own actions update the page at once, without waiting for the push.
    Effect::new(move |_| {
        if checkin.value().get().is_some_and(|r| r.is_ok())
            && status.get_untracked() == Status::Open
        {
            status.set(Status::Waiting);
        }
    });
    Effect::new(move |_| {
        if consent.value().get().is_some_and(|r| r.is_ok()) {
            prompt.set(None);
        }
    });
    Effect::new(move |_| {
        if decline.value().get().is_some_and(|r| r.is_ok()) {
            declined.set(true);
            status.set(Status::Closed);
        }
    });

    let who = match &info.agent_name {
        Some(agent) => fill(
            t.agent_from,
            &[("agent", agent), ("org", &info.organisation)],
        ),
        None => info.organisation.clone(),
    };
    let who2 = who.clone();
    let org = info.organisation.clone();
    let error = move || {
        [
            checkin.value().get(),
            consent.value().get(),
            decline.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(|r| r.err())
    };
    let (tok1, tok2, tok3) = (token.clone(), token.clone(), token.clone());
    view! {
        <Title text=t.link_title/>
        <main class="link-page narrow" id="content" lang=lang.code()>
            <h1>{t.link_title}</h1>
            <p class="greeting">{fill(t.hello, &[("name", &info.recipient_name)])}</p>
            <p class="asker">{fill(t.asks, &[("who", &who)])}</p>
            {info.scheduled_at.map(|at| view! {
                <p class="schedule">{t.planned.split("{when}").next().unwrap_or("").to_owned()}<Time at=at/>{t.planned.split("{when}").nth(1).unwrap_or("").to_owned()}</p>
            })}
            <p class="note" role="note">{fill(t.scam_note, &[("org", &org)])}</p>
            {move || error().map(|e| view! { <p class="error" role="alert">{e.message}</p> })}
            <div class="state" id="link-state" data-status=move || status.get().as_str() aria-live="polite">
                {move || {
                    let tok1 = tok1.clone();
                    match status.get() {
                        Status::Open => EitherOf5::A(view! {
                            <p>{t.open_msg}</p>
                            <ActionForm action=checkin>
                                <input type="hidden" name="token" value=tok1/>
                                <button type="submit" class="primary big" id="continue">{t.continue_btn}</button>
                            </ActionForm>
                        }),
                        Status::Waiting => EitherOf5::B(view! { <p id="waiting">{t.waiting_msg}</p> }),
                        Status::Ready => EitherOf5::C(view! { <p id="ready">{t.ready_msg}</p> }),
                        Status::InSession => EitherOf5::D(view! { <p id="in-session">{t.in_session_msg}</p> }),
                        Status::Closed | Status::Expired => EitherOf5::E(view! {
                            <p id="ended">{if declined.get() { t.declined_msg } else { t.link_finished_title }}</p>
                        }),
                    }
                }}
            </div>
            {move || {
                let (tok_allow, tok_deny) = (tok2.clone(), tok2.clone());
                let who = who2.clone();
                prompt.get().filter(|_| status.get() == Status::Waiting).map(|p| view! {
                    <div class="backdrop">
                        <div role="alertdialog" aria-modal="true" aria-labelledby="prompt-title" aria-describedby="prompt-body" class="dialog" id="prompt">
                            <h2 id="prompt-title">{fill(t.prompt_title, &[("who", &fill(t.agent_from, &[("agent", &p.agent_name), ("org", &who)]))])}</h2>
                            <p id="prompt-body">{t.prompt_body}</p>
                            <div class="buttons">
                                <ActionForm action=consent attr:class="inline">
                                    <input type="hidden" name="token" value=tok_allow/>
                                    <input type="hidden" name="prompt_id" value=p.id.to_string()/>
                                    <input type="hidden" name="allow" value="true"/>
                                    <button type="submit" class="primary" id="allow" autofocus node_ref=allow_button>{t.allow}</button>
                                </ActionForm>
                                <ActionForm action=consent attr:class="inline">
                                    <input type="hidden" name="token" value=tok_deny/>
                                    <input type="hidden" name="prompt_id" value=p.id.to_string()/>
                                    <input type="hidden" name="allow" value="false"/>
                                    <button type="submit" class="secondary" id="deny">{t.deny}</button>
                                </ActionForm>
                            </div>
                        </div>
                    </div>
                })
            }}
            {move || (!status.get().is_terminal()).then(|| {
                let tok3 = tok3.clone();
                view! {
                    <ActionForm action=decline attr:class="decline">
                        <input type="hidden" name="token" value=tok3/>
                        <button type="submit" class="link-button" id="decline">{t.decline}</button>
                    </ActionForm>
                }
            })}
        </main>
    }
}
