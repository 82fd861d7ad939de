//! The end user's link page, `/s/TOKEN`, in the request's language (its words come from the
//! server, `LinkTexts`). Readable without JavaScript, and its buttons post; once hydrated it
//! holds the session socket: the agent's Connect shows the Allow / Deny dialog at once, the
//! screen is shared over WebRTC (`rtc::Sharer`), and chat goes both ways.

use leptos::either::*;
use leptos::prelude::*;

use super::widgets::Chat;
use crate::domain::Status;
use crate::live::ChatLine;
use crate::portal::api::LinkAct;
use crate::portal::{
    AppError, DownloadView, LinkInfo, LinkStep, LinkView, Notice, Offer, PromptView, Text,
};

/// What the server found behind the page's link: the page's one piece of data. The server
/// renders the page from it in one synchronous pass and writes it into the page as JSON (the
/// element `DATA_ID`), where the bundle reads it back to hydrate. No resource, no suspense and
/// no second request: those were about half of the page's server CPU (docs/PERFORMANCE.md).
pub type LinkData = Result<LinkView, AppError>;

/// The `id` of the `<script type="application/json">` that carries the page's `LinkData`.
pub const DATA_ID: &str = "link-data";

/// The link's token, the rest of the path after `/s/`. Read from the request (server) or the
/// address bar (browser) rather than a router's parameters: the page has no router, which
/// keeps about 40 KB of routing code out of the end user's bundle.
fn link_token() -> String {
    #[cfg(feature = "ssr")]
    let path = with_context::<http::request::Parts, _>(|p| p.uri.path().to_owned());
    #[cfg(not(feature = "ssr"))]
    let path = window().location().pathname().ok();
    path.and_then(|p| p.strip_prefix(super::LINK_PREFIX).map(str::to_owned))
        .unwrap_or_default()
}

#[component]
pub fn LinkPage(data: LinkData) -> impl IntoView {
    match data {
        Ok(LinkView::Active(info)) => {
            EitherOf5::A(view! { <Active info=*info token=link_token()/> })
        }
        Ok(LinkView::Unknown(n)) => EitherOf5::B(notice(n, "unknown")),
        Ok(LinkView::Finished(n)) => EitherOf5::C(notice(n, "finished")),
        Ok(LinkView::InUse(n)) => EitherOf5::D(notice(n, "in-use")),
        Err(e) => {
            // The server's own words (it explains, e.g., that an agent's browser cannot act as
            // the end user): the portal's texts stay out of the end user's bundle.
            EitherOf5::E(
                view! { <main class="link-page narrow"><p class="error" role="alert">{e.message}</p></main> },
            )
        }
    }
}

/// The page's language (its `<html lang>`): the one its words are in.
#[cfg(feature = "ssr")]
pub fn language(data: &LinkData) -> Option<&str> {
    match data {
        Ok(LinkView::Active(info)) => Some(&info.language),
        Ok(LinkView::Unknown(n) | LinkView::Finished(n) | LinkView::InUse(n)) => Some(&n.language),
        Err(_) => None,
    }
}

/// The page's `<title>`, in the words the page shows (the server writes the head).
#[cfg(feature = "ssr")]
pub fn title(data: &LinkData) -> String {
    let t = super::texts();
    match data {
        Ok(LinkView::Active(info)) => info.texts.get(Text::Title).to_owned(),
        Ok(LinkView::Unknown(n) | LinkView::Finished(n) | LinkView::InUse(n)) => n.title.clone(),
        Err(_) => t.app_name.to_owned(),
    }
}

/// docs/API.md: unknown link → 404, ended → 410, in use elsewhere → 409 (the page is friendly
/// either way).
#[cfg(feature = "ssr")]
pub fn status(data: &LinkData) -> http::StatusCode {
    use http::StatusCode;
    match data {
        Ok(LinkView::Active(_)) => StatusCode::OK,
        Ok(LinkView::Unknown(_)) => StatusCode::NOT_FOUND,
        Ok(LinkView::Finished(_)) => StatusCode::GONE,
        Ok(LinkView::InUse(_)) => StatusCode::CONFLICT,
        Err(e) => crate::portal::api::status_of(e),
    }
}

