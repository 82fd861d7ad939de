//! The browser's side of things the server cannot render: local time, the clipboard, server
//! push (SSE for the portal, the session sockets for the link page and the session view),
//! and alerts. On the
//! server every function is an inert stand-in, so pages call them without `cfg` noise.

use crate::portal::Instant;

/// A status change pushed to the portal (`/api/v1/events`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ChangePush {
    pub id: String,
    pub status: String,
}

/// What a session socket pushes: the end user's (`/api/v1/assist/TOKEN/ws`) or an agent's
/// (`/api/v1/session-requests/ID/ws`). See the server's `http::signal` for who sends what.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// The request's status now (`released`: the link went to another device).
    Status {
        status: String,
        prompt: Option<PromptPush>,
        /// Agents only: whether the end user is here.
        online: Option<bool>,
        /// Agents only: whether the end user gave this agent control of their computer.
        in_control: Option<bool>,
        /// Whether the other side holds a socket now. In a session, `false` is *Disconnected*:
        /// the session ends by itself unless they come back within `grace_secs`.
        peer: Option<bool>,
        grace_secs: Option<u64>,
        /// End user only: a session ended and no new one began (the page says they may go).
        over: Option<bool>,
        /// Agents only: a connect prompt awaits the end user's answer.
        asking: Option<AskingPush>,
    },
    Offer {
        sdp: String,
    },
    Answer {
        sdp: String,
    },
    Ice {
        candidate: IceCandidate,
    },
    /// An agent (re)joined and wants a fresh offer.
    Hello,
    Chat {
        from: String,
        /// `agent` or `end_user`.
        side: String,
        text: String,
    },
    Pong,
    Error {
        message: String,
    },
    /// The end user's clipboard text (to the agent in control).
    Clipboard {
        text: String,
    },
    /// The end user's screens (width, height), and which one the picture shows.
    Monitors {
        monitors: Vec<MonitorPush>,
        selected: usize,
    },
}

/// A connect prompt awaiting the end user: who is asked, by whom, and the seconds left.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct AskingPush {
    pub recipient: String,
    pub agent_name: String,
    pub remaining_secs: u64,
}

/// One of the end user's screens.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct MonitorPush {
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub primary: bool,
}

/// A push as it arrives: one flat object. Read as a struct and turned into `Push` by hand,
/// because serde's tagged enums buffer every field generically, which costs the bundle far
/// more than these few lines. (Browser only: the server writes these, it never reads them.)
#[cfg(any(feature = "hydrate", test))]
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Wire {
    r#type: String,
    status: String,
    prompt: Option<PromptPush>,
    online: Option<bool>,
    in_control: Option<bool>,
    peer: Option<bool>,
    grace_secs: Option<u64>,
    over: Option<bool>,
    monitors: Option<Vec<MonitorPush>>,
    selected: usize,
    asking: Option<AskingPush>,
    sdp: String,
    candidate: Option<IceCandidate>,
    from: String,
    side: String,
    text: String,
    message: String,
}

#[cfg(any(feature = "hydrate", test))]
impl Push {
    pub fn parse(json: &str) -> Option<Push> {
        let w: Wire = serde_json::from_str(json).ok()?;
        Some(match w.r#type.as_str() {
            "status" => Push::Status {
                status: w.status,
                prompt: w.prompt,
                online: w.online,
                in_control: w.in_control,
                peer: w.peer,
                grace_secs: w.grace_secs,
                over: w.over,
                asking: w.asking,
            },
            "offer" => Push::Offer { sdp: w.sdp },
            "answer" => Push::Answer { sdp: w.sdp },
            "ice" => Push::Ice {
                candidate: w.candidate?,
            },
            "hello" => Push::Hello,
            "chat" => Push::Chat {
                from: w.from,
                side: w.side,
                text: w.text,
            },
            "pong" => Push::Pong,
            "clipboard" => Push::Clipboard { text: w.text },
            "monitors" => Push::Monitors {
                monitors: w.monitors?,
                selected: w.selected,
            },
            "error" => Push::Error { message: w.message },
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct PromptPush {
    /// A number, sent as a string (the REST API's prompt shape).
    pub id: String,
    pub agent_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IceCandidate {
    pub candidate: String,
    #[serde(default)]
    pub sdp_mid: Option<String>,
    #[serde(default)]
    pub sdp_m_line_index: Option<u16>,
}

/// What the pages send on a session socket (the server checks each against `http::signal`).
/// Typed rather than `json!`: `serde_json::Value` would add its whole machinery to the
/// bundle.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Say<'a> {
    Offer {
        sdp: &'a str,
    },
    Answer {
        sdp: &'a str,
    },
    Ice {
        candidate: IceCandidate,
    },
    /// (Re)joined: asks a sharing end user for a fresh offer.
    Hello,
    /// Asks the end user for control of their computer.
    ControlRequest,
    /// One input event for the end user's computer (only while the agent has control).
    Input {
        event: InputSay<'a>,
    },
    /// Text for the end user's clipboard (only while the agent has control).
    Clipboard {
        text: &'a str,
    },
    /// Show the end user's screen `index` instead.
    Monitor {
        index: usize,
    },
    Chat {
        text: &'a str,
    },
}

/// An input event as the agent's view sends it (the server's `media::input::InputEvent`;
/// written out here because that crate does not build for the browser). Positions are
/// fractions of the picture; keys are physical (`KeyboardEvent.code`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputSay<'a> {
    Move {
        x: f32,
        y: f32,
    },
    Button {
        button: &'a str,
        down: bool,
        x: f32,
        y: f32,
    },
    Wheel {
        dx: i32,
        dy: i32,
    },
    Key {
        code: &'a str,
        down: bool,
    },
}

/// A chat line as the pages keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub from: String,
    pub mine: bool,
    pub text: String,
}

/// The window event that asks the frame to refresh the page's live regions.
pub const REFRESH_EVENT: &str = "beckon:refresh";

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use js_sys::{Object, Reflect};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;

