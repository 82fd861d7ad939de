//! The end user's words, in their request's language, from the same catalogue as the mails:
//! the link page's (`link_texts`, in `Text` order) and the assist app's (`app_texts`, by
//! name, sent with its check-in). Names are set apart from the sentence around them (Unicode
//! isolates, what `<bdi>` does): a right-to-left name cannot reorder the words that follow.

use std::collections::BTreeMap;

use app::domain::SessionRequest;
use app::portal::{LinkTexts, Text};

use crate::service::Settings;

/// The catalogue message behind each of the link page's texts.
fn message_id(t: Text) -> &'static str {
    match t {
        Text::Title => "page-title",
        Text::Greeting => "greeting",
        Text::Asks => "page-asks",
        Text::Planned => "page-planned",
        Text::Reason => "page-reason",
        Text::Safety => "safety",
        Text::Choose => "page-choose",
        Text::StartBrowser => "page-start-browser",
        Text::Download => "page-download",
        Text::DownloadNote => "page-download-note",
        Text::Waiting => "page-waiting",
        Text::Ready => "page-ready",
        Text::InSession => "page-in-session",
        Text::Share => "page-share",
        Text::Sharing => "page-sharing",
        Text::Stop => "page-stop",
        Text::Chat => "page-chat",
        Text::ChatPlaceholder => "page-chat-placeholder",
        Text::Send => "page-send",
        Text::PromptTitle => "page-prompt-title",
        Text::PromptBody => "page-prompt-body",
        Text::PromptTimeout => "page-prompt-timeout",
        Text::Allow => "page-allow",
        Text::Deny => "page-deny",
        Text::Decline => "page-decline",
        Text::Declined => "page-declined",
        Text::Ended => "page-ended",
        Text::Released => "page-released",
        Text::SessionOver => "page-session-over",
        Text::Disconnected => "page-disconnected",
        Text::UseComputer => "page-use-computer",
        Text::SendLink => "page-send-link",
        Text::MacNote => "page-no-app",
        Text::Checksum => "page-checksum",
        Text::SignedBy => "page-signed-by",
        Text::Unsigned => "page-unsigned",
        Text::CodeHint => "page-code-hint",
        Text::StepsTitle => "page-steps-title",
        Text::Step1 => "page-step-1",
        Text::Step2 => "page-step-2",
        Text::Step3 => "page-step-3",
        Text::Host => "page-host",
        Text::CallUs => "page-call-us",
        Text::OtherAgent => "page-other-agent",
        Text::DeclineConfirm => "page-decline-confirm",
        Text::YourTime => "page-your-time",
        Text::DeclineYes => "page-decline-yes",
        Text::Cancel => "page-cancel",
    }
}

/// The host name of a URL (the link page names the server it is on).
pub fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Text between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE.
pub fn isolate(s: &str) -> String {
    format!("\u{2068}{s}\u{2069}")
}

