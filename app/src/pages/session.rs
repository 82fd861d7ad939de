//! The agent's session view on a request's page: whether the end user is online right now,
//! their shared screen (WebRTC, `rtc::Viewer`) with the rate it arrives at, the chat, and
//! control: the agent asks, the end user allows in their app, and from then on the agent's
//! mouse and keys on the picture travel to the end user's computer (`input`).
//! It holds its own socket (`/api/v1/session-requests/ID/ws`) and lives beside the page's
//! refreshing details, so a status change elsewhere on the page does not cut the picture.

use leptos::prelude::*;

use super::texts;
use super::widgets::Chat;
use crate::domain::Status;
use crate::live::ChatLine;
use crate::portal::IceServer;

#[derive(Clone, Copy)]
struct ViewState {
    status: RwSignal<Option<Status>>,
    online: RwSignal<bool>,
    /// Kilobits per second of screen arriving, while it arrives.
    kbps: RwSignal<Option<u64>>,
    /// Total bytes received (the page shows it in `data-bytes`; tests read it).
    bytes: RwSignal<u64>,
    chat: RwSignal<Vec<ChatLine>>,
    /// The end user gave this agent control.
    control: RwSignal<bool>,
    /// This agent asked for control and awaits the answer.
    asking: RwSignal<bool>,
    /// The picture at its own size (scrolling) rather than fitted to the view.
    actual_size: RwSignal<bool>,
    /// What the end user last copied (sent while this agent has control).
    their_clipboard: RwSignal<Option<String>>,
    /// The end user's side holds a socket (in a session, `false` is *Disconnected*).
    peer: RwSignal<bool>,
    /// How long a session waits for a side that dropped (seconds).
    grace_secs: RwSignal<u64>,
    /// The agent pressed End and is choosing what becomes of the request.
    ending: RwSignal<bool>,
    /// A session ran in this view and has ended.
    ended: RwSignal<bool>,
    /// The end user's screens, and which one the picture shows.
    monitors: RwSignal<(Vec<crate::live::MonitorPush>, usize)>,
    /// A connect prompt awaiting the end user: their name, and its seconds left.
    prompt: RwSignal<Option<(String, u64)>>,
    /// Seconds this agent has waited for their answer to a control request.
    control_wait: RwSignal<u64>,
}

