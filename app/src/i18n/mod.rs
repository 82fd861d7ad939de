//! Portal and link-page texts. One file per language holds a complete `Texts` value; the
//! compiler refuses a language with a missing string, and nothing is parsed at run time (the
//! WASM bundle stays small). To add a language: copy `en.rs`, translate it, add a `Lang`
//! variant in `LANGS` below.

mod en;
mod ko;

use serde::{Deserialize, Serialize};

use crate::domain::{EventKind, Status};
use crate::portal::RowAction;

/// The cookie that remembers a browser's portal language.
pub const LANG_COOKIE: &str = "beckon_lang";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

/// Every language, with its code and its own name.
pub const LANGS: [(Lang, &str, &str); 2] =
    [(Lang::En, "en", "English"), (Lang::Ko, "ko", "한국어")];

impl Lang {
    pub fn code(self) -> &'static str {
        LANGS.iter().find(|l| l.0 == self).map_or("en", |l| l.1)
    }

    /// A language tag such as `ko`, `ko-KR` or `en-GB`; `None` when we do not speak it.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        LANGS.iter().find(|l| l.1 == primary).map(|l| l.0)
    }

    /// The best language for an `Accept-Language` header (by q-value, first wins ties).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|b| b.1)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::EN,
            Lang::Ko => &ko::KO,
        }
    }
}

/// Every text of the portal and the link page in one language. `{}`-style slots are named
/// and filled with `fill`.
pub struct Texts {
    pub app_name: &'static str,
    pub skip_to_content: &'static str,
    pub nav_requests: &'static str,
    pub nav_agents: &'static str,
    pub nav_clients: &'static str,
    pub nav_settings: &'static str,
    pub sign_out: &'static str,
    pub alerts: &'static str,
    pub language: &'static str,
    pub signed_in_as: &'static str,

    pub sign_in: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub wrong_credentials: &'static str,
    pub rate_limited: &'static str,

    pub tab_active: &'static str,
    pub tab_upcoming: &'static str,
    pub tab_past: &'static str,
    pub new_request: &'static str,
    pub filters: &'static str,
    pub any_status: &'static str,
    pub anyone: &'static str,
    pub me: &'static str,
    pub unassigned: &'static str,
    pub agents: &'static str,
    pub clients: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub apply: &'static str,
    pub col_status: &'static str,
    pub col_recipient: &'static str,
    pub col_assignee: &'static str,
    pub col_schedule: &'static str,
    pub col_expiry: &'static str,
    pub col_actions: &'static str,
    pub no_requests: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub online: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    pub details: &'static str,

    pub status_open: &'static str,
    pub status_waiting: &'static str,
    pub status_ready: &'static str,
    pub status_in_session: &'static str,
    pub status_closed: &'static str,
    pub status_expired: &'static str,

    pub act_connect: &'static str,
    pub act_start: &'static str,
    pub act_end: &'static str,
    pub act_end_keep: &'static str,
    pub act_end_close: &'static str,
    pub act_close: &'static str,
    pub act_reopen: &'static str,
    pub act_resend: &'static str,
    pub act_release: &'static str,
    pub session_title: &'static str,
    pub session_waiting_screen: &'static str,
    /// `{s}`: the grace period in seconds.
    pub session_disconnected: &'static str,
    pub session_not_online: &'static str,
    /// `{name}`: the end user; `{s}`: seconds left for their answer.
    pub session_asking: &'static str,
    pub session_end_question: &'static str,
    pub edit_request: &'static str,
    /// The screen switcher: its label, and "Screen" before each number.
    pub screens: &'static str,
    pub screen: &'static str,
    pub session_ended_note: &'static str,
    pub end_by_agent: &'static str,
    pub end_by_end_user: &'static str,
    pub end_agent_left: &'static str,
    pub end_end_user_left: &'static str,
    pub end_abandoned: &'static str,
    pub session_receiving: &'static str,
    pub control_ask: &'static str,
    pub view_fit: &'static str,
    pub clipboard_to_them: &'static str,
    pub clipboard_send: &'static str,
    pub clipboard_theirs: &'static str,
    pub clipboard_copy: &'static str,
    pub view_actual: &'static str,
    pub view_fullscreen: &'static str,
    pub control_asking: &'static str,
    pub control_granted: &'static str,
    pub chat: &'static str,
    pub chat_placeholder: &'static str,
    pub send: &'static str,
    pub offline: &'static str,

