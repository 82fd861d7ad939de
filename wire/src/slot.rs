//! The slot in the assist app's file that holds the server's address.
//!
//! The app is built once, but every server has its own address. The app's file carries a
//! fixed-size slot (`MARKER` then zeros); a server writes its public URL into the slot of the
//! copy it hands out, once at start-up. An operator who signs the Windows app exports it
//! with the address already written (`beckon assist-app`), then signs: Authenticode covers
//! the slot, so the signature vouches for the address too.

/// Starts the slot; the address follows it.
pub const MARKER: &[u8; 22] = b"BECKON-SERVER-SLOT-v1:";
/// The whole slot, marker included.
pub const SLOT_LEN: usize = 256;
/// The longest address that fits (one byte stays zero: the end).
pub const MAX_URL: usize = SLOT_LEN - MARKER.len() - 1;

/// An empty slot, for the app's `static`.
pub const fn empty() -> [u8; SLOT_LEN] {
    let mut slot = [0u8; SLOT_LEN];
    let mut i = 0;
    while i < MARKER.len() {
        slot[i] = MARKER[i];
        i += 1;
    }
    slot
}

/// The address in a slot, if one was written.
pub fn read(slot: &[u8; SLOT_LEN]) -> Option<&str> {
    let rest = &slot[MARKER.len()..];
    let end = rest.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&rest[..end])
        .ok()
        .filter(|s| !s.is_empty())
}

#[derive(Debug, PartialEq, Eq)]
pub enum SlotError {
    /// The file has no slot (not a Beckon assist app) or more than one.
    NotOne(usize),
    TooLong,
}

impl std::fmt::Display for SlotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SlotError::NotOne(0) => {
                f.write_str("the file has no server slot: it is not the Beckon assist app")
            }
            SlotError::NotOne(n) => write!(f, "the file has {n} server slots instead of one"),
            SlotError::TooLong => write!(f, "the server address is longer than {MAX_URL} bytes"),
        }
    }
}

impl std::error::Error for SlotError {}

/// Where the slot is in an app file.
pub fn find(file: &[u8]) -> Result<usize, SlotError> {
    let mut at = file
        .windows(MARKER.len())
        .enumerate()
        .filter(|(i, w)| *w == MARKER && i + SLOT_LEN <= file.len())
        .map(|(i, _)| i);
    match (at.next(), at.next()) {
        (Some(i), None) => Ok(i),
        (None, _) => Err(SlotError::NotOne(0)),
        (Some(_), Some(_)) => Err(SlotError::NotOne(2 + at.count())),
    }
}

/// Writes `url` into the slot of an app file (replacing any address there).
pub fn write(file: &mut [u8], url: &str) -> Result<(), SlotError> {
    if url.len() > MAX_URL || url.bytes().any(|b| b == 0) {
        return Err(SlotError::TooLong);
    }
    let at = find(file)? + MARKER.len();
    let area = &mut file[at..at + SLOT_LEN - MARKER.len()];
    area.fill(0);
    area[..url.len()].copy_from_slice(url.as_bytes());
    Ok(())
}

/// The address written in an app file's slot.
pub fn read_file(file: &[u8]) -> Result<Option<&str>, SlotError> {
    let at = find(file)?;
    let slot: &[u8; SLOT_LEN] = file[at..at + SLOT_LEN].try_into().expect("length checked");
    Ok(read(slot))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_written_into_the_one_slot() {
        let mut file = b"head".to_vec();
        file.extend_from_slice(&empty());
        file.extend_from_slice(b"tail");
        assert_eq!(read_file(&file), Ok(None));
        write(&mut file, "https://help.example.com").unwrap();
        assert_eq!(read_file(&file), Ok(Some("https://help.example.com")));
        write(&mut file, "http://a").unwrap();
        assert_eq!(read_file(&file), Ok(Some("http://a")));
        assert!(file.ends_with(b"tail") && file.starts_with(b"head"));
        assert_eq!(
            write(&mut file, &"x".repeat(MAX_URL + 1)),
            Err(SlotError::TooLong)
        );
        let mut two = file.clone();
        two.extend_from_slice(&empty());
        assert_eq!(write(&mut two, "http://a"), Err(SlotError::NotOne(2)));
        assert_eq!(
            write(&mut b"nothing".to_vec(), "http://a"),
            Err(SlotError::NotOne(0))
        );
    }
}
