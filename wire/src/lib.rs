//! What the server and the assist app agree on, beyond the JSON of the public API: the
//! device header, the shape of link tokens and join codes, the slot in the app's file that
//! holds the server's address, and the names the app is downloaded under.
//!
//! No I/O and no dependency but serde: both sides (and the tests) link it.

pub mod code;
pub mod input;
pub mod slot;

pub use code::JoinCode;

/// The header that names the end user's device on every link route (the assist app sends
/// one ID per computer and link).
pub const DEVICE_HEADER: &str = "beckon-device";

/// Whether `token` has the shape of a link token (32 or 43 characters of base64url). The
/// server still checks its MAC; this only tells a mistyped link from a real one.
pub fn token_shape_ok(token: &str) -> bool {
    matches!(token.len(), 32 | 43)
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A platform the server can hand the assist app out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    WindowsX86_64,
    LinuxX86_64,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Platform::WindowsX86_64, Platform::LinuxX86_64];

    /// The name in download paths and the API (`windows-x86_64`).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::WindowsX86_64 => "windows-x86_64",
            Platform::LinuxX86_64 => "linux-x86_64",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            Platform::WindowsX86_64 => "Windows (64-bit)",
            Platform::LinuxX86_64 => "Linux (x86-64)",
        }
    }

    /// The Rust target the app is built for.
    pub fn rust_target(self) -> &'static str {
        match self {
            Platform::WindowsX86_64 => "x86_64-pc-windows-gnu",
            Platform::LinuxX86_64 => "x86_64-unknown-linux-gnu",
        }
    }

    /// The name a download is saved under: the join code rides in it, so the app opened
    /// from the Downloads folder joins its request without typing. A browser that renames a
    /// second copy (`… (1).exe`) keeps the code.
    pub fn file_name(self, code: JoinCode) -> String {
        match self {
            Platform::WindowsX86_64 => format!("Beckon-Support-{code}.exe"),
            Platform::LinuxX86_64 => format!("beckon-support-{code}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shapes() {
        assert!(token_shape_ok(&"A".repeat(32)));
        assert!(token_shape_ok(&"a-_9".repeat(11)[..43]));
        assert!(!token_shape_ok(&"A".repeat(33)));
        assert!(!token_shape_ok(&"A/".repeat(16)));
    }

    #[test]
    fn file_names_carry_the_code() {
        let code = JoinCode::from_bits(0x12_3456_789a);
        for p in Platform::ALL {
            let name = p.file_name(code);
            assert_eq!(JoinCode::find_in_file_name(&name), Some(code), "{name}");
            assert_eq!(Platform::parse(p.as_str()), Some(p));
        }
    }
}
