//! `beckon.toml` and the environment: any text, and any value for any setting, gives
//! settings or one clear error naming a setting; never a panic.
#![no_main]

use beckon::config::Config;
use libfuzzer_sys::fuzz_target;

/// Settings a fuzzed value is also tried as (through the environment).
const VARS: &[&str] = &[
    "BECKON_LISTEN",
    "BECKON_PUBLIC_URL",
    "BECKON_SMTP_URL",
    "BECKON_MAIL_FROM",
    "BECKON_DEFAULT_EXPIRY",
    "BECKON_MAX_EXPIRY",
    "BECKON_EXPIRY_SCHEDULE",
    "BECKON_REMINDERS",
    "BECKON_RETENTION",
    "BECKON_ICE_SERVERS",
    "BECKON_TRUSTED_PROXIES",
    "BECKON_REDIRECT_LISTEN",
    "BECKON_SESSION_IDLE_TIMEOUT",
    "BECKON_CACHE_MB",
    "BECKON_MAIL_RETRY_DELAY",
    "BECKON_ORGANISATION",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = Config::parse(&text, "fuzz.toml", |_| None) {
        assert!(!e.setting.is_empty());
    }
    let var = VARS[data.first().map_or(0, |b| usize::from(*b) % VARS.len())];
    let value = text.get(1..).unwrap_or_default().to_owned();
    if let Err(e) = Config::parse("", "fuzz.toml", |k| (k == var).then(|| value.clone())) {
        assert_eq!(e.setting, var, "the error names the setting");
    }
});
