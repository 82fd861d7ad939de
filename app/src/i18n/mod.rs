//! Portal and link-page texts. One file per language holds a complete `Texts` value; the
//! compiler refuses a language with a missing string, and nothing is parsed at run time (the
//! WASM bundle stays small). To add a language: copy `en.rs`, translate it, add a `Lang`
//! variant in `LANGS` below.

mod de;
mod en;
mod es;
mod fr;
mod it;
mod ja;
mod ko;
mod nl;
mod pl;
mod pt;
mod zh_hans;

use serde::{Deserialize, Serialize};

use crate::domain::{EventKind, Status};
use crate::portal::RowAction;

/// The cookie that remembers a browser's portal language.
pub const LANG_COOKIE: &str = "beckon_lang";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    De,
    Fr,
    Es,
    It,
    Pt,
    Nl,
    Pl,
    Ja,
    Ko,
    ZhHans,
}

/// Every language, with its code and its own name: the eleven the mails are written in,
/// with the same codes.
pub const LANGS: [(Lang, &str, &str); 11] = [
    (Lang::En, "en", "English"),
    (Lang::De, "de", "Deutsch"),
    (Lang::Fr, "fr", "Français"),
    (Lang::Es, "es", "Español"),
    (Lang::It, "it", "Italiano"),
    (Lang::Pt, "pt", "Português"),
    (Lang::Nl, "nl", "Nederlands"),
    (Lang::Pl, "pl", "Polski"),
    (Lang::Ja, "ja", "日本語"),
    (Lang::Ko, "ko", "한국어"),
    (Lang::ZhHans, "zh-Hans", "简体中文"),
];

impl Lang {
    pub fn code(self) -> &'static str {
        LANGS.iter().find(|l| l.0 == self).map_or("en", |l| l.1)
    }

    /// A language tag such as `ko`, `ko-KR` or `en-GB`; `None` when we do not speak it.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        // `zh-Hans` is matched by any Chinese tag (`zh`, `zh-CN`, `zh-TW`), as the mails are.
        LANGS
            .iter()
            .find(|l| l.1.split('-').next() == Some(primary.as_str()))
            .map(|l| l.0)
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
            // `q=0` means "not this one".
            if let Some(lang) = Lang::parse(tag)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|b| b.1)
    }

    /// English alone: what a bundle falls back to without referring to every language.
    pub fn english() -> &'static Texts {
        &en::EN
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::EN,
            Lang::De => &de::DE,
            Lang::Fr => &fr::FR,
            Lang::Es => &es::ES,
            Lang::It => &it::IT,
            Lang::Pt => &pt::PT,
            Lang::Nl => &nl::NL,
            Lang::Pl => &pl::PL,
            Lang::Ja => &ja::JA,
            Lang::Ko => &ko::KO,
            Lang::ZhHans => &zh_hans::ZH_HANS,
        }
    }
}

