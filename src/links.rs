//! Link tokens: the end user's credential in `https://HOST/s/TOKEN`.
//!
//! A token is HMAC-SHA256(link key, request ID ‖ link generation), truncated to 192 bits and
//! base64url-encoded (32 characters). The key lives in its own file in the data directory, not
//! in the database, and the database holds only SHA-256 of live tokens (for look-ups): a copy
//! of the database alone reveals no live link. Reopening bumps the generation, which yields a
//! new token; the old one's hash is removed. Tokens are never logged: keep them out of
//! `Debug`, spans and error messages.

use std::io::Write;
use std::path::Path;

use app::domain::RequestId;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const KEY_FILE: &str = "link.key";
/// 24 bytes of MAC → 32 base64url characters.
const TOKEN_BYTES: usize = 24;
pub const TOKEN_LEN: usize = 32;

/// The link key, with HMAC's keyed state made once: every token then costs two SHA-256
/// blocks instead of four (the key's inner and outer pads are hashed here, not per link, and
/// the domain tag is already absorbed).
#[derive(Clone)]
pub struct LinkKey {
    key: [u8; 32],
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(<redacted>)")
    }
}

impl LinkKey {
    fn new(key: [u8; 32]) -> LinkKey {
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key size");
        mac.update(b"beckon-link-v1");
        LinkKey { key, mac }
    }

    /// Reads `link.key` from the data directory, creating it (owner-only) on first start.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<LinkKey> {
        let path = data_dir.join(KEY_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => <[u8; 32]>::try_from(bytes.as_slice())
                .map(LinkKey::new)
                .map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{} is not a 32-byte key", path.display()),
                    )
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(&path)?;
                file.write_all(&key)?;
                file.sync_all()?;
                Ok(LinkKey::new(key))
            }
            Err(e) => Err(e),
        }
    }

    /// The raw key, for backups (which must carry it: without it no link opens).
    pub fn bytes(&self) -> [u8; 32] {
        self.key
    }

    /// Puts a key back from a backup: a new file, owner-only, swapped in whole.
    pub fn install(data_dir: &Path, key: [u8; 32]) -> std::io::Result<()> {
        let tmp = data_dir.join(format!("{KEY_FILE}.new"));
        write_private(&tmp, &key)?;
        std::fs::rename(&tmp, data_dir.join(KEY_FILE))
    }

    pub fn token(&self, id: RequestId, generation: u32) -> String {
        let mut mac = self.mac.clone();
        mac.update(&id.to_be_bytes());
        mac.update(&generation.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        URL_SAFE_NO_PAD.encode(&tag[..TOKEN_BYTES])
    }

    /// Whether `token` is the live token of (`id`, `generation`), compared in constant time.
    pub fn verify(&self, token: &str, id: RequestId, generation: u32) -> bool {
        self.token(id, generation)
            .as_bytes()
            .ct_eq(token.as_bytes())
            .into()
    }
}

/// The look-up key of a token in `LINK_TOKENS`.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether a string can be a token at all (cheap rejection before any look-up).
pub fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Writes a secret file readable by its owner only (created, or truncated), synced to disk.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A fresh random secret (256 bits, base64url) for one-time links.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_per_generation_and_change_on_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let key = LinkKey::load_or_create(dir.path()).unwrap();
        let id = RequestId::from_u128(42);
        let t0 = key.token(id, 0);
        assert!(well_formed(&t0));
        assert_eq!(t0, key.token(id, 0));
        assert_ne!(t0, key.token(id, 1));
        assert!(key.verify(&t0, id, 0));
        assert!(!key.verify(&t0, id, 1));
        // The same key is read back after a restart.
        let again = LinkKey::load_or_create(dir.path()).unwrap();
        assert_eq!(again.token(id, 0), t0);
        assert_eq!(format!("{key:?}"), "LinkKey(<redacted>)");
    }

    /// Links already sent must keep opening: the token is exactly the documented MAC, however
    /// `LinkKey` computes it.
    #[test]
    fn tokens_are_the_documented_mac_of_id_and_generation() {
        let dir = tempfile::tempdir().unwrap();
        let key = LinkKey::load_or_create(dir.path()).unwrap();
        let id = RequestId::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        for generation in [0, 1, 7, u32::MAX] {
            let mut mac = Hmac::<Sha256>::new_from_slice(&key.bytes()).unwrap();
            mac.update(b"beckon-link-v1");
            mac.update(&id.to_be_bytes());
            mac.update(&generation.to_be_bytes());
            let tag = mac.finalize().into_bytes();
            let expected = URL_SAFE_NO_PAD.encode(&tag[..TOKEN_BYTES]);
            assert_eq!(key.token(id, generation), expected);
            assert_eq!(expected.len(), TOKEN_LEN);
        }
    }

    #[test]
    fn malformed_tokens_are_rejected_early() {
        assert!(!well_formed(""));
        assert!(!well_formed("short"));
        assert!(!well_formed(&"a".repeat(31)));
        assert!(!well_formed(&format!("{}/", "a".repeat(31))));
    }
}
