//! The in-browser session over WebRTC (browser only). The end user's page shares the screen
//! (`Sharer`, it makes the offer); the agent's session view watches it (`Viewer`, it
//! answers). Offers, answers and ICE candidates travel over the session sockets
//! (`live::Socket`); the media goes peer to peer (or through the configured TURN server).
//!
//! When an agent's view (re)connects it says `hello`, and a sharing end user offers afresh:
//! either side may reload without ending the session.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MediaStream, MediaStreamTrack, RtcConfiguration, RtcIceCandidateInit, RtcIceServer,
    RtcPeerConnection, RtcPeerConnectionIceEvent, RtcSdpType, RtcSessionDescriptionInit,
    RtcSignalingState, RtcTrackEvent,
};

use crate::live::{IceCandidate, Say, Socket};
use crate::portal::IceServer;

fn peer(ice: &[IceServer], socket: &Socket) -> Result<RtcPeerConnection, JsValue> {
    let config = RtcConfiguration::new();
    let servers = Array::new();
    for s in ice {
        let server = RtcIceServer::new();
        server.set_urls_str(&s.urls);
        if let (Some(u), Some(c)) = (&s.username, &s.credential) {
            server.set_username(u);
            server.set_credential(c);
        }
        servers.push(&server);
    }
    config.set_ice_servers(&servers);
    let pc = RtcPeerConnection::new_with_configuration(&config)?;
    let socket = socket.clone();
    let on_ice =
        Closure::<dyn Fn(RtcPeerConnectionIceEvent)>::new(move |ev: RtcPeerConnectionIceEvent| {
            let Some(c) = ev.candidate() else { return };
            let candidate = IceCandidate {
                candidate: c.candidate(),
                sdp_mid: c.sdp_mid(),
                sdp_m_line_index: c.sdp_m_line_index(),
            };
            socket.say(&Say::Ice { candidate });
        });
    pc.set_onicecandidate(Some(on_ice.as_ref().unchecked_ref()));
    on_ice.forget();
    Ok(pc)
}

fn warn(what: &str) {
    web_sys::console::warn_1(&format!("beckon: {what}").into());
}

async fn describe(pc: &RtcPeerConnection, kind: RtcSdpType, sdp: &str) -> Result<(), JsValue> {
    let init = RtcSessionDescriptionInit::new(kind);
    init.set_sdp(sdp);
    JsFuture::from(pc.set_remote_description(&init)).await?;
    Ok(())
}

/// Creates an offer or answer, sets it locally, and returns its SDP.
async fn local(pc: &RtcPeerConnection, made: Promise, kind: RtcSdpType) -> Result<String, JsValue> {
    let desc = JsFuture::from(made).await?;
    let sdp = Reflect::get(&desc, &"sdp".into())?
        .as_string()
        .unwrap_or_default();
    let init = RtcSessionDescriptionInit::new(kind);
    init.set_sdp(&sdp);
    JsFuture::from(pc.set_local_description(&init)).await?;
    Ok(sdp)
}

async fn add_candidate(pc: &RtcPeerConnection, c: &IceCandidate) -> Result<(), JsValue> {
    let init = RtcIceCandidateInit::new(&c.candidate);
    init.set_sdp_mid(c.sdp_mid.as_deref());
    init.set_sdp_m_line_index(c.sdp_m_line_index);
    JsFuture::from(pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init))).await?;
    Ok(())
}

fn tracks(stream: &MediaStream) -> impl Iterator<Item = MediaStreamTrack> {
    stream
        .get_tracks()
        .into_iter()
        .filter_map(|t| t.dyn_into::<MediaStreamTrack>().ok())
}

/// The end user's side: the shared screen and the connection that sends it.
#[derive(Clone)]
pub struct Sharer {
    socket: Socket,
    ice: Rc<Vec<IceServer>>,
    stream: Rc<RefCell<Option<MediaStream>>>,
    pc: Rc<RefCell<Option<RtcPeerConnection>>>,
    /// An offer is being made. An agent joining meanwhile gets that one (it is sent after
    /// they joined); closing its connection for a new one would leave the browser's
    /// `setLocalDescription` on it unsettled, and the share would never start.
    offering: Rc<Cell<bool>>,
    /// An agent asked for a fresh offer while one was awaiting its answer: offer again once
    /// that answer is in. Offering at once would let the older answer land on the newer
    /// connection (answers carry no reference to their offer), and neither would connect.
    again: Rc<Cell<bool>>,
}

