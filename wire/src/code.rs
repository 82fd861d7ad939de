//! Join codes: eight characters (40 bits) in Crockford's base32, shown as `K7QM-4XPA`. A
//! code names one request's current link; the server keeps the mapping and checks it. It is
//! what a person types into the assist app when the downloaded file lost its name, and what
//! the downloaded file's name carries.
//!
//! Crockford's alphabet leaves out I, L, O and U; reading accepts them as 1, 1, 0 and V's
//! neighbours are not guessed: U is simply invalid.

use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHARS: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct JoinCode(u64);

impl JoinCode {
    /// The low 40 bits of `bits`.
    pub fn from_bits(bits: u64) -> JoinCode {
        JoinCode(bits & ((1 << 40) - 1))
    }

    pub fn bits(self) -> u64 {
        self.0
    }

    /// A code as typed: case, spaces and dashes do not matter; I/L read as 1 and O as 0.
    pub fn parse(text: &str) -> Option<JoinCode> {
        let mut bits = 0u64;
        let mut n = 0;
        for c in text.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' => continue,
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            let v = ALPHABET.iter().position(|&a| a as char == c)?;
            bits = (bits << 5) | v as u64;
            n += 1;
            if n > CHARS {
                return None;
            }
        }
        (n == CHARS).then_some(JoinCode(bits))
    }

    /// The code in a downloaded file's name (`Beckon-Support-K7QM-4XPA (1).exe`): the
    /// last `XXXX-XXXX` group in it.
    pub fn find_in_file_name(name: &str) -> Option<JoinCode> {
        let b = name.as_bytes();
        (0..b.len().saturating_sub(8)).rev().find_map(|i| {
            let group = b.get(i..i + 9)?;
            let ok = group[4] == b'-'
                && group[..4]
                    .iter()
                    .chain(&group[5..])
                    .all(|c| ALPHABET.contains(c));
            ok.then(|| JoinCode::parse(std::str::from_utf8(group).ok()?))
                .flatten()
        })
    }
}

impl fmt::Display for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 0..CHARS {
            if i == 4 {
                f.write_str("-")?;
            }
            let v = (self.0 >> (5 * (CHARS - 1 - i))) & 31;
            write!(f, "{}", ALPHABET[v as usize] as char)?;
        }
        Ok(())
    }
}

/// Codes are credentials: never in `Debug` output (logs, panics).
impl fmt::Debug for JoinCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JoinCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_forgive_typing() {
        for bits in [0, 1, 0xff_ffff_ffff, 0x12_3456_789a] {
            let c = JoinCode::from_bits(bits);
            assert_eq!(JoinCode::parse(&c.to_string()), Some(c));
            assert_eq!(
                JoinCode::parse(&c.to_string().to_lowercase().replace('-', " ")),
                Some(c)
            );
        }
        let c = JoinCode::parse("1000-0000").unwrap();
        assert_eq!(JoinCode::parse("iooo-oooo"), Some(c));
        assert_eq!(JoinCode::parse("L000 0000"), Some(c));
        for bad in ["", "1234-567", "1234-56789", "UUUU-UUUU", "12*4-5678"] {
            assert_eq!(JoinCode::parse(bad), None, "{bad}");
        }
        assert_eq!(format!("{c:?}"), "JoinCode(<redacted>)");
    }

    #[test]
    fn codes_are_found_in_renamed_downloads() {
        let c = JoinCode::parse("K7QM-4XPA").unwrap();
        for name in [
            "Beckon-Support-K7QM-4XPA.exe",
            "Beckon-Support-K7QM-4XPA (1).exe",
            "beckon-support-K7QM-4XPA",
            "/home/me/Downloads/beckon-support-K7QM-4XPA(2)",
        ] {
            assert_eq!(JoinCode::find_in_file_name(name), Some(c), "{name}");
        }
        for name in ["beckon-assist.exe", "Beckon-Support-.exe", "x-K7QM4XPA"] {
            assert_eq!(JoinCode::find_in_file_name(name), None, "{name}");
        }
    }
}