    const ALERTS_KEY: &str = "beckon.alerts";

    pub fn time_zone() -> Option<String> {
        let opts = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &Object::new())
            .resolved_options();
        Reflect::get(&opts, &"timeZone".into()).ok()?.as_string()
    }

    pub fn format_local(ts: Instant, lang: &str) -> Option<String> {
        format_in(ts, lang, None)
    }

    /// `ts` as a `datetime-local` input writes it (`YYYY-MM-DDTHH:MM`), in the browser's zone.
    pub fn input_time(ts: Instant) -> Option<String> {
        let d = js_sys::Date::new(&JsValue::from_f64(ts.0 as f64));
        if d.get_time().is_nan() {
            return None;
        }
        Some(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        ))
    }

    /// Sets what the input `id` holds, as if typed.
    pub fn set_input_value(id: &str, value: &str) {
        let input = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            input.set_value(value);
        }
    }

    /// `ts` as the browser writes it in `zone` (its own zone when `None`).
    pub fn format_in(ts: Instant, lang: &str, zone: Option<&str>) -> Option<String> {
        let date = js_sys::Date::new(&JsValue::from_f64(ts.0 as f64));
        let opts = Object::new();
        for (k, v) in [("dateStyle", "medium"), ("timeStyle", "short")] {
            Reflect::set(&opts, &k.into(), &v.into()).ok()?;
        }
        if let Some(z) = zone {
            Reflect::set(&opts, &"timeZone".into(), &z.into()).ok()?;
        }
        Some(String::from(date.to_locale_string(lang, &opts)))
    }

    pub fn copy_text(text: &str) {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(text);
        }
    }

    /// Calls `on_change` for every pushed change, and with `None` each time the stream
    /// opens: the first time for what changed between the page's render and now, later after
    /// a reconnect (the browser retries on its own; what happened meanwhile must be reloaded).
    pub fn watch_changes(
        on_change: impl Fn(Option<ChangePush>) + 'static,
    ) -> Option<web_sys::EventSource> {
        use std::rc::Rc;
        let source = web_sys::EventSource::new("/api/v1/events").ok()?;
        let on_change = Rc::new(on_change);
        let notify = on_change.clone();
        let cb = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(c) = ev
                .data()
                .as_string()
                .and_then(|s| serde_json::from_str::<ChangePush>(&s).ok())
            {
                notify(Some(c));
            }
        });
        source
            .add_event_listener_with_callback("status", cb.as_ref().unchecked_ref())
            .ok()?;
        cb.forget();
        let on_open = Closure::<dyn Fn()>::new(move || on_change(None));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();
        Some(source)
    }

    /// A session socket that reconnects (backing off to 30 s) after a drop, until the
    /// request has ended; `send` goes to whichever connection is current.
    #[derive(Clone)]
    pub struct Socket {
        current: std::rc::Rc<std::cell::RefCell<Option<web_sys::WebSocket>>>,
        /// Closed on purpose (the view went away): no reconnecting.
        closed: std::rc::Rc<std::cell::Cell<bool>>,
    }

    impl Socket {
        /// Opens `path` on this site. `on_open` runs after every (re)connect.
        pub fn open(
            path: &str,
            on_push: impl Fn(Push) + 'static,
            on_open: impl Fn(&Socket) + 'static,
        ) -> Option<Socket> {
            use std::rc::Rc;
            let loc = web_sys::window()?.location();
            let scheme = if loc.protocol().ok().as_deref() == Some("https:") {
                "wss"
            } else {
                "ws"
            };
            let url = Rc::new(format!("{scheme}://{}{path}", loc.host().ok()?));
            let socket = Socket {
                current: Rc::default(),
                closed: Rc::default(),
            };
            socket.connect(url, Rc::new(on_push), Rc::new(on_open), 1_000);
            Some(socket)
        }

        /// Sends a message now (dropped while reconnecting: signalling starts over then).
        pub fn say(&self, message: &Say<'_>) {
            if let Some(ws) = self.current.borrow().as_ref()
                && ws.ready_state() == web_sys::WebSocket::OPEN
                && let Ok(text) = serde_json::to_string(message)
            {
                let _ = ws.send_with_str(&text);
            }
        }

        /// Hangs up for good.
        pub fn close(&self) {
            self.closed.set(true);
            if let Some(ws) = self.current.borrow_mut().take() {
                let _ = ws.close();
            }
        }

        fn connect(
            &self,
            url: std::rc::Rc<String>,
            on_push: std::rc::Rc<dyn Fn(Push)>,
            on_open: std::rc::Rc<dyn Fn(&Socket)>,
            delay_ms: i32,
        ) {
            use std::cell::Cell;
            use std::rc::Rc;
            let Ok(ws) = web_sys::WebSocket::new(&url) else {
                return;
            };
            let ended = Rc::new(Cell::new(false));
            let (push, ended_in) = (on_push.clone(), ended.clone());
            let on_message =
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                    if let Some(p) = ev.data().as_string().and_then(|s| Push::parse(&s)) {
                        if let Push::Status { status, .. } = &p {
                            ended_in
                                .set(matches!(status.as_str(), "closed" | "expired" | "released"));
                        }
                        push(p);
                    }
                });
            ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
            let (me, opened) = (self.clone(), on_open.clone());
            let on_open_cb = Closure::<dyn Fn()>::new(move || opened(&me));
            ws.set_onopen(Some(on_open_cb.as_ref().unchecked_ref()));
            on_open_cb.forget();
            let me = self.clone();
            let on_close =
                Closure::<dyn Fn(web_sys::CloseEvent)>::new(move |ev: web_sys::CloseEvent| {
                    if ended.get() || me.closed.get() {
                        return;
                    }
                    web_sys::console::warn_1(
                        &format!(
                            "beckon: session socket closed ({} {}); reconnecting",
                            ev.code(),
                            ev.reason()
                        )
                        .into(),
                    );
                    let (me, url, on_push, on_open) =
                        (me.clone(), url.clone(), on_push.clone(), on_open.clone());
                    let retry = Closure::once_into_js(move || {
                        me.connect(url, on_push, on_open, (delay_ms * 2).min(30_000))
                    });
                    if let Some(w) = web_sys::window() {
                        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                            retry.unchecked_ref(),
                            delay_ms,
                        );
                    }
                });
            ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            on_close.forget();
            *self.current.borrow_mut() = Some(ws);
        }
    }

    /// Asks the portal's frame to fetch this page again and swap in its live regions
    /// (`pages::enhance`): islands call it after a change of their own.
    pub fn request_refresh() {
        if let Some(w) = web_sys::window()
            && let Ok(ev) = web_sys::Event::new(REFRESH_EVENT)
        {
            let _ = w.dispatch_event(&ev);
        }
    }

    /// Sends the browser to `href` (a full page load).
    pub fn go(href: &str) {
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(href);
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn alerts_enabled() -> bool {
        storage()
            .and_then(|s| s.get_item(ALERTS_KEY).ok()?)
            .is_some_and(|v| v == "on")
    }

    pub fn set_alerts(on: bool) {
        if let Some(s) = storage() {
            let _ = s.set_item(ALERTS_KEY, if on { "on" } else { "off" });
        }
        if on && web_sys::Notification::permission() == web_sys::NotificationPermission::Default {
            let _ = web_sys::Notification::request_permission();
        }
    }

    /// A short two-tone chime and, when allowed, a desktop notification.
    pub fn alert(title: &str, body: &str) {
        if let Ok(ctx) = web_sys::AudioContext::new() {
            for (i, freq) in [880.0_f32, 660.0].into_iter().enumerate() {
                let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                    continue;
                };
                osc.frequency().set_value(freq);
                gain.gain().set_value(0.15);
                let start = ctx.current_time() + i as f64 * 0.18;
                let _ = osc.connect_with_audio_node(&gain);
                let _ = gain.connect_with_audio_node(&ctx.destination());
                let _ = osc.start_with_when(start);
                let _ = osc.stop_with_when(start + 0.15);
            }
        }
        if web_sys::Notification::permission() == web_sys::NotificationPermission::Granted {
            let opts = web_sys::NotificationOptions::new();
            opts.set_body(body);
            let _ = web_sys::Notification::new_with_options(title, &opts);
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(not(feature = "hydrate"))]
mod server {
    use super::*;

    pub fn time_zone() -> Option<String> {
        None
    }
    pub fn format_local(_: Instant, _: &str) -> Option<String> {
        None
    }
    pub fn input_time(_: Instant) -> Option<String> {
        None
    }
    pub fn set_input_value(_: &str, _: &str) {}
    pub fn format_in(_: Instant, _: &str, _: Option<&str>) -> Option<String> {
        None
    }
    pub fn copy_text(_: &str) {}
    pub fn alerts_enabled() -> bool {
        false
    }
    pub fn set_alerts(_: bool) {}
    pub fn alert(_: &str, _: &str) {}
    pub fn request_refresh() {}
    pub fn go(_: &str) {}
}

#[cfg(not(feature = "hydrate"))]
pub use server::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_parse_from_the_servers_shapes() {
        assert_eq!(
            Push::parse(
                r#"{"type":"status","status":"waiting","prompt":{"id":"3","agent_name":"Ada","asked_at":"x"},"peer":false,"grace_secs":60,"over":true}"#
            ),
            Some(Push::Status {
                status: "waiting".into(),
                prompt: Some(PromptPush {
                    id: "3".into(),
                    agent_name: "Ada".into()
                }),
                online: None,
                in_control: None,
                peer: Some(false),
                grace_secs: Some(60),
                over: Some(true),
                asking: None,
            })
        );
        assert_eq!(
            Push::parse(
                r#"{"type":"ice","candidate":{"candidate":"c","sdpMid":"0","sdpMLineIndex":0}}"#
            ),
            Some(Push::Ice {
                candidate: IceCandidate {
                    candidate: "c".into(),
                    sdp_mid: Some("0".into()),
                    sdp_m_line_index: Some(0),
                }
            })
        );
        assert!(matches!(
            Push::parse(r#"{"type":"chat","from":"Ada","side":"agent","text":"hi","at":"t"}"#),
            Some(Push::Chat { text, .. }) if text == "hi"
        ));
        assert_eq!(
            Push::parse(r#"{"type":"ice"}"#),
            None,
            "a candidate is required"
        );
        assert_eq!(Push::parse(r#"{"type":"shell"}"#), None);
        assert_eq!(Push::parse("not json"), None);
    }

    #[test]
    fn what_pages_say_has_the_shape_the_server_takes() {
        let say = |s: &Say<'_>| serde_json::to_string(s).unwrap();
        assert_eq!(say(&Say::Hello), r#"{"type":"hello"}"#);
        assert_eq!(say(&Say::ControlRequest), r#"{"type":"control_request"}"#);
        assert_eq!(
            say(&Say::Monitor { index: 1 }),
            r#"{"type":"monitor","index":1}"#
        );
        assert_eq!(
            Push::parse(
                r#"{"type":"monitors","monitors":[{"width":1280,"height":720,"primary":true},{"width":800,"height":600}],"selected":1}"#
            ),
            Some(Push::Monitors {
                monitors: vec![
                    MonitorPush {
                        width: 1280,
                        height: 720,
                        primary: true
                    },
                    MonitorPush {
                        width: 800,
                        height: 600,
                        primary: false
                    },
                ],
                selected: 1,
            })
        );
        assert_eq!(
            say(&Say::Input {
                event: InputSay::Button {
                    button: "left",
                    down: true,
                    x: 0.5,
                    y: 0.25
                }
            }),
            r#"{"type":"input","event":{"kind":"button","button":"left","down":true,"x":0.5,"y":0.25}}"#
        );
        assert_eq!(
            say(&Say::Input {
                event: InputSay::Key {
                    code: "KeyA",
                    down: false
                }
            }),
            r#"{"type":"input","event":{"kind":"key","code":"KeyA","down":false}}"#
        );
        assert_eq!(
            say(&Say::Chat { text: "hi" }),
            r#"{"type":"chat","text":"hi"}"#
        );
        assert_eq!(
            say(&Say::Offer { sdp: "v=0" }),
            r#"{"type":"offer","sdp":"v=0"}"#
        );
        let ice = Say::Ice {
            candidate: IceCandidate {
                candidate: "c".into(),
                sdp_mid: None,
                sdp_m_line_index: Some(1),
            },
        };
        assert_eq!(
            say(&ice),
            r#"{"type":"ice","candidate":{"candidate":"c","sdpMid":null,"sdpMLineIndex":1}}"#
        );
    }
}
