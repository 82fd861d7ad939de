//! The PostgreSQL schema and its migrations. Versioned like the embedded store's: each
//! migration runs once, in a transaction of its own, under an advisory lock (nodes starting
//! together take turns), and a database newer than this build is refused.
//!
//! Records are stored as the codec's bytes (`record`), the same bytes the embedded store
//! keeps; the other columns are what queries select and order by, derived from the record
//! on every write (`requests::Columns`). IDs are the 16 big-endian bytes of their ULID, so
//! byte order is creation order, as in the embedded store.

use super::{Db, error};
use crate::store::StoreError;

/// The schema this build writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Taken for the duration of a migration, so two nodes never migrate at once.
const MIGRATION_LOCK: i64 = 0x6265_636b_6f6e_0001;

struct Migration {
    name: &'static str,
    to_version: u32,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[Migration {
    name: "0001_tables",
    to_version: 1,
    sql: r#"
CREATE TABLE requests (
    id bytea PRIMARY KEY,
    record bytea NOT NULL,
    -- The stored status (`Status::code`), and the assignee: kind (0 unassigned, 1 agent,
    -- 2 client) ‖ its ID (16 zero bytes when unassigned).
    status smallint NOT NULL,
    assignee bytea NOT NULL,
    -- Milliseconds since the epoch; each set only while the request is in that index of
    -- the embedded store (`keys::RequestKeys`).
    scheduled_at bigint,
    expires_at bigint,
    finished_at bigint,
    prompt_at bigint,
    -- The search terms (`app::domain::search::terms`), one lexeme each.
    terms tsvector NOT NULL
);
CREATE INDEX requests_by_status ON requests (status, id);
CREATE INDEX requests_by_assignee ON requests (assignee, status, id);
CREATE INDEX requests_by_schedule ON requests (scheduled_at, id) WHERE scheduled_at IS NOT NULL;
CREATE INDEX requests_by_expiry ON requests (expires_at, id) WHERE expires_at IS NOT NULL;
CREATE INDEX requests_by_finished ON requests (finished_at, id) WHERE finished_at IS NOT NULL;
CREATE INDEX requests_by_prompt ON requests (prompt_at, id) WHERE prompt_at IS NOT NULL;
-- The Upcoming view: open requests (`Status::Open`'s code is 1), scheduled first by time,
-- then unscheduled ones.
CREATE INDEX requests_upcoming ON requests ((scheduled_at IS NULL), scheduled_at, id)
    WHERE status = 1;
CREATE INDEX requests_by_terms ON requests USING gin (terms);

CREATE TABLE request_events (
    request bytea NOT NULL,
    seq integer NOT NULL,
    record bytea NOT NULL,
    PRIMARY KEY (request, seq)
);
CREATE TABLE link_tokens (indexed bytea PRIMARY KEY, request bytea NOT NULL);
CREATE TABLE link_devices (link bytea PRIMARY KEY, device bytea NOT NULL);
CREATE TABLE join_codes (code bigint PRIMARY KEY, request bytea NOT NULL);

CREATE TABLE agents (id bytea PRIMARY KEY, record bytea NOT NULL);
-- Lower-cased email → agent; unique.
CREATE TABLE agent_emails (email text PRIMARY KEY, agent bytea NOT NULL);
CREATE TABLE clients (id bytea PRIMARY KEY, record bytea NOT NULL);
-- SHA-256 of a sign-in token → its record: a leaked database signs no one in.
CREATE TABLE auth_tokens (hash bytea PRIMARY KEY, agent bytea NOT NULL, record bytea NOT NULL);
CREATE INDEX auth_tokens_by_agent ON auth_tokens (agent);
CREATE TABLE agent_totp (agent bytea PRIMARY KEY, record bytea NOT NULL);

CREATE TABLE outbox (
    id bytea PRIMARY KEY,
    record bytea NOT NULL,
    -- The record's `DeliveryState` (`outbox::state_code`): retention passes pending ones.
    state smallint NOT NULL,
    -- On the due list from this time (ms); the head of a webhook queue or any pending mail.
    due_at bigint,
    -- On the failed list (the operators' view).
    failed boolean NOT NULL DEFAULT false,
    -- A webhook call about a request, while it waits its turn: endpoint ‖ request.
    queue bytea
);
CREATE INDEX outbox_due ON outbox (due_at, id) WHERE due_at IS NOT NULL;
CREATE INDEX outbox_failed ON outbox (id) WHERE failed;
CREATE INDEX outbox_queued ON outbox (queue, id) WHERE queue IS NOT NULL;
CREATE TABLE webhooks (id bytea PRIMARY KEY, record bytea NOT NULL);
CREATE TABLE audit (at bigint NOT NULL, nonce bytea NOT NULL, record bytea NOT NULL,
    PRIMARY KEY (at, nonce));
CREATE TABLE purge_log (at bigint PRIMARY KEY, record bytea NOT NULL);
"#,
}];

/// Applies the migrations the database lacks; refuses one newer than this build.
pub(super) fn migrate(db: &Db) -> Result<(), StoreError> {
    let conn = db.conn()?;
    db.block(async {
        // Held for the whole run (nodes starting together on an empty database take turns,
        // from the creation of `meta` on), and given back however it ends.
        conn.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(error)?;
        let done = apply(db, &conn).await;
        let _ = conn
            .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await;
        done
    })
}

/// The migration steps, under the migration lock.
async fn apply(db: &Db, conn: &tokio_postgres::Client) -> Result<(), StoreError> {
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value bytea NOT NULL)",
    )
    .await
    .map_err(error)?;
    loop {
        let found = read_version(conn).await?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: db.inner.target.clone().into(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let Some(m) = MIGRATIONS.iter().find(|m| m.to_version > found) else {
            return Ok(());
        };
        conn.batch_execute("BEGIN").await.map_err(error)?;
        let step = async {
            conn.batch_execute(m.sql).await?;
            write_version(conn, m.to_version).await?;
            conn.batch_execute("COMMIT").await
        };
        if let Err(e) = step.await {
            let _ = conn.batch_execute("ROLLBACK").await;
            return Err(error(e));
        }
        tracing::info!(migration = m.name, "applied store migration");
    }
}

async fn read_version(conn: &tokio_postgres::Client) -> Result<u32, StoreError> {
    let row = conn
        .query_opt("SELECT value FROM meta WHERE key = 'schema_version'", &[])
        .await
        .map_err(error)?;
    Ok(row
        .and_then(|r| <[u8; 4]>::try_from(r.get::<_, &[u8]>(0)).ok())
        .map_or(0, u32::from_be_bytes))
}

async fn write_version(conn: &tokio_postgres::Client, v: u32) -> Result<(), tokio_postgres::Error> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', $1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&v.to_be_bytes().as_slice()],
    )
    .await
    .map(drop)
}

pub(super) fn version(db: &Db) -> Result<u32, StoreError> {
    let conn = db.conn()?;
    db.block(read_version(&conn))
}

pub(super) fn force_version(db: &Db, v: u32) -> Result<(), StoreError> {
    let conn = db.conn()?;
    db.block(write_version(&conn, v)).map_err(error)
}
