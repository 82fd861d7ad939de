//! The assist app's side of the screen share: starts the `media` share when the session
//! starts, and turns the agent's signalling (answer, ICE, hello) into calls on it. The
//! socket messages it returns are the same the link page's browser share sends.
//!
//! One offer is outstanding at a time: an agent's `hello` (their view reconnected) while an
//! offer awaits its answer renews the offer only after that answer is in (or on a second
//! `hello`), because an answer carries nothing that says which offer it answers.

use media::{Share, ShareConfig, ShareEvent};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::view::{Note, Ui};

pub struct Screen {
    share: Option<Share>,
    /// The relay's STUN address: the share offers this computer's public address too.
    stun: Option<std::net::SocketAddr>,
    /// The monitor the agent chose (kept when the share starts over).
    chosen: Option<usize>,
    /// Which share is current: events of one already replaced are ignored.
    generation: u64,
    awaiting_answer: bool,
    again: bool,
    events_tx: mpsc::UnboundedSender<(u64, ShareEvent)>,
    events: mpsc::UnboundedReceiver<(u64, ShareEvent)>,
    ui: Ui,
}

impl Screen {
    pub fn new(stun: Option<std::net::SocketAddr>, ui: Ui) -> Screen {
        let (events_tx, events) = mpsc::unbounded_channel();
        Screen {
            share: None,
            stun,
            chosen: None,
            generation: 0,
            awaiting_answer: false,
            again: false,
            events_tx,
            events,
            ui,
        }
    }

    /// The current share's next event.
    pub async fn next_event(&mut self) -> Option<ShareEvent> {
        loop {
            let (generation, event) = self.events.recv().await?;
            if generation == self.generation {
                return Some(event);
            }
        }
    }

    /// Starts sharing (or starts over): the offer to send, or `None` when the screen
    /// cannot be shared here (said on the terminal; chat goes on).
    pub fn start(&mut self) -> Option<Value> {
        let first = self.share.is_none();
        self.stop();
        self.generation += 1;
        let (events, generation) = (self.events_tx.clone(), self.generation);
        let config = ShareConfig {
            stun: self.stun,
            ..ShareConfig::default()
        };
        match Share::start(config, move |e| {
            let _ = events.send((generation, e));
        }) {
            Ok((share, sdp)) => {
                if first {
                    self.ui.note(Note::SharingStarted);
                }
                self.ui.update(|v| v.sharing = true);
                if let Some(i) = self.chosen {
                    let _ = share.select_monitor(i);
                }
                self.share = Some(share);
                self.awaiting_answer = true;
                self.again = false;
                Some(json!({"type": "offer", "sdp": sdp}))
            }
            Err(e) => {
                self.ui.note(Note::ShareUnavailable(e.to_string()));
                None
            }
        }
    }

    /// The end user's screens and the one shown, for the agent's switcher.
    pub fn monitors_message(&self) -> Option<Value> {
        let share = self.share.as_ref()?;
        let monitors: Vec<Value> = share
            .monitors()
            .iter()
            .map(|m| json!({"width": m.width, "height": m.height, "primary": m.primary}))
            .collect();
        Some(json!({"type": "monitors", "monitors": monitors, "selected": share.selected()}))
    }

    /// The agent picked screen `index`: the picture switches (the list goes back to them).
    pub fn select(&mut self, index: Option<u64>) -> Option<Value> {
        let share = self.share.as_ref()?;
        let index = usize::try_from(index?).ok()?;
        if share.select_monitor(index).is_err() {
            return None;
        }
        self.chosen = Some(index);
        self.ui.note(Note::ScreenSwitched {
            index,
            of: share.monitors().len(),
        });
        self.monitors_message()
    }

    /// The monitor being shared, while sharing.
    pub fn monitor(&self) -> Option<media::capture::Monitor> {
        self.share.as_ref().map(Share::monitor)
    }

    pub fn stop(&mut self) {
        if let Some(share) = self.share.take() {
            self.ui.update(|v| v.sharing = false);
            // Joining its threads takes up to a socket timeout: not on the runtime's thread.
            std::thread::spawn(move || drop(share));
        }
        self.awaiting_answer = false;
        self.again = false;
    }

    pub fn on_answer(&mut self, sdp: &str) -> Option<Value> {
        let share = self.share.as_ref()?;
        if !self.awaiting_answer {
            // A second agent view answering the same offer: the first answer won.
            return None;
        }
        if let Err(e) = share.accept_answer(sdp) {
            tracing::debug!("answer refused: {e}");
            return None;
        }
        self.awaiting_answer = false;
        if std::mem::take(&mut self.again) {
            return self.start();
        }
        None
    }

    pub fn on_candidate(&self, candidate: &str) {
        if let Some(share) = &self.share {
            share.add_remote_candidate(candidate);
        }
    }

    /// An agent's view (re)joined and asks for a fresh offer.
    pub fn on_hello(&mut self) -> Option<Value> {
        self.share.as_ref()?;
        if self.awaiting_answer && !self.again {
            self.again = true;
            return None;
        }
        self.start()
    }

    /// What the share reports; a lost connection is offered afresh.
    pub fn on_event(&mut self, event: ShareEvent) -> Option<Value> {
        match event {
            ShareEvent::Connected => {
                self.ui.note(Note::AgentSees);
                self.monitors_message()
            }
            ShareEvent::Disconnected => {
                self.ui.note(Note::ShareLost);
                self.start()
            }
            ShareEvent::Failed(e) => {
                self.ui.note(Note::ShareStopped(e.to_string()));
                self.stop();
                None
            }
        }
    }
}
