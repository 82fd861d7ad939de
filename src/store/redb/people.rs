//! Agents, clients, sign-ins and second factors in redb. Each agent's lower-cased email is
//! in a unique index (`tables::AGENT_EMAILS`), kept in step by `put_agent`.

use app::domain::{Agent, AgentId, Client, ClientId};
use redb::ReadableTable;

use super::meta::{made_table, record_at};
use super::tables;
use super::tx::{Result, Snapshot, Txn, all, get};
use crate::store::records::{AuthToken, TotpRecord};
use crate::store::{PeopleReads, PeopleWrites, decode, encode};

/// The agent an email index entry names.
fn agent_by_email_in(
    table: &impl ReadableTable<&'static str, [u8; 16]>,
    email: &str,
) -> Result<Option<AgentId>> {
    Ok(table.get(email)?.map(|v| AgentId::from_be_bytes(v.value())))
}

impl PeopleReads for Snapshot {
    fn agent(&mut self, id: AgentId) -> Result<Option<Agent>> {
        get(&self.table(tables::AGENTS)?, id.to_be_bytes())
    }

    fn client(&mut self, id: ClientId) -> Result<Option<Client>> {
        get(&self.table(tables::CLIENTS)?, id.to_be_bytes())
    }

    fn agents(&mut self) -> Result<Vec<Agent>> {
        all(&self.table(tables::AGENTS)?)
    }

    fn agent_id_by_email(&mut self, email: &str) -> Result<Option<AgentId>> {
        agent_by_email_in(&self.table(tables::AGENT_EMAILS)?, email)
    }

    fn clients(&mut self) -> Result<Vec<Client>> {
        all(&self.table(tables::CLIENTS)?)
    }

    fn auth_token(&mut self, key: [u8; 32]) -> Result<Option<AuthToken>> {
        record_at(&self.table(tables::AUTH_TOKENS)?, key)
    }

    fn totp(&mut self, agent: AgentId) -> Result<Option<TotpRecord>> {
        match made_table(self, tables::AGENT_TOTP)? {
            Some(table) => get(&table, agent.to_be_bytes()),
            None => Ok(None),
        }
    }
}

impl PeopleReads for Txn<'_> {
    fn agent(&mut self, id: AgentId) -> Result<Option<Agent>> {
        get(&self.agents, id.to_be_bytes())
    }

    fn client(&mut self, id: ClientId) -> Result<Option<Client>> {
        get(&self.clients, id.to_be_bytes())
    }

    fn agents(&mut self) -> Result<Vec<Agent>> {
        all(&self.agents)
    }

    fn agent_id_by_email(&mut self, email: &str) -> Result<Option<AgentId>> {
        agent_by_email_in(self.agent_emails()?, email)
    }

    fn clients(&mut self) -> Result<Vec<Client>> {
        all(&self.clients)
    }

    fn auth_token(&mut self, key: [u8; 32]) -> Result<Option<AuthToken>> {
        record_at(self.auth_tokens()?, key)
    }

    fn totp(&mut self, agent: AgentId) -> Result<Option<TotpRecord>> {
        get(self.agent_totp()?, agent.to_be_bytes())
    }
}

impl PeopleWrites for Txn<'_> {
    fn put_agent(&mut self, old: Option<&Agent>, new: &Agent) -> Result<()> {
        let old_email = old.map(|a| a.email.as_str());
        // The index is written only when the email is new or changed.
        if old_email != Some(new.email.as_str()) {
            let emails = self.agent_emails()?;
            if let Some(old_email) = old_email {
                emails.remove(old_email)?;
            }
            emails.insert(new.email.as_str(), new.id.to_be_bytes())?;
        }
        self.agents
            .insert(new.id.to_be_bytes(), encode(new).as_slice())?;
        Ok(())
    }

    fn put_client(&mut self, client: &Client) -> Result<()> {
        self.clients
            .insert(client.id.to_be_bytes(), encode(client).as_slice())?;
        Ok(())
    }

    fn put_auth_token(&mut self, key: [u8; 32], token: &AuthToken) -> Result<()> {
        self.auth_tokens()?.insert(key, encode(token).as_slice())?;
        Ok(())
    }

    fn remove_auth_token(&mut self, key: [u8; 32]) -> Result<()> {
        self.auth_tokens()?.remove(key)?;
        Ok(())
    }

    fn remove_auth_tokens_where(
        &mut self,
        doomed: &mut dyn FnMut([u8; 32], &AuthToken) -> bool,
    ) -> Result<usize> {
        let tokens = self.auth_tokens()?;
        let mut picked = Vec::new();
        for entry in tokens.iter()? {
            let (k, v) = entry?;
            if doomed(k.value(), &decode(v.value())?) {
                picked.push(k.value());
            }
        }
        for k in &picked {
            tokens.remove(k)?;
        }
        Ok(picked.len())
    }

    fn put_totp(&mut self, agent: AgentId, record: &TotpRecord) -> Result<()> {
        self.agent_totp()?
            .insert(agent.to_be_bytes(), encode(record).as_slice())?;
        Ok(())
    }

    fn remove_totp(&mut self, agent: AgentId) -> Result<Option<TotpRecord>> {
        let removed = self.agent_totp()?.remove(agent.to_be_bytes())?;
        Ok(removed.map(|v| decode(v.value())).transpose()?)
    }
}
