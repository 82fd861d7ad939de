//! Moving an installation between backends (`beckon migrate-store`): every record leaves
//! the source as an `Item` (`export`, one per backend), goes into the target through the
//! store interface (`import`), and the move is verified by reading the target back: the same
//! number of items of each kind, and the same records (an order-free digest of each kind's
//! items, so a million requests need no memory to compare).

use std::collections::BTreeMap;

use app::domain::{Agent, AgentId, Client, RequestId, SessionRequest, TimelineEvent};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::records::{
    AuditEvent, AuthToken, LogoRecord, OutboxItem, PurgeRecord, SettingsRecord, TotpRecord,
    WebhookEndpoint,
};
use super::{Store, StoreError, encode};

/// Which of the outbox's lists an item is on (the embedded store keeps them apart from the
/// item).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxLists {
    /// Due from this time (to the millisecond).
    pub due: Option<Timestamp>,
    pub failed: bool,
    /// Waiting in its webhook queue (the head is due as well).
    pub queued: bool,
}

/// One stored thing, as every backend can write it.
#[derive(Debug, Clone)]
pub enum Item {
    Request(Box<SessionRequest>, Vec<TimelineEvent>),
    /// A link's index entry (links of the first format).
    Link([u8; 32], RequestId),
    Device([u8; 32], [u8; 32]),
    JoinCode(u64, RequestId),
    Agent(Agent),
    Client(Client),
    SignIn([u8; 32], AuthToken),
    Totp(AgentId, TotpRecord),
    Outbox(OutboxItem, OutboxLists),
    Webhook(WebhookEndpoint),
    Audit(AuditEvent),
    Purge(PurgeRecord),
    Settings(SettingsRecord),
    Logo(LogoRecord),
}

impl Item {
    /// The kind, for the counts a move reports.
    pub fn kind(&self) -> &'static str {
        match self {
            Item::Request(..) => "requests",
            Item::Link(..) => "link entries",
            Item::Device(..) => "device bindings",
            Item::JoinCode(..) => "join codes",
            Item::Agent(..) => "agents",
            Item::Client(..) => "clients",
            Item::SignIn(..) => "sign-ins",
            Item::Totp(..) => "second factors",
            Item::Outbox(..) => "outbox items",
            Item::Webhook(..) => "webhook endpoints",
            Item::Audit(..) => "audit events",
            Item::Purge(..) => "retention runs",
            Item::Settings(..) => "settings",
            Item::Logo(..) => "logos",
        }
    }

    /// Everything the item holds, as bytes: two items are the same record exactly when
    /// these are equal (the codec's encoding is deterministic).
    fn canonical(&self) -> Vec<u8> {
        let mut b = self.kind().as_bytes().to_vec();
        match self {
            Item::Request(r, events) => {
                b.extend(encode(&**r));
                for e in events {
                    b.extend(encode(e));
                }
            }
            Item::Link(k, id) => {
                b.extend(k);
                b.extend(id.to_be_bytes());
            }
            Item::Device(k, d) => {
                b.extend(k);
                b.extend(d);
            }
            Item::JoinCode(c, id) => {
                b.extend(c.to_be_bytes());
                b.extend(id.to_be_bytes());
            }
            Item::Agent(a) => b.extend(encode(a)),
            Item::Client(c) => b.extend(encode(c)),
            Item::SignIn(k, t) => {
                b.extend(k);
                b.extend(encode(t));
            }
            Item::Totp(a, t) => {
                b.extend(a.to_be_bytes());
                b.extend(encode(t));
            }
            Item::Outbox(i, lists) => {
                b.extend(encode(i));
                b.extend(
                    lists
                        .due
                        .map_or(i64::MIN, |t| t.as_millisecond())
                        .to_be_bytes(),
                );
                b.push(u8::from(lists.failed));
                b.push(u8::from(lists.queued));
            }
            Item::Webhook(w) => b.extend(encode(w)),
            Item::Audit(e) => b.extend(encode(e)),
            Item::Purge(p) => b.extend(encode(p)),
            Item::Settings(s) => b.extend(encode(s)),
            Item::Logo(l) => b.extend(encode(l)),
        }
        b
    }
}

/// How many items of each kind, and an order-free digest of them (the wrapping sum of their
/// SHA-256s).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Census(BTreeMap<&'static str, (u64, [u64; 4])>);

