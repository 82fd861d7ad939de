//! Beckon: self-hosted session requests for remote support, in one binary.
//!
//! Layers, from the edge in: `cli` (commands) → `server` (start-up, shutdown) → `http`
//! (routes, auth, errors) → `service` (use cases, permissions, transactions) → `store` (redb).
//! `notify` delivers what the service queued in the outbox (mail, webhooks); `sweep` runs the
//! timed jobs (expiry, reminders, retention).
//! The end user's app is its own crate (`assist/`, `beckon-assist`); `assist_apps` hands it out.
//! The domain rules live in the `app` crate, shared with the portal.
#![forbid(unsafe_code)]
// The portal's views (rendered here on the server) are deeply nested types.
#![recursion_limit = "256"]

pub mod assist_apps;
pub mod cli;
pub mod config;
pub mod control;
pub mod http;
pub mod i18n;
pub mod links;
pub mod listen;
pub mod maintenance;
pub mod notify;
pub mod server;
pub mod service;
pub mod slots;
pub mod store;
pub mod sweep;
pub mod tls;
pub mod turn;