/// An island: everything in it happens in the browser (the server renders it offline).
#[cfg_attr(feature = "link-bundle", component)]
#[cfg_attr(not(feature = "link-bundle"), island)]
pub fn SessionView(
    id: String,
    ice_servers: Vec<IceServer>,
    /// The `session_end` setting: *Keep it open* is the offered default (else *Close*).
    end_keeps: bool,
) -> impl IntoView {
    let t = texts();
    let st = ViewState {
        status: RwSignal::new(None),
        online: RwSignal::new(false),
        kbps: RwSignal::new(None),
        bytes: RwSignal::new(0),
        chat: RwSignal::new(Vec::new()),
        control: RwSignal::new(false),
        asking: RwSignal::new(false),
        actual_size: RwSignal::new(false),
        their_clipboard: RwSignal::new(None),
        peer: RwSignal::new(true),
        grace_secs: RwSignal::new(0),
        ending: RwSignal::new(false),
        ended: RwSignal::new(false),
        monitors: RwSignal::new((Vec::new(), 0)),
        prompt: RwSignal::new(None),
        control_wait: RwSignal::new(0),
    };
    let end = ServerAction::<crate::portal::api::RequestAction>::new();
    let end_id = StoredValue::new(id.clone());
    let end_as = move |a: crate::portal::RowAction| {
        st.ending.set(false);
        end.dispatch(crate::portal::api::RequestAction {
            id: end_id.get_value(),
            action: a.as_str().to_owned(),
        });
    };
    // The offered default first, and focused.
    let end_choices = if end_keeps {
        [
            crate::portal::RowAction::EndKeep,
            crate::portal::RowAction::EndClose,
        ]
    } else {
        [
            crate::portal::RowAction::EndClose,
            crate::portal::RowAction::EndKeep,
        ]
    };
    let clip_out = NodeRef::<leptos::html::Input>::new();
    let video = NodeRef::<leptos::html::Video>::new();
    let live = Live::start(&id, ice_servers.into(), st, video);
    let in_session = move || st.status.get() == Some(Status::InSession);
    view! {
        <section class="card session-view" aria-labelledby="session-title" id="session-view"
            data-online=move || st.online.get().to_string()>
            <h2 id="session-title">{t.session_title}</h2>
            <p id="presence" class=move || if st.online.get() { "online" } else { "offline" }>
                {move || if st.online.get() { format!("● {}", t.online) } else { format!("○ {}", t.offline) }}
            </p>
            {move || st.prompt.get().filter(|_| st.status.get() == Some(Status::Waiting)).map(|(who, left)| view! {
                <p class="notice" id="asking" role="status" data-remaining=left.to_string()>
                    {t.session_asking.replace("{name}", &who).replace("{s}", &left.to_string())}
                </p>
            })}
            {move || (st.status.get() == Some(Status::Waiting) && !st.online.get()).then(|| view! {
                <p class="notice" id="not-online" role="status">{t.session_not_online}</p>
            })}
            {move || (in_session() && !st.peer.get()).then(|| view! {
                <p class="notice warn" id="disconnected" role="alert">
                    {t.session_disconnected.replace("{s}", &st.grace_secs.get().to_string())}
                </p>
            })}
            {move || (st.ended.get() && !in_session()).then(|| view! {
                <p class="notice" id="session-ended" role="status">{t.session_ended_note}</p>
            })}
            {move || end.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{e.message}</p> })}
            <div class="end-bar" hidden=move || !in_session()>
                {move || if st.ending.get() {
                    view! {
                        <div role="group" aria-labelledby="end-question" id="end-choice">
                            <span id="end-question">{t.session_end_question}</span>" "
                            {end_choices.into_iter().enumerate().map(|(i, a)| view! {
                                <button type="button" class=if i == 0 { "primary" } else { "secondary" }
                                    data-action=a.as_str() autofocus=i == 0
                                    on:click=move |_| end_as(a)>{t.action(a)}</button>
                            }).collect_view()}
                            <button type="button" class="link-button" on:click=move |_| st.ending.set(false)>{t.cancel}</button>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="danger" id="end-session"
                            disabled=move || end.pending().get()
                            on:click=move |_| st.ending.set(true)>{t.act_end}</button>
                    }.into_any()
                }}
            </div>
            <div class="screen" class:actual=move || st.actual_size.get() hidden=move || !in_session()>
                <p class="view-bar">
                    <button type="button" id="view-fit" aria-pressed=move || (!st.actual_size.get()).to_string()
                        on:click=move |_| st.actual_size.set(false)>{t.view_fit}</button>
                    <button type="button" id="view-actual" aria-pressed=move || st.actual_size.get().to_string()
                        on:click=move |_| st.actual_size.set(true)>{t.view_actual}</button>
                    <button type="button" id="view-fullscreen" on:click=move |_| {
                        if let Some(v) = video.get_untracked() {
                            let _ = v.request_fullscreen();
                        }
                    }>{t.view_fullscreen}</button>
                </p>
                {move || {
                    let (list, shown) = st.monitors.get();
                    (list.len() > 1).then(|| view! {
                        <p class="screen-bar" id="screen-switcher" role="group" aria-label=t.screens>
                            {list.into_iter().enumerate().map(|(i, m)| view! {
                                <button type="button" data-screen=i.to_string()
                                    aria-pressed=(i == shown).to_string()
                                    on:click=move |_| live.show_monitor(i)>
                                    {format!("{} {} · {}×{}", t.screen, i + 1, m.width, m.height)}
                                </button>
                            }).collect_view()}
                        </p>
                    })
                }}
                <p class="control-bar" id="control-bar">
                    {move || if st.control.get() {
                        view! { <span id="control-state" data-state="granted">{t.control_granted}</span> }.into_any()
                    } else if st.asking.get() {
                        view! { <span id="control-state" data-state="asking">{t.control_asking}" · "{move || st.control_wait.get()}" s"</span> }.into_any()
                    } else {
                        view! {
                            <button type="button" id="ask-control" on:click=move |_| {
                                st.asking.set(true);
                                st.control_wait.set(0);
                                live.ask_control();
                            }>{t.control_ask}</button>
                        }.into_any()
                    }}
                </p>
                <div class="clipboard" id="clipboard" hidden=move || !st.control.get()>
                    <label for="clip-out">{t.clipboard_to_them}</label>
                    <input id="clip-out" node_ref=clip_out maxlength="16384"/>
                    <button type="button" id="clip-send" on:click=move |_| {
                        if let Some(el) = clip_out.get_untracked() {
                            live.send_clipboard(&el.value());
                        }
                    }>{t.clipboard_send}</button>
                    {move || st.their_clipboard.get().map(|text| {
                        let shown = text.clone();
                        view! {
                            <p>{t.clipboard_theirs}" "<code id="clip-in">{shown}</code>" "
                                <button type="button" on:click=move |_| crate::live::copy_text(&text)>{t.clipboard_copy}</button>
                            </p>
                        }
                    })}
                </div>
                <video id="remote-screen" node_ref=video autoplay muted playsinline
                    tabindex="0" data-control=move || st.control.get().to_string()
                    on:mousemove=move |ev| live.pointer(ev, None, st)
                    on:mousedown=move |ev| live.pointer(ev, Some(true), st)
                    on:mouseup=move |ev| live.pointer(ev, Some(false), st)
                    on:wheel=move |ev| live.wheel(ev, st)
                    on:contextmenu=move |ev| if st.control.get_untracked() { ev.prevent_default() }
                    on:keydown=move |ev| live.key(ev, true, st)
                    on:keyup=move |ev| live.key(ev, false, st)
                    data-bytes=move || st.bytes.get().to_string()></video>
                <p class="hint" id="screen-rate">{move || match st.kbps.get() {
                    Some(k) => format!("{} · {k} kbit/s", t.session_receiving),
                    None => t.session_waiting_screen.to_owned(),
                }}</p>
            </div>
            // The chat stays readable after the session, until the agent leaves the page.
            {move || (matches!(st.status.get(), Some(Status::Ready | Status::InSession)) || st.ended.get()).then(|| view! {
                <Chat lines=st.chat title=t.chat.to_owned() placeholder=t.chat_placeholder.to_owned()
                    send=t.send.to_owned() on_send=move |text| live.say(&text)/>
            })}
        </section>
    }
}

