//! Agents, clients (teams), sign-ins and second factors.
//!
//! A sign-in is filed under its token key (`service::sessions::token_key`, the SHA-256 of
//! the token): the store never sees a token itself.

use app::domain::{Agent, AgentId, Client, ClientId};

use super::StoreError;
use super::records::{AuthToken, TotpRecord};

type Result<T> = std::result::Result<T, StoreError>;

pub trait PeopleReads {
    fn agent(&mut self, id: AgentId) -> Result<Option<Agent>>;

    fn client(&mut self, id: ClientId) -> Result<Option<Client>>;

    /// Every agent, in ID order.
    fn agents(&mut self) -> Result<Vec<Agent>>;

    /// The agent with this email (lower-cased, as agents' emails are stored): emails are
    /// unique among agents.
    fn agent_id_by_email(&mut self, email: &str) -> Result<Option<AgentId>>;

    /// Every client, in ID order.
    fn clients(&mut self) -> Result<Vec<Client>>;

    /// The sign-in filed under a token key, live or not.
    fn auth_token(&mut self, key: [u8; 32]) -> Result<Option<AuthToken>>;

    /// An agent's second factor, set up or being set up.
    fn totp(&mut self, agent: AgentId) -> Result<Option<TotpRecord>>;
}

pub trait PeopleWrites {
    /// Writes an agent; `old` is what was stored before (none for a new agent), so the
    /// email index moves with the email. The caller checked that no other agent has the
    /// new email (`agent_id_by_email`).
    fn put_agent(&mut self, old: Option<&Agent>, new: &Agent) -> Result<()>;

    fn put_client(&mut self, client: &Client) -> Result<()>;

    /// Files a sign-in under its token key.
    fn put_auth_token(&mut self, key: [u8; 32], token: &AuthToken) -> Result<()>;

    /// Removes a sign-in (signing out); nothing if there is none.
    fn remove_auth_token(&mut self, key: [u8; 32]) -> Result<()>;

    /// Removes every sign-in `doomed` picks (by token key and record), having read them
    /// all; returns how many.
    fn remove_auth_tokens_where(
        &mut self,
        doomed: &mut dyn FnMut([u8; 32], &AuthToken) -> bool,
    ) -> Result<usize>;

    /// Writes an agent's second factor.
    fn put_totp(&mut self, agent: AgentId, record: &TotpRecord) -> Result<()>;

    /// Removes an agent's second factor; returns it, if there was one.
    fn remove_totp(&mut self, agent: AgentId) -> Result<Option<TotpRecord>>;
}
