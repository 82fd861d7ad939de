//! Every redb table, in one place, with its key and value layout.
//!
//! Keys are fixed-width big-endian byte arrays so redb orders them by comparing bytes, and
//! that order is the one we list in: IDs are ULIDs (top 48 bits = creation time in ms), so
//! "by ID" is "by creation time". Times in keys are milliseconds since the epoch, offset by
//! 2^63 so negative times still sort first (see `keys::time`). Values are codec records
//! (version byte + postcard, see `codec`) unless noted. Table names carry a version: a layout
//! change is a new table and a named migration, never a silent reinterpretation.

use redb::TableDefinition;

/// `&str` setting name → bytes. Holds `schema_version` (u32 BE).
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// Request ID (16) → `SessionRequest`. Key order is creation order: this table is also the
/// created-time index (newest first = reverse iteration).
pub const REQUESTS: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("requests_v1");

/// Request ID (16) ‖ sequence (u32 BE, 4) → `TimelineEvent`. Append-only.
pub const REQUEST_EVENTS: TableDefinition<[u8; 20], &[u8]> =
    TableDefinition::new("request_events_v1");

/// Status code (1) ‖ request ID (16) → (). The stored status (see `Status::code`).
pub const IDX_STATUS: TableDefinition<[u8; 17], ()> = TableDefinition::new("idx_status_v1");

/// Assignee kind (1: 0 unassigned, 1 agent, 2 client) ‖ assignee ID (16, zero when
/// unassigned) ‖ stored status code (1) ‖ request ID (16) → (). Replaced `idx_assignee_v1`
/// (without the status), whose readers had to read every live request of an agent to find
/// a page of their finished ones.
pub const IDX_ASSIGNEE: TableDefinition<[u8; 34], ()> = TableDefinition::new("idx_assignee_v2");

/// The first layout of the assignee index, removed by migration 0005.
pub const IDX_ASSIGNEE_V1: TableDefinition<[u8; 33], ()> = TableDefinition::new("idx_assignee_v1");

/// Scheduled time (8) ‖ request ID (16) → (). Only requests with a schedule.
pub const IDX_SCHEDULE: TableDefinition<[u8; 24], ()> = TableDefinition::new("idx_schedule_v1");

/// Expiry time (8) ‖ request ID (16) → (). Only requests whose stored status can expire
/// (open, waiting, ready): the sweeper reads it from the oldest entry and stops at the first
/// one not yet due.
pub const IDX_EXPIRY: TableDefinition<[u8; 24], ()> = TableDefinition::new("idx_expiry_v1");

/// Time asked (8) ‖ request ID (16) → (). Only requests with a connect prompt unanswered:
/// the prompts job reads it from the oldest entry and stops at the first one not yet stale,
/// so a run costs what it denies, not what is waiting. Replaced reading every waiting
/// request's record each run (every 5 s), which at a million stored was 50,000 records.
pub const IDX_PROMPTS: TableDefinition<[u8; 24], ()> = TableDefinition::new("idx_prompts_v1");

/// Finished time (8) ‖ request ID (16) → (). Only closed (closing time) and expired (expiry
/// time) requests: retention reads it from the oldest entry and stops at the first that is
/// not old enough.
pub const IDX_FINISHED: TableDefinition<[u8; 24], ()> = TableDefinition::new("idx_finished_v1");

/// 0 ‖ schedule time (8) ‖ request ID (16), or 1 ‖ zeros (8) ‖ request ID → the request's
/// prefix filter (`prefix_filter`). Only requests stored as open: the Upcoming view reads
/// its page from it in display order (scheduled soonest first, then unscheduled newest
/// first), proportional to the page, and a search rules out most entries by their filter.
pub const IDX_UPCOMING: TableDefinition<[u8; 25], super::prefix_filter::Filter> =
    TableDefinition::new("idx_upcoming_v2");
/// Schema 4 to 9: the same keys without filters (replaced by `IDX_UPCOMING` in 10).
pub const IDX_UPCOMING_V1: TableDefinition<[u8; 25], ()> = TableDefinition::new("idx_upcoming_v1");

/// Search term (UTF-8, at most `search::TERM_BYTES`) ‖ 0 ‖ first request ID (16) → up to
/// `word_blocks::CAP` request IDs, ascending, 16 bytes each. Every term of a request's name,
/// email and comment (`app::domain::search::terms`) holds its ID in one block
/// (`word_blocks`): a query word reads the terms it begins, each newest first, so a search
/// page costs about what it finds. The zero byte ends the term (terms have no control
/// characters), so one term's blocks are one range, and a prefix's terms are one range too.
pub const IDX_WORDS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("idx_words_v2");
/// Schema 6 to 10: one entry per term and request, `term ‖ 0 ‖ request ID → ()` (the
/// logical entries the blocks now hold; replaced by `IDX_WORDS` in 11).
pub const IDX_WORDS_V1: TableDefinition<&[u8], ()> = TableDefinition::new("idx_words_v1");

