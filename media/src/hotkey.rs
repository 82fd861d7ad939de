//! The end user's way out that works whatever window has the keyboard: a global key,
//! **Ctrl+Alt+Shift+S** ("stop"), grabbed on the X11 root window while an agent has control.
//! Grabbed with and without Caps Lock and Num Lock, which X counts as modifiers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{ConnectionExt as _, GrabMode, ModMask};

use crate::Error;

/// What the hotkey is, for people.
pub const HOTKEY: &str = "Ctrl+Alt+Shift+S";

/// The S key's X11 keycode (evdev 31 + 8: Xorg and Xvfb number keys the evdev way).
const KEY_S: u8 = 39;

/// Watches the hotkey until dropped.
pub struct Hotkey {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::Input(format!("the {HOTKEY} hotkey: {e}"))
}

impl Hotkey {
    /// Grabs the key on this display (`DISPLAY`); `on_press` runs on each press. Fails when
    /// another program holds the same key.
    pub fn watch(on_press: impl Fn() + Send + 'static) -> Result<Hotkey, Error> {
        let (conn, n) = x11rb::connect(None).map_err(err)?;
        let root = conn.setup().roots[n].root;
        let base = ModMask::CONTROL | ModMask::M1 | ModMask::SHIFT;
        for extra in [
            ModMask::from(0u16),
            ModMask::LOCK,
            ModMask::M2,
            ModMask::LOCK | ModMask::M2,
        ] {
            conn.grab_key(
                true,
                root,
                base | extra,
                KEY_S,
                GrabMode::ASYNC,
                GrabMode::ASYNC,
            )
            .map_err(err)?
            .check()
            .map_err(err)?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("beckon-hotkey".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    match conn.poll_for_event() {
                        Ok(Some(Event::KeyPress(_))) => on_press(),
                        Ok(Some(_)) => {}
                        Ok(None) => std::thread::sleep(Duration::from_millis(30)),
                        Err(_) => return,
                    }
                }
                // The grabs end with the connection.
            })?;
        Ok(Hotkey {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Hotkey {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
