//! The agent's hands on the end user's computer: the input events as they travel (checked by
//! the server's signal rules and again here), and the injector that plays them on the
//! display (XTest on X11, through enigo) on a thread of its own, so a slow injection (a few
//! milliseconds each) never holds up the app's session loop.

use std::sync::mpsc;
use std::thread::JoinHandle;

use enigo::{Axis, Button, Coordinate, Direction, Enigo, Keyboard, Mouse, Settings};

use crate::Error;
use crate::capture::Monitor;

pub use wire::input::{InputEvent, MAX_TEXT, MAX_WHEEL, MouseButton, evdev_code};

enum Command {
    Event(InputEvent),
    Monitor(Monitor),
    /// Lets go of every key and button still held (control was taken back mid-drag).
    Release,
}

/// Plays input events on this display, on its own thread. Dropping it releases whatever is
/// held and stops the thread.
pub struct Injector {
    tx: Option<mpsc::Sender<Command>>,
    thread: Option<JoinHandle<()>>,
}

struct Hands {
    enigo: Enigo,
    monitor: Monitor,
    keys: Vec<u16>,
    buttons: Vec<Button>,
}

impl Injector {
    /// Connects to the display (`DISPLAY` on X11); positions map onto `monitor`.
    pub fn start(monitor: Monitor) -> Result<Injector, Error> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (tx, rx) = mpsc::channel::<Command>();
        let thread = std::thread::Builder::new()
            .name("beckon-input".into())
            .spawn(move || {
                // Enigo is not Send on every platform: made and used on this thread only.
                let settings = Settings {
                    // No pause between events: they arrive paced by the agent's hands.
                    linux_delay: 0,
                    release_keys_when_dropped: true,
                    ..Settings::default()
                };
                let enigo = match Enigo::new(&settings) {
                    Ok(e) => {
                        let _ = ready_tx.send(Ok(()));
                        e
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(Error::Input(e.to_string())));
                        return;
                    }
                };
                let mut hands = Hands {
                    enigo,
                    monitor,
                    keys: Vec::new(),
                    buttons: Vec::new(),
                };
                for command in rx {
                    match command {
                        Command::Event(e) => {
                            if let Err(why) = hands.play(&e) {
                                tracing::debug!("input not played: {why}");
                            }
                        }
                        Command::Monitor(m) => hands.monitor = m,
                        Command::Release => hands.release(),
                    }
                }
                hands.release();
            })?;
        ready_rx
            .recv()
            .map_err(|_| Error::Input("the input thread stopped".into()))??;
        Ok(Injector {
            tx: Some(tx),
            thread: Some(thread),
        })
    }

    /// Plays `event` (dropped if it is out of bounds).
    pub fn send(&self, event: InputEvent) {
        if event.invalid().is_none()
            && let Some(tx) = &self.tx
        {
            let _ = tx.send(Command::Event(event));
        }
    }

    pub fn set_monitor(&self, monitor: Monitor) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Command::Monitor(monitor));
        }
    }

    pub fn release(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Command::Release);
        }
    }
}