impl Census {
    fn add(&mut self, item: &Item) {
        let hash = Sha256::digest(item.canonical());
        let (n, sum) = self.0.entry(item.kind()).or_default();
        *n += 1;
        for (s, chunk) in sum.iter_mut().zip(hash.chunks(8)) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            *s = s.wrapping_add(u64::from_be_bytes(w));
        }
    }

    /// "12 requests, 3 agents, …".
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|(kind, (n, _))| format!("{n} {kind}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What differs from `other`, kind by kind (empty when nothing does).
    pub fn differences(&self, other: &Census) -> Vec<String> {
        let mut out = Vec::new();
        let kinds: std::collections::BTreeSet<_> = self.0.keys().chain(other.0.keys()).collect();
        for kind in kinds {
            let (a, b) = (self.0.get(kind), other.0.get(kind));
            match (a, b) {
                (Some((n, _)), Some((m, _))) if n != m => {
                    out.push(format!("{kind}: {n} in the source, {m} in the target"))
                }
                (Some(x), Some(y)) if x != y => {
                    out.push(format!("{kind}: as many, but not the same records"))
                }
                (Some((n, _)), None) => {
                    out.push(format!("{kind}: {n} in the source, none in the target"))
                }
                (None, Some((m, _))) => {
                    out.push(format!("{kind}: none in the source, {m} in the target"))
                }
                _ => {}
            }
        }
        out
    }
}

/// Items written per transaction of an import: big enough to amortise a commit, small enough
/// that a failure loses little and memory stays flat.
const CHUNK: usize = 500;

impl Store {
    /// Hands every stored item to `each`.
    pub fn export(
        &self,
        each: &mut dyn FnMut(Item) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        match &self.0 {
            super::Backend::Redb(db) => db.export(each),
            super::Backend::Postgres(db) => db.export(each),
        }
    }

    /// What the store holds, counted and digested.
    pub fn census(&self) -> Result<Census, StoreError> {
        let mut census = Census::default();
        self.export(&mut |item| {
            census.add(&item);
            Ok(())
        })?;
        Ok(census)
    }

    /// Whether nothing is stored yet (a move's target must be empty).
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        let mut read = self.read()?;
        Ok(read.agents()?.is_empty() && read.settings_record()?.is_none())
    }

    /// Copies everything `from` holds into this store (which must be empty), then checks
    /// that it holds the same; returns what was copied.
    pub fn copy_from(&self, from: &Store) -> Result<Census, StoreError> {
        if !self.is_empty()? {
            return Err(StoreError::Backup(
                "the target store is not empty: move into a new database only".into(),
            ));
        }
        let mut batch = Vec::with_capacity(CHUNK);
        from.export(&mut |item| {
            batch.push(item);
            if batch.len() == CHUNK {
                self.import(std::mem::take(&mut batch))?;
            }
            Ok(())
        })?;
        self.import(batch)?;
        self.transact(|tx| tx.index_now())?;
        let (source, target) = (from.census()?, self.census()?);
        let differences = source.differences(&target);
        if !differences.is_empty() {
            return Err(StoreError::Backup(format!(
                "the copy differs from the source: {}",
                differences.join("; ")
            )));
        }
        Ok(target)
    }

    /// Writes items in one transaction.
    fn import(&self, items: Vec<Item>) -> Result<(), StoreError> {
        self.transact(|tx| {
            for item in items {
                match item {
                    Item::Request(rec, events) => {
                        let rec = *rec;
                        for (seq, e) in events.iter().enumerate() {
                            tx.add_event(rec.id, seq as u32, e)?;
                        }
                        tx.put_request(None, &rec)?;
                    }
                    Item::Link(k, id) => tx.put_link(k, id)?,
                    Item::Device(k, d) => tx.bind_device(k, d)?,
                    Item::JoinCode(c, id) => tx.put_join_code(c, id)?,
                    Item::Agent(a) => tx.put_agent(None, &a)?,
                    Item::Client(c) => tx.put_client(&c)?,
                    Item::SignIn(k, t) => tx.put_auth_token(k, &t)?,
                    Item::Totp(a, t) => tx.put_totp(a, &t)?,
                    Item::Outbox(i, lists) => tx.import_outbox_item(&i, lists)?,
                    Item::Webhook(w) => tx.put_webhook_endpoint(&w)?,
                    Item::Audit(e) => tx.append_audit(&e)?,
                    Item::Purge(p) => tx.add_purge(&p)?,
                    Item::Settings(s) => tx.put_settings_record(&s)?,
                    Item::Logo(l) => tx.put_logo_record(&l)?,
                }
            }
            Ok::<_, StoreError>(())
        })
        .map(drop)
    }
}
