//! Link tokens: the end user's credential in `https://HOST/s/TOKEN`.
//!
//! Two formats, told apart by length; a request's link generation says which one it has:
//!
//! - **v2** (generations from `SessionRequest::FIRST_LINK_GENERATION`, every request made
//!   since): the request ID, then HMAC-SHA256(link key, "beckon-link-v2" ‖ ID ‖ generation)
//!   truncated to 128 bits, base64url (43 characters). The token names its request, so
//!   creating one writes nothing beside the record, and a look-up reads the record and checks
//!   the MAC. The ID it shows grants nothing: every agent route needs a session.
//! - **v1** (the links sent before): HMAC-SHA256(link key, "beckon-link-v1" ‖ ID ‖
//!   generation) truncated to 192 bits (32 characters), found through `LINK_TOKENS`, which
//!   holds SHA-256 of each such live token. They keep working until their request is reopened
//!   (which moves it to v2) or removed.
//!
//! Why v2: the hashes are random keys, so each create dirtied a page of `LINK_TOKENS` of its
//! own; a group commit of hundreds of creates wrote hundreds of such pages.
//!
//! The key lives in its own file in the data directory, not in the database: a copy of the
//! database alone reveals no live link. Reopening bumps the generation, which yields a new
//! token and kills the old one. Tokens are never logged: keep them out of `Debug`, spans and
//! error messages.

use std::io::Write;
use std::path::Path;

use app::domain::{RequestId, SessionRequest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const KEY_FILE: &str = "link.key";
/// v1: 24 bytes of MAC → 32 base64url characters.
const V1_MAC_BYTES: usize = 24;
const V1_LEN: usize = 32;
/// v2: 16 bytes of request ID and 16 of MAC → 43 base64url characters.
const V2_MAC_BYTES: usize = 16;
const V2_LEN: usize = 43;

/// The link key, with HMAC's keyed state made once per format: every token then costs two
/// SHA-256 blocks instead of four (the key's inner and outer pads are hashed here, not per
/// link, and the format's domain tag is already absorbed).
#[derive(Clone)]
pub struct LinkKey {
    key: [u8; 32],
    v1: Hmac<Sha256>,
    v2: Hmac<Sha256>,
    join: Hmac<Sha256>,
}

/// How many join codes a link may choose from (see `LinkKey::join_codes`).
pub const JOIN_CHOICES: usize = 4;

/// Where a well-formed token's request is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locate {
    /// A v2 token names its request.
    Request(RequestId),
    /// A v1 token is found in `LINK_TOKENS` under its `token_hash`.
    Indexed,
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(<redacted>)")
    }
}