/// A page that only says something (`what` names it for tests and styles).
fn notice(n: Notice, what: &'static str) -> impl IntoView {
    view! {
        <main class="link-page narrow" id="content" lang=n.language data-notice=what>
            <h1 id=what>{n.title}</h1>
            <p>{n.body}</p>
        </main>
    }
}

/// What the page knows right now; the socket and our own actions update it.
#[derive(Clone, Copy)]
struct PageState {
    status: RwSignal<Status>,
    prompt: RwSignal<Option<PromptView>>,
    /// An agent gave the link to another device.
    released: RwSignal<bool>,
    declined: RwSignal<bool>,
    sharing: RwSignal<bool>,
    chat: RwSignal<Vec<ChatLine>>,
    problem: RwSignal<Option<String>>,
    /// The end user stopped sharing (our Stop, or the browser's own control): end the
    /// session on the server.
    stopped: RwSignal<bool>,
    /// A session ended and none began since: they may close the window.
    over: RwSignal<bool>,
    /// Some agent holds a socket (in a session, `false` is *Disconnected*).
    peer: RwSignal<bool>,
    /// When (ms, the page's clock) the end user pressed Allow: if the session starts soon
    /// after (the agent asked to start on consent), the screen picker opens without another
    /// click. The click's user activation (about five seconds) covers the round trip; other
    /// status pushes meanwhile (someone's socket coming or going) do not cancel it.
    share_on_start: RwSignal<Option<f64>>,
}

