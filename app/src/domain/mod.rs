//! The pure domain of Beckon: typed IDs, the session-request record, its status, agents and
//! clients, and the state machine. Shared by the server and (compiled to WASM) by the portal,
//! which asks the same functions which actions to offer.
//!
//! Never does I/O: no clock reads, no randomness, no storage. Callers pass `now` in.

mod agent;
mod ids;
mod machine;
mod outcome;
mod request;
pub mod search;
mod status;

pub use agent::{Agent, Client, Permissions, Role};
pub use ids::{AgentId, ClientId, Id, IdError, MailId, RequestId, WebhookId};
pub use machine::{Action, DomainError, Transition, agent_actions, apply};
pub use outcome::{Outcome, ending, waiting_since};
pub use request::{
    Actor, Assignee, EndReason, EndUserClient, EventKind, Prompt, SessionRequest, TimelineEvent,
    allowed_agents, controller, session_over,
};
pub use status::Status;