/// The link page's words in the request's language.
pub fn link_texts(
    lang: &crate::i18n::Lang<'_>,
    r: &SessionRequest,
    agent: Option<&str>,
    settings: &Settings,
) -> LinkTexts {
    let (consent_timeout, disconnect_grace) = (settings.consent_timeout, settings.disconnect_grace);
    let host = &host_of(&settings.public_url);
    let phone = settings.support_phone.as_deref();
    let org = settings.organisation.as_str();
    // Names are set apart from the sentence around them (Unicode isolates, what `<bdi>`
    // does): a right-to-left name cannot reorder the words that follow it.
    let org = &isolate(org);
    let agent = agent.map(isolate);
    LinkTexts::new(|k| match k {
        Text::Greeting => lang.text(message_id(k), &[("name", &isolate(&r.recipient_name))]),
        Text::Asks => match &agent {
            Some(a) => lang.text(message_id(k), &[("agent", a), ("org", org)]),
            None => lang.text("page-asks-org", &[("org", org)]),
        },
        Text::Planned => r.scheduled_at.map_or_else(String::new, |at| {
            let when = lang.date_time(at, r.time_zone.as_deref());
            lang.text(message_id(k), &[("when", &when)])
        }),
        Text::Safety | Text::Declined => lang.text(message_id(k), &[("org", org)]),
        Text::Download => lang.text(message_id(k), &[("platform", "{platform}")]),
        Text::SignedBy => lang.text(message_id(k), &[("publisher", "{publisher}")]),
        Text::OtherAgent => lang.text(message_id(k), &[("agent", "{agent}"), ("named", "{named}")]),
        Text::YourTime => lang.text(message_id(k), &[("when", "{when}")]),
        Text::Step2 => match &agent {
            Some(a) => lang.text("page-step-2", &[("org", org), ("agent", a)]),
            None => lang.text("page-step-2-org", &[("org", org)]),
        },
        Text::Host => lang.text(message_id(k), &[("host", host)]),
        Text::CallUs => match phone {
            Some(phone) => lang.text(
                "page-call-us-phone",
                &[("org", org), ("phone", &isolate(phone))],
            ),
            None => lang.text(message_id(k), &[("org", org)]),
        },
        Text::DeclineConfirm => lang.text(message_id(k), &[("org", org)]),
        Text::PromptTitle => lang.text(message_id(k), &[("agent", "{agent}"), ("org", org)]),
        Text::PromptTimeout => lang.text(
            message_id(k),
            &[("seconds", &consent_timeout.as_secs().to_string())],
        ),
        Text::Disconnected => lang.text(
            message_id(k),
            &[("seconds", &disconnect_grace.as_secs().to_string())],
        ),
        plain => lang.text(message_id(plain), &[]),
    })
}

/// The assist app's words, by the names its window asks for. `{agent}` is left for the app
/// to fill in (prompts arrive live), like the link page's prompt title.
pub fn app_texts(
    lang: &crate::i18n::Lang<'_>,
    r: &SessionRequest,
    agent: Option<&str>,
    settings: &Settings,
) -> BTreeMap<&'static str, String> {
    let page = link_texts(lang, r, agent, settings);
    let org = &isolate(&settings.organisation);
    let keep_agent = [("agent", "{agent}")];
    let mut t = BTreeMap::new();
    for (name, text) in [
        ("title", Text::Title),
        ("asks", Text::Asks),
        ("waiting", Text::Waiting),
        ("ready", Text::Ready),
        ("in_session", Text::InSession),
        ("session_over", Text::SessionOver),
        ("ended", Text::Ended),
        ("released", Text::Released),
        ("disconnected", Text::Disconnected),
        ("prompt_title", Text::PromptTitle),
        ("prompt_body", Text::PromptBody),
        ("allow", Text::Allow),
        ("deny", Text::Deny),
        ("sharing", Text::Sharing),
        ("stop", Text::Stop),
        ("chat", Text::Chat),
        ("chat_placeholder", Text::ChatPlaceholder),
        ("send", Text::Send),
        ("decline", Text::Decline),
        ("decline_confirm", Text::DeclineConfirm),
        ("decline_yes", Text::DeclineYes),
        ("cancel", Text::Cancel),
        ("declined", Text::Declined),
        ("other_agent", Text::OtherAgent),
    ] {
        t.insert(name, page.get(text).to_owned());
    }
    t.insert(
        "safety",
        format!("{} {}", page.get(Text::Safety), page.get(Text::CallUs)),
    );
    t.insert("control_title", lang.text("app-control-title", &keep_agent));
    t.insert(
        "control_body",
        lang.text("app-control-body", &[("org", org)]),
    );
    t.insert("allow_control", lang.text("app-allow-control", &[]));
    t.insert("controlled", lang.text("app-controlled", &keep_agent));
    t.insert("take_back", lang.text("app-take-back", &[]));
    t.insert("end", lang.text("app-end", &[]));
    t
}