/// The view's live half (browser only).
#[derive(Clone, Copy)]
struct Live {
    #[cfg(feature = "hydrate")]
    inner: StoredValue<Option<(crate::live::Socket, crate::rtc::Viewer)>, LocalStorage>,
}

#[cfg(not(feature = "hydrate"))]
impl Live {
    fn start(
        _: &str,
        _: std::rc::Rc<[IceServer]>,
        _: ViewState,
        _: NodeRef<leptos::html::Video>,
    ) -> Live {
        Live {}
    }
    fn say(self, _: &str) {}
    fn ask_control(self) {}
    fn show_monitor(self, _: usize) {}
    fn send_clipboard(self, _: &str) {}
    fn pointer(self, _: leptos::ev::MouseEvent, _: Option<bool>, _: ViewState) {}
    fn wheel(self, _: leptos::ev::WheelEvent, _: ViewState) {}
    fn key(self, _: leptos::ev::KeyboardEvent, _: bool, _: ViewState) {}
}

#[cfg(feature = "hydrate")]
impl Live {
    fn start(
        id: &str,
        ice: std::rc::Rc<[IceServer]>,
        st: ViewState,
        video: NodeRef<leptos::html::Video>,
    ) -> Live {
        use crate::live::Socket;
        let inner = StoredValue::new_local(None);
        let live = Live { inner };
        let path = format!("/api/v1/session-requests/{id}/ws");
        // Every (re)connect asks a sharing end user for a fresh offer.
        let hello = move |_: &Socket| {
            if let Some(viewer) = live.viewer() {
                viewer.hello();
            }
        };
        if let Some(socket) = Socket::open(&path, move |p| live.on_push(p, st, video, &ice), hello)
        {
            let viewer = crate::rtc::Viewer::new(socket.clone());
            inner.set_value(Some((socket, viewer)));
            // Leaving the page hangs up (else the socket would reconnect forever).
            on_cleanup(move || {
                let _ = live.inner.try_with_value(|v| {
                    if let Some((socket, viewer)) = v {
                        viewer.stop();
                        socket.close();
                    }
                });
            });
        }
        // The pending questions count down (the prompt) and up (control) each second.
        every(1, move || {
            st.prompt.update(|p| {
                if let Some((_, left)) = p {
                    *left = left.saturating_sub(1);
                }
            });
            if st.asking.get_untracked() {
                st.control_wait.update(|s| *s += 1);
            }
        });
        // The rate the screen arrives at, every two seconds.
        let last = std::rc::Rc::new(std::cell::Cell::new(0.0));
        let tick = move || {
            let Some(viewer) = live.viewer() else { return };
            if st.status.get_untracked() == Some(Status::InSession) {
                viewer.watchdog();
            }
            let last = last.clone();
            leptos::task::spawn_local(async move {
                let bytes = viewer.bytes_received().await;
                if bytes > 0.0 {
                    st.kbps
                        .set(Some(((bytes - last.get()).max(0.0) * 8.0 / 2000.0) as u64));
                }
                last.set(bytes);
                st.bytes.set(bytes as u64);
            });
        };
        every(2, tick);
        live
    }