/// Request ID (16) → (): requests whose words are not in `IDX_WORDS` yet. A create writes
/// this one entry instead of a dozen word entries, so a burst of creates is not slowed by
/// search; the batch writer indexes them once it is idle, or in the batch that takes the
/// queue past `batch::WORDS_LAG`. Search takes every one of them as a candidate of every
/// word and checks it on its record, so it stays exact meanwhile.
pub const WORDS_PENDING: TableDefinition<[u8; 16], ()> = TableDefinition::new("words_pending_v1");

/// SHA-256 of a live link token (32) → request ID (16). The token itself is never stored
/// (it is derived from a key kept outside the database, see `links`), so a copy of the
/// database alone reveals no live link.
pub const LINK_TOKENS: TableDefinition<[u8; 32], [u8; 16]> = TableDefinition::new("link_tokens_v1");

/// SHA-256 of a live link token (32) → SHA-256 of the device it is bound to (32). The first
/// device that checks in with a link owns it until an agent releases it; keyed by the link
/// (not the request) so a reopened request's new link starts unbound.
pub const LINK_DEVICES: TableDefinition<[u8; 32], [u8; 32]> =
    TableDefinition::new("link_devices_v1");
/// A join code's 40 bits → request ID (16): the code a link page shows (and its app download
/// carries in its name) for the request's current link. Written when the page is first
/// shown; the code is a MAC of the request and its link generation, so a reopened request's
/// old code no longer checks out even before its entry is removed.
pub const JOIN_CODES: TableDefinition<u64, [u8; 16]> = TableDefinition::new("join_codes_v1");

/// Agent ID (16) → `Agent`.
pub const AGENTS: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("agents_v1");

/// Lower-cased email → agent ID (16). Unique.
pub const AGENT_EMAILS: TableDefinition<&str, [u8; 16]> = TableDefinition::new("agent_emails_v1");

/// Client ID (16) → `Client`.
pub const CLIENTS: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("clients_v1");

/// SHA-256 of a sign-in token (32) → `AuthToken`. Only hashes: a leaked database signs no
/// one in.
pub const AUTH_TOKENS: TableDefinition<[u8; 32], &[u8]> = TableDefinition::new("auth_tokens_v1");

/// Outbox item ID (16) → `OutboxItem` (a mail or a webhook call). Written in the same
/// transaction as the change that caused it; kept after delivery as the mail log.
pub const OUTBOX: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("outbox_v1");

/// Next attempt time (8) ‖ item ID (16) → (). Pending items the worker may try now or later:
/// every pending mail, and the head of each webhook queue (its followers wait in
/// `WEBHOOK_QUEUE` until it is done, so a receiver sees a request's events in order).
pub const IDX_OUTBOX_DUE: TableDefinition<[u8; 24], ()> = TableDefinition::new("idx_outbox_due_v1");

/// Item ID (16) → (). Items that failed for good, for the operators' queue view.
pub const IDX_OUTBOX_FAILED: TableDefinition<[u8; 16], ()> =
    TableDefinition::new("idx_outbox_failed_v1");

/// Endpoint ID (16) ‖ request ID (16) ‖ item ID (16) → (). Pending webhook calls per endpoint
/// and request, oldest first; only the first of each prefix is in `IDX_OUTBOX_DUE`.
pub const WEBHOOK_QUEUE: TableDefinition<[u8; 48], ()> = TableDefinition::new("webhook_queue_v1");

/// Endpoint ID (16) → `WebhookEndpoint`.
pub const WEBHOOKS: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("webhooks_v1");

/// Agent ID (16) → `TotpRecord`: the agent's second factor, set up or being set up. The secret
/// is sealed with a key derived from `link.key`, outside the database.
pub const AGENT_TOTP: TableDefinition<[u8; 16], &[u8]> = TableDefinition::new("agent_totp_v1");

/// Time (8) ‖ random (16) → `AuditEvent`. Append-only: security-relevant events (sign-ins,
/// permission and settings changes, released links, declines), each written in the same
/// transaction as what it records. Retention never deletes it.
pub const AUDIT: TableDefinition<[u8; 24], &[u8]> = TableDefinition::new("audit_v1");

/// Purge time (8) → `PurgeRecord`. Append-only: what each retention run deleted, and when.
pub const PURGE_LOG: TableDefinition<[u8; 8], &[u8]> = TableDefinition::new("purge_log_v1");
