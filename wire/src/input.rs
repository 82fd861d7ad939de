//! The agent's input events, as the signal socket carries them: the server checks them
//! (`invalid`) before relaying, the assist app plays them.

use serde::{Deserialize, Serialize};

/// Longest text of one `text` event, in characters (typing, or an input method's word).
pub const MAX_TEXT: usize = 256;
/// Largest wheel step of one event, in notches either way.
pub const MAX_WHEEL: i32 = 20;

/// One of the agent's input events. Pointer positions are fractions of the shared picture
/// (0 to 1 from its left and top), so neither side needs the other's pixel sizes; keys are
/// physical keys (`KeyboardEvent.code`, e.g. `KeyA`, `ShiftLeft`), so they mean the same on
/// every keyboard layout, and modifiers are keys like any other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum InputEvent {
    Move {
        x: f32,
        y: f32,
    },
    Button {
        button: MouseButton,
        down: bool,
        x: f32,
        y: f32,
    },
    Wheel {
        dx: i32,
        dy: i32,
    },
    Key {
        code: String,
        down: bool,
    },
    /// Characters to type as text (what no key of the layout reaches).
    Text {
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MouseButton {
    Left,
    Middle,
    Right,
}

impl InputEvent {
    /// Why this event is out of bounds, if it is.
    pub fn invalid(&self) -> Option<&'static str> {
        let on_picture = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
        match self {
            InputEvent::Move { x, y } | InputEvent::Button { x, y, .. }
                if !(on_picture(*x) && on_picture(*y)) =>
            {
                Some("input: x and y are fractions of the picture, 0 to 1")
            }
            InputEvent::Wheel { dx, dy }
                if dx.unsigned_abs() > MAX_WHEEL.unsigned_abs()
                    || dy.unsigned_abs() > MAX_WHEEL.unsigned_abs() =>
            {
                Some("input: a wheel step is at most 20 notches")
            }
            InputEvent::Key { code, .. } if evdev_code(code).is_none() => {
                Some("input: not a key this app knows (KeyboardEvent.code, e.g. KeyA)")
            }
            InputEvent::Text { text }
                if text.is_empty()
                    || text.chars().count() > MAX_TEXT
                    || text.chars().any(char::is_control) =>
            {
                Some("input: text is 1 to 256 characters, no control characters")
            }
            _ => None,
        }
    }
}

/// A physical key (`KeyboardEvent.code`) as a Linux evdev code (input-event-codes.h); X11's
/// keycode is it plus 8. The same physical key on every layout: the end user's layout
/// decides which character it types, exactly as if they pressed it.
pub fn evdev_code(code: &str) -> Option<u16> {
    const LETTERS: &[(u8, u16)] = &[
        (b'Q', 16),
        (b'W', 17),
        (b'E', 18),
        (b'R', 19),
        (b'T', 20),
        (b'Y', 21),
        (b'U', 22),
        (b'I', 23),
        (b'O', 24),
        (b'P', 25),
        (b'A', 30),
        (b'S', 31),
        (b'D', 32),
        (b'F', 33),
        (b'G', 34),
        (b'H', 35),
        (b'J', 36),
        (b'K', 37),
        (b'L', 38),
        (b'Z', 44),
        (b'X', 45),
        (b'C', 46),
        (b'V', 47),
        (b'B', 48),
        (b'N', 49),
        (b'M', 50),
    ];
    if let Some(l) = code.strip_prefix("Key")
        && let [c] = l.as_bytes()
    {
        return LETTERS.iter().find(|(k, _)| k == c).map(|(_, v)| *v);
    }
    if let Some(d) = code.strip_prefix("Digit")
        && let [c @ b'0'..=b'9'] = d.as_bytes()
    {
        return Some(if *c == b'0' {
            11
        } else {
            u16::from(c - b'0') + 1
        });
    }
    if let Some(n) = code.strip_prefix('F')
        && let Ok(n) = n.parse::<u16>()
    {
        return match n {
            1..=10 => Some(58 + n),
            11 => Some(87),
            12 => Some(88),
            _ => None,
        };
    }
    Some(match code {
        "Escape" => 1,
        "Minus" => 12,
        "Equal" => 13,
        "Backspace" => 14,
        "Tab" => 15,
        "BracketLeft" => 26,
        "BracketRight" => 27,
        "Enter" => 28,
        "ControlLeft" => 29,
        "Semicolon" => 39,
        "Quote" => 40,
        "Backquote" => 41,
        "ShiftLeft" => 42,
        "Backslash" => 43,
        "Comma" => 51,
        "Period" => 52,
        "Slash" => 53,
        "ShiftRight" => 54,
        "NumpadMultiply" => 55,
        "AltLeft" => 56,
        "Space" => 57,
        "CapsLock" => 58,
        "NumLock" => 69,
        "ScrollLock" => 70,
        "Numpad7" => 71,
        "Numpad8" => 72,
        "Numpad9" => 73,
        "NumpadSubtract" => 74,
        "Numpad4" => 75,
        "Numpad5" => 76,
        "Numpad6" => 77,
        "NumpadAdd" => 78,
        "Numpad1" => 79,
        "Numpad2" => 80,
        "Numpad3" => 81,
        "Numpad0" => 82,
        "NumpadDecimal" => 83,
        "IntlBackslash" => 86,
        "IntlRo" => 89,
        "NumpadEnter" => 96,
        "ControlRight" => 97,
        "NumpadDivide" => 98,
        "PrintScreen" => 99,
        "AltRight" => 100,
        "Home" => 102,
        "ArrowUp" => 103,
        "PageUp" => 104,
        "ArrowLeft" => 105,
        "ArrowRight" => 106,
        "End" => 107,
        "ArrowDown" => 108,
        "PageDown" => 109,
        "Insert" => 110,
        "Delete" => 111,
        "NumpadEqual" => 117,
        "Pause" => 119,
        "IntlYen" => 124,
        "MetaLeft" => 125,
        "MetaRight" => 126,
        "ContextMenu" => 127,
        _ => return None,
    })
}