#[component]
fn Active(info: LinkInfo, token: String) -> impl IntoView {
    let texts = StoredValue::new(info.texts);
    let t = move |k: Text| texts.with_value(|t| t.get(k).to_owned());
    let st = PageState {
        status: RwSignal::new(info.status),
        prompt: RwSignal::new(info.prompt),
        released: RwSignal::new(false),
        declined: RwSignal::new(false),
        sharing: RwSignal::new(false),
        chat: RwSignal::new(Vec::new()),
        problem: RwSignal::new(None),
        stopped: RwSignal::new(false),
        over: RwSignal::new(info.session_over),
        peer: RwSignal::new(true),
        share_on_start: RwSignal::new(None),
    };
    // The consent prompt takes the focus when it appears, so a keyboard user answers it first.
    let allow_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = allow_button.get() {
            let _ = b.focus();
        }
    });
    // Every button posts a `LinkStep` through this one action (`api::link_act`).
    let act = ServerAction::<LinkAct>::new();
    let session = Session::start(&token, info.ice_servers, st);

    // Our own steps update the page at once, without waiting for the push.
    Effect::new(move |_| match act.value().get() {
        Some(Ok(LinkStep::Checkin)) if st.status.get_untracked() == Status::Open => {
            st.status.set(Status::Waiting)
        }
        Some(Ok(LinkStep::Allow | LinkStep::Deny)) => st.prompt.set(None),
        Some(Ok(LinkStep::Decline)) => {
            st.declined.set(true);
            st.status.set(Status::Closed);
        }
        _ => {}
    });
    let error = move || {
        act.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.message)
            .or_else(|| st.problem.get())
    };
    let tok_end = token.clone();
    Effect::new(move |_| {
        if st.stopped.get() {
            st.stopped.set(false);
            session.stop_sharing(st);
            act.dispatch(LinkAct {
                token: tok_end.clone(),
                step: LinkStep::End,
                prompt_id: None,
            });
        }
    });
    let stop = move |_| st.stopped.set(true);
    let (tok_state, tok_prompt, tok_decline) = (token.clone(), token.clone(), token.clone());
    let offer = info.offer;
    let join_code = info.join_code;
    let named_agent = info.named_agent;
    let send_link = mailto(&t(Text::Title), &info.page_url);
    // The schedule is stated in the recipient's zone; a browser in another zone (travel, a
    // guess that was wrong) also gets the time where it is. Known only once hydrated.
    let your_time = RwSignal::new(None::<String>);
    if let Some((at, zone)) = info.schedule.clone() {
        let lang = info.language.clone();
        Effect::new(move |_| {
            // Another zone name may still keep the same time (Paris and Berlin): only a
            // time that reads differently here is added.
            let here = crate::live::format_local(at, &lang);
            let there = crate::live::format_in(at, &lang, Some(&zone));
            if here.is_some() && there.is_some() && here != there {
                your_time.set(here);
            }
        });
    }
    // A browser without screen sharing (most phones) is told to use a computer, never shown
    // a raw error. Known only once hydrated: the server's render offers the button.
    let can_share = RwSignal::new(true);
    Effect::new(move |_| can_share.set(browser_can_share()));
    view! {
        <main class="link-page narrow" id="content" lang=info.language>
            {move || st.sharing.get().then(|| view! {
                <div class="sharing-bar" id="sharing-bar" role="status">
                    <span>{t(Text::Sharing)}</span>
                    <button type="button" class="danger" id="stop" on:click=stop>{t(Text::Stop)}</button>
                </div>
            })}
            {info.logo.map(|l| view! {
                <img class="org-logo" id="org-logo" src=l.url width=l.width height=l.height alt=l.alt/>
            })}
            <h1>{t(Text::Title)}</h1>
            <p class="greeting">{t(Text::Greeting)}</p>
            <p class="asker">{t(Text::Asks)}</p>
            {Some(t(Text::Planned)).filter(|p| !p.is_empty()).map(|p| view! { <p class="schedule">{p}</p> })}
            {move || your_time.get().map(|when| view! {
                <p class="hint" id="your-time">{t(Text::YourTime).replace("{when}", &when)}</p>
            })}
            {info.comment.map(|c| view! {
                <p class="reason"><strong>{t(Text::Reason)} ": "</strong><span class="pre">{c}</span></p>
            })}
            <p class="note" role="note">{t(Text::Safety)}" "{t(Text::CallUs)}</p>
            <p class="hint" id="host">{t(Text::Host)}</p>
            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <div class="state" id="link-state" data-status=move || if st.released.get() { "released" } else { st.status.get().as_str() } aria-live="polite">
                {move || {
                    let tok = tok_state.clone();
                    let (offer, join_code, send_link) = (offer.clone(), join_code.clone(), send_link.clone());
                    if st.released.get() {
                        return EitherOf6::F(view! { <p id="released">{t(Text::Released)}</p> });
                    }
                    match st.status.get() {
                        Status::Open if offer == Offer::Phone => EitherOf6::A(view! {
                            <p id="use-computer">{t(Text::UseComputer)}</p>
                            <a class="button primary big" id="send-link" href=send_link.clone()>{t(Text::SendLink)}</a>
                        }.into_any()),
                        Status::Open => {
                            let browser_class = if matches!(offer, Offer::App(_)) { "secondary big" } else { "primary big" };
                            let browser = view! {
                                <ActionForm action=act>
                                    <input type="hidden" name="token" value=tok/>
                                    <input type="hidden" name="step" value="checkin"/>
                                    <button type="submit" class=browser_class id="continue">{t(Text::StartBrowser)}</button>
                                </ActionForm>
                            };
                            let apps = match &offer {
                                Offer::App(d) => vec![d.clone()],
                                Offer::Any(list) => list.clone(),
                                Offer::BrowserOnly | Offer::Phone => Vec::new(),
                            };
                            let code = join_code.clone().filter(|_| !apps.is_empty()).map(|c| view! {
                                <p class="hint" id="join-code-hint">{t(Text::CodeHint)}" "<code id="join-code">{c}</code></p>
                            });
                            let downloads = apps.into_iter().map(|d| download_button(d, &t)).collect_view();
                            EitherOf6::A(view! {
                                <p>{t(Text::Choose)}</p>
                                <h2 class="steps-title">{t(Text::StepsTitle)}</h2>
                                <ol class="steps" id="steps">
                                    <li>{t(Text::Step1)}</li>
                                    <li>{t(Text::Step2)}</li>
                                    <li>{t(Text::Step3)}</li>
                                </ol>
                                <div class="ways-in">
                                    {downloads}
                                    {code}
                                    {browser}
                                </div>
                                {(offer == Offer::BrowserOnly).then(|| view! { <p class="hint" id="mac-note">{t(Text::MacNote)}</p> })}
                            }.into_any())
                        }
                        Status::Waiting if st.over.get() => EitherOf6::B(view! { <p id="session-over">{t(Text::SessionOver)}</p> }.into_any()),
                        Status::Waiting => EitherOf6::B(view! { <p id="waiting">{t(Text::Waiting)}</p> }.into_any()),
                        Status::Ready => EitherOf6::C(view! { <p id="ready">{t(Text::Ready)}</p> }),
                        Status::InSession => EitherOf6::D(view! {
                            <p id="in-session">{t(Text::InSession)}</p>
                            {move || (!st.peer.get()).then(|| view! {
                                <p class="notice warn" id="disconnected" role="alert">{t(Text::Disconnected)}</p>
                            })}
                            {move || match (st.sharing.get(), can_share.get()) {
                                (true, _) => None,
                                (false, true) => Some(view! {
                                    <button type="button" class="primary big" id="share"
                                        on:click=move |_| session.share(st)>{t(Text::Share)}</button>
                                }.into_any()),
                                (false, false) => Some(view! {
                                    <p class="notice" id="use-computer">{t(Text::UseComputer)}</p>
                                }.into_any()),
                            }}
                        }),
                        Status::Closed | Status::Expired => EitherOf6::E(view! {
                            <p id="ended">{if st.declined.get() { t(Text::Declined) } else if st.over.get() { t(Text::SessionOver) } else { t(Text::Ended) }}</p>
                        }),
                    }
                }}
            </div>
            // The chat stays readable after the session, until they leave the page.
            {move || (matches!(st.status.get(), Status::Ready | Status::InSession) || st.over.get()).then(|| view! {
                <Chat lines=st.chat title=t(Text::Chat) placeholder=t(Text::ChatPlaceholder)
                    send=t(Text::Send) on_send=move |text| session.say(&text)/>
            })}
            {move || {
                let (tok_allow, tok_deny) = (tok_prompt.clone(), tok_prompt.clone());
                let named_agent = named_agent.clone();
                st.prompt.get().filter(|_| st.status.get() == Status::Waiting).map(move |p| view! {
                    <div class="backdrop">
                        <div role="alertdialog" aria-modal="true" aria-labelledby="prompt-title" aria-describedby="prompt-body" class="dialog" id="prompt">
                            <h2 id="prompt-title">{t(Text::PromptTitle).replace("{agent}", &format!("\u{2068}{}\u{2069}", p.agent_name))}</h2>
                            {named_agent.clone().filter(|n| *n != p.agent_name).map(|named| view! {
                                <p class="notice warn" id="other-agent" role="alert">{t(Text::OtherAgent)
                                    .replace("{agent}", &format!("\u{2068}{}\u{2069}", p.agent_name))
                                    .replace("{named}", &format!("\u{2068}{named}\u{2069}"))}</p>
                            })}
                            <p id="prompt-body">{t(Text::PromptBody)}</p>
                            <p class="hint">{t(Text::PromptTimeout)}</p>
                            <div class="buttons">
                                <ActionForm action=act attr:class="inline">
                                    <input type="hidden" name="token" value=tok_allow/>
                                    <input type="hidden" name="prompt_id" value=p.id.to_string()/>
                                    <input type="hidden" name="step" value="allow"/>
                                    <button type="submit" class="primary" id="allow" autofocus node_ref=allow_button
                                        on:click=move |_| st.share_on_start.set(Some(now_ms()))>{t(Text::Allow)}</button>
                                </ActionForm>
                                <ActionForm action=act attr:class="inline">
                                    <input type="hidden" name="token" value=tok_deny/>
                                    <input type="hidden" name="prompt_id" value=p.id.to_string()/>
                                    <input type="hidden" name="step" value="deny"/>
                                    <button type="submit" class="secondary" id="deny"
                                        on:click=move |_| st.share_on_start.set(None)>{t(Text::Deny)}</button>
                                </ActionForm>
                            </div>
                        </div>
                    </div>
                })
            }}
            // Not once they allowed a session (Stop is there); asked twice, and without
            // JavaScript too (a disclosure, not a script).
            {move || (matches!(st.status.get(), Status::Open | Status::Waiting) && !st.released.get()).then(|| {
                let tok = tok_decline.clone();
                view! {
                    <details class="decline" id="decline-box">
                        <summary class="link-button" id="decline">{t(Text::Decline)}</summary>
                        <p>{t(Text::DeclineConfirm)}</p>
                        <ActionForm action=act attr:class="inline">
                            <input type="hidden" name="token" value=tok/>
                            <input type="hidden" name="step" value="decline"/>
                            <button type="submit" class="danger" id="decline-yes">{t(Text::DeclineYes)}</button>
                        </ActionForm>
                    </details>
                }
            })}
        </main>
    }
}

