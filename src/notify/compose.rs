//! Turns a due outbox mail into a MIME message: the words from the recipient's language
//! (`i18n`), the layout from two templates (HTML with auto-escaping, and plain text), a
//! calendar invite when the request is scheduled (`ics`), and headers that cannot be
//! injected into. The `Message-ID` is derived from the outbox row, so a mail sent twice
//! after a crash is recognisably the same mail.

use std::sync::Arc;

use app::domain::SessionRequest;
use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use minijinja::Environment;
use serde::Serialize;

use super::ics::{self, Method};
use crate::i18n::{Catalog, Lang};
use crate::service::Due;
use crate::store::records::{MailKind, OutboxMessage};

/// What every mail needs besides its outbox row.
pub struct MailEnv {
    pub catalog: Arc<Catalog>,
    templates: Environment<'static>,
    /// Base URL of the portal and of links, without a trailing slash.
    pub public_url: String,
    /// The host part of Message-IDs and calendar UIDs.
    pub host: String,
    /// The sender's address, and the display name an administrator wrote with it
    /// (`Support <noreply@example.com>`); without one, mails come from the organisation.
    pub mail_from: lettre::Address,
    pub mail_from_name: Option<String>,
}

impl std::fmt::Debug for MailEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailEnv")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

/// Why a mail cannot be built; never worth retrying.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("not a usable address: {0}")]
    Address(String),
    #[error("this mail has nothing to say without its request")]
    NoRequest,
    #[error("the mail could not be rendered: {0}")]
    Render(String),
}

/// The layout's slots (see `templates/mail.html` and `mail.txt`).
#[derive(Serialize, Default)]
struct Body {
    lang: &'static str,
    subject: String,
    preheader: String,
    org: String,
    greeting: String,
    paragraphs: Vec<String>,
    details: Vec<(String, String)>,
    comment: Option<(String, String)>,
    /// Label and URL of the button.
    action: Option<(String, String)>,
    fallback: String,
    notes: Vec<String>,
    signature: Option<String>,
    footer: String,
}

/// A calendar part to attach.
struct Calendar {
    method: Method,
    text: String,
}

impl MailEnv {
    pub fn new(
        catalog: Arc<Catalog>,
        public_url: &str,
        mail_from: &str,
    ) -> Result<MailEnv, ComposeError> {
        let mut templates = Environment::new();
        templates
            .add_template("mail.html", include_str!("templates/mail.html"))
            .and_then(|_| templates.add_template("mail.txt", include_str!("templates/mail.txt")))
            .map_err(|e| ComposeError::Render(e.to_string()))?;
        let host = url::Url::parse(public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "localhost".into());
        let sender = crate::config::sender(mail_from).map_err(ComposeError::Address)?;
        Ok(MailEnv {
            catalog,
            templates,
            public_url: public_url.trim_end_matches('/').to_owned(),
            host,
            mail_from: sender.email,
            mail_from_name: sender.name,
        })
    }

    /// The stable Message-ID of an outbox row.
    pub fn message_id(&self, due: &Due) -> String {
        format!("<{}.{}@{}>", due.item.id, due.item.kind_name(), self.host)
    }

