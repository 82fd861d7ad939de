//! Agents, clients, sign-ins and second factors in PostgreSQL. Each agent's lower-cased
//! email is in `agent_emails` (unique), kept in step by `put_agent`.

use app::domain::{Agent, AgentId, Client, ClientId};

use super::requests::id_bytes;
use super::tx::{Conn, PgRead, PgTx, Result};
use crate::store::records::{AuthToken, TotpRecord};
use crate::store::{PeopleReads, PeopleWrites, encode};

/// One record by its key from `table` (a fixed name), locked inside a write.
fn one<T: crate::store::Record>(
    c: &Conn,
    sql: &'static str,
    key: &(dyn tokio_postgres::types::ToSql + Sync),
) -> Result<Option<T>> {
    c.query_opt(sql, &[key])?
        .map(|row| Conn::record(&row, 0))
        .transpose()
}

fn all<T: crate::store::Record>(c: &Conn, sql: &'static str) -> Result<Vec<T>> {
    c.query(sql, &[])?
        .iter()
        .map(|row| Conn::record(row, 0))
        .collect()
}

/// The reads both sessions share; `lock` adds `FOR UPDATE` inside a write.
fn agent(c: &Conn, id: AgentId, lock: bool) -> Result<Option<Agent>> {
    let sql = if lock {
        "SELECT record FROM agents WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT record FROM agents WHERE id = $1"
    };
    one(c, sql, &id_bytes(id).as_slice())
}

fn client(c: &Conn, id: ClientId, lock: bool) -> Result<Option<Client>> {
    let sql = if lock {
        "SELECT record FROM clients WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT record FROM clients WHERE id = $1"
    };
    one(c, sql, &id_bytes(id).as_slice())
}

fn agent_id_by_email(c: &Conn, email: &str) -> Result<Option<AgentId>> {
    Ok(
        c.query_opt("SELECT agent FROM agent_emails WHERE email = $1", &[&email])?
            .map(|row| super::requests::id_of(row.get(0))),
    )
}

/// Locked inside a write: a sign-in's touch must not write back one a sign-out removed
/// meanwhile.
fn auth_token(c: &Conn, key: [u8; 32], lock: bool) -> Result<Option<AuthToken>> {
    let sql = if lock {
        "SELECT record FROM auth_tokens WHERE hash = $1 FOR UPDATE"
    } else {
        "SELECT record FROM auth_tokens WHERE hash = $1"
    };
    one(c, sql, &key.as_slice())
}

fn totp(c: &Conn, agent: AgentId, lock: bool) -> Result<Option<TotpRecord>> {
    let sql = if lock {
        "SELECT record FROM agent_totp WHERE agent = $1 FOR UPDATE"
    } else {
        "SELECT record FROM agent_totp WHERE agent = $1"
    };
    one(c, sql, &id_bytes(agent).as_slice())
}

/// The reads of both sessions; `$lock`: inside a write, what is read stays locked until the
/// commit.
macro_rules! people_reads {
    ($t:ty, $lock:expr) => {
        impl PeopleReads for $t {
            fn agent(&mut self, id: AgentId) -> Result<Option<Agent>> {
                agent(&self.c, id, $lock)
            }
            fn client(&mut self, id: ClientId) -> Result<Option<Client>> {
                client(&self.c, id, $lock)
            }
            fn agents(&mut self) -> Result<Vec<Agent>> {
                all(&self.c, "SELECT record FROM agents ORDER BY id")
            }
            fn agent_id_by_email(&mut self, email: &str) -> Result<Option<AgentId>> {
                agent_id_by_email(&self.c, email)
            }
            fn clients(&mut self) -> Result<Vec<Client>> {
                all(&self.c, "SELECT record FROM clients ORDER BY id")
            }
            fn auth_token(&mut self, key: [u8; 32]) -> Result<Option<AuthToken>> {
                auth_token(&self.c, key, $lock)
            }
            fn totp(&mut self, agent: AgentId) -> Result<Option<TotpRecord>> {
                totp(&self.c, agent, $lock)
            }
        }
    };
}
people_reads!(PgRead, false);
people_reads!(PgTx, true);

impl PeopleWrites for PgTx {
    fn put_agent(&mut self, old: Option<&Agent>, new: &Agent) -> Result<()> {
        let id = id_bytes(new.id);
        let old_email = old.map(|a| a.email.as_str());
        if old_email != Some(new.email.as_str()) {
            if let Some(old_email) = old_email {
                self.c
                    .execute("DELETE FROM agent_emails WHERE email = $1", &[&old_email])?;
            }
            // No overwrite: an email another agent took meanwhile fails the write (the
            // service checked it was free, but not under a lock).
            self.c.execute(
                "INSERT INTO agent_emails (email, agent) VALUES ($1, $2)",
                &[&new.email, &id.as_slice()],
            )?;
        }
        self.c.execute(
            "INSERT INTO agents (id, record) VALUES ($1, $2) \
             ON CONFLICT (id) DO UPDATE SET record = excluded.record",
            &[&id.as_slice(), &encode(new).as_slice()],
        )?;
        Ok(())
    }

    fn put_client(&mut self, client: &Client) -> Result<()> {
        self.c.execute(
            "INSERT INTO clients (id, record) VALUES ($1, $2) \
             ON CONFLICT (id) DO UPDATE SET record = excluded.record",
            &[&id_bytes(client.id).as_slice(), &encode(client).as_slice()],
        )?;
        Ok(())
    }

    fn put_auth_token(&mut self, key: [u8; 32], token: &AuthToken) -> Result<()> {
        self.c.execute(
            "INSERT INTO auth_tokens (hash, agent, record) VALUES ($1, $2, $3) \
             ON CONFLICT (hash) DO UPDATE SET record = excluded.record",
            &[
                &key.as_slice(),
                &id_bytes(token.agent).as_slice(),
                &encode(token).as_slice(),
            ],
        )?;
        Ok(())
    }

    fn remove_auth_token(&mut self, key: [u8; 32]) -> Result<()> {
        self.c.execute(
            "DELETE FROM auth_tokens WHERE hash = $1",
            &[&key.as_slice()],
        )?;
        Ok(())
    }

    fn remove_auth_tokens_where(
        &mut self,
        doomed: &mut dyn FnMut([u8; 32], &AuthToken) -> bool,
    ) -> Result<usize> {
        let mut picked: Vec<Vec<u8>> = Vec::new();
        for row in self
            .c
            .query("SELECT hash, record FROM auth_tokens FOR UPDATE", &[])?
        {
            let Ok(hash) = <[u8; 32]>::try_from(row.get::<_, &[u8]>(0)) else {
                continue;
            };
            if doomed(hash, &Conn::record(&row, 1)?) {
                picked.push(hash.to_vec());
            }
        }
        self.c
            .execute("DELETE FROM auth_tokens WHERE hash = ANY($1)", &[&picked])?;
        Ok(picked.len())
    }

    fn put_totp(&mut self, agent: AgentId, record: &TotpRecord) -> Result<()> {
        self.c.execute(
            "INSERT INTO agent_totp (agent, record) VALUES ($1, $2) \
             ON CONFLICT (agent) DO UPDATE SET record = excluded.record",
            &[&id_bytes(agent).as_slice(), &encode(record).as_slice()],
        )?;
        Ok(())
    }

    fn remove_totp(&mut self, agent: AgentId) -> Result<Option<TotpRecord>> {
        self.c
            .query_opt(
                "DELETE FROM agent_totp WHERE agent = $1 RETURNING record",
                &[&id_bytes(agent).as_slice()],
            )?
            .map(|row| Conn::record(&row, 0))
            .transpose()
    }
}
