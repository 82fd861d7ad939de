//! The end user's screen for the assist app: captured from the display (`capture`), encoded
//! as H.264 Constrained Baseline (`encode`), and sent to the agent's browser over WebRTC
//! (`share`, on str0m); and the agent's input played on it once the end user grants control
//! (`input`). Signalling is the caller's: [`Share::start`] returns the offer, the
//! caller passes back the answer and the agent's ICE candidates.
//!
//! Everything here is synchronous and runs on its own threads (str0m is sans-IO: this crate
//! owns the UDP socket and the loop), so the app's async runtime never waits on a frame.

pub mod capture;
pub mod clipboard;
pub mod encode;
pub mod frame;
#[cfg(unix)]
pub mod hotkey;
pub mod input;
pub mod share;
pub mod stun;

pub use frame::Frame;
pub use share::{Share, ShareConfig, ShareEvent};

/// What can go wrong while sharing a screen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot capture the screen: {0}")]
    Capture(String),
    #[error("cannot encode the screen: {0}")]
    Encode(String),
    #[error("WebRTC: {0}")]
    Rtc(String),
    #[error("cannot control the computer: {0}")]
    Input(String),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}