    pub create_title: &'static str,
    pub recipient_name: &'static str,
    pub assign_to: &'static str,
    pub recipient_email: &'static str,
    pub send_invitation: &'static str,
    pub email_language: &'static str,
    pub comment: &'static str,
    pub schedule: &'static str,
    pub expiration: &'static str,
    /// Slots: `{default}`, `{max}`.
    pub expiry_hint: &'static str,
    /// Slot: `{tz}`.
    pub time_zone_note: &'static str,
    pub create: &'static str,
    pub cancel: &'static str,
    pub created: &'static str,
    pub done: &'static str,

    pub timeline: &'static str,
    pub session_time: &'static str,
    pub created_by: &'static str,
    pub created_at: &'static str,
    pub updated_at: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub back_to_list: &'static str,
    pub link: &'static str,
    pub not_scheduled: &'static str,
    pub end_user: &'static str,
    pub system: &'static str,
    pub ev_created: &'static str,
    pub ev_edited: &'static str,
    pub ev_checked_in: &'static str,
    pub ev_connect_requested: &'static str,
    pub ev_access_allowed: &'static str,
    pub ev_access_denied: &'static str,
    pub ev_session_started: &'static str,
    pub ev_session_ended: &'static str,
    pub ev_closed: &'static str,
    pub ev_declined: &'static str,
    pub ev_reopened: &'static str,
    pub ev_expired: &'static str,
    pub ev_invitation_queued: &'static str,
    pub ev_mail_failed: &'static str,
    pub nav_mail: &'static str,
    pub mail_title: &'static str,
    pub mail_all: &'static str,
    pub mail_counts: &'static str,
    pub older: &'static str,
    pub send_test_mail: &'static str,
    pub test_mail_queued: &'static str,
    pub no_mail: &'static str,
    pub mail_kind: &'static str,
    pub mail_to: &'static str,
    pub mail_state: &'static str,
    pub mail_attempts: &'static str,
    pub mail_detail: &'static str,
    pub retry: &'static str,
    pub webhooks: &'static str,
    pub remove: &'static str,
    pub webhook_url: &'static str,
    pub add_webhook: &'static str,
    pub webhook_secret: &'static str,
    pub webhook_hint: &'static str,
    pub kind_invitation: &'static str,
    pub kind_reminder: &'static str,
    pub kind_rescheduled: &'static str,
    pub kind_closed: &'static str,
    pub kind_expired: &'static str,
    pub kind_assigned: &'static str,
    pub kind_waiting: &'static str,
    pub kind_test: &'static str,
    pub kind_request_expired: &'static str,
    pub kind_webhook: &'static str,
    pub state_pending: &'static str,
    pub state_sent: &'static str,
    pub state_failed: &'static str,
    pub state_superseded: &'static str,
    pub share_comment: &'static str,
    pub ev_reminder_queued: &'static str,
    pub ev_reschedule_queued: &'static str,
    pub ev_link_released: &'static str,
    pub ev_control_granted: &'static str,
    pub ev_control_revoked: &'static str,

    pub agents_title: &'static str,
    pub add_agent: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub role_admin: &'static str,
    pub role_agent: &'static str,
    pub may_view: &'static str,
    pub may_edit: &'static str,
    pub disabled: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub set_password: &'static str,
    pub clients_title: &'static str,
    pub add_client: &'static str,
    pub members: &'static str,
    pub settings_title: &'static str,
    pub organisation: &'static str,
    pub public_url: &'static str,
    pub default_expiry: &'static str,
    pub max_expiry: &'static str,
    pub mail: &'static str,
    /// Slot: `{host}`.
    pub mail_smtp: &'static str,
    /// Slot: `{dir}`.
    pub mail_files: &'static str,
    pub settings_note: &'static str,
    pub duration_hint: &'static str,
    pub version: &'static str,

