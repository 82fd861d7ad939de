//! Everything a PostgreSQL store holds, as `moving::Item`s (a move to another backend). Read
//! in one repeatable-read transaction, so the copy is of one moment.

use app::domain::SessionRequest;
use jiff::Timestamp;

use super::Db;
use super::outbox::queue_of;
use super::requests::id_of;
use super::tx::{Conn, Result};
use crate::store::moving::{Item, OutboxLists};
use crate::store::records::OutboxItem;
use crate::store::{MetaReads, decode};

fn key32(b: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k.copy_from_slice(&b[..32]);
    k
}

impl Db {
    pub fn export(&self, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
        let c = Conn::new(self.clone(), self.conn()?);
        c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", &[])?;
        let done = export(&c, each);
        let _ = c.execute("ROLLBACK", &[]);
        done?;
        let mut read = super::PgRead::new(self.clone(), self.conn()?);
        if let Some(settings) = read.settings_record()? {
            each(Item::Settings(settings))?;
        }
        if let Some(logo) = read.logo_record()? {
            each(Item::Logo(logo))?;
        }
        Ok(())
    }
}

fn export(c: &Conn, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
    // Requests with their timelines, a page at a time in ID order.
    let mut after: Vec<u8> = Vec::new();
    loop {
        let rows = c.query(
            "SELECT id, record FROM requests WHERE id > $1 ORDER BY id LIMIT 1000",
            &[&after],
        )?;
        for row in &rows {
            let rec: SessionRequest = Conn::record(row, 1)?;
            let timeline = super::requests::timeline(c, rec.id)?;
            each(Item::Request(Box::new(rec), timeline))?;
        }
        match rows.last() {
            Some(row) => after = row.get(0),
            None => break,
        }
    }
    for row in c.query(
        "SELECT indexed, request FROM link_tokens ORDER BY indexed",
        &[],
    )? {
        each(Item::Link(key32(row.get(0)), id_of(row.get(1))))?;
    }
    for row in c.query("SELECT link, device FROM link_devices ORDER BY link", &[])? {
        each(Item::Device(key32(row.get(0)), key32(row.get(1))))?;
    }
    for row in c.query("SELECT code, request FROM join_codes ORDER BY code", &[])? {
        each(Item::JoinCode(
            row.get::<_, i64>(0) as u64,
            id_of(row.get(1)),
        ))?;
    }
    for row in c.query("SELECT record FROM agents ORDER BY id", &[])? {
        each(Item::Agent(Conn::record(&row, 0)?))?;
    }
    for row in c.query("SELECT record FROM clients ORDER BY id", &[])? {
        each(Item::Client(Conn::record(&row, 0)?))?;
    }
    for row in c.query("SELECT hash, record FROM auth_tokens ORDER BY hash", &[])? {
        each(Item::SignIn(key32(row.get(0)), Conn::record(&row, 1)?))?;
    }
    for row in c.query("SELECT agent, record FROM agent_totp ORDER BY agent", &[])? {
        each(Item::Totp(id_of(row.get(0)), Conn::record(&row, 1)?))?;
    }
    for row in c.query(
        "SELECT record, due_at, failed, queue IS NOT NULL FROM outbox ORDER BY id",
        &[],
    )? {
        let item: OutboxItem = decode(row.get::<_, &[u8]>(0))?;
        let lists = OutboxLists {
            due: row
                .get::<_, Option<i64>>(1)
                .map(|t| Timestamp::from_millisecond(t).unwrap_or(Timestamp::MAX)),
            failed: row.get(2),
            queued: row.get::<_, bool>(3) && queue_of(&item).is_some(),
        };
        each(Item::Outbox(item, lists))?;
    }
    for row in c.query("SELECT record FROM webhooks ORDER BY id", &[])? {
        each(Item::Webhook(Conn::record(&row, 0)?))?;
    }
    for row in c.query("SELECT record FROM audit ORDER BY at, nonce", &[])? {
        each(Item::Audit(Conn::record(&row, 0)?))?;
    }
    for row in c.query("SELECT record FROM purge_log ORDER BY at", &[])? {
        each(Item::Purge(Conn::record(&row, 0)?))?;
    }
    Ok(())
}