    /// Builds the message for a due mail (`organisation` as in force now).
    pub fn compose(
        &self,
        due: &Due,
        organisation: &str,
        now: Timestamp,
    ) -> Result<Message, ComposeError> {
        let OutboxMessage::Mail {
            kind, to, language, ..
        } = &due.item.message
        else {
            return Err(ComposeError::Render("not a mail".into()));
        };
        let lang = self.catalog.lang(language);
        let (body, calendar, to_name) = match kind {
            MailKind::Test => (self.test_body(&lang, organisation), None, None),
            k if k.to_agent() => {
                let r = due.request.as_ref().ok_or(ComposeError::NoRequest)?;
                let name = due.agent.as_ref().map(|a| a.name.clone());
                (
                    self.agent_body(&lang, *kind, r, name.as_deref(), organisation),
                    None,
                    name,
                )
            }
            _ => {
                let r = due.request.as_ref().ok_or(ComposeError::NoRequest)?;
                let (body, cal) = self.end_user_body(&lang, *kind, r, due, organisation, now);
                (body, cal, Some(r.recipient_name.clone()))
            }
        };
        let html = self.render("mail.html", &body)?;
        let text = self.render("mail.txt", &body)?;

        let from_name = self.mail_from_name.as_deref().unwrap_or(organisation);
        let from = Mailbox::new(Some(header_text(from_name)), self.mail_from.clone());
        let to = Mailbox::new(
            to_name.as_deref().map(header_text),
            to.parse().map_err(|_| ComposeError::Address(to.clone()))?,
        );
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(header_text(&body.subject))
            .message_id(Some(self.message_id(due)));
        // End users answer the agent, not a no-reply box.
        if !matches!(
            kind,
            MailKind::Test | MailKind::Assigned | MailKind::EndUserWaiting | MailKind::Declined
        ) && let Some(agent) = &due.agent
            && let Ok(addr) = agent.email.parse()
        {
            builder = builder.reply_to(Mailbox::new(Some(header_text(&agent.name)), addr));
        }
        let mut alternative = MultiPart::alternative()
            .singlepart(SinglePart::plain(text))
            .singlepart(SinglePart::html(html));
        let message = match calendar {
            None => builder.multipart(alternative),
            Some(cal) => {
                // Mail clients show an invitation from the inline text/calendar part; the
                // attachment is for those that only import files.
                let inline = ContentType::parse(&format!(
                    "text/calendar; method={}; charset=utf-8",
                    cal.method.as_str()
                ))
                .map_err(|e| ComposeError::Render(e.to_string()))?;
                alternative = alternative.singlepart(
                    SinglePart::builder()
                        .content_type(inline)
                        .body(cal.text.clone()),
                );
                let file = ContentType::parse("application/ics")
                    .map_err(|e| ComposeError::Render(e.to_string()))?;
                builder.multipart(
                    MultiPart::mixed()
                        .multipart(alternative)
                        .singlepart(Attachment::new("invite.ics".into()).body(cal.text, file)),
                )
            }
        };
        message.map_err(|e| ComposeError::Render(e.to_string()))
    }

    fn render(&self, name: &str, body: &Body) -> Result<String, ComposeError> {
        self.templates
            .get_template(name)
            .and_then(|t| t.render(minijinja::value::Serde(body)))
            .map_err(|e| ComposeError::Render(e.to_string()))
    }

    fn base(&self, lang: &Lang<'_>, organisation: &str) -> Body {
        Body {
            lang: lang.code,
            org: organisation.to_owned(),
            fallback: lang.text("link-fallback", &[]),
            footer: lang.text("footer", &[("org", organisation)]),
            ..Body::default()
        }
    }

    fn test_body(&self, lang: &Lang<'_>, org: &str) -> Body {
        let mut b = self.base(lang, org);
        b.subject = lang.text("test-subject", &[]);
        b.greeting = lang.text("agent-greeting", &[("name", org)]);
        b.paragraphs = vec![lang.text("test-intro", &[("org", org)])];
        b.preheader = b.paragraphs[0].clone();
        b
    }

    fn agent_body(
        &self,
        lang: &Lang<'_>,
        kind: MailKind,
        r: &SessionRequest,
        agent_name: Option<&str>,
        org: &str,
    ) -> Body {
        let recipient = [("recipient", r.recipient_name.as_str())];
        let (subject, intro) = match kind {
            MailKind::Assigned => ("assigned-subject", "assigned-intro"),
            MailKind::AgentExpired => ("agent-expired-subject", "agent-expired-intro"),
            MailKind::Declined => ("declined-subject", "declined-intro"),
            _ => ("waiting-subject", "waiting-intro"),
        };
        let mut b = self.base(lang, org);
        b.subject = lang.text(subject, &recipient);
        b.greeting = lang.text("agent-greeting", &[("name", agent_name.unwrap_or(org))]);
        b.paragraphs = vec![lang.text(intro, &recipient)];
        b.preheader = b.paragraphs[0].clone();
        let zone = r.time_zone.as_deref();
        if let Some(at) = r.scheduled_at {
            b.details
                .push((lang.text("label-when", &[]), lang.date_time(at, zone)));
        }
        b.details.push((
            lang.text("label-expires", &[]),
            lang.date_time(r.expires_at, zone),
        ));
        b.action = Some((
            lang.text("agent-action", &[]),
            format!("{}/requests/{}", self.public_url, r.id),
        ));
        b
    }

