//! The end user's plain-text clipboard, shared with the agent in control: what the agent
//! sends is put on it, and what the end user copies is noticed and sent back. Through
//! `arboard` (X11 selections, the Windows clipboard).

use crate::Error;

/// Longest text taken from or put on the clipboard, in characters (the server's limit).
pub const MAX_TEXT: usize = 16 * 1024;

pub struct Clipboard {
    inner: arboard::Clipboard,
    /// The text last seen or set, so a change is noticed once and our own is not echoed.
    last: Option<String>,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Input(format!("the clipboard: {e}"))
}

impl Clipboard {
    /// Opens the clipboard and takes note of what is on it now (that was copied before the
    /// agent had control, and is not sent).
    pub fn open() -> Result<Clipboard, Error> {
        let mut inner = arboard::Clipboard::new().map_err(err)?;
        let last = inner.get_text().ok();
        Ok(Clipboard { inner, last })
    }

    /// Puts the agent's text on the clipboard.
    pub fn set(&mut self, text: &str) -> Result<(), Error> {
        let text: String = text.chars().take(MAX_TEXT).collect();
        self.inner.set_text(text.clone()).map_err(err)?;
        self.last = Some(text);
        Ok(())
    }

    /// The clipboard's text when it changed since the last look (cut to `MAX_TEXT`).
    pub fn changed(&mut self) -> Option<String> {
        let now = self.inner.get_text().ok()?;
        if now.is_empty() || self.last.as_deref() == Some(now.as_str()) {
            return None;
        }
        self.last = Some(now.clone());
        Some(now.chars().take(MAX_TEXT).collect())
    }
}