/// Milliseconds on the page's clock (0 where there is none: the server's render).
fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// One assist app download, with its checksum and who signed it.
fn download_button(d: DownloadView, t: &impl Fn(Text) -> String) -> impl IntoView {
    let signed = match &d.publisher {
        Some(p) => t(Text::SignedBy).replace("{publisher}", &format!("\u{2068}{p}\u{2069}")),
        None => t(Text::Unsigned),
    };
    view! {
        <div class="download" data-platform=d.platform.clone()>
            <a class="button primary big download-app" href=d.url download>
                {t(Text::Download).replace("{platform}", &d.platform)}
            </a>
            <p class="hint">{t(Text::DownloadNote)}</p>
            <p class="hint">{t(Text::Checksum)}" "<code class="checksum">{d.sha256}</code>" · "{d.size_mb}" MB · "
                <span class="publisher">{signed}</span></p>
        </div>
    }
}

/// `mailto:` a message with the link, to oneself (no address: the mail app asks).
fn mailto(subject: &str, url: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!("mailto:?subject={}&body={}", enc(subject), enc(url))
}

/// Whether this browser can share a screen (`navigator.mediaDevices.getDisplayMedia`).
fn browser_can_share() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Ok(devices) = js_sys::Reflect::get(&window().navigator(), &"mediaDevices".into())
        else {
            return false;
        };
        !devices.is_undefined()
            && js_sys::Reflect::get(&devices, &"getDisplayMedia".into())
                .is_ok_and(|f| f.is_function())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// The page's live half (browser only): the socket, the screen share, the chat.
