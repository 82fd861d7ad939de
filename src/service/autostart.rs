//! Connect prompts whose agent asked to start the session as soon as the end user allows
//! (`connect` with `start`). In memory like presence: a restart forgets them, and then
//! *Allow* leaves the request `ready` for the agent's *Start*, as without the option.

use std::collections::HashMap;
use std::sync::Mutex;

use app::domain::{AgentId, RequestId};

/// Unanswered prompts are few; past this many something is wrong, and forgetting them all
/// only costs those agents a click.
const MAX: usize = 10_000;

#[derive(Debug, Default)]
pub struct StartOnAllow(Mutex<HashMap<RequestId, (u32, AgentId)>>);

impl StartOnAllow {
    /// The request's current prompt, and the agent to start for when it is allowed (`None`:
    /// a plain prompt).
    pub fn set(&self, id: RequestId, prompt: Option<(u32, AgentId)>) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match prompt {
            Some(p) => {
                if map.len() >= MAX {
                    map.clear();
                }
                map.insert(id, p);
            }
            None => {
                map.remove(&id);
            }
        }
    }

    /// The agent to start the session for, if prompt `prompt_id` asked for it (once).
    pub fn take(&self, id: RequestId, prompt_id: u32) -> Option<AgentId> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(&id) {
            Some((p, agent)) if *p == prompt_id => {
                let agent = *agent;
                map.remove(&id);
                Some(agent)
            }
            _ => None,
        }
    }
}
