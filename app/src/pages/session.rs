//! The agent's session view on a request's page: whether the end user is online right now,
//! their shared screen (WebRTC, `rtc::Viewer`) with the rate it arrives at, and the chat.
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
}

/// An island: everything in it happens in the browser (the server renders it offline).
#[cfg_attr(feature = "link-bundle", component)]
#[cfg_attr(not(feature = "link-bundle"), island)]
pub fn SessionView(id: String, ice_servers: Vec<IceServer>) -> impl IntoView {
    let t = texts();
    let st = ViewState {
        status: RwSignal::new(None),
        online: RwSignal::new(false),
        kbps: RwSignal::new(None),
        bytes: RwSignal::new(0),
        chat: RwSignal::new(Vec::new()),
    };
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
            <div class="screen" hidden=move || !in_session()>
                <video id="remote-screen" node_ref=video autoplay muted playsinline
                    data-bytes=move || st.bytes.get().to_string()></video>
                <p class="hint" id="screen-rate">{move || match st.kbps.get() {
                    Some(k) => format!("{} · {k} kbit/s", t.session_receiving),
                    None => t.session_waiting_screen.to_owned(),
                }}</p>
            </div>
            {move || matches!(st.status.get(), Some(Status::Ready | Status::InSession)).then(|| view! {
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
        if let Ok(handle) = leptos::leptos_dom::helpers::set_interval_with_handle(
            tick,
            std::time::Duration::from_secs(2),
        ) {
            on_cleanup(move || handle.clear());
        }
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
            Push::Status { status, online, .. } => {
                let status = Status::parse(&status);
                if status != Some(Status::InSession) {
                    viewer.stop();
                    st.kbps.set(None);
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
            Push::Answer { .. } | Push::Hello | Push::Pong | Push::Error { .. } => {}
        }
    }

    fn say(self, text: &str) {
        self.inner.with_value(|v| {
            if let Some((socket, _)) = v {
                socket.say(&crate::live::Say::Chat { text });
            }
        });
    }
}