#[derive(Clone, Copy)]
struct Session {
    #[cfg(feature = "hydrate")]
    inner: StoredValue<Option<(crate::live::Socket, crate::rtc::Sharer)>, LocalStorage>,
}

#[cfg(not(feature = "hydrate"))]
impl Session {
    fn start(_: &str, _: Vec<crate::portal::IceServer>, _: PageState) -> Session {
        Session {}
    }
    fn share(self, _: PageState) {}
    fn stop_sharing(self, _: PageState) {}
    fn say(self, _: &str) {}
}

#[cfg(feature = "hydrate")]
impl Session {
    fn start(token: &str, ice: Vec<crate::portal::IceServer>, st: PageState) -> Session {
        use crate::live::Socket;
        let inner = StoredValue::new_local(None);
        let session = Session { inner };
        let path = format!("/api/v1/assist/{token}/ws");
        let socket = Socket::open(&path, move |push| session.on_push(push, st), |_| {});
        if let Some(socket) = socket {
            let sharer = crate::rtc::Sharer::new(socket.clone(), ice);
            inner.set_value(Some((socket, sharer)));
        }
        session
    }

    fn sharer(self) -> Option<crate::rtc::Sharer> {
        self.inner
            .with_value(|v| v.as_ref().map(|(_, s)| s.clone()))
    }