    fn viewer(self) -> Option<crate::rtc::Viewer> {
        self.inner
            .try_with_value(|v| v.as_ref().map(|(_, viewer)| viewer.clone()))
            .flatten()
    }

    fn on_push(
        self,
        push: crate::live::Push,
        st: ViewState,
        video: NodeRef<leptos::html::Video>,
        ice: &[IceServer],
    ) {
        use crate::live::Push;
        let Some(viewer) = self.viewer() else { return };
        match push {
            Push::Status {
                status,
                online,
                in_control,
                peer,
                grace_secs,
                asking,
                ..
            } => {
                st.prompt
                    .set(asking.map(|a| (a.recipient, a.remaining_secs)));
                let status = Status::parse(&status);
                if status != Some(Status::InSession) {
                    viewer.stop();
                    st.kbps.set(None);
                    if st.status.get_untracked() == Some(Status::InSession) {
                        st.ended.set(true);
                    }
                }
                st.peer.set(peer.unwrap_or(true));
                if let Some(g) = grace_secs {
                    st.grace_secs.set(g);
                }
                let control = in_control.unwrap_or(false);
                if control != st.control.get_untracked() {
                    // Granted or taken back: either way the question is answered.
                    st.asking.set(false);
                    st.control.set(control);
                }
                st.status.set(status);
                st.online.set(online.unwrap_or(false));
            }
            Push::Offer { sdp } => {
                let Some(el) = video.get_untracked() else {
                    return;
                };
                let el: web_sys::HtmlVideoElement = el;
                let ice = ice.to_vec();
                leptos::task::spawn_local(async move {
                    let _ = viewer.on_offer(&sdp, el, &ice).await;
                });
            }
            Push::Ice { candidate } => {
                leptos::task::spawn_local(async move {
                    let _ = viewer.on_candidate(&candidate).await;
                });
            }
            Push::Chat { from, side, text } => st.chat.update(|c| {
                c.push(ChatLine {
                    from,
                    mine: side == "agent",
                    text,
                })
            }),
            Push::Clipboard { text } => st.their_clipboard.set(Some(text)),
            Push::Monitors { monitors, selected } => st.monitors.set((monitors, selected)),
            Push::Answer { .. } | Push::Hello | Push::Pong | Push::Error { .. } => {}
        }
    }

    fn say(self, text: &str) {
        self.send(&crate::live::Say::Chat { text });
    }

    fn send(self, message: &crate::live::Say<'_>) {
        self.inner.with_value(|v| {
            if let Some((socket, _)) = v {
                socket.say(message);
            }
        });
    }

    fn ask_control(self) {
        self.send(&crate::live::Say::ControlRequest);
    }

