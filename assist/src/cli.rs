//! `--cli`: the terminal front end, for headless machines and scripts. One line per note;
//! lines typed answer the questions (y/n), `stop` takes control back, anything else while a
//! session is ready or running goes to the agent as chat.

use crate::view::{Command, Note};

/// Runs the engine with the terminal as its front end.
pub async fn run(joined: crate::session::Joined) -> anyhow::Result<()> {
    let (ui, _view, mut notes) = crate::view::Ui::new(|| {});
    let (commands, rx) = tokio::sync::mpsc::unbounded_channel();
    let lines = commands.clone();
    // Read on a thread of its own: a read blocked on the terminal would otherwise keep tokio
    // from shutting down when the session ends.
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if lines.send(Command::Line(line)).is_err() {
                break;
            }
        }
    });
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = commands.send(Command::Quit);
    });
    let printer = tokio::spawn(async move {
        while let Some(note) = notes.recv().await {
            println!("{}", line(&note));
        }
    });
    let result = crate::session::run(joined, ui, rx).await;
    // The engine is gone, so the notes end: let the printer say the last ones.
    let _ = printer.await;
    result
}

/// A note, as the terminal says it.
pub fn line(note: &Note) -> String {
    match note {
        Note::CheckedIn { org } => format!(
            "Checked in with {org}. Keep this window open: your support agent will connect."
        ),
        Note::ViewAsked { agent, org } => format!(
            "{agent} from {org} asks to see your screen.\nAllow access only if you are expecting this support session. Allow access? [y/n]"
        ),
        Note::ViewAnswered { allowed: true } => "Access allowed.".into(),
        Note::ViewAnswered { allowed: false } => "Access denied.".into(),
        Note::ViewWithdrawn => "The request for access was withdrawn or timed out.".into(),
        Note::AgentBack => "Your agent is connected again.".into(),
        Note::AgentLost { grace_secs } => format!(
            "The connection to your agent dropped. The session ends unless it is back within {grace_secs} seconds."
        ),
        Note::SessionOver { secs } => format!(
            "The support session is over (after {}:{:02}). You may close this window.",
            secs / 60,
            secs % 60
        ),
        Note::Ready => "Ready: the session starts when your agent begins.".into(),
        Note::SessionStarted => "Session started. Type a line and press Enter to chat.".into(),
        Note::Waiting => "Waiting for your agent.".into(),
        Note::RequestEnded => "This support request has ended.".into(),
        Note::Released => "This link was released for another device.".into(),
        Note::ServerClosed => "The server closed the connection.".into(),
        Note::Left => "Left. The link still works until it expires.".into(),
        Note::ControlAsked { agent, org } => format!(
            "{agent} from {org} asks to control your mouse and keyboard. Allow control? [y/n]"
        ),
        Note::ControlDenied => "Control denied. Your agent can still see your screen.".into(),
        Note::ControlGranted { agent, org, hotkey } => {
            let hotkey = hotkey
                .as_ref()
                .map(|k| format!(" or press {k}"))
                .unwrap_or_default();
            format!(
                "{agent} from {org} is controlling your computer. Type stop and press Enter{hotkey} to take control back."
            )
        }
        Note::InputUnavailable(e) => format!("Your agent's input cannot be played here: {e}"),
        Note::ControlEnded { agent, why } => {
            format!("{agent} no longer controls your computer ({why}).")
        }
        Note::ClipboardSet => "Your agent put text on your clipboard.".into(),
        Note::SharingStarted => {
            "Sharing your screen with your agent. It stops when the session ends.".into()
        }
        Note::ShareUnavailable(e) => format!("Your screen cannot be shared from here: {e}"),
        Note::ScreenSwitched { index, of } => {
            format!("Your agent now sees screen {} of {of}.", index + 1)
        }
        Note::AgentSees => "Your agent sees your screen.".into(),
        Note::ShareLost => "The screen connection was lost; reconnecting.".into(),
        Note::ShareStopped(e) => format!("Screen sharing stopped: {e}"),
        Note::Chat { from, text } => format!("[{from}] {text}"),
        Note::Problem(e) => e.clone(),
    }
}
