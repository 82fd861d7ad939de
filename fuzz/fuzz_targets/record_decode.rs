//! Stored records, every type and every version byte: decoding arbitrary bytes never panics,
//! and whatever decodes encodes (as the current version) and decodes again.
#![no_main]

use app::domain::{Agent, Client, SessionRequest, TimelineEvent};
use beckon::store::records::{
    AuditEvent, AuthToken, LogoRecord, OutboxItem, PurgeRecord, SettingsRecord, TotpRecord,
    WebhookEndpoint,
};
use beckon::store::{Record, decode, encode};
use libfuzzer_sys::fuzz_target;

fn round_trip<T: Record>(bytes: &[u8]) {
    if let Ok(v) = decode::<T>(bytes) {
        let again = encode(&v);
        assert_eq!(again[0], T::VERSION, "written back as the current version");
        decode::<T>(&again).expect("what decoded once decodes again");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    match which % 13 {
        0 => round_trip::<SessionRequest>(bytes),
        1 => round_trip::<TimelineEvent>(bytes),
        2 => round_trip::<Agent>(bytes),
        3 => round_trip::<Client>(bytes),
        4 => round_trip::<AuthToken>(bytes),
        5 => round_trip::<OutboxItem>(bytes),
        6 => round_trip::<PurgeRecord>(bytes),
        7 => round_trip::<WebhookEndpoint>(bytes),
        8 => round_trip::<SettingsRecord>(bytes),
        9 => round_trip::<AuditEvent>(bytes),
        10 => round_trip::<TotpRecord>(bytes),
        11 => round_trip::<LogoRecord>(bytes),
        _ => {
            // Every type at once: the same bytes must not upset any of them.
            round_trip::<SessionRequest>(bytes);
            round_trip::<OutboxItem>(bytes);
            round_trip::<AuthToken>(bytes);
        }
    }
});
