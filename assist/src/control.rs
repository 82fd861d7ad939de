//! The end user's side of control: the agent's request and the end user's answer, what the
//! terminal says while an agent controls the computer, and the injector that plays the
//! agent's input. Input is played only while this app granted control *and* the server's
//! latest status says so: a revocation stops input here at once, before the server's word.

use media::capture::Monitor;
use media::input::{Injector, InputEvent};
use serde_json::Value;

use crate::view::{Note, Ui};

/// An agent, as the control request named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asker {
    pub id: String,
    pub name: String,
}

pub struct Control {
    /// Asked, not answered yet.
    pub pending: Option<Asker>,
    /// Control given by this app (until taken back or ended).
    granted: Option<Asker>,
    /// The server's status has confirmed the grant: from then on, a status without it means
    /// control ended. (A status written just before the grant may still arrive after it.)
    confirmed: bool,
    injector: Option<Injector>,
    /// Opened at the first grant and kept: text the agent put there stays after control ends.
    clipboard: Option<media::clipboard::Clipboard>,
    /// The global take-back key, held while an agent has control.
    #[cfg(unix)]
    hotkey: Option<media::hotkey::Hotkey>,
    #[cfg_attr(not(unix), allow(dead_code))]
    hotkey_tx: tokio::sync::mpsc::UnboundedSender<()>,
    hotkey_rx: tokio::sync::mpsc::UnboundedReceiver<()>,
    ui: Ui,
}

impl Control {
    pub fn new(ui: Ui) -> Control {
        let (hotkey_tx, hotkey_rx) = tokio::sync::mpsc::unbounded_channel();
        Control {
            ui,
            pending: None,
            granted: None,
            confirmed: false,
            injector: None,
            clipboard: None,
            #[cfg(unix)]
            hotkey: None,
            hotkey_tx,
            hotkey_rx,
        }
    }

    pub fn ui(&self) -> &Ui {
        &self.ui
    }

    /// An agent asks for control (`control_request`).
    pub fn asked(&mut self, push: &Value, org: &str) {
        let asker = Asker {
            id: push["agent_id"].as_str().unwrap_or("").to_owned(),
            name: push["agent_name"]
                .as_str()
                .unwrap_or("Your agent")
                .to_owned(),
        };
        if self.granted.as_ref().is_some_and(|g| g.id == asker.id) {
            return;
        }
        self.ui
            .update(|v| v.control_prompt = Some(asker.name.clone()));
        self.ui.note(Note::ControlAsked {
            agent: asker.name.clone(),
            org: org.to_owned(),
        });
        self.pending = Some(asker);
    }

    /// The end user gave control (the server accepted it): input plays from now on.
    pub fn granted(&mut self, asker: Asker, org: &str, monitor: Option<Monitor>) {
        #[cfg(unix)]
        let hotkey = {
            let tx = self.hotkey_tx.clone();
            match media::hotkey::Hotkey::watch(move || {
                let _ = tx.send(());
            }) {
                Ok(h) => {
                    self.hotkey = Some(h);
                    Some(media::hotkey::HOTKEY.to_owned())
                }
                Err(e) => {
                    tracing::debug!("{e}");
                    None
                }
            }
        };
        #[cfg(not(unix))]
        let hotkey = None;
        self.ui
            .update(|v| v.controlled_by = Some(asker.name.clone()));
        self.ui.note(Note::ControlGranted {
            agent: asker.name.clone(),
            org: org.to_owned(),
            hotkey,
        });
        self.granted = Some(asker);
        self.confirmed = false;
        if self.clipboard.is_none() {
            match media::clipboard::Clipboard::open() {
                Ok(c) => self.clipboard = Some(c),
                Err(e) => tracing::debug!("{e}"),
            }
        }
        if let Some(m) = monitor {
            match Injector::start(m) {
                Ok(i) => self.injector = Some(i),
                Err(e) => self.ui.note(Note::InputUnavailable(e.to_string())),
            }
        }
    }

    /// The next press of the take-back key.
    pub async fn hotkey_pressed(&mut self) -> Option<()> {
        self.hotkey_rx.recv().await
    }

    pub fn is_granted(&self) -> bool {
        self.granted.is_some()
    }

    /// Control ended: taken back here, revoked by the server's status, or the session ended.
    pub fn end(&mut self, why: &'static str) {
        if let Some(asker) = self.granted.take() {
            // Dropping the injector lets go of any key or button still held.
            self.injector = None;
            #[cfg(unix)]
            {
                self.hotkey = None;
            }
            self.ui.update(|v| v.controlled_by = None);
            self.ui.note(Note::ControlEnded {
                agent: asker.name,
                why,
            });
        }
        if self.pending.take().is_some() {
            self.ui.update(|v| v.control_prompt = None);
        }
    }

    /// The server's status names who has control: anything but our grant ends it here.
    pub fn sync(&mut self, status: &Value) {
        let server = status["control"]["agent_id"].as_str();
        let ours = self.granted.as_ref().map(|a| a.id.as_str());
        if ours.is_some() && server == ours {
            self.confirmed = true;
            return;
        }
        let ended = status["status"] != "in_session";
        if ours.is_some() && (self.confirmed || ended) {
            if status["status"] == "in_session" {
                self.end("taken back");
            } else {
                self.end("the session ended");
            }
        }
    }

    pub fn play(&self, push: &Value) {
        let (Some(injector), true) = (&self.injector, self.granted.is_some()) else {
            return;
        };
        if let Ok(event) = serde_json::from_value::<InputEvent>(push["event"].clone()) {
            injector.send(event);
        }
    }

    /// The agent's text for the clipboard (only while they have control).
    pub fn put_clipboard(&mut self, push: &Value) {
        if self.granted.is_none() {
            return;
        }
        if let (Some(c), Some(text)) = (self.clipboard.as_mut(), push["text"].as_str()) {
            match c.set(text) {
                Ok(()) => self.ui.note(Note::ClipboardSet),
                Err(e) => self.ui.note(Note::Problem(e.to_string())),
            }
        }
    }

    /// What the end user copied since the last look, while an agent has control.
    pub fn clipboard_changed(&mut self) -> Option<String> {
        self.granted.as_ref()?;
        self.clipboard.as_mut()?.changed()
    }
}
