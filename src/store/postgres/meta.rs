//! Settings, the logo and the audit log in PostgreSQL. Settings and the logo are one record
//! each in `meta`; an audit event is keyed by its time ‖ 16 random bytes, as in the embedded
//! store, so an `AuditCursor` means the same in both.

use std::ops::ControlFlow;

use super::tx::{Conn, PgRead, PgTx, Result};
use crate::store::records::{AuditEvent, LogoRecord, SettingsRecord};
use crate::store::{AuditCursor, MetaReads, MetaWrites, Record, encode};

const SETTINGS: &str = "settings";
const LOGO: &str = "logo";

/// The cursor of the event at `at` (ms) with `nonce`: the time's bytes in byte order
/// (sign bit flipped, as the embedded store's keys), then the nonce.
fn cursor(at: i64, nonce: &[u8]) -> AuditCursor {
    let mut k = [0u8; 24];
    k[..8].copy_from_slice(&((at as u64) ^ (1 << 63)).to_be_bytes());
    k[8..].copy_from_slice(&nonce[..16]);
    AuditCursor(k)
}

/// A cursor's time and nonce.
fn cursor_parts(c: AuditCursor) -> (i64, Vec<u8>) {
    let mut t = [0u8; 8];
    t.copy_from_slice(&c.0[..8]);
    (
        (u64::from_be_bytes(t) ^ (1 << 63)) as i64,
        c.0[8..].to_vec(),
    )
}

fn meta_record<T: Record>(c: &Conn, key: &str) -> Result<Option<T>> {
    c.query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
        .map(|row| Conn::record(&row, 0))
        .transpose()
}

fn audit_page(
    c: &Conn,
    before: Option<AuditCursor>,
    limit: usize,
) -> Result<(Vec<AuditEvent>, Option<AuditCursor>)> {
    let take = limit as i64 + 1;
    let rows = match before.map(cursor_parts) {
        Some((at, nonce)) => c.query(
            "SELECT at, nonce, record FROM audit WHERE (at, nonce) < ($1, $2) \
             ORDER BY at DESC, nonce DESC LIMIT $3",
            &[&at, &nonce, &take],
        )?,
        None => c.query(
            "SELECT at, nonce, record FROM audit ORDER BY at DESC, nonce DESC LIMIT $1",
            &[&take],
        )?,
    };
    let more = rows.len() > limit;
    let mut items = Vec::with_capacity(limit.min(rows.len()));
    let mut last = None;
    for row in rows.iter().take(limit) {
        items.push(Conn::record(row, 2)?);
        last = Some(cursor(row.get(0), row.get(1)));
    }
    Ok((items, last.filter(|_| more)))
}

fn audit_all(c: &Conn, each: &mut dyn FnMut(AuditEvent) -> ControlFlow<()>) -> Result<()> {
    // In pages, so an export of a long log holds neither it all in memory nor one
    // statement open for its whole length.
    const PAGE: i64 = 1000;
    let mut after: Option<(i64, Vec<u8>)> = None;
    loop {
        let rows = match &after {
            Some((at, nonce)) => c.query(
                "SELECT at, nonce, record FROM audit WHERE (at, nonce) > ($1, $2) \
                 ORDER BY at, nonce LIMIT $3",
                &[at, nonce, &PAGE],
            )?,
            None => c.query(
                "SELECT at, nonce, record FROM audit ORDER BY at, nonce LIMIT $1",
                &[&PAGE],
            )?,
        };
        for row in &rows {
            if each(Conn::record(row, 2)?).is_break() {
                return Ok(());
            }
        }
        match rows.last() {
            Some(row) if rows.len() as i64 == PAGE => {
                after = Some((row.get(0), row.get::<_, Vec<u8>>(1)));
            }
            _ => return Ok(()),
        }
    }
}

macro_rules! meta_reads {
    ($t:ty) => {
        impl MetaReads for $t {
            fn settings_record(&mut self) -> Result<Option<SettingsRecord>> {
                meta_record(&self.c, SETTINGS)
            }
            fn logo_record(&mut self) -> Result<Option<LogoRecord>> {
                meta_record(&self.c, LOGO)
            }
            fn audit_page(
                &mut self,
                before: Option<AuditCursor>,
                limit: usize,
            ) -> Result<(Vec<AuditEvent>, Option<AuditCursor>)> {
                audit_page(&self.c, before, limit)
            }
            fn audit_all(
                &mut self,
                each: &mut dyn FnMut(AuditEvent) -> ControlFlow<()>,
            ) -> Result<()> {
                audit_all(&self.c, each)
            }
        }
    };
}
meta_reads!(PgRead);
meta_reads!(PgTx);

impl PgTx {
    fn put_meta(&mut self, key: &str, value: &[u8]) -> Result<()> {
        self.c.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }
}

impl MetaWrites for PgTx {
    fn append_audit(&mut self, event: &AuditEvent) -> Result<()> {
        let nonce: [u8; 16] = rand::random();
        self.c.execute(
            "INSERT INTO audit (at, nonce, record) VALUES ($1, $2, $3)",
            &[
                &event.at.as_millisecond(),
                &nonce.as_slice(),
                &encode(event).as_slice(),
            ],
        )?;
        Ok(())
    }

    fn put_settings_record(&mut self, record: &SettingsRecord) -> Result<()> {
        self.put_meta(SETTINGS, &encode(record))
    }

    fn put_logo_record(&mut self, record: &LogoRecord) -> Result<()> {
        self.put_meta(LOGO, &encode(record))
    }

    fn remove_logo_record(&mut self) -> Result<()> {
        self.c
            .execute("DELETE FROM meta WHERE key = $1", &[&LOGO])?;
        Ok(())
    }
}
