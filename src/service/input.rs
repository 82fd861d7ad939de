//! Validation of what people type: the same rules for the REST API and the portal. Every
//! refusal names the field.

use jiff::Timestamp;

use super::error::{Result, ServiceError};

/// The problems of a whole form, collected so that people see every field to fix at once
/// rather than one per try. `check` keeps a check's value or its problem; `finish` fails with
/// them all (or with the first error that is not about a field, which wins).
#[derive(Debug, Default)]
pub struct Problems(Vec<ServiceError>);

impl Problems {
    pub fn check<T>(&mut self, r: Result<T>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn finish(self) -> Result<()> {
        let mut fields = Vec::new();
        for e in self.0 {
            match e {
                ServiceError::InvalidInput { field, message } => fields.push((field, message)),
                ServiceError::InvalidFields { fields: more } => fields.extend(more),
                other => return Err(other),
            }
        }
        match fields.len() {
            0 => Ok(()),
            1 => {
                let (field, message) = fields.remove(0);
                Err(ServiceError::InvalidInput { field, message })
            }
            _ => Err(ServiceError::InvalidFields { fields }),
        }
    }
}

/// A required one-line text: trimmed, 1..=`max` characters, no control characters (which
/// would allow header injection in mails).
pub fn line(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ServiceError::invalid(field, "must not be empty"));
    }
    optional_line(field, v, max)
}

/// Invisible characters that change how the text around them reads: bidirectional
/// embeddings, overrides and isolates (U+202E turns "Support<U+202E>gnp.exe" around), the
/// zero-width space, word joiner and byte-order mark, and the line and paragraph separators.
/// The zero-width (non-)joiners U+200C/U+200D stay allowed: Persian and Indic names and
/// emoji sequences need them, and they cannot reorder text.
fn is_deceptive(c: char) -> bool {
    matches!(c,
        '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}' | '\u{2028}' | '\u{2029}')
}

/// Like `line`, but empty is allowed.
pub fn optional_line(field: &str, value: &str, max: usize) -> Result<String> {
    // Counted as sent, before trimming: the limit the API document states.
    if value.chars().count() > max {
        return Err(ServiceError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    let v = value.trim();
    if v.chars().any(char::is_control) {
        return Err(ServiceError::invalid(
            field,
            "must be a single line without control characters",
        ));
    }
    if v.chars().any(is_deceptive) {
        return Err(ServiceError::invalid(
            field,
            "must not contain invisible direction, zero-width or separator characters",
        ));
    }
    Ok(v.to_owned())
}

/// Multi-line notes: newlines and tabs allowed, other control characters not.
pub fn text(field: &str, value: &str, max: usize) -> Result<String> {
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ServiceError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    if value.chars().any(is_deceptive) {
        return Err(ServiceError::invalid(
            field,
            "must not contain invisible direction, zero-width or separator characters",
        ));
    }
    if value.chars().count() > max {
        return Err(ServiceError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value.trim().to_owned())
}

/// An email that may be left out: absent or blank is `None`.
pub fn optional_email(field: &str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(e) => email(field, e).map(Some),
    }
}

/// Sending mail needs somewhere to send it.
pub fn mail_address(send_email: bool, recipient_email: Option<&str>) -> Result<()> {
    if send_email && recipient_email.is_none() {
        return Err(ServiceError::invalid(
            "recipient_email",
            "enter an email address to send the invitation to",
        ));
    }
    Ok(())
}

pub fn email(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if value.chars().count() > 254
        || v.len() > 254
        || v.chars().any(char::is_control)
        || !email_address::EmailAddress::is_valid(v)
    {
        return Err(ServiceError::invalid(
            field,
            "must be a valid email address",
        ));
    }
    Ok(v.to_ascii_lowercase())
}

/// A BCP 47-like language tag (`en`, `pt-BR`, `zh-Hans`). Unknown languages are allowed (mails
/// fall back to English); nonsense is not.
pub fn language(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    let mut parts = v.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !primary_ok || !rest_ok || v.len() > 35 {
        return Err(ServiceError::invalid(
            field,
            "must be a language tag like en, de or pt-BR",
        ));
    }
    Ok(v.to_owned())
}

/// An IANA time-zone name (`Europe/Berlin`).
pub fn time_zone(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    jiff::tz::TimeZone::get(v).map_err(|_| {
        ServiceError::invalid(field, "must be an IANA time zone like Europe/Berlin")
    })?;
    Ok(v.to_owned())
}

pub fn password(field: &str, value: &str) -> Result<String> {
    let n = value.chars().count();
    if n < 8 {
        return Err(ServiceError::invalid(
            field,
            "must be at least 8 characters",
        ));
    }
    if n > 1024 {
        return Err(ServiceError::invalid(
            field,
            "must be at most 1024 characters",
        ));
    }
    Ok(value.to_owned())
}

/// An expiry must lie in the future and no further than `max` from now.
pub fn expiry(
    field: &str,
    at: Timestamp,
    now: Timestamp,
    max: std::time::Duration,
) -> Result<Timestamp> {
    if at <= now {
        return Err(ServiceError::invalid(field, "must be in the future"));
    }
    let latest = now
        .checked_add(jiff::SignedDuration::try_from(max).unwrap_or(jiff::SignedDuration::MAX))
        .unwrap_or(Timestamp::MAX);
    if at > latest {
        let days = max.as_secs() / 86_400;
        let hint = if days > 0 {
            format!("{days} days")
        } else {
            format!("{} seconds", max.as_secs())
        };
        return Err(ServiceError::invalid(
            field,
            format!("must be at most {hint} from now"),
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_refuse_crlf_and_blank() {
        assert!(line("recipient_name", "Ada\r\nBcc: x@y", 200).is_err());
        assert!(line("recipient_name", "   ", 200).is_err());
        assert_eq!(line("recipient_name", "  Ada  ", 200).unwrap(), "Ada");
        let e = line("recipient_name", &"x".repeat(201), 200).unwrap_err();
        assert!(e.to_string().starts_with("recipient_name:"));
    }

    #[test]
    fn emails_and_languages() {
        assert_eq!(email("e", " Ada@Example.COM ").unwrap(), "ada@example.com");
        assert!(email("e", "not-an-email").is_err());
        assert!(email("e", "a@b.c\r\nBcc: z@z").is_err());
        for ok in ["en", "pt-BR", "zh-Hans", "de"] {
            assert!(language("l", ok).is_ok(), "{ok}");
        }
        for bad in ["", "e", "english!", "en-", "12"] {
            assert!(language("l", bad).is_err(), "{bad}");
        }
    }
}
