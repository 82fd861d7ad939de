//! Link tokens and device IDs as they arrive from the end user: the shape check, the device
//! parser and constant-time verification never panic, and only the real token verifies.
#![no_main]

use std::sync::OnceLock;

use app::domain::RequestId;
use beckon::links::{LinkKey, token_hash, well_formed};
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
    let real = key().token(id, u32::from(generation));
    assert!(well_formed(&real));
    let verified = key().verify(&token, id, u32::from(generation));
    assert_eq!(verified, token == real, "only the real token verifies");
    if well_formed(&token) {
        let _ = token_hash(&token);
    }
    if let Some(d) = Device::parse(&token) {
        assert_eq!(d.as_str(), token);
    }
});
