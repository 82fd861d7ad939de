//! Calendar invites (iCalendar, RFC 5545 with the iTIP methods of RFC 5546) for scheduled
//! requests. One UID per request, so every update replaces the same calendar entry; SEQUENCE
//! is the request's `schedule_seq`, bumped on every reschedule and on cancellation, so
//! calendar clients apply them in order.

use icalendar::{Calendar, Component, Event, EventStatus, Property};
use jiff::{SignedDuration, Timestamp};

/// How long the calendar entry lasts; the request has no end time, this is a placeholder a
/// person can see at a glance.
const LENGTH: SignedDuration = SignedDuration::from_mins(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Add or update the entry.
    Request,
    /// Remove it.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// What goes into one invite.
pub struct Invite<'a> {
    pub method: Method,
    /// Stable per request: `<request id>@<host>`.
    pub uid: &'a str,
    pub sequence: u32,
    pub start: Timestamp,
    pub now: Timestamp,
    pub summary: &'a str,
    pub description: &'a str,
    /// The landing page; absent from a cancellation.
    pub url: Option<&'a str>,
    pub organizer_name: &'a str,
    pub organizer_email: &'a str,
    pub attendee_name: &'a str,
    pub attendee_email: &'a str,
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The `.ics` text (CRLF line ends, folded and escaped by the `icalendar` crate).
/// A parameter value as RFC 6868 writes it: `^` → `^^`, `"` → `^'`, a line break → `^n`;
/// other control characters are dropped. Without it a `"` in a name would end the quoted
/// `CN="…"` and let the rest of the name add parameters of its own.
fn param_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(i: &Invite<'_>) -> String {
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", i.organizer_email));
    organizer.add_parameter("CN", &param_value(i.organizer_name));
    let mut attendee = Property::new("ATTENDEE", format!("mailto:{}", i.attendee_email));
    attendee
        .add_parameter("CN", &param_value(i.attendee_name))
        .add_parameter("ROLE", "REQ-PARTICIPANT")
        .add_parameter("RSVP", "FALSE");
    let mut event = Event::new();
    event
        .uid(i.uid)
        .sequence(i.sequence)
        .add_property("DTSTAMP", utc(i.now))
        .add_property("DTSTART", utc(i.start))
        .add_property("DTEND", utc(i.start + LENGTH))
        .summary(i.summary)
        .description(i.description)
        .append_property(organizer)
        .append_property(attendee)
        .status(match i.method {
            Method::Request => EventStatus::Confirmed,
            Method::Cancel => EventStatus::Cancelled,
        });
    if let Some(url) = i.url {
        event.url(url);
    }
    let mut cal = Calendar::new();
    cal.append_property(("METHOD", i.method.as_str()))
        .push(event.done());
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invite_carries_method_uid_sequence_and_utc_times() {
        let start: Timestamp = "2026-11-26T13:30:00Z".parse().unwrap();
        let text = render(&Invite {
            method: Method::Request,
            uid: "01ABC@support.example.com",
            sequence: 3,
            start,
            now: start,
            summary: "Remote support; with Acme, Inc.",
            description: "Open the link",
            url: Some("https://support.example.com/s/xyz"),
            organizer_name: "Acme",
            organizer_email: "help@acme.example",
            attendee_name: "Ada",
            attendee_email: "ada@example.com",
        });
        for line in [
            "METHOD:REQUEST",
            "UID:01ABC@support.example.com",
            "SEQUENCE:3",
            "DTSTART:20261126T133000Z",
            "DTEND:20261126T140000Z",
            "STATUS:CONFIRMED",
            "SUMMARY:Remote support\\; with Acme\\, Inc.",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        assert!(text.contains("\r\n"));
        let cancel = render(&Invite {
            method: Method::Cancel,
            url: None,
            ..Invite {
                method: Method::Request,
                uid: "u",
                sequence: 4,
                start,
                now: start,
                summary: "s",
                description: "d",
                url: None,
                organizer_name: "o",
                organizer_email: "o@example.com",
                attendee_name: "a",
                attendee_email: "a@example.com",
            }
        });
        assert!(cancel.contains("METHOD:CANCEL") && cancel.contains("STATUS:CANCELLED"));
    }

    #[test]
    fn quotes_in_names_are_escaped_per_rfc_6868_and_cannot_add_parameters() {
        let start: Timestamp = "2026-11-26T13:30:00Z".parse().unwrap();
        let text = render(&Invite {
            method: Method::Request,
            uid: "u",
            sequence: 0,
            start,
            now: start,
            summary: "s",
            description: "d",
            url: None,
            organizer_name: "Acme ^ \"Support\"",
            organizer_email: "help@acme.example",
            attendee_name: "Ada\";ROLE=CHAIR;X=\"y:mailto:evil@example.com",
            attendee_email: "ada@example.com",
        });
        // Unfold (RFC 5545 §3.1) before reading a property's line.
        let unfolded = text.replace("\r\n ", "");
        let line = |name: &str| {
            unfolded
                .lines()
                .find(|l| l.starts_with(name))
                .unwrap_or_else(|| panic!("{name} missing from\n{text}"))
                .to_owned()
        };
        let attendee = line("ATTENDEE");
        assert!(
            attendee.contains(r#"CN="Ada^';ROLE=CHAIR;X=^'y:mailto:evil@example.com""#),
            "{attendee}"
        );
        assert_eq!(attendee.matches('"').count(), 2, "{attendee}");
        assert!(attendee.ends_with(":mailto:ada@example.com"), "{attendee}");
        let organizer = line("ORGANIZER");
        assert!(
            organizer.contains("CN=Acme ^^ ^'Support^'")
                || organizer.contains("CN=\"Acme ^^ ^'Support^'\""),
            "{organizer}"
        );
    }
}