    fn on_push(self, push: crate::live::Push, st: PageState) {
        use crate::live::Push;
        let Some(sharer) = self.sharer() else { return };
        match push {
            Push::Status {
                status,
                prompt,
                peer,
                over,
                ..
            } => {
                if status == "released" {
                    self.stop_sharing(st);
                    st.released.set(true);
                    return;
                }
                let Some(s) = Status::parse(&status) else {
                    return;
                };
                if s != Status::InSession && st.sharing.get_untracked() {
                    // The agent ended the session.
                    self.stop_sharing(st);
                }
                let was_in_session = st.status.get_untracked() == Status::InSession;
                match over {
                    Some(o) => st.over.set(o || (was_in_session && s != Status::InSession)),
                    None if was_in_session && s != Status::InSession => st.over.set(true),
                    None => {}
                }
                if s == Status::InSession {
                    st.over.set(false);
                    let asked = st.share_on_start.get_untracked();
                    st.share_on_start.set(None);
                    if asked.is_some_and(|at| now_ms() - at < 10_000.0)
                        && !st.sharing.get_untracked()
                    {
                        self.share(st);
                    }
                }
                st.peer.set(peer.unwrap_or(true));
                st.status.set(s);
                st.prompt.set(prompt.and_then(|p| {
                    Some(PromptView {
                        id: p.id.parse().ok()?,
                        agent_name: p.agent_name,
                    })
                }));
            }
            Push::Answer { sdp } => {
                leptos::task::spawn_local(async move {
                    let _ = sharer.on_answer(&sdp).await;
                });
            }
            Push::Ice { candidate } => {
                leptos::task::spawn_local(async move {
                    let _ = sharer.on_candidate(&candidate).await;
                });
            }
            Push::Hello => {
                leptos::task::spawn_local(async move {
                    let _ = sharer.on_hello().await;
                });
            }
            Push::Chat { from, side, text } => st.chat.update(|c| {
                c.push(ChatLine {
                    from,
                    mine: side == "end_user",
                    text,
                })
            }),
            Push::Offer { .. }
            | Push::Pong
            | Push::Error { .. }
            | Push::Clipboard { .. }
            | Push::Monitors { .. } => {}
        }
    }

    fn share(self, st: PageState) {
        let Some(sharer) = self.sharer() else { return };
        leptos::task::spawn_local(async move {
            // Stopping from the browser's own "stop sharing" control ends it like our button.
            let on_ended = move || st.stopped.set(true);
            match sharer.start(on_ended).await {
                Ok(()) => {
                    st.problem.set(None);
                    st.sharing.set(true);
                }
                Err(e) => {
                    sharer.stop();
                    st.problem.set(Some(
                        e.as_string()
                            .or_else(|| {
                                js_sys::Reflect::get(&e, &"message".into())
                                    .ok()?
                                    .as_string()
                            })
                            .unwrap_or_else(|| "screen sharing failed".into()),
                    ));
                }
            }
        });
    }

    fn stop_sharing(self, st: PageState) {
        if let Some(sharer) = self.sharer() {
            sharer.stop();
        }
        st.sharing.set(false);
    }

    fn say(self, text: &str) {
        self.inner.with_value(|v| {
            if let Some((socket, _)) = v {
                socket.say(&crate::live::Say::Chat { text });
            }
        });
    }
}