impl Drop for Injector {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop, which releases what is held.
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Hands {
    fn at(&self, x: f32, y: f32) -> (i32, i32) {
        let m = self.monitor;
        let px = |f: f32, size: usize| ((f * size as f32) as i32).clamp(0, size as i32 - 1);
        (m.x + px(x, m.width), m.y + px(y, m.height))
    }

    fn play(&mut self, event: &InputEvent) -> Result<(), String> {
        let e = |e: enigo::InputError| e.to_string();
        match event {
            InputEvent::Move { x, y } => {
                let (x, y) = self.at(*x, *y);
                self.enigo.move_mouse(x, y, Coordinate::Abs).map_err(e)
            }
            InputEvent::Button { button, down, x, y } => {
                let (x, y) = self.at(*x, *y);
                self.enigo.move_mouse(x, y, Coordinate::Abs).map_err(e)?;
                let b = match button {
                    MouseButton::Left => Button::Left,
                    MouseButton::Middle => Button::Middle,
                    MouseButton::Right => Button::Right,
                };
                if *down {
                    self.buttons.push(b);
                } else {
                    self.buttons.retain(|h| *h != b);
                }
                let dir = if *down {
                    Direction::Press
                } else {
                    Direction::Release
                };
                self.enigo.button(b, dir).map_err(e)
            }
            InputEvent::Wheel { dx, dy } => {
                if *dy != 0 {
                    self.enigo.scroll(*dy, Axis::Vertical).map_err(e)?;
                }
                if *dx != 0 {
                    self.enigo.scroll(*dx, Axis::Horizontal).map_err(e)?;
                }
                Ok(())
            }
            InputEvent::Key { code, down } => {
                let Some(k) = evdev_code(code) else {
                    return Err(format!("unknown key {code}"));
                };
                if *down {
                    if !self.keys.contains(&k) {
                        self.keys.push(k);
                    }
                } else {
                    self.keys.retain(|h| *h != k);
                }
                let dir = if *down {
                    Direction::Press
                } else {
                    Direction::Release
                };
                self.enigo.raw(platform_keycode(k), dir).map_err(e)
            }
            InputEvent::Text { text } => self.enigo.text(text).map_err(e),
        }
    }

    fn release(&mut self) {
        for k in std::mem::take(&mut self.keys) {
            let _ = self.enigo.raw(platform_keycode(k), Direction::Release);
        }
        for b in std::mem::take(&mut self.buttons) {
            let _ = self.enigo.button(b, Direction::Release);
        }
    }
}

/// The platform's code for an evdev key: X11 keycodes are evdev + 8.
fn platform_keycode(evdev: u16) -> u16 {
    evdev + 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_keys_map_to_evdev_codes() {
        assert_eq!(evdev_code("KeyA"), Some(30));
        assert_eq!(evdev_code("KeyZ"), Some(44));
        assert_eq!(evdev_code("Digit1"), Some(2));
        assert_eq!(evdev_code("Digit0"), Some(11));
        assert_eq!(evdev_code("F1"), Some(59));
        assert_eq!(evdev_code("F12"), Some(88));
        assert_eq!(evdev_code("ShiftLeft"), Some(42));
        assert_eq!(evdev_code("AltRight"), Some(100));
        assert_eq!(evdev_code("Enter"), Some(28));
        for unknown in ["", "Key", "KeyAB", "Keya", "F13", "Digit10", "Launch", "F0"] {
            assert_eq!(evdev_code(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn events_out_of_bounds_are_named() {
        let ok = [
            InputEvent::Move { x: 0.0, y: 1.0 },
            InputEvent::Wheel { dx: -20, dy: 20 },
            InputEvent::Key {
                code: "KeyQ".into(),
                down: true,
            },
            InputEvent::Text {
                text: "é€".into()
            },
        ];
        for e in ok {
            assert_eq!(e.invalid(), None, "{e:?}");
        }
        let bad = [
            InputEvent::Move { x: 1.01, y: 0.0 },
            InputEvent::Move {
                x: f32::NAN,
                y: 0.0,
            },
            InputEvent::Wheel { dx: 0, dy: 21 },
            InputEvent::Key {
                code: "Launch".into(),
                down: true,
            },
            InputEvent::Text {
                text: String::new(),
            },
            InputEvent::Text {
                text: "a\nb".into(),
            },
            InputEvent::Text {
                text: "x".repeat(257),
            },
        ];
        for e in bad {
            assert!(e.invalid().is_some(), "{e:?}");
        }
    }

    #[test]
    fn the_wire_form_is_tagged_by_kind_and_strict() {
        let e: InputEvent = serde_json::from_str(
            r#"{"kind":"button","button":"right","down":false,"x":0.5,"y":0.5}"#,
        )
        .unwrap();
        assert_eq!(
            e,
            InputEvent::Button {
                button: MouseButton::Right,
                down: false,
                x: 0.5,
                y: 0.5
            }
        );
        assert!(
            serde_json::from_str::<InputEvent>(r#"{"kind":"move","x":0,"y":0,"z":1}"#).is_err()
        );
    }
}