impl Sharer {
    pub fn new(socket: Socket, ice: Vec<IceServer>) -> Sharer {
        Sharer {
            socket,
            ice: Rc::new(ice),
            stream: Rc::default(),
            pc: Rc::default(),
            offering: Rc::default(),
            again: Rc::default(),
        }
    }

    /// Asks the browser for a screen (its own picker) and offers it. `on_ended` runs when
    /// the end user stops sharing from the browser's own controls.
    pub async fn start(&self, on_ended: impl Fn() + 'static) -> Result<(), JsValue> {
        let devices = web_sys::window()
            .ok_or("no window")?
            .navigator()
            .media_devices()?;
        let constraints = web_sys::DisplayMediaStreamConstraints::new();
        constraints.set_video_bool(true);
        let stream: MediaStream =
            JsFuture::from(devices.get_display_media_with_constraints(&constraints)?)
                .await?
                .dyn_into()?;
        let on_ended = Rc::new(on_ended);
        for t in tracks(&stream) {
            let cb = on_ended.clone();
            let f = Closure::<dyn Fn()>::new(move || cb());
            t.set_onended(Some(f.as_ref().unchecked_ref()));
            f.forget();
        }
        *self.stream.borrow_mut() = Some(stream);
        self.offer().await
    }

    pub fn sharing(&self) -> bool {
        self.stream.borrow().is_some()
    }

    /// A new connection carrying the current screen, and its offer.
    async fn offer(&self) -> Result<(), JsValue> {
        let Some(stream) = self.stream.borrow().clone() else {
            return Ok(());
        };
        if let Some(old) = self.pc.borrow_mut().take() {
            old.close();
        }
        let pc = peer(&self.ice, &self.socket)?;
        for t in tracks(&stream) {
            pc.add_track_0(&t, &stream);
        }
        *self.pc.borrow_mut() = Some(pc.clone());
        self.offering.set(true);
        let made = local(&pc, pc.create_offer(), RtcSdpType::Offer).await;
        self.offering.set(false);
        self.socket.say(&Say::Offer { sdp: &made? });
        Ok(())
    }

    /// Signalling from the agent's side. Only an offer awaiting its answer takes one: a
    /// second agent view's answer to the same offer, or a late one, is dropped.
    pub async fn on_answer(&self, sdp: &str) -> Result<(), JsValue> {
        let pc = self.pc.borrow().clone();
        let Some(pc) = pc else { return Ok(()) };
        if pc.signaling_state() != RtcSignalingState::HaveLocalOffer {
            warn("an answer arrived with no offer awaiting it; dropped");
            return Ok(());
        }
        describe(&pc, RtcSdpType::Answer, sdp).await?;
        if self.again.replace(false) {
            self.offer().await?;
        }
        Ok(())
    }

    pub async fn on_candidate(&self, c: &IceCandidate) -> Result<(), JsValue> {
        let pc = self.pc.borrow().clone();
        match pc {
            Some(pc) => add_candidate(&pc, c).await,
            None => Ok(()),
        }
    }

    /// An agent (re)joined: offer again if sharing. An offer being made goes to them anyway;
    /// one awaiting its answer is answered first, then renewed (see `again`).
    pub async fn on_hello(&self) -> Result<(), JsValue> {
        if self.offering.get() {
            return Ok(());
        }
        let awaiting = self
            .pc
            .borrow()
            .as_ref()
            .is_some_and(|pc| pc.signaling_state() == RtcSignalingState::HaveLocalOffer);
        if awaiting && !self.again.get() {
            self.again.set(true);
            return Ok(());
        }
        // Asked twice while waiting: that answer is not coming (the agent's view that
        // would have sent it is gone). Start over.
        self.again.set(false);
        self.offer().await
    }

    /// Stops the capture and the connection.
    pub fn stop(&self) {
        if let Some(stream) = self.stream.borrow_mut().take() {
            for t in tracks(&stream) {
                t.stop();
            }
        }
        if let Some(pc) = self.pc.borrow_mut().take() {
            pc.close();
        }
    }
}

