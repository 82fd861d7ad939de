//! The mails' languages: one Fluent file per language under `locales/`, embedded in the
//! binary. English is the reference; a language missing a message falls back to English for
//! that message (a test keeps every shipped language complete). Dates are put together from
//! each language's own pattern and names, in the recipient's time zone.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use unic_langid::LanguageIdentifier;

/// Every language mails are written in: its code (as stored on requests) and its messages.
pub const LANGUAGES: [(&str, &str); 11] = [
    ("en", include_str!("locales/en.ftl")),
    ("de", include_str!("locales/de.ftl")),
    ("fr", include_str!("locales/fr.ftl")),
    ("es", include_str!("locales/es.ftl")),
    ("it", include_str!("locales/it.ftl")),
    ("pt", include_str!("locales/pt.ftl")),
    ("nl", include_str!("locales/nl.ftl")),
    ("pl", include_str!("locales/pl.ftl")),
    ("ja", include_str!("locales/ja.ftl")),
    ("ko", include_str!("locales/ko.ftl")),
    ("zh-Hans", include_str!("locales/zh-Hans.ftl")),
];

/// English, the reference: `LANGUAGES[FALLBACK]`.
const FALLBACK: usize = 0;

type Bundle = FluentBundle<FluentResource>;

/// One parsed language: its bundle, and every message that takes no arguments already
/// formatted. Pages ask for most of their words without arguments on every request (the end
/// user's page for twenty of them), so those are formatted once, not per request.
struct Language {
    bundle: Bundle,
    /// Keyed by our own message ids, never by input, so a fast hash (foldhash) rather than
    /// std's DoS-resistant SipHash, which was most of a look-up.
    plain: foldhash::HashMap<String, String>,
}

impl Language {
    fn new(bundle: Bundle, source: &str) -> Language {
        let plain = message_ids(source)
            .into_iter()
            .filter_map(|id| {
                let pattern = bundle.get_message(&id)?.value()?;
                let mut errors = Vec::new();
                // A message with placeables fails here without its arguments: not plain.
                let text = bundle.format_pattern(pattern, None, &mut errors);
                errors.is_empty().then(|| (id, text.into_owned()))
            })
            .collect();
        Language { bundle, plain }
    }
}

/// All languages, each parsed the first time it is used: a server that mails in two languages
/// never holds the other nine, and start-up parses none (parsing all eleven was a quarter of
/// the idle server's page faults).
pub struct Catalog {
    /// Parallel to `LANGUAGES`.
    languages: [OnceLock<Language>; LANGUAGES.len()],
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").finish_non_exhaustive()
    }
}

/// A language to write in, with English behind it for anything it lacks.
pub struct Lang<'a> {
    pub code: &'static str,
    language: &'a Language,
    fallback: &'a Language,
}

/// Parses one embedded file; an error names the file and what is wrong with it.
fn parse(code: &'static str, source: &'static str) -> Result<Bundle, String> {
    let resource = FluentResource::try_new(source.to_owned())
        .map_err(|(_, errors)| format!("locales/{code}.ftl: {errors:?}"))?;
    let id: LanguageIdentifier = code
        .parse()
        .map_err(|e| format!("locales/{code}.ftl: bad language code: {e}"))?;
    let mut bundle = Bundle::new_concurrent(vec![id]);
    // Unicode isolation marks around names would show up in plain-text mails and
    // subjects; names are escaped for HTML separately.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|e| format!("locales/{code}.ftl: {e:?}"))?;
    Ok(bundle)
}

