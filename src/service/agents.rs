//! Agents and clients (signing in: `sessions`).

use app::domain::{Agent, AgentId, Client, ClientId, Permissions, Role};
use serde::Deserialize;
use utoipa::ToSchema;

use super::error::{Result, ServiceError};
use super::passwords::hash_password;
use super::{Service, input, new_id, require_admin, require_view};
use crate::store::Tx;
use crate::store::records::{AuditEvent, AuditKind};

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewAgent {
    #[schema(max_length = 254, example = "grace@example.com")]
    pub email: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(min_length = 8, max_length = 1024)]
    pub password: String,
    #[schema(schema_with = super::schema::role)]
    pub role: Role,
    /// Omitted: *view* and *edit*, as the portal's form starts (an agent is added to work
    /// requests; one who may only watch is the exception, and says so).
    #[serde(default = "may_view_and_edit")]
    #[schema(value_type = Object)]
    pub permissions: Permissions,
    /// The language of mails to the agent (`en`, `de`, … `zh-Hans`); omitted: English.
    #[serde(default)]
    pub language: Option<String>,
}

fn may_view_and_edit() -> Permissions {
    Permissions {
        view_session_requests: true,
        edit_session_requests: true,
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct AgentPatch {
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(min_length = 8, max_length = 1024)]
    pub password: Option<String>,
    #[schema(value_type = Option<String>, example = "agent")]
    pub role: Option<Role>,
    #[schema(value_type = Option<Object>)]
    pub permissions: Option<Permissions>,
    pub disabled: Option<bool>,
    /// The language of mails to the agent (`en`, `de`, … `zh-Hans`).
    pub language: Option<String>,
    /// `true` removes the agent's second factor (a lost phone); they sign in with their
    /// password alone until they set it up again.
    pub reset_totp: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewClient {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub members: Vec<AgentId>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ClientPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(value_type = Option<Vec<String>>)]
    pub members: Option<Vec<AgentId>>,
}

/// "admin" or "agent (view, edit)", for the audit log.
fn describe_rights(a: &Agent) -> String {
    let p = a.permissions;
    let rights: Vec<&str> = [
        (p.view_session_requests, "view"),
        (p.edit_session_requests, "edit"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect();
    match a.role {
        Role::Admin => "admin".to_owned(),
        _ if rights.is_empty() => "agent (no rights)".to_owned(),
        _ => format!("agent ({})", rights.join(", ")),
    }
}

impl Service {
    pub fn has_admin(&self) -> Result<bool> {
        let agents = self.store.read()?.agents()?;
        Ok(agents.iter().any(|a| a.is_admin() && !a.disabled))
    }

    /// Creates the first (or another) admin without a caller: the CLI and the one-time
    /// setup link, both of which prove operator access in their own way.
    pub fn create_admin_unchecked(&self, email: &str, name: &str, password: &str) -> Result<Agent> {
        self.insert_agent(
            None,
            NewAgent {
                email: email.to_owned(),
                name: name.to_owned(),
                password: password.to_owned(),
                role: Role::Admin,
                permissions: Permissions {
                    view_session_requests: true,
                    edit_session_requests: true,
                },
                language: None,
            },
        )
    }

    pub fn create_agent(&self, caller: &Agent, new: NewAgent) -> Result<Agent> {
        require_admin(caller)?;
        self.insert_agent(Some(caller), new)
    }

    /// `by`: the admin creating the agent; `None`: the operator (setup link, command line).
    fn insert_agent(&self, by: Option<&Agent>, new: NewAgent) -> Result<Agent> {
        let email = input::email("email", &new.email)?;
        let name = input::line("name", &new.name, 200)?;
        let password = input::password("password", &new.password)?;
        let language = new
            .language
            .as_deref()
            .map(|l| input::language("language", l))
            .transpose()?;
        let now = Self::now();
        let agent = Agent {
            id: new_id(now),
            email,
            name,
            password_hash: hash_password(&password),
            role: new.role,
            permissions: new.permissions.normalised(),
            disabled: false,
            created_at: now,
            updated_at: now,
            language,
        };
        self.store.transact(|tx| {
            check_email_free(tx, &agent.email)?;
            tx.put_agent(None, &agent)?;
            let detail = format!("{} ({})", agent.email, describe_rights(&agent));
            let target = Some(agent.id.to_string());
            let event = match by {
                Some(admin) => AuditEvent::by(admin, AuditKind::AgentCreated, target, detail),
                None => AuditEvent::anonymous("operator", AuditKind::AgentCreated, target, detail),
            };
            tx.append_audit(&event)?;
            Ok::<_, ServiceError>(())
        })?;
        Ok(agent)
    }

    /// The caller's own mail language (from the portal's language menu). Not audited: it
    /// changes no right, and the menu is used often.
    pub fn set_own_language(&self, caller: &Agent, lang: &str) -> Result<()> {
        let lang = input::language("language", lang)?;
        if caller.language.as_deref() == Some(lang.as_str()) {
            return Ok(());
        }
        self.store.transact(|tx| {
            let Some(old) = tx.agent(caller.id)? else {
                return Err(ServiceError::NotFound("agent"));
            };
            let agent = Agent {
                language: Some(lang),
                ..old.clone()
            };
            tx.put_agent(Some(&old), &agent)?;
            Ok(())
        })?;
        Ok(())
    }

    pub fn list_agents(&self, caller: &Agent) -> Result<Vec<Agent>> {
        // Admins, and agents who see requests (they need the names of possible assignees).
        require_view(caller)?;
        Ok(self.store.read()?.agents()?)
    }

    pub fn update_agent(&self, caller: &Agent, id: AgentId, patch: AgentPatch) -> Result<Agent> {
        require_admin(caller)?;
        let (agent, _) = self
            .store
            .transact(|tx| self.update_agent_in(tx, caller, id, &patch))?;
        // Rights, role or the account itself changed: the agent's live channels re-check.
        self.signins_changed();
        Ok(agent)
    }

    fn update_agent_in(
        &self,
        tx: &mut Tx<'_>,
        caller: &Agent,
        id: AgentId,
        patch: &AgentPatch,
    ) -> Result<Agent> {
        let mut agent = tx.agent(id)?.ok_or(ServiceError::NotFound("agent"))?;
        let was_active_admin = agent.is_admin() && !agent.disabled;
        let before = agent.clone();
        if let Some(email) = &patch.email {
            let email = input::email("email", email)?;
            if email != agent.email {
                check_email_free(tx, &email)?;
                agent.email = email;
            }
        }
        if let Some(name) = &patch.name {
            agent.name = input::line("name", name, 200)?;
        }
        // A new password or a disabled account ends every sign-in: whoever knew the old
        // password, or holds a token of the disabled agent, is out.
        let mut revoke = false;
        if let Some(password) = &patch.password {
            agent.password_hash = hash_password(&input::password("password", password)?);
            revoke = true;
        }
        if let Some(role) = patch.role {
            agent.role = role;
        }
        if let Some(p) = patch.permissions {
            agent.permissions = p.normalised();
        }
        if let Some(d) = patch.disabled {
            revoke |= d && !agent.disabled;
            agent.disabled = d;
        }
        if let Some(l) = &patch.language {
            agent.language = Some(input::language("language", l)?);
        }
        if was_active_admin && (!agent.is_admin() || agent.disabled) && !other_active_admin(tx, id)?
        {
            return Err(ServiceError::Conflict {
                code: "last_admin",
                message: "this is the last active administrator; keep at least one".into(),
            });
        }
        agent.updated_at = Self::now();
        tx.put_agent(Some(&before), &agent)?;
        if revoke {
            super::sessions::revoke(tx, agent.id, None)?;
        }
        if patch.reset_totp == Some(true) {
            super::totp::remove(tx, caller, &agent, "reset by an administrator")?;
        }
        let mut changes = Vec::new();
        if before.email != agent.email {
            changes.push(format!("email {} → {}", before.email, agent.email));
        }
        if before.name != agent.name {
            changes.push("name".to_owned());
        }
        if patch.password.is_some() {
            changes.push("password set".to_owned());
        }
        if (before.role, before.permissions) != (agent.role, agent.permissions) {
            changes.push(format!(
                "{} → {}",
                describe_rights(&before),
                describe_rights(&agent)
            ));
        }
        if before.disabled != agent.disabled {
            changes.push(
                if agent.disabled {
                    "disabled"
                } else {
                    "enabled"
                }
                .to_owned(),
            );
        }
        let detail = format!("{}: {}", agent.email, changes.join("; "));
        let event = AuditEvent::by(
            caller,
            AuditKind::AgentChanged,
            Some(id.to_string()),
            detail,
        );
        tx.append_audit(&event)?;
        Ok(agent)
    }

    pub fn list_clients(&self, caller: &Agent) -> Result<Vec<Client>> {
        require_view(caller)?;
        Ok(self.store.read()?.clients()?)
    }

    pub fn create_client(&self, caller: &Agent, new: NewClient) -> Result<Client> {
        require_admin(caller)?;
        let name = input::line("name", &new.name, 200)?;
        let now = Self::now();
        let (client, _) = self.store.transact(|tx| {
            let members = checked_members(tx, new.members)?;
            let client = Client {
                id: new_id(now),
                name,
                members,
                created_at: now,
                updated_at: now,
            };
            tx.put_client(&client)?;
            let detail = format!("{} ({} members)", client.name, client.members.len());
            let target = Some(client.id.to_string());
            tx.append_audit(&AuditEvent::by(
                caller,
                AuditKind::ClientCreated,
                target,
                detail,
            ))?;
            Ok::<_, ServiceError>(client)
        })?;
        Ok(client)
    }

    pub fn update_client(
        &self,
        caller: &Agent,
        id: ClientId,
        patch: ClientPatch,
    ) -> Result<Client> {
        require_admin(caller)?;
        let (client, _) = self.store.transact(|tx| {
            let mut client = tx.client(id)?.ok_or(ServiceError::NotFound("client"))?;
            if let Some(name) = &patch.name {
                client.name = input::line("name", name, 200)?;
            }
            if let Some(members) = patch.members {
                client.members = checked_members(tx, members)?;
            }
            client.updated_at = Self::now();
            tx.put_client(&client)?;
            let detail = format!("{} ({} members)", client.name, client.members.len());
            let target = Some(client.id.to_string());
            tx.append_audit(&AuditEvent::by(
                caller,
                AuditKind::ClientChanged,
                target,
                detail,
            ))?;
            Ok::<_, ServiceError>(client)
        })?;
        Ok(client)
    }

    /// The clients `agent` belongs to (their requests count as the agent's own).
    pub fn clients_of(&self, agent: AgentId) -> Result<Vec<ClientId>> {
        let clients = self.store.read()?.clients()?;
        Ok(clients
            .into_iter()
            .filter(|c| c.members.contains(&agent))
            .map(|c| c.id)
            .collect())
    }
}

/// Refuses an email another agent has (emails are unique among agents).
fn check_email_free(tx: &mut Tx<'_>, email: &str) -> Result<()> {
    if tx.agent_id_by_email(email)?.is_some() {
        return Err(ServiceError::Conflict {
            code: "email_taken",
            message: "an agent with that email exists".into(),
        });
    }
    Ok(())
}

fn checked_members(tx: &mut Tx<'_>, mut members: Vec<AgentId>) -> Result<Vec<AgentId>> {
    members.sort();
    members.dedup();
    for m in &members {
        if tx.agent(*m)?.is_none() {
            return Err(ServiceError::invalid("members", format!("no agent {m}")));
        }
    }
    Ok(members)
}

fn other_active_admin(tx: &mut Tx<'_>, except: AgentId) -> Result<bool> {
    let agents = tx.agents()?;
    Ok(agents
        .iter()
        .any(|a| a.id != except && a.is_admin() && !a.disabled))
}
