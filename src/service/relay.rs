//! The session relay: carries WebRTC signalling (offer, answer, ICE candidates) and chat
//! between a request's end user and the agents watching it, and tells each of them when their
//! request changed. Ephemeral like presence: nothing here is stored. Each request gets a room
//! with one channel per direction and one for changes; a socket takes a seat on its side
//! (capped, so one link cannot open sockets without limit) and gives it back when dropped.
//!
//! Changes reach sockets through their room, not through the service's global change stream:
//! with ten thousand end users waiting, one of them arriving must wake one room, not every
//! socket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use app::domain::{AgentId, RequestId};
use tokio::sync::broadcast;

/// Sockets one request's end user may hold at once (a page, a reload overlapping it, the
/// native client).
pub const END_USER_SEATS: usize = 3;
/// Agents watching one request at once.
pub const AGENT_SEATS: usize = 8;
/// Seats one agent may hold in a room (a tab and a reload overlapping it): one agent cannot
/// take every seat.
pub const SEATS_PER_AGENT: usize = 2;
/// Messages buffered per direction before a slow reader starts losing them.
const BACKLOG: usize = 64;
/// Toward the end user the agent's input travels too: a burst the input rate allows (240)
/// must not outrun the end user's socket while it is being written, or a key's release
/// could be lost and the key stay held.
const END_USER_BACKLOG: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    EndUser,
    Agent,
}

/// The change a room hears when one of its sides comes or goes (so the other side can show
/// *Disconnected* at once).
pub const SIDES: &str = "sides";

#[derive(Debug, Default, Clone)]
pub struct Relay {
    rooms: Arc<Mutex<HashMap<RequestId, Room>>>,
}

/// Which sides of a request hold a socket now, and since when a missing side has been gone
/// (`None` when it left before anyone here saw it: a restart, or it never came).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sides {
    pub end_user: bool,
    pub agents: bool,
    pub end_user_left: Option<Instant>,
    pub agents_left: Option<Instant>,
}

#[derive(Debug)]
struct Room {
    to_end_user: broadcast::Sender<Arc<str>>,
    to_agents: broadcast::Sender<Arc<str>>,
    changes: broadcast::Sender<&'static str>,
    end_users: usize,
    agents: usize,
    /// Seats held per agent, and how many of them are the request's assignee's.
    by_agent: HashMap<AgentId, usize>,
    assignee_seats: usize,
    /// When each side last went from some sockets to none.
    end_user_left: Option<Instant>,
    agents_left: Option<Instant>,
}

impl Room {
    fn new() -> Room {
        Room {
            to_end_user: broadcast::channel(END_USER_BACKLOG).0,
            to_agents: broadcast::channel(BACKLOG).0,
            changes: broadcast::channel(16).0,
            end_users: 0,
            agents: 0,
            by_agent: HashMap::new(),
            assignee_seats: 0,
            end_user_left: None,
            agents_left: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.end_users == 0 && self.agents == 0
    }
}

/// Who takes an agent's seat: the last free seat is kept for the request's assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentSeat {
    pub agent: AgentId,
    /// The request is assigned to this agent (or to a client they belong to).
    pub assignee: bool,
}

/// One socket's place in a room: what it hears, and where what it says goes.
#[derive(Debug)]
pub struct Seat {
    id: RequestId,
    side: Side,
    /// Messages from the other side.
    pub inbox: Inbox,
    /// The request's committed changes (the timeline event's name).
    pub changes: Changes,
    outbox: broadcast::Sender<Arc<str>>,
    rooms: Arc<Mutex<HashMap<RequestId, Room>>>,
    agent: Option<AgentSeat>,
}

#[derive(Debug)]
pub struct Inbox(broadcast::Receiver<Arc<str>>);