impl Catalog {
    pub fn new() -> Catalog {
        Catalog {
            languages: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// Parses every embedded file (the tests; at run time each is parsed when first used).
    pub fn check() -> Result<(), String> {
        LANGUAGES
            .iter()
            .try_for_each(|(code, source)| parse(code, source).map(drop))
    }

    /// Language number `i` of `LANGUAGES`, parsed now if this is its first use. The files are
    /// embedded and `check` is a test, so a parse error is a build that was never tested: the
    /// language is then empty, which shows English (or, for English, the message IDs) rather
    /// than failing the mail or page.
    fn language(&self, i: usize) -> &Language {
        self.languages[i].get_or_init(|| {
            let (code, source) = LANGUAGES[i];
            let bundle = parse(code, source).unwrap_or_else(|e| {
                tracing::error!(error = %e, "a language file does not parse");
                let mut empty = Bundle::new_concurrent(vec![LanguageIdentifier::default()]);
                empty.set_use_isolating(false);
                empty
            });
            Language::new(bundle, source)
        })
    }

    /// The language for a stored tag: the exact one, else its primary language (`pt-BR` →
    /// `pt`, any Chinese → `zh-Hans`); anything else is English.
    pub fn lang(&self, tag: &str) -> Lang<'_> {
        let i = find(tag).unwrap_or(FALLBACK);
        Lang {
            code: LANGUAGES[i].0,
            language: self.language(i),
            fallback: self.language(FALLBACK),
        }
    }

    /// The language a browser asks for (`Accept-Language`), for pages that know no
    /// request: the portal's choice (the same eleven), English when it asks for none of them.
    pub fn for_browser(&self, accept_language: Option<&str>) -> Lang<'_> {
        let asked = accept_language
            .and_then(app::i18n::Lang::from_accept_language)
            .unwrap_or_default();
        self.lang(asked.code())
    }

    /// Message IDs a language lacks compared to English (empty when complete).
    pub fn missing(&self, code: &str) -> Vec<String> {
        let Some(i) = LANGUAGES.iter().position(|(c, _)| *c == code) else {
            return vec!["<the whole language>".into()];
        };
        let bundle = &self.language(i).bundle;
        message_ids(LANGUAGES[FALLBACK].1)
            .into_iter()
            .filter(|id| !bundle.has_message(id))
            .collect()
    }
}

impl Default for Catalog {
    fn default() -> Catalog {
        Catalog::new()
    }
}

/// The position in `LANGUAGES` of a tag: the exact one, else its primary language.
fn find(tag: &str) -> Option<usize> {
    let primary = tag.split(['-', '_']).next().unwrap_or("");
    if primary.is_empty() {
        return None;
    }
    LANGUAGES
        .iter()
        .position(|(c, _)| c.eq_ignore_ascii_case(tag))
        .or_else(|| {
            LANGUAGES.iter().position(|(c, _)| {
                c.split('-')
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case(primary))
            })
        })
}

/// The message IDs of a Fluent source.
fn message_ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

