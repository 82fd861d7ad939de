//! Integration tests: the real server on a loopback port with a temporary data directory,
//! driven over real HTTP. One test binary; modules by area.

mod apps;
mod assist;
mod audit;
mod backend;
mod backup;
mod bad_input;
mod binary;
mod control;
mod crash;
mod daily;
mod departures;
mod disk_full;
mod edge;
mod equivalence;
mod escaping;
mod expiry;
mod forms;
mod hardening;
mod harness;
mod leak;
mod lifecycle;
mod live;
mod logo;
mod moving;
mod notify;
mod outage;
mod permissions;
mod portal;
mod races;
mod restart;
mod revocation;
mod search;
mod sessions;
mod settings;
#[path = "../support/smtp_sink.rs"]
mod smtp_sink;
mod sweep;
mod tls;
mod totp;
mod upgrade;
mod xdisplay;