    fn end_user_body(
        &self,
        lang: &Lang<'_>,
        kind: MailKind,
        r: &SessionRequest,
        due: &Due,
        org: &str,
        now: Timestamp,
    ) -> (Body, Option<Calendar>) {
        let zone = r.time_zone.as_deref();
        let agent = due.agent.as_ref().map_or(org, |a| a.name.as_str());
        let when = r.scheduled_at.map(|t| lang.date_time(t, zone));
        let expires = lang.date_time(r.expires_at, zone);
        let base = [("org", org), ("agent", agent)];
        let when_arg = when.clone().unwrap_or_default();
        let mut b = self.base(lang, org);
        b.greeting = lang.text("greeting", &[("name", &r.recipient_name)]);
        b.signature = Some(lang.text("signature", &with(base, &[])));
        let link = due.link.clone();
        let mut calendar = None;
        let mut wants_link = true;
        let mut cal_method = None;
        match kind {
            MailKind::Invitation => {
                b.subject = lang.text("invitation-subject", &with(base, &[]));
                b.paragraphs
                    .push(lang.text("invitation-intro", &with(base, &[])));
                if when.is_some() {
                    b.paragraphs.push(
                        lang.text("invitation-scheduled", &with(base, &[("when", &when_arg)])),
                    );
                    cal_method = Some(Method::Request);
                }
                b.action = link
                    .clone()
                    .map(|l| (lang.text("invitation-action", &[]), l));
            }
            MailKind::Reminder { .. } => {
                b.subject = lang.text("reminder-subject", &with(base, &[]));
                b.paragraphs
                    .push(lang.text("reminder-intro", &with(base, &[("when", &when_arg)])));
                b.action = link.clone().map(|l| (lang.text("reminder-action", &[]), l));
            }
            MailKind::Rescheduled => {
                if when.is_some() {
                    b.subject = lang.text("rescheduled-subject", &with(base, &[]));
                    b.paragraphs
                        .push(lang.text("rescheduled-intro", &with(base, &[("when", &when_arg)])));
                    cal_method = Some(Method::Request);
                } else {
                    b.subject = lang.text("unscheduled-subject", &with(base, &[]));
                    b.paragraphs.push(
                        lang.text("unscheduled-intro", &with(base, &[("expires", &expires)])),
                    );
                    cal_method = Some(Method::Cancel);
                }
                b.action = link
                    .clone()
                    .map(|l| (lang.text("rescheduled-action", &[]), l));
            }
            MailKind::Closed | MailKind::Expired => {
                let (s, i, m) = if kind == MailKind::Closed {
                    ("closed-subject", "closed-intro", "closed-more")
                } else {
                    ("expired-subject", "expired-intro", "expired-more")
                };
                b.subject = lang.text(s, &with(base, &[]));
                b.paragraphs = vec![
                    lang.text(i, &with(base, &[])),
                    lang.text(m, &with(base, &[])),
                ];
                wants_link = false;
                if r.scheduled_at.is_some() {
                    cal_method = Some(Method::Cancel);
                }
            }
            MailKind::Assigned
            | MailKind::EndUserWaiting
            | MailKind::AgentExpired
            | MailKind::Declined
            | MailKind::Test => {}
        }
        b.preheader = b.paragraphs.first().cloned().unwrap_or_default();
        if wants_link {
            if let Some(w) = &when {
                b.details.push((lang.text("label-when", &[]), w.clone()));
            }
            b.details.push((lang.text("label-expires", &[]), expires));
            b.details
                .push((lang.text("label-agent", &[]), agent.to_owned()));
            if r.share_comment && !r.comment.is_empty() {
                b.comment = Some((
                    lang.text("label-comment", &with(base, &[])),
                    r.comment.clone(),
                ));
            }
            b.notes = vec![
                lang.text("consent-note", &[]),
                lang.text("safety", &with(base, &[])),
            ];
        }
        if let (Some(method), Some(start), Some(to)) = (cal_method, r.scheduled_at, to_address(due))
        {
            let summary = lang.text("calendar-summary", &with(base, &[]));
            let description = match &link {
                Some(l) => format!("{}\n\n{l}", b.paragraphs.join("\n\n")),
                None => b.paragraphs.join("\n\n"),
            };
            calendar = Some(Calendar {
                method,
                text: ics::render(&ics::Invite {
                    method,
                    uid: &format!("{}@{}", r.id, self.host),
                    sequence: r.schedule_seq,
                    start,
                    now,
                    summary: &summary,
                    description: &description,
                    url: link.as_deref().filter(|_| method == Method::Request),
                    organizer_name: org,
                    organizer_email: self.mail_from.as_ref(),
                    attendee_name: &r.recipient_name,
                    attendee_email: to,
                }),
            });
        }
        (b, calendar)
    }
}

/// Message arguments: the shared ones plus `extra`.
fn with<'a>(
    base: [(&'static str, &'a str); 2],
    extra: &[(&'static str, &'a str)],
) -> Vec<(&'static str, &'a str)> {
    let mut v = base.to_vec();
    v.extend_from_slice(extra);
    v
}

fn to_address(due: &Due) -> Option<&str> {
    match &due.item.message {
        OutboxMessage::Mail { to, .. } => Some(to),
        OutboxMessage::Webhook { .. } => None,
    }
}

/// Text bound for a header: control characters (CR and LF above all) become spaces, so no
/// name can start a header of its own; lettre encodes the rest (RFC 2047).
fn header_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}
