//! Everything the embedded store holds, as `moving::Item`s (a move to another backend).

use std::collections::{BTreeMap, BTreeSet};

use app::domain::{AgentId, RequestId, SessionRequest};
use redb::{ReadableTable, TableDefinition};

use super::Db;
use super::keys;
use super::meta::made_table;
use super::requests::timeline_in;
use super::tables;
use super::tx::{Result, Snapshot};
use crate::store::moving::{Item, OutboxLists};
use crate::store::records::OutboxItem;
use crate::store::{Record, decode};

/// Every record of a table keyed by `K`, with its key, to `each`; a table no write made yet
/// holds none.
fn each_record<K: redb::Key + 'static, T: Record>(
    s: &Snapshot,
    def: TableDefinition<K, &'static [u8]>,
    mut each: impl FnMut(K::SelfType<'_>, T) -> Result<()>,
) -> Result<()> {
    let Some(table) = made_table(s, def)? else {
        return Ok(());
    };
    for entry in table.iter()? {
        let (k, v) = entry?;
        each(k.value(), decode(v.value())?)?;
    }
    Ok(())
}

impl Db {
    pub fn export(&self, each: &mut dyn FnMut(Item) -> Result<()>) -> Result<()> {
        let s = Snapshot {
            txn: redb::ReadableDatabase::begin_read(&*self.db)?,
        };
        let events = s.table(tables::REQUEST_EVENTS)?;
        each_record(&s, tables::REQUESTS, |_, rec: SessionRequest| {
            let timeline = timeline_in(&events, rec.id)?;
            each(Item::Request(Box::new(rec), timeline))
        })?;
        for e in s.table(tables::LINK_TOKENS)?.iter()? {
            let (k, v) = e?;
            each(Item::Link(k.value(), RequestId::from_be_bytes(v.value())))?;
        }
        for e in s.table(tables::LINK_DEVICES)?.iter()? {
            let (k, v) = e?;
            each(Item::Device(k.value(), v.value()))?;
        }
        for e in s.table(tables::JOIN_CODES)?.iter()? {
            let (k, v) = e?;
            each(Item::JoinCode(
                k.value(),
                RequestId::from_be_bytes(v.value()),
            ))?;
        }
        each_record(&s, tables::AGENTS, |_, a| each(Item::Agent(a)))?;
        each_record(&s, tables::CLIENTS, |_, c| each(Item::Client(c)))?;
        each_record(&s, tables::AUTH_TOKENS, |k, t| each(Item::SignIn(k, t)))?;
        each_record(&s, tables::AGENT_TOTP, |k, t| {
            each(Item::Totp(AgentId::from_be_bytes(k), t))
        })?;
        // The outbox's lists are tables of their own: gathered first, then each item with
        // the lists it is on.
        let mut due = BTreeMap::new();
        for e in s.table(tables::IDX_OUTBOX_DUE)?.iter()? {
            let k = e?.0.value();
            due.insert(keys::trailing(&k), keys::leading_time(&k));
        }
        let mut failed = BTreeSet::new();
        for e in s.table(tables::IDX_OUTBOX_FAILED)?.iter()? {
            failed.insert(e?.0.value());
        }
        let mut queued = BTreeSet::new();
        for e in s.table(tables::WEBHOOK_QUEUE)?.iter()? {
            queued.insert(keys::trailing(&e?.0.value()));
        }
        each_record(&s, tables::OUTBOX, |k, item: OutboxItem| {
            let lists = OutboxLists {
                due: due.get(&k).copied(),
                failed: failed.contains(&k),
                queued: queued.contains(&k),
            };
            each(Item::Outbox(item, lists))
        })?;
        each_record(&s, tables::WEBHOOKS, |_, w| each(Item::Webhook(w)))?;
        each_record(&s, tables::AUDIT, |_, e| each(Item::Audit(e)))?;
        each_record(&s, tables::PURGE_LOG, |_, p| each(Item::Purge(p)))?;
        let mut read = s;
        use crate::store::MetaReads;
        if let Some(settings) = read.settings_record()? {
            each(Item::Settings(settings))?;
        }
        if let Some(logo) = read.logo_record()? {
            each(Item::Logo(logo))?;
        }
        Ok(())
    }
}