/// Declares `Texts`, one `&'static str` per field, with its conversions to and from the list
/// of its strings in field order: how a portal page hands its one language to the browser
/// bundle, which then need not carry all eleven (`pages::texts`).
macro_rules! texts {
    ($(#[$doc:meta])* pub struct Texts { $($(#[$field_doc:meta])* pub $name:ident,)* }) => {
        $(#[$doc])*
        pub struct Texts {
            $($(#[$field_doc])* pub $name: &'static str,)*
        }

        impl Texts {
            /// Every string, in field order.
            pub fn strings(&self) -> Vec<&'static str> {
                vec![$(self.$name),*]
            }

            /// Back from `strings` of the same build; `None` when the count differs.
            pub fn from_strings(v: &[&'static str]) -> Option<Texts> {
                let mut it = v.iter().copied();
                let t = Texts { $($name: it.next()?,)* };
                it.next().is_none().then_some(t)
            }
        }
    };
}

texts! {
    /// Every text of the portal and the link page in one language. `{}`-style slots are named
    /// and filled with `fill`.
    pub struct Texts {
        pub app_name,
        pub skip_to_content,
        pub nav_requests,
        pub nav_agents,
        pub nav_clients,
        pub nav_settings,
        pub sign_out,
        pub alerts,
        pub language,
        pub signed_in_as,

        pub sign_in,
        pub email,
        pub password,
        pub wrong_credentials,
        pub rate_limited,

        pub tab_active,
        pub tab_upcoming,
        pub tab_past,
        pub new_request,
        pub filters,
        pub any_status,
        pub anyone,
        pub me,
        pub unassigned,
        pub agents,
        pub clients,
        pub search,
        pub search_hint,
        pub apply,
        pub col_status,
        pub col_recipient,
        pub col_assignee,
        pub col_schedule,
        pub col_expiry,
        pub col_actions,
        pub no_requests,
        pub next_page,
        pub first_page,
        pub online,
        pub missed,
        pub col_waiting_for,
        pub col_ended,
        pub col_session,
        pub col_outcome,
        pub any_outcome,
        pub outcome_closed,
        pub outcome_declined,
        pub outcome_expired,
        pub outcome_after_session,
        pub copy_link,
        pub copied,
        pub details,
        pub more,
        pub close_confirm,
        pub close_yes,
        pub yes,

        pub status_open,
        pub status_waiting,
        pub status_ready,
        pub status_in_session,
        pub status_closed,
        pub status_expired,

        pub act_connect,
        pub act_start,
        pub act_end,
        pub act_end_keep,
        pub act_end_close,
        pub act_close,
        pub act_reopen,
        pub act_resend,
        pub act_release,
        pub session_title,
        pub session_waiting_screen,
        /// `{s}`: the grace period in seconds.
        pub session_disconnected,
        pub session_not_online,
        /// `{name}`: the end user; `{s}`: seconds left for their answer.
        pub session_asking,
        pub session_end_question,
        pub edit_request,
        /// The screen switcher: its label, and "Screen" before each number.
        pub screens,
        pub screen,
        pub session_ended_note,
        pub end_by_agent,
        pub end_by_end_user,
        pub end_agent_left,
        pub end_end_user_left,
        pub end_abandoned,
        pub session_receiving,
        pub control_ask,
        pub view_fit,
        pub clipboard_to_them,
        pub clipboard_send,
        pub clipboard_theirs,
        pub clipboard_copy,
        pub view_actual,
        pub view_fullscreen,
        pub control_asking,
        pub control_granted,
        pub chat,
        pub chat_placeholder,
        pub send,
        pub offline,

        pub create_title,
        pub recipient_name,
        pub assign_to,
        pub recipient_email,
        pub send_invitation,
        pub email_language,
        pub comment,
        pub schedule,
        pub expiration,
        /// Slots: `{default}`, `{max}`.
        pub expiry_hint,
        /// Slot: `{tz}`.
        pub time_zone_note,
        pub for_recipient,
        pub your_zone_note,
        pub recipient_zone,
        pub zone_same,
        pub recipient_zone_hint,
        pub fold_choice,
        pub fold_earlier,
        pub fold_later,
        pub create,
        pub cancel,
        pub created,
        pub done,

        pub timeline,
        pub session_time,
        pub created_by,
        pub created_at,
        pub updated_at,
        pub save,
        pub saved,
        pub back_to_list,
        pub link,
        pub not_scheduled,
        pub end_user,
        pub system,
        pub ev_created,
        pub ev_edited,
        pub ev_checked_in,
        pub ev_connect_requested,
        pub ev_access_allowed,
        pub ev_access_denied,
        pub ev_session_started,
        pub ev_session_ended,
        pub ev_closed,
        pub ev_declined,
        pub ev_reopened,
        pub ev_expired,
        pub ev_invitation_queued,
        pub ev_mail_failed,
        pub nav_mail,
        pub mail_title,
        pub mail_all,
        pub mail_counts,
        pub older,
        pub send_test_mail,
        pub test_mail_queued,
        pub no_mail,
        pub mail_kind,
        pub mail_to,
        pub mail_state,
        pub mail_attempts,
        pub mail_detail,
        pub retry,
        pub webhooks,
        pub remove,
        pub webhook_url,
        pub add_webhook,
        pub webhook_secret,
        pub webhook_hint,
        pub kind_invitation,
        pub kind_reminder,
        pub kind_rescheduled,
        pub kind_closed,
        pub kind_expired,
        pub kind_assigned,
        pub kind_waiting,
        pub kind_test,
        pub kind_request_expired,
        pub kind_webhook,
        pub kind_declined,
        pub state_pending,
        pub state_sent,
        pub state_failed,
        pub state_superseded,
        pub share_comment,
        pub ev_reminder_queued,
        pub ev_reschedule_queued,
        pub ev_link_released,
        pub ev_control_granted,
        pub ev_control_revoked,

        pub agents_title,
        pub add_agent,
        pub name,
        pub role,
        pub role_admin,
        pub role_agent,
        pub may_view,
        pub may_edit,
        pub admin_may_all,
        pub disabled,
        pub disable,
        pub enable,
        pub set_password,
        pub clients_title,
        pub add_client,
        pub members,
        pub settings_title,
        pub organisation,
        pub public_url,
        pub default_expiry,
        pub max_expiry,
        pub mail,
        /// Slot: `{host}`.
        pub mail_smtp,
        /// Slot: `{dir}`.
        pub mail_files,
        pub settings_note,
        pub logo,
        pub logo_hint,
        pub logo_none,
        pub logo_upload,
        pub logo_remove,
        pub logo_err_too_big,
        pub logo_err_not_image,
        pub logo_err_dimensions,
        pub duration_hint,
        pub version,

        pub forbidden,
        pub error_prefix,
        pub loading,
        pub page_not_found,
        pub no_view_permission,

        /// Slot: `{}` (a duration such as "3 h").
        pub in_time,
        pub time_ago,
        /// Slot: `{n}`.
        pub unit_day,
        pub unit_hour,
        pub unit_minute,
        pub just_now,

        pub nav_audit,
        pub nav_account,
        pub account_title,
        pub change_password,
        pub current_password,
        pub new_password,
        pub password_changed,
        pub sign_out_everywhere,
        pub sign_out_everywhere_note,
        pub audit_title,
        pub audit_note,
        pub audit_export,
        pub audit_empty,
        pub audit_when,
        pub audit_event,
        pub audit_who,
        pub audit_from,
        pub audit_target,
        pub audit_detail,
        pub au_sign_in_succeeded,
        pub au_sign_in_failed,
        pub au_signed_out_everywhere,
        pub au_password_changed,
        pub au_agent_created,
        pub au_agent_changed,
        pub au_client_created,
        pub au_client_changed,
        pub au_settings_changed,
        pub au_webhook_added,
        pub au_webhook_removed,
        pub au_link_released,
        pub au_declined_by_end_user,
        pub totp_code,
        pub totp_hint,
        pub totp_required,
        pub two_factor,
        pub two_factor_on,
        pub two_factor_off,
        pub two_factor_setup,
        pub two_factor_scan,
        pub two_factor_key,
        pub two_factor_link,
        pub two_factor_turn_on,
        pub two_factor_turn_off,
    }
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

    pub fn outcome(&self, o: crate::domain::Outcome) -> &'static str {
        use crate::domain::Outcome as O;
        match o {
            O::Closed => self.outcome_closed,
            O::Declined => self.outcome_declined,
            O::Expired => self.outcome_expired,
            O::AfterSession => self.outcome_after_session,
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
            "declined" => self.kind_declined,
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
            Some(Lang::De)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0.4, ko;q=0.9"),
            Some(Lang::Ko)
        );
        assert_eq!(Lang::from_accept_language("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("zh-TW"), Some(Lang::ZhHans));
        assert_eq!(Lang::parse("zh-Hans"), Some(Lang::ZhHans));
        assert_eq!(Lang::ZhHans.code(), "zh-Hans");
        assert_eq!(Lang::from_accept_language("tlh"), None);
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

    /// A page hands its language to the bundle as the list of its strings (`pages::texts`).
    #[test]
    fn texts_travel_as_their_strings() {
        for (lang, code, _) in LANGS {
            let t = lang.texts();
            let back = Texts::from_strings(&t.strings()).expect(code);
            assert_eq!(back.strings(), t.strings(), "{code}");
            assert_eq!(back.new_request, t.new_request);
        }
        let mut short = Lang::De.texts().strings();
        short.pop();
        assert!(Texts::from_strings(&short).is_none());
        assert!(
            Texts::from_strings(&[Lang::En.texts().strings(), vec!["extra"]].concat()).is_none()
        );
    }

    /// Each language is translated, not a copy of English: most of its words differ (names
    /// such as "Beckon" and "Webhook" may stay the same).
    #[test]
    fn every_language_is_its_own() {
        let en = Lang::En.texts();
        for (lang, code, _) in LANGS.into_iter().filter(|l| l.0 != Lang::En) {
            let t = lang.texts();
            let pairs = [
                (t.nav_requests, en.nav_requests),
                (t.sign_out, en.sign_out),
                (t.new_request, en.new_request),
                (t.status_waiting, en.status_waiting),
                (t.act_connect, en.act_connect),
                (t.settings_note, en.settings_note),
                (t.logo_hint, en.logo_hint),
                (t.missed, en.missed),
            ];
            let same = pairs.iter().filter(|(a, b)| a == b).count();
            assert_eq!(same, 0, "{code} has English words");
        }
    }
}