    pub forbidden: &'static str,
    pub error_prefix: &'static str,
    pub loading: &'static str,
    pub page_not_found: &'static str,
    pub no_view_permission: &'static str,

    /// Slot: `{}` (a duration such as "3 h").
    pub in_time: &'static str,
    pub time_ago: &'static str,
    /// Slot: `{n}`.
    pub unit_day: &'static str,
    pub unit_hour: &'static str,
    pub unit_minute: &'static str,
    pub just_now: &'static str,

    pub link_unknown_title: &'static str,
    pub link_unknown_body: &'static str,
    pub link_finished_title: &'static str,
    pub link_finished_body: &'static str,
    pub nav_audit: &'static str,
    pub nav_account: &'static str,
    pub account_title: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_changed: &'static str,
    pub sign_out_everywhere: &'static str,
    pub sign_out_everywhere_note: &'static str,
    pub audit_title: &'static str,
    pub audit_note: &'static str,
    pub audit_export: &'static str,
    pub audit_empty: &'static str,
    pub audit_when: &'static str,
    pub audit_event: &'static str,
    pub audit_who: &'static str,
    pub audit_from: &'static str,
    pub audit_target: &'static str,
    pub audit_detail: &'static str,
    pub au_sign_in_succeeded: &'static str,
    pub au_sign_in_failed: &'static str,
    pub au_signed_out_everywhere: &'static str,
    pub au_password_changed: &'static str,
    pub au_agent_created: &'static str,
    pub au_agent_changed: &'static str,
    pub au_client_created: &'static str,
    pub au_client_changed: &'static str,
    pub au_settings_changed: &'static str,
    pub au_webhook_added: &'static str,
    pub au_webhook_removed: &'static str,
    pub au_link_released: &'static str,
    pub au_declined_by_end_user: &'static str,
    pub totp_code: &'static str,
    pub totp_hint: &'static str,
    pub totp_required: &'static str,
    pub two_factor: &'static str,
    pub two_factor_on: &'static str,
    pub two_factor_off: &'static str,
    pub two_factor_setup: &'static str,
    pub two_factor_scan: &'static str,
    pub two_factor_key: &'static str,
    pub two_factor_link: &'static str,
    pub two_factor_turn_on: &'static str,
    pub two_factor_turn_off: &'static str,
}

