//! Link tokens and device IDs as they arrive from the end user: the shape check, the device
//! parser and constant-time verification never panic, and only the real token verifies.
#![no_main]

use std::sync::OnceLock;

use app::domain::{RequestId, SessionRequest};
use beckon::links::{LinkKey, Locate, locate, token_hash, well_formed};
use beckon::service::Device;
use libfuzzer_sys::fuzz_target;

fn key() -> &'static LinkKey {
    static KEY: OnceLock<(LinkKey, tempfile::TempDir)> = OnceLock::new();
    &KEY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        (LinkKey::load_or_create(dir.path()).unwrap(), dir)
    })
    .0
}

fuzz_target!(|data: &[u8]| {
    let Some((&generation, rest)) = data.split_first() else {
        return;
    };
    let token = String::from_utf8_lossy(rest);
    let id = RequestId::from_u128(0x0123_4567_89ab_cdef);
    // Odd bytes stand for v2 generations, even ones for v1.
    let generation = match generation % 2 {
        0 => u32::from(generation),
        _ => SessionRequest::FIRST_LINK_GENERATION + u32::from(generation),
    };
    let real = key().token(id, generation);
    assert!(well_formed(&real));
    let verified = key().verify(&token, id, generation);
    assert_eq!(verified, token == real, "only the real token verifies");
    match locate(&token) {
        // A token that names a request names the ID it was decoded from.
        Some(Locate::Request(named)) => assert_eq!(
            locate(&key().token(named, SessionRequest::FIRST_LINK_GENERATION)),
            Some(Locate::Request(named))
        ),
        Some(Locate::Indexed) => {
            let _ = token_hash(&token);
        }
        None => assert!(!well_formed(&token)),
    }
    if let Some(d) = Device::parse(&token) {
        assert_eq!(d.as_str(), token);
    }
});