impl LinkKey {
    fn new(key: [u8; 32]) -> LinkKey {
        let mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key size");
        let (mut v1, mut v2, mut join) = (mac.clone(), mac.clone(), mac);
        v1.update(b"beckon-link-v1");
        v2.update(b"beckon-link-v2");
        join.update(b"beckon-join-code");
        LinkKey { key, v1, v2, join }
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

    /// The token of a request's link generation, in the format its generation has.
    pub fn token(&self, id: RequestId, generation: u32) -> String {
        let v2 = generation >= SessionRequest::FIRST_LINK_GENERATION;
        let mut mac = if v2 { &self.v2 } else { &self.v1 }.clone();
        mac.update(&id.to_be_bytes());
        mac.update(&generation.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        if v2 {
            let mut bytes = [0; 16 + V2_MAC_BYTES];
            bytes[..16].copy_from_slice(&id.to_be_bytes());
            bytes[16..].copy_from_slice(&tag[..V2_MAC_BYTES]);
            URL_SAFE_NO_PAD.encode(bytes)
        } else {
            URL_SAFE_NO_PAD.encode(&tag[..V1_MAC_BYTES])
        }
    }

    /// The `LINK_TOKENS` key of a generation's link: only v1 links are filed there.
    pub fn indexed(&self, id: RequestId, generation: u32) -> Option<[u8; 32]> {
        (generation < SessionRequest::FIRST_LINK_GENERATION)
            .then(|| token_hash(&self.token(id, generation)))
    }

    /// The join codes a request's link generation may have, first choice first: the first
    /// whose entry in `JOIN_CODES` is free (or already its own) is the one shown. A second
    /// choice exists for the rare code two live requests would share.
    pub fn join_codes(&self, id: RequestId, generation: u32) -> [wire::JoinCode; JOIN_CHOICES] {
        std::array::from_fn(|choice| {
            let mut mac = self.join.clone();
            mac.update(&id.to_be_bytes());
            mac.update(&generation.to_be_bytes());
            mac.update(&[choice as u8]);
            let tag = mac.finalize().into_bytes();
            let mut bits = [0u8; 8];
            bits[3..].copy_from_slice(&tag[..5]);
            wire::JoinCode::from_bits(u64::from_be_bytes(bits))
        })
    }

    /// Whether `token` is the live token of (`id`, `generation`), compared in constant time.
    pub fn verify(&self, token: &str, id: RequestId, generation: u32) -> bool {
        self.token(id, generation)
            .as_bytes()
            .ct_eq(token.as_bytes())
            .into()
    }
}

/// The generation a reopen gives a request: the next one, and a v1 link moves to v2.
/// (Saturating: four billion reopens of one request are not a case to plan for.)
pub fn next_generation(generation: u32) -> u32 {
    generation
        .saturating_add(1)
        .max(SessionRequest::FIRST_LINK_GENERATION)
}

/// A token's key in `LINK_TOKENS` (v1) and `LINK_DEVICES` (both formats).
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether a string can be a token at all (cheap rejection before any look-up).
pub fn well_formed(token: &str) -> bool {
    locate(token).is_some()
}

/// Where to find a token's request; `None` when the string cannot be a token at all.
pub fn locate(token: &str) -> Option<Locate> {
    let alphabet = |t: &str| {
        t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    match token.len() {
        V1_LEN if alphabet(token) => Some(Locate::Indexed),
        V2_LEN => {
            // Room for the decoder's estimate (a byte more); the token is exactly 32 bytes
            // in canonical base64url, or not a token.
            let mut bytes = [0; 16 + V2_MAC_BYTES + 1];
            match URL_SAFE_NO_PAD.decode_slice(token, &mut bytes) {
                Ok(n) if n == 16 + V2_MAC_BYTES => {
                    let id: [u8; 16] = bytes[..16].try_into().expect("16 bytes");
                    Some(Locate::Request(RequestId::from_be_bytes(id)))
                }
                _ => None,
            }
        }
        _ => None,
    }
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

    const V2: u32 = SessionRequest::FIRST_LINK_GENERATION;

    #[test]
    fn tokens_are_stable_per_generation_and_change_on_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let key = LinkKey::load_or_create(dir.path()).unwrap();
        let id = RequestId::from_u128(42);
        for first in [0, V2] {
            let t0 = key.token(id, first);
            assert!(well_formed(&t0));
            assert_eq!(t0, key.token(id, first));
            let next = next_generation(first);
            assert_ne!(t0, key.token(id, next));
            assert!(key.verify(&t0, id, first));
            assert!(!key.verify(&t0, id, next));
            // The same key is read back after a restart.
            let again = LinkKey::load_or_create(dir.path()).unwrap();
            assert_eq!(again.token(id, first), t0);
        }
        assert_eq!(format!("{key:?}"), "LinkKey(<redacted>)");
    }

    /// Links already sent must keep opening: a v1 token is exactly the documented MAC,
    /// however `LinkKey` computes it, and it is found through the index.
    #[test]
    fn v1_tokens_are_the_documented_mac_of_id_and_generation() {
        let dir = tempfile::tempdir().unwrap();
        let key = LinkKey::load_or_create(dir.path()).unwrap();
        let id = RequestId::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        for generation in [0, 1, 7, V2 - 1] {
            let mut mac = Hmac::<Sha256>::new_from_slice(&key.bytes()).unwrap();
            mac.update(b"beckon-link-v1");
            mac.update(&id.to_be_bytes());
            mac.update(&generation.to_be_bytes());
            let tag = mac.finalize().into_bytes();
            let expected = URL_SAFE_NO_PAD.encode(&tag[..24]);
            assert_eq!(key.token(id, generation), expected);
            assert_eq!(expected.len(), 32);
            assert_eq!(locate(&expected), Some(Locate::Indexed));
            assert_eq!(key.indexed(id, generation), Some(token_hash(&expected)));
        }
    }

    /// A v2 token is the request ID and the documented MAC, names its request, and is not
    /// filed in the index.
    #[test]
    fn v2_tokens_name_their_request_and_carry_the_documented_mac() {
        let dir = tempfile::tempdir().unwrap();
        let key = LinkKey::load_or_create(dir.path()).unwrap();
        let id = RequestId::from_u128(0x0123_4567_89ab_cdef_0011_2233_4455_6677);
        for generation in [V2, V2 + 1, u32::MAX] {
            let mut mac = Hmac::<Sha256>::new_from_slice(&key.bytes()).unwrap();
            mac.update(b"beckon-link-v2");
            mac.update(&id.to_be_bytes());
            mac.update(&generation.to_be_bytes());
            let tag = mac.finalize().into_bytes();
            let mut bytes = id.to_be_bytes().to_vec();
            bytes.extend_from_slice(&tag[..16]);
            let expected = URL_SAFE_NO_PAD.encode(&bytes);
            assert_eq!(key.token(id, generation), expected);
            assert_eq!(expected.len(), 43);
            assert_eq!(locate(&expected), Some(Locate::Request(id)));
            assert_eq!(key.indexed(id, generation), None);
        }
    }

    #[test]
    fn a_reopen_moves_a_v1_link_to_v2_and_v2_links_count_on() {
        assert_eq!(next_generation(0), V2);
        assert_eq!(next_generation(5), V2);
        assert_eq!(next_generation(V2), V2 + 1);
    }

    #[test]
    fn malformed_tokens_are_rejected_early() {
        assert!(!well_formed(""));
        assert!(!well_formed("short"));
        assert!(!well_formed(&"a".repeat(31)));
        assert!(!well_formed(&format!("{}/", "a".repeat(31))));
        assert!(!well_formed(&"a".repeat(42)));
        assert!(!well_formed(&"a".repeat(44)));
        assert!(!well_formed(&format!("{}=", "a".repeat(42))));
        assert!(!well_formed(&format!("{}+", "a".repeat(42))));
        // 43 characters carry 258 bits: the last two must be zero in canonical base64url.
        assert!(well_formed(&format!("{}A", "a".repeat(42))));
        assert!(!well_formed(&format!("{}B", "a".repeat(42))));
    }
}