impl Texts {
    pub fn status(&self, s: Status) -> &'static str {
        match s {
            Status::Open => self.status_open,
            Status::Waiting => self.status_waiting,
            Status::Ready => self.status_ready,
            Status::InSession => self.status_in_session,
            Status::Closed => self.status_closed,
            Status::Expired => self.status_expired,
        }
    }

    pub fn action(&self, a: RowAction) -> &'static str {
        match a {
            RowAction::Connect => self.act_connect,
            RowAction::Start => self.act_start,
            RowAction::End => self.act_end,
            RowAction::EndKeep => self.act_end_keep,
            RowAction::EndClose => self.act_end_close,
            RowAction::Close => self.act_close,
            RowAction::Reopen => self.act_reopen,
            RowAction::Resend => self.act_resend,
            RowAction::Release => self.act_release,
        }
    }

    /// Why a session ended, as the timeline says it.
    pub fn end_reason(&self, r: crate::domain::EndReason) -> &'static str {
        use crate::domain::EndReason as R;
        match r {
            R::Agent => self.end_by_agent,
            R::EndUser => self.end_by_end_user,
            R::AgentLeft => self.end_agent_left,
            R::EndUserLeft => self.end_end_user_left,
            R::Abandoned => self.end_abandoned,
        }
    }

    pub fn event(&self, e: &EventKind) -> &'static str {
        match e {
            EventKind::Created => self.ev_created,
            EventKind::Edited { .. } => self.ev_edited,
            EventKind::CheckedIn { .. } => self.ev_checked_in,
            EventKind::ConnectRequested { .. } => self.ev_connect_requested,
            EventKind::AccessAllowed { .. } => self.ev_access_allowed,
            EventKind::AccessDenied { .. } => self.ev_access_denied,
            EventKind::SessionStarted => self.ev_session_started,
            EventKind::SessionEnded { .. } | EventKind::SessionFinished { .. } => {
                self.ev_session_ended
            }
            EventKind::Closed => self.ev_closed,
            EventKind::Declined => self.ev_declined,
            EventKind::Reopened => self.ev_reopened,
            EventKind::Expired => self.ev_expired,
            EventKind::InvitationQueued => self.ev_invitation_queued,
            EventKind::MailFailed { .. } => self.ev_mail_failed,
            EventKind::ReminderQueued { .. } => self.ev_reminder_queued,
            EventKind::RescheduleQueued => self.ev_reschedule_queued,
            EventKind::LinkReleased => self.ev_link_released,
            EventKind::ControlGranted { .. } => self.ev_control_granted,
            EventKind::ControlRevoked { .. } => self.ev_control_revoked,
        }
    }

    /// A mail or webhook kind as the mail page shows it.
    pub fn mail_kind_name(&self, kind: &str) -> &'static str {
        match kind {
            "invitation" => self.kind_invitation,
            "reminder" => self.kind_reminder,
            "rescheduled" => self.kind_rescheduled,
            "closed" => self.kind_closed,
            "expired" => self.kind_expired,
            "assigned" => self.kind_assigned,
            "end_user_waiting" => self.kind_waiting,
            "test" => self.kind_test,
            "request_expired" => self.kind_request_expired,
            _ => self.kind_webhook,
        }
    }

    pub fn mail_state_name(&self, state: &str) -> &'static str {
        match state {
            "pending" => self.state_pending,
            "sent" => self.state_sent,
            "failed" => self.state_failed,
            _ => self.state_superseded,
        }
    }

    /// A duration in words: "3 d", "5 h", "12 min".
    pub fn duration(&self, secs: i64) -> String {
        let secs = secs.unsigned_abs();
        let (unit, n) = if secs >= 2 * 86_400 {
            (self.unit_day, secs / 86_400)
        } else if secs >= 3_600 {
            (self.unit_hour, secs / 3_600)
        } else {
            (self.unit_minute, (secs / 60).max(1))
        };
        unit.replace("{n}", &n.to_string())
    }

    /// "in 3 h" or "3 h ago", from `secs` (positive = future).
    pub fn relative(&self, secs: i64) -> String {
        if secs.abs() < 60 {
            self.just_now.to_owned()
        } else if secs > 0 {
            self.in_time.replace("{}", &self.duration(secs))
        } else {
            self.time_ago.replace("{}", &self.duration(secs))
        }
    }
}

/// Fills `{name}` slots of a text.
pub fn fill(text: &str, slots: &[(&str, &str)]) -> String {
    slots.iter().fold(text.to_owned(), |acc, (k, v)| {
        acc.replace(&format!("{{{k}}}"), v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_spoken_language() {
        assert_eq!(
            Lang::from_accept_language("ko-KR,ko;q=0.9,en;q=0.8"),
            Some(Lang::Ko)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE, en;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0.4, ko;q=0.9"),
            Some(Lang::Ko)
        );
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn relative_times_read_naturally() {
        let t = Lang::En.texts();
        assert_eq!(t.relative(3 * 3600 + 100), "in 3 h");
        assert_eq!(t.relative(-300), "5 min ago");
        assert_eq!(t.relative(3 * 86_400), "in 3 d");
        assert_eq!(Lang::Ko.texts().relative(3 * 3600), "3시간 후");
    }

    #[test]
    fn every_language_fills_its_slots() {
        for (lang, _, _) in LANGS {
            let t = lang.texts();
            assert!(t.expiry_hint.contains("{default}") && t.expiry_hint.contains("{max}"));
            assert!(t.in_time.contains("{}") && t.time_ago.contains("{}"));
        }
    }
}
