//! Free-text search over a request's recipient name, email address and comment (`q=`).
//!
//! A query finds a request when **each of its words begins a word** of those fields, ignoring
//! case: `gra` finds "Grace", `acme` finds "it@acme.example", `lena fisch` finds "Lena
//! Fischer". Words are runs of letters and runs of digits, so an address is found by its
//! parts (`huang` and `42` in "grace.huang42@…"). This
//! is the rule people know from mail and ticket search, and one a word index can answer in
//! time proportional to what it finds (see the server's `idx_words`), where matching any
//! substring would read every record (or need an index the size of the store).
//!
//! Chinese, Japanese and Korean text is written without spaces between words, so a given
//! name is inside the word of a full name: in such words every later start is a word start
//! too (`민준` finds "김민준").

use std::collections::BTreeSet;

/// Index keys hold at most this many bytes of a term; longer query words are looked up by
/// their first bytes, and `finds` decides.
pub const TERM_BYTES: usize = 32;

/// The lower-cased words of `text`: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(|w| w.chars().flat_map(fold).collect())
}

/// A character lower-cased on its own (no context rules), with Greek final sigma as sigma:
/// the same word typed in either case, or either sigma, compares equal.
fn fold(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l })
}

/// Runs of letters and runs of digits: `huang42` is `huang` and `42`, as people search
/// for either.
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .flat_map(digit_runs)
}

/// Splits a word where letters turn into digits or back.
fn digit_runs(word: &str) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_numeric() != first.is_numeric())
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

/// Han, kana and Hangul: scripts written without spaces between words.
fn unspaced(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'   // Hangul Jamo
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}' // Hangul compatibility Jamo
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}' // Hangul syllables
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{3134F}')
}

/// The terms a request is found by: every word of its name, address and comment, and in
/// words of unspaced scripts each later start from such a character on (so `민준` is a term
/// of "김민준"). Untruncated: `finds` compares whole words; the index truncates (`term_key`).
pub fn terms(name: &str, email: Option<&str>, comment: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let text = [name, email.unwrap_or(""), comment];
    for word in text.iter().flat_map(|t| words(t)) {
        for (i, c) in word.char_indices().skip(1) {
            if unspaced(c) {
                out.insert(word[i..].to_owned());
            }
        }
        out.insert(word);
    }
    out
}

/// The words of a query, deduplicated, longest first (a longer word usually narrows more).
pub fn query_words(q: &str) -> Vec<String> {
    let mut w: Vec<String> = words(q).collect::<BTreeSet<_>>().into_iter().collect();
    w.sort_by_key(|w| std::cmp::Reverse(w.len()));
    w
}

/// Whether a request with these `terms` is found by the query `words`.
pub fn finds(terms: &BTreeSet<String>, words: &[String]) -> bool {
    words.iter().all(|w| {
        terms
            .range::<str, _>((
                std::ops::Bound::Included(w.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .next()
            .is_some_and(|t| t.starts_with(w.as_str()))
    })
}

/// Whether the query `words` find a request with this name, email and comment: what
/// `finds(&terms(…), words)` says, without building the terms (a list page checks this on
/// every candidate it reads).
pub fn found_in(name: &str, email: Option<&str>, comment: &str, words: &[String]) -> bool {
    let fields = [name, email.unwrap_or(""), comment];
    words.iter().all(|w| {
        fields
            .iter()
            .flat_map(|f| raw_words(f))
            .any(|fw| term_begins(fw, w))
    })
}

/// Whether a term of the word `fw` (itself, or a later start in unspaced script) begins
/// with the lower-cased `w`.
fn term_begins(fw: &str, w: &str) -> bool {
    begins(fw, w)
        || fw
            .char_indices()
            .skip(1)
            .any(|(i, c)| unspaced(c) && begins(&fw[i..], w))
}

/// Whether `text`, lower-cased, begins with `w`.
fn begins(text: &str, w: &str) -> bool {
    let mut lower = text.chars().flat_map(fold);
    w.chars().all(|c| lower.next() == Some(c))
}

/// A term as the index holds it: at most `TERM_BYTES` bytes, cut at a character boundary.
pub fn term_key(term: &str) -> &str {
    if term.len() <= TERM_BYTES {
        return term;
    }
    let mut end = TERM_BYTES;
    while !term.is_char_boundary(end) {
        end -= 1;
    }
    &term[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways of deciding, which must agree.
    fn found(q: &str, name: &str, email: Option<&str>, comment: &str) -> bool {
        let words = query_words(q);
        let by_terms = finds(&terms(name, email, comment), &words);
        assert_eq!(by_terms, found_in(name, email, comment, &words), "{q:?}");
        by_terms
    }

    #[test]
    fn each_query_word_must_begin_a_word_of_a_field() {
        let f = |q| {
            found(
                q,
                "Grace O'Neil",
                Some("g.oneil@acme.example"),
                "VPN drops at 5pm",
            )
        };
        assert!(f("grace"));
        assert!(f("GRA"));
        assert!(f("o neil"));
        assert!(f("acme"));
        assert!(f("oneil acme"));
        assert!(f("vpn 5pm"));
        assert!(f("5"), "digits and letters are words of their own");
        assert!(f("g.oneil@acme.example"));
        assert!(!f("race"), "not the middle of a word");
        assert!(!f("grace smith"), "every word must be found");
        assert!(!f("printer"));
    }

    #[test]
    fn unspaced_scripts_are_found_from_any_character() {
        assert!(found("민준", "김민준", None, ""));
        assert!(found("김민", "김민준", None, ""));
        assert!(found("東京", "", None, "東京都の事務所"));
        assert!(found("事務", "", None, "東京都の事務所"));
        assert!(!found("준민", "김민준", None, ""));
    }

    #[test]
    fn case_is_ignored_beyond_ascii() {
        assert!(found("ÉMILE", "émile Zola", None, ""));
        assert!(found("straße", "STRASSE straße", None, ""));
        assert!(found("ΟΔΥΣ", "Οδυσσευς", None, ""));
        assert!(found("οδυσσευς", "ΟΔΥΣΣΕΥΣ", None, ""));
    }

    #[test]
    fn letters_and_digits_are_separate_words() {
        assert_eq!(
            words("grace.huang42@acme.example Win11x").collect::<Vec<_>>(),
            ["grace", "huang", "42", "acme", "example", "win", "11", "x"]
        );
        assert!(found("huang42", "", Some("grace.huang42@acme.example"), ""));
        assert!(found("huang 4", "", Some("grace.huang42@acme.example"), ""));
    }

    #[test]
    fn query_words_are_distinct_and_longest_first() {
        assert_eq!(
            query_words("  a  Fischer lena a "),
            ["fischer", "lena", "a"]
        );
        assert!(query_words(" .,- ").is_empty());
    }

    #[test]
    fn term_keys_are_cut_at_a_character_boundary() {
        let long = "é".repeat(40);
        let k = term_key(&long);
        assert!(k.len() <= TERM_BYTES && long.starts_with(k));
        assert_eq!(k.chars().count(), 16);
        assert_eq!(term_key("short"), "short");
    }
}