impl Lang<'_> {
    /// The message `id` with its `{ $name }` placeables filled from `args`.
    pub fn text(&self, id: &str, args: &[(&str, &str)]) -> String {
        for language in [self.language, self.fallback] {
            // A plain message formats the same whatever the arguments: it has no use for them.
            if let Some(text) = language.plain.get(id) {
                return text.clone();
            }
            let bundle = &language.bundle;
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let fargs: FluentArgs = args.iter().copied().collect();
                let mut errors = Vec::new();
                let out = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
                if errors.is_empty() {
                    return out.into_owned();
                }
                tracing::warn!(lang = self.code, id, ?errors, "a mail text did not format");
            }
        }
        id.to_owned()
    }

    /// A date and time as people of this language write it, in `zone` (an IANA name; UTC
    /// when unknown), followed by the zone's name.
    pub fn date_time(&self, t: Timestamp, zone: Option<&str>) -> String {
        let (tz, name) = match zone.and_then(|z| TimeZone::get(z).ok().map(|tz| (tz, z))) {
            Some((tz, z)) => (tz, z.to_owned()),
            None => (TimeZone::UTC, "UTC".to_owned()),
        };
        let z = t.to_zoned(tz);
        let (h, m) = (z.hour(), z.minute());
        let time = if self.text("clock", &[]) == "12" {
            let (h12, half) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{h12}:{m:02} {half}")
        } else {
            format!("{h:02}:{m:02}")
        };
        let weekday = self.text(
            &format!("weekday-{}", z.weekday().to_monday_one_offset()),
            &[],
        );
        let month = self.text(&format!("month-{}", z.month()), &[]);
        let when = self.text(
            "date-time",
            &[
                ("weekday", &weekday),
                ("day", &z.day().to_string()),
                ("month", &month),
                ("monthnum", &z.month().to_string()),
                ("year", &z.year().to_string()),
                ("time", &time),
            ],
        );
        format!("{when} ({name})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_parses_and_has_every_message() {
        Catalog::check().unwrap();
        let catalog = Catalog::new();
        let reference = message_ids(LANGUAGES[0].1);
        assert!(reference.len() > 50, "{}", reference.len());
        for (code, _) in LANGUAGES {
            assert_eq!(catalog.missing(code), Vec::<String>::new(), "{code}");
        }
    }

    #[test]
    fn a_browser_gets_the_language_it_prefers_most_among_ours() {
        let c = Catalog::new();
        let code = |h: Option<&str>| c.for_browser(h).code;
        assert_eq!(code(Some("ko-KR,ko;q=0.9,en-US;q=0.8")), "ko");
        assert_eq!(code(Some("xx,de;q=0.5,fr;q=0.7")), "fr");
        assert_eq!(code(Some("zh-TW")), "zh-Hans");
        assert_eq!(code(Some("de;q=0,ja;q=0.1")), "ja");
        assert_eq!(code(Some("tlh")), "en");
        assert_eq!(code(None), "en");
    }

    #[test]
    fn texts_are_translated_and_unknown_languages_are_english() {
        let c = Catalog::new();
        let args = [("org", "Acme"), ("agent", "Ada")];
        assert_eq!(
            c.lang("de").text("invitation-intro", &args),
            "Ada von Acme möchte Ihnen in einer Fernwartungssitzung helfen."
        );
        assert!(
            c.lang("ko")
                .text("invitation-intro", &args)
                .contains("원격 지원")
        );
        assert_eq!(c.lang("xx").code, "en");
        assert_eq!(c.lang("pt-BR").code, "pt");
        assert_eq!(c.lang("zh-CN").code, "zh-Hans");
        assert_eq!(c.lang("DE").code, "de");
        assert_eq!(
            c.lang("xx").text("closed-more", &[("org", "Acme")]),
            "If you still need help, contact Acme again."
        );
    }

    #[test]
    fn formatted_once_is_what_fluent_formats_each_time() {
        let c = Catalog::new();
        let args = [("org", "Acme"), ("agent", "Ada"), ("name", "Grace")];
        let mut plain = 0;
        for (code, source) in LANGUAGES {
            let lang = c.lang(code);
            let bundle = parse(code, source).unwrap();
            for id in message_ids(source) {
                let pattern = bundle.get_message(&id).unwrap().value().unwrap();
                let mut errors = Vec::new();
                let fresh = bundle.format_pattern(pattern, None, &mut errors);
                if errors.is_empty() {
                    plain += 1;
                    assert_eq!(lang.language.plain.get(&id).unwrap(), &fresh, "{code} {id}");
                    assert_eq!(lang.text(&id, &args), fresh, "{code} {id}");
                } else {
                    assert!(!lang.language.plain.contains_key(&id), "{code} {id}");
                }
            }
        }
        assert!(plain > 11 * 40, "{plain} plain messages");
        // A message with placeables still gets its arguments.
        assert_eq!(
            c.lang("en").text("closed-more", &[("org", "Acme")]),
            "If you still need help, contact Acme again."
        );
    }

    #[test]
    fn dates_follow_the_language_and_the_zone() {
        let c = Catalog::new();
        // 2026-11-26T13:30:00Z is a Thursday; 14:30 in Berlin, 22:30 in Seoul.
        let t: Timestamp = "2026-11-26T13:30:00Z".parse().unwrap();
        assert_eq!(
            c.lang("en").date_time(t, Some("Europe/Berlin")),
            "Thursday, 26 November 2026, 14:30 (Europe/Berlin)"
        );
        assert_eq!(
            c.lang("de").date_time(t, Some("Europe/Berlin")),
            "Donnerstag, 26. November 2026, 14:30 Uhr (Europe/Berlin)"
        );
        assert_eq!(
            c.lang("ko").date_time(t, Some("Asia/Seoul")),
            "2026년 11월 26일 (목) 22:30 (Asia/Seoul)"
        );
        assert_eq!(
            c.lang("ja").date_time(t, None),
            "2026年11月26日（木） 13:30 (UTC)"
        );
        assert!(
            c.lang("fr")
                .date_time(t, Some("Nowhere/Land"))
                .ends_with("(UTC)")
        );
    }
}