    fn show_monitor(self, index: usize) {
        self.send(&crate::live::Say::Monitor { index });
    }

    fn send_clipboard(self, text: &str) {
        if !text.is_empty() {
            self.send(&crate::live::Say::Clipboard { text });
        }
    }

    /// A pointer event on the picture: moves (at most one per animation frame's worth of
    /// time) and button presses, at their place on the picture. Only while in control.
    fn pointer(self, ev: leptos::ev::MouseEvent, down: Option<bool>, st: ViewState) {
        use crate::live::InputSay;
        if !st.control.get_untracked() {
            return;
        }
        let Some((x, y)) = picture_point(&ev) else {
            return;
        };
        let event = match down {
            None => {
                let now = js_sys::Date::now();
                if now - LAST_MOVE.with(|t| t.get()) < 16.0 {
                    return;
                }
                LAST_MOVE.with(|t| t.set(now));
                InputSay::Move { x, y }
            }
            Some(down) => {
                ev.prevent_default();
                if down && let Some(el) = ev.current_target() {
                    // Keys go to the picture once it was clicked.
                    use wasm_bindgen::JsCast;
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
                let button = match ev.button() {
                    1 => "middle",
                    2 => "right",
                    _ => "left",
                };
                InputSay::Button { button, down, x, y }
            }
        };
        self.send(&crate::live::Say::Input { event });
    }

    fn wheel(self, ev: leptos::ev::WheelEvent, st: ViewState) {
        if !st.control.get_untracked() {
            return;
        }
        ev.prevent_default();
        // A notch is about 100 pixels (or 3 lines) of wheel.
        let notches = |d: f64| {
            match ev.delta_mode() {
                0 => (d / 100.0).round(),
                1 => (d / 3.0).round(),
                _ => d.round(),
            }
            .clamp(-20.0, 20.0) as i32
        };
        let (dx, dy) = (notches(ev.delta_x()), notches(ev.delta_y()));
        if dx != 0 || dy != 0 {
            self.send(&crate::live::Say::Input {
                event: crate::live::InputSay::Wheel { dx, dy },
            });
        }
    }

    /// A key on the focused picture: its physical code, so the end user's layout decides the
    /// character. The browser's own use of the key (scrolling, shortcuts) is held back.
    fn key(self, ev: leptos::ev::KeyboardEvent, down: bool, st: ViewState) {
        if !st.control.get_untracked() {
            return;
        }
        let code = ev.code();
        if code.is_empty() {
            return;
        }
        ev.prevent_default();
        self.send(&crate::live::Say::Input {
            event: crate::live::InputSay::Key { code: &code, down },
        });
    }
}

/// Runs `f` every `secs` seconds while the view lives.
#[cfg(feature = "hydrate")]
fn every(secs: u64, f: impl Fn() + 'static) {
    if let Ok(handle) = leptos::leptos_dom::helpers::set_interval_with_handle(
        f,
        std::time::Duration::from_secs(secs),
    ) {
        on_cleanup(move || handle.clear());
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    static LAST_MOVE: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// Where a mouse event falls on the video's picture, as fractions (0 to 1) of its width and
/// height; `None` outside the picture (the letterbox bars of a picture kept in proportion).
#[cfg(feature = "hydrate")]
fn picture_point(ev: &leptos::ev::MouseEvent) -> Option<(f32, f32)> {
    use wasm_bindgen::JsCast;
    let video: web_sys::HtmlVideoElement = ev.current_target()?.dyn_into().ok()?;
    let (vw, vh) = (
        f64::from(video.video_width()),
        f64::from(video.video_height()),
    );
    if vw == 0.0 || vh == 0.0 {
        return None;
    }
    let rect = video.get_bounding_client_rect();
    let scale = (rect.width() / vw).min(rect.height() / vh);
    let (pw, ph) = (vw * scale, vh * scale);
    let left = rect.left() + (rect.width() - pw) / 2.0;
    let top = rect.top() + (rect.height() - ph) / 2.0;
    let x = (f64::from(ev.client_x()) - left) / pw;
    let y = (f64::from(ev.client_y()) - top) / ph;
    ((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)).then_some((x as f32, y as f32))
}