#[derive(Debug)]
pub struct Changes(broadcast::Receiver<&'static str>);

impl Relay {
    /// A seat on the end user's side of the request's room; `None` when that side is full.
    pub fn join_end_user(&self, id: RequestId) -> Option<Seat> {
        self.join(id, None)
    }

    /// A seat for an agent; `None` when the room is full for them: every seat is taken, the
    /// agent holds `SEATS_PER_AGENT` already, or only the seat kept for the assignee is left
    /// and they are not the assignee.
    pub fn join_agent(&self, id: RequestId, who: AgentSeat) -> Option<Seat> {
        self.join(id, Some(who))
    }

    fn join(&self, id: RequestId, agent: Option<AgentSeat>) -> Option<Seat> {
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        let room = rooms.entry(id).or_insert_with(Room::new);
        let was = (room.end_users > 0, room.agents > 0);
        let side = match agent {
            None => {
                if room.end_users >= END_USER_SEATS {
                    return None;
                }
                room.end_users += 1;
                Side::EndUser
            }
            Some(who) => {
                let held = room.by_agent.get(&who.agent).copied().unwrap_or(0);
                let kept = usize::from(room.assignee_seats == 0 && !who.assignee);
                if held >= SEATS_PER_AGENT || room.agents + kept >= AGENT_SEATS {
                    return None;
                }
                room.agents += 1;
                *room.by_agent.entry(who.agent).or_default() += 1;
                room.assignee_seats += usize::from(who.assignee);
                Side::Agent
            }
        };
        if was != (room.end_users > 0, room.agents > 0) {
            let _ = room.changes.send(SIDES);
        }
        let (inbox, outbox) = match side {
            Side::EndUser => (room.to_end_user.subscribe(), room.to_agents.clone()),
            Side::Agent => (room.to_agents.subscribe(), room.to_end_user.clone()),
        };
        Some(Seat {
            id,
            side,
            inbox: Inbox(inbox),
            changes: Changes(room.changes.subscribe()),
            outbox,
            rooms: self.rooms.clone(),
            agent,
        })
    }

    /// A change to the request was committed: its sockets (if any) hear of it.
    pub fn changed(&self, id: RequestId, event: &'static str) {
        let rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(room) = rooms.get(&id) {
            let _ = room.changes.send(event);
        }
    }

    /// Who is connected to the request right now (see `Sides`).
    pub fn sides(&self, id: RequestId) -> Sides {
        let rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        rooms.get(&id).map_or(Sides::default(), |r| Sides {
            end_user: r.end_users > 0,
            agents: r.agents > 0,
            end_user_left: r.end_user_left.filter(|_| r.end_users == 0),
            agents_left: r.agents_left.filter(|_| r.agents == 0),
        })
    }

    /// `sides` for a request in session. One that nobody has joined since this server started
    /// gets a room now, with both sides gone from this moment: the grace period counts from
    /// when the server could first have seen them.
    pub fn watch(&self, id: RequestId) -> Sides {
        {
            let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
            rooms.entry(id).or_insert_with(|| {
                let now = Some(Instant::now());
                Room {
                    end_user_left: now,
                    agents_left: now,
                    ..Room::new()
                }
            });
        }
        self.sides(id)
    }

    /// Forgets the empty rooms kept only to remember when their sides left, except those of
    /// `keep` (the requests still in session).
    pub fn forget_departures(&self, keep: impl Fn(RequestId) -> bool) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        rooms.retain(|id, r| !r.is_empty() || keep(*id));
    }

    pub fn rooms(&self) -> usize {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

impl Seat {
    /// Passes a message to the other side (dropped when nobody is there).
    pub fn send(&self, message: String) {
        let _ = self.outbox.send(message.into());
    }
}

impl Inbox {
    /// The next message from the other side. A reader that fell behind skips what it
    /// missed (signalling recovers: the agent asks for a fresh offer).
    pub async fn recv(&mut self) -> Option<Arc<str>> {
        loop {
            match self.0.recv().await {
                Ok(m) => return Some(m),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

impl Changes {
    /// The next change's event name; `""` after falling behind (read the request afresh).
    pub async fn recv(&mut self) -> Option<&'static str> {
        match self.0.recv().await {
            Ok(e) => Some(e),
            Err(broadcast::error::RecvError::Lagged(_)) => Some(""),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(room) = rooms.get_mut(&self.id) {
            let now = Instant::now();
            match self.side {
                Side::EndUser => {
                    room.end_users = room.end_users.saturating_sub(1);
                    if room.end_users == 0 {
                        room.end_user_left = Some(now);
                        let _ = room.changes.send(SIDES);
                    }
                }
                Side::Agent => {
                    room.agents = room.agents.saturating_sub(1);
                    if room.agents == 0 {
                        room.agents_left = Some(now);
                        let _ = room.changes.send(SIDES);
                    }
                }
            }
            if let Some(who) = self.agent {
                if let Some(n) = room.by_agent.get_mut(&who.agent) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        room.by_agent.remove(&who.agent);
                    }
                }
                if who.assignee {
                    room.assignee_seats = room.assignee_seats.saturating_sub(1);
                }
            }
            // An empty room is not removed here: it remembers when its sides left, which
            // the session keeper reads, and then forgets (`forget_departures`) once the
            // request is out of session.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> RequestId {
        RequestId::from_be_bytes([n; 16])
    }

    #[tokio::test]
    async fn messages_cross_to_the_other_side_only() {
        let relay = Relay::default();
        let mut user = relay.join_end_user(id(1)).unwrap();
        let mut agent = relay.join_agent(id(1), agent_seat(1, false)).unwrap();
        let mut other = relay.join_agent(id(2), agent_seat(1, false)).unwrap();
        user.send("offer".into());
        agent.send("answer".into());
        assert_eq!(&*agent.inbox.recv().await.unwrap(), "offer");
        assert_eq!(&*user.inbox.recv().await.unwrap(), "answer");
        assert_eq!(
            user.changes.recv().await,
            Some(SIDES),
            "the end user hears the agents' side arrive"
        );
        relay.changed(id(1), "closed");
        assert_eq!(user.changes.recv().await, Some("closed"));
        assert_eq!(agent.changes.recv().await, Some("closed"));
        drop(agent);
        assert_eq!(user.changes.recv().await, Some(SIDES), "and leave");
        let quiet = std::time::Duration::from_millis(50);
        assert!(
            tokio::time::timeout(quiet, other.inbox.recv())
                .await
                .is_err()
                && tokio::time::timeout(quiet, other.changes.recv())
                    .await
                    .is_err(),
            "another request's room hears nothing"
        );
    }

    #[test]
    fn seats_are_capped_and_empty_rooms_go_when_forgotten() {
        let relay = Relay::default();
        let seats: Vec<_> = (0..END_USER_SEATS)
            .map(|_| relay.join_end_user(id(1)).unwrap())
            .collect();
        assert!(relay.join_end_user(id(1)).is_none());
        assert!(relay.join_agent(id(1), agent_seat(1, false)).is_some());
        drop(seats);
        let seat = relay.join_end_user(id(1));
        assert!(seat.is_some());
        drop(seat);
        assert_eq!(
            relay.rooms(),
            1,
            "an empty room remembers when its sides left"
        );
        let left = relay.sides(id(1));
        assert!(!left.end_user && !left.agents);
        assert!(left.end_user_left.is_some() && left.agents_left.is_some());
        relay.forget_departures(|_| true);
        assert_eq!(relay.rooms(), 1, "kept while the request is in session");
        relay.forget_departures(|_| false);
        assert_eq!(relay.rooms(), 0, "then forgotten");
        assert_eq!(relay.sides(id(1)), Sides::default());
    }

    fn agent_seat(n: u8, assignee: bool) -> AgentSeat {
        AgentSeat {
            agent: AgentId::from_be_bytes([n; 16]),
            assignee,
        }
    }

    #[test]
    fn one_agent_cannot_take_every_seat_and_the_assignee_always_gets_one() {
        let relay = Relay::default();
        let mine: Vec<_> = (0..SEATS_PER_AGENT)
            .map(|_| relay.join_agent(id(1), agent_seat(1, false)).unwrap())
            .collect();
        assert!(
            relay.join_agent(id(1), agent_seat(1, false)).is_none(),
            "one agent holds at most SEATS_PER_AGENT"
        );
        let mut others = Vec::new();
        for n in 2u8.. {
            match relay.join_agent(id(1), agent_seat(n, false)) {
                Some(s) => others.push(s),
                None => break,
            }
        }
        assert_eq!(
            mine.len() + others.len(),
            AGENT_SEATS - 1,
            "the last seat is kept for the assignee"
        );
        let assignee = relay.join_agent(id(1), agent_seat(99, true));
        assert!(assignee.is_some(), "the assignee gets the kept seat");
        assert!(
            relay.join_agent(id(1), agent_seat(98, true)).is_none(),
            "full"
        );
        drop(assignee);
        assert!(
            relay.join_agent(id(1), agent_seat(97, false)).is_none(),
            "kept again"
        );
        assert!(relay.join_agent(id(1), agent_seat(99, true)).is_some());
    }
}
