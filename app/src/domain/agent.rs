//! Agents (people who work in the portal) and clients (named team queues of agents).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{AgentId, ClientId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages agents, clients and settings, and may do everything an agent may.
    Admin,
    Agent,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
        }
    }
}

/// Per-agent rights over session requests. Admins have both regardless.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Permissions {
    pub view_session_requests: bool,
    pub edit_session_requests: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub id: AgentId,
    /// Lower-cased; unique.
    pub email: String,
    pub name: String,
    /// PHC string of an argon2id hash.
    pub password_hash: String,
    pub role: Role,
    pub permissions: Permissions,
    pub disabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The language mails to this agent are written in (a code of the mails' eleven), as
    /// last chosen in the portal's language menu or set by an administrator; `None`:
    /// English.
    pub language: Option<String>,
}

impl Agent {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// May see session requests at all.
    pub fn can_view(&self) -> bool {
        self.is_admin() || self.permissions.view_session_requests || self.can_edit()
    }

    /// May create, edit, assign, connect, close and reopen.
    pub fn can_edit(&self) -> bool {
        self.is_admin() || self.permissions.edit_session_requests
    }

    /// The rights in force, as the API and the portal show them: an administrator has both,
    /// and *edit* implies *view* (one cannot edit what one cannot see).
    pub fn effective_permissions(&self) -> Permissions {
        Permissions {
            view_session_requests: self.can_view(),
            edit_session_requests: self.can_edit(),
        }
    }
}

impl Permissions {
    /// As stored: *edit* brings *view* with it, so the record says what the agent may do.
    pub fn normalised(self) -> Permissions {
        Permissions {
            view_session_requests: self.view_session_requests || self.edit_session_requests,
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub members: Vec<AgentId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(role: Role, view: bool, edit: bool) -> Agent {
        Agent {
            id: AgentId::from_u128(1),
            email: "a@example.com".into(),
            name: "A".into(),
            password_hash: String::new(),
            role,
            permissions: Permissions {
                view_session_requests: view,
                edit_session_requests: edit,
            },
            disabled: false,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
            language: None,
        }
    }

    #[test]
    fn permission_matrix() {
        assert!(!agent(Role::Agent, false, false).can_view());
        assert!(!agent(Role::Agent, false, false).can_edit());
        assert!(agent(Role::Agent, true, false).can_view());
        assert!(!agent(Role::Agent, true, false).can_edit());
        // Edit without view still needs to see what it edits.
        assert!(agent(Role::Agent, false, true).can_view());
        assert!(agent(Role::Admin, false, false).can_edit());
        let shown = agent(Role::Agent, false, true).effective_permissions();
        assert!(shown.view_session_requests && shown.edit_session_requests);
        let admin = agent(Role::Admin, false, false).effective_permissions();
        assert!(admin.view_session_requests && admin.edit_session_requests);
        assert!(
            Permissions {
                view_session_requests: false,
                edit_session_requests: true
            }
            .normalised()
            .view_session_requests
        );
    }
}
