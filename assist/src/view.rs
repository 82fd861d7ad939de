//! What the session engine tells its front end: `Note`s (one event each: the terminal prints
//! them as lines) and the `View` (the state a window draws), both behind one `Ui` handle.
//! The engine never knows which front end it talks to.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// One thing that happened, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    CheckedIn {
        org: String,
    },
    ViewAsked {
        agent: String,
        org: String,
    },
    ViewAnswered {
        allowed: bool,
    },
    ViewWithdrawn,
    AgentBack,
    AgentLost {
        grace_secs: u64,
    },
    SessionOver {
        secs: u64,
    },
    Ready,
    SessionStarted,
    Waiting,
    RequestEnded,
    Released,
    ServerClosed,
    Left,
    ControlAsked {
        agent: String,
        org: String,
    },
    ControlDenied,
    ControlGranted {
        agent: String,
        org: String,
        hotkey: Option<String>,
    },
    InputUnavailable(String),
    ControlEnded {
        agent: String,
        why: &'static str,
    },
    ClipboardSet,
    SharingStarted,
    ShareUnavailable(String),
    ScreenSwitched {
        index: usize,
        of: usize,
    },
    AgentSees,
    ShareLost,
    ShareStopped(String),
    Chat {
        from: String,
        text: String,
    },
    Problem(String),
}

/// A line of the chat, as the window shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatLine {
    pub from: String,
    pub text: String,
    pub mine: bool,
}

/// The state a window draws; the engine keeps it current.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// Empty until checked in.
    pub org: String,
    /// The agent the invitation names (from the server).
    pub named_agent: Option<String>,
    /// `open`, `waiting`, `ready`, `in_session`, `closed`, `expired`, `released`.
    pub status: String,
    /// An agent asks to see the screen: their name.
    pub view_prompt: Option<String>,
    /// An agent asks to control: their name.
    pub control_prompt: Option<String>,
    /// Who controls the computer now.
    pub controlled_by: Option<String>,
    pub sharing: bool,
    /// In session, whether the agent's side is connected.
    pub peer: bool,
    pub grace_secs: u64,
    /// A session ended and none began since.
    pub over: bool,
    pub declined: bool,
    pub chat: Vec<ChatLine>,
    pub problem: Option<String>,
    /// The window's words in the request's language (from the server's check-in), by name.
    pub texts: BTreeMap<String, String>,
    /// The engine stopped (the request ended, the server went away).
    pub finished: bool,
}

/// The engine's side of the front end.
#[derive(Clone)]
pub struct Ui {
    view: Arc<Mutex<View>>,
    notes: tokio::sync::mpsc::UnboundedSender<Note>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl Ui {
    /// A handle, the shared view, and the notes' receiving end. `wake` asks the front end
    /// to look again (a window repaints).
    pub fn new(
        wake: impl Fn() + Send + Sync + 'static,
    ) -> (
        Ui,
        Arc<Mutex<View>>,
        tokio::sync::mpsc::UnboundedReceiver<Note>,
    ) {
        let view = Arc::new(Mutex::new(View {
            peer: true,
            ..View::default()
        }));
        let (notes, rx) = tokio::sync::mpsc::unbounded_channel();
        let ui = Ui {
            view: view.clone(),
            notes,
            wake: Arc::new(wake),
        };
        (ui, view, rx)
    }

    pub fn note(&self, note: Note) {
        let _ = self.notes.send(note);
        (self.wake)();
    }

    /// Changes the view, then wakes the front end.
    pub fn update(&self, f: impl FnOnce(&mut View)) {
        f(&mut self.view.lock().unwrap_or_else(|p| p.into_inner()));
        (self.wake)();
    }
}

/// What a front end asks of the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// A terminal line: an answer (y/n), `stop`, or chat.
    Line(String),
    AnswerView(bool),
    AnswerControl(bool),
    TakeBack,
    Chat(String),
    /// End the running session (the request stays open).
    End,
    /// "This wasn't me": close the request (confirmed in the window first).
    Decline,
    Quit,
}