/// The agent's side: answers the end user's offer and shows the screen in `video`.
#[derive(Clone)]
pub struct Viewer {
    socket: Socket,
    pc: Rc<RefCell<Option<RtcPeerConnection>>>,
    /// When (ms since the epoch) an offer last arrived or a fresh one was asked for.
    asked: Rc<Cell<f64>>,
}

/// How long a connection may take to come up before the viewer asks for a fresh offer.
const RETRY_AFTER_MS: f64 = 6_000.0;

impl Viewer {
    pub fn new(socket: Socket) -> Viewer {
        Viewer {
            socket,
            pc: Rc::default(),
            asked: Rc::new(Cell::new(js_sys::Date::now())),
        }
    }

    /// Asks a sharing end user for a fresh offer (on every (re)connect of the socket).
    pub fn hello(&self) {
        self.asked.set(js_sys::Date::now());
        self.socket.say(&Say::Hello);
    }

    /// Called every few seconds while the session is under way: a connection that has not
    /// come up (or failed) since the last offer or request is asked for afresh, so a lost
    /// message or a crossed offer heals by itself instead of leaving a black screen.
    pub fn watchdog(&self) {
        let connected =
            self.pc.borrow().as_ref().is_some_and(|pc| {
                pc.connection_state() == web_sys::RtcPeerConnectionState::Connected
            });
        if !connected && js_sys::Date::now() - self.asked.get() > RETRY_AFTER_MS {
            self.hello();
        }
    }

    pub async fn on_offer(
        &self,
        sdp: &str,
        video: web_sys::HtmlVideoElement,
        ice: &[IceServer],
    ) -> Result<(), JsValue> {
        self.asked.set(js_sys::Date::now());
        if let Some(old) = self.pc.borrow_mut().take() {
            old.close();
        }
        let pc = peer(ice, &self.socket)?;
        let on_track = Closure::<dyn Fn(RtcTrackEvent)>::new(move |ev: RtcTrackEvent| {
            if let Ok(stream) = ev.streams().get(0).dyn_into::<MediaStream>() {
                video.set_src_object(Some(&stream));
                // A newer stream replacing this one interrupts `play()`: expected, not an error.
                if let Ok(p) = video.play() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = JsFuture::from(p).await;
                    });
                }
            }
        });
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        on_track.forget();
        *self.pc.borrow_mut() = Some(pc.clone());
        describe(&pc, RtcSdpType::Offer, sdp).await?;
        let sdp = local(&pc, pc.create_answer(), RtcSdpType::Answer).await?;
        self.socket.say(&Say::Answer { sdp: &sdp });
        Ok(())
    }

    pub async fn on_candidate(&self, c: &IceCandidate) -> Result<(), JsValue> {
        let pc = self.pc.borrow().clone();
        match pc {
            Some(pc) => add_candidate(&pc, c).await,
            None => Ok(()),
        }
    }

    /// Bytes of media received so far (the view shows the rate; tests check it grows).
    pub async fn bytes_received(&self) -> f64 {
        let pc = self.pc.borrow().clone();
        let Some(pc) = pc else { return 0.0 };
        let Ok(report) = JsFuture::from(pc.get_stats()).await else {
            return 0.0;
        };
        let total = Rc::new(std::cell::Cell::new(0.0));
        let sum = total.clone();
        let f = Closure::<dyn Fn(JsValue)>::new(move |stat: JsValue| {
            let kind = Reflect::get(&stat, &"type".into())
                .ok()
                .and_then(|v| v.as_string());
            if kind.as_deref() == Some("inbound-rtp")
                && let Some(b) = Reflect::get(&stat, &"bytesReceived".into())
                    .ok()
                    .and_then(|v| v.as_f64())
            {
                sum.set(sum.get() + b);
            }
        });
        let report: web_sys::RtcStatsReport = report.unchecked_into();
        let _ = report.for_each(f.as_ref().unchecked_ref());
        total.get()
    }

    pub fn stop(&self) {
        if let Some(pc) = self.pc.borrow_mut().take() {
            pc.close();
        }
    }
}
