//! A request's prefix filter: the short prefixes of its search terms, as a 256-bit Bloom
//! filter. The upcoming index keeps one beside each open request (`tables::IDX_UPCOMING`),
//! so the Upcoming view reads its page in display order and rules out most requests a
//! search does not find without looking anything up.
//!
//! A query word of at least `SHORTEST` characters finds a request only if one of its terms
//! begins with the word's first `SHORTEST..=LONGEST` characters, and each such prefix of
//! every term is in the filter. So "no" is certain; "maybe" is checked exactly, like every
//! candidate (`app::domain::search`). The bits are stored, so their hash is fixed: FNV-1a
//! (64-bit) of the prefix's UTF-8, split into two 32-bit halves for double hashing.

use std::hash::Hasher;

use app::domain::SessionRequest;
use app::domain::search;

pub const BYTES: usize = 32;
pub type Filter = [u8; BYTES];

/// Prefix lengths, in characters, the filter holds. One character says little (a query of
/// one is not filtered); beyond four, the fourth says almost all the longer would.
const SHORTEST: usize = 2;
const LONGEST: usize = 4;
/// Bits set per prefix. With the thirty or so prefixes of a name, an address and a short
/// comment, about one request in forty passes a word it lacks.
const HASHES: u32 = 3;

/// The filter's bits for one prefix.
fn bits(prefix: &str) -> [usize; HASHES as usize] {
    let mut h = fnv::FnvHasher::default();
    h.write(prefix.as_bytes());
    let h = h.finish();
    let (a, b) = (h as u32, (h >> 32) as u32 | 1);
    std::array::from_fn(|i| (a.wrapping_add(b.wrapping_mul(i as u32)) as usize) % (BYTES * 8))
}

fn set(filter: &mut Filter, prefix: &str) {
    for bit in bits(prefix) {
        filter[bit / 8] |= 1 << (bit % 8);
    }
}

/// The byte length of the first `n` characters of `s`, if it has that many.
fn chars_end(s: &str, n: usize) -> Option<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).nth(n)
}

/// The filter of a set of terms (as `search::terms` gives them).
pub fn of_terms<'a>(terms: impl IntoIterator<Item = &'a str>) -> Filter {
    let mut filter = [0; BYTES];
    for term in terms {
        for n in SHORTEST..=LONGEST {
            match chars_end(term, n) {
                Some(end) => set(&mut filter, &term[..end]),
                None => break,
            }
        }
    }
    filter
}

/// The filter of a request's name, address and comment.
pub fn of_request(r: &SessionRequest) -> Filter {
    let terms = search::terms(&r.recipient_name, r.recipient_email.as_deref(), &r.comment);
    of_terms(terms.iter().map(String::as_str))
}

/// A query's test of filters: the bits each of its words needs.
#[derive(Debug, Clone)]
pub struct Query {
    masks: Vec<Filter>,
}

impl Query {
    /// For the lower-cased query words (`search::query_words`).
    pub fn new(words: &[String]) -> Query {
        let masks = words
            .iter()
            .filter_map(|w| {
                let end = chars_end(w, LONGEST).unwrap_or(w.len());
                (w[..end].chars().count() >= SHORTEST).then(|| {
                    let mut mask = [0; BYTES];
                    set(&mut mask, &w[..end]);
                    mask
                })
            })
            .collect();
        Query { masks }
    }

    /// False when the request with this filter certainly lacks a word.
    pub fn may_find(&self, filter: &Filter) -> bool {
        self.masks
            .iter()
            .all(|m| m.iter().zip(filter).all(|(m, f)| m & f == *m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn filter(name: &str, email: Option<&str>, comment: &str) -> Filter {
        let terms = search::terms(name, email, comment);
        of_terms(terms.iter().map(String::as_str))
    }

    #[test]
    fn a_word_a_request_has_always_passes() {
        let f = filter("Grace Huang", Some("grace.huang42@acme.example"), "Drucker");
        for q in [
            "grace",
            "hu",
            "huang",
            "gr",
            "42",
            "acme",
            "acme.example",
            "druck",
            "g",
        ] {
            let words = search::query_words(q);
            assert!(Query::new(&words).may_find(&f), "{q}");
        }
    }

    #[test]
    fn most_words_a_request_lacks_are_ruled_out() {
        let f = filter("Grace Huang", Some("grace.huang42@acme.example"), "Drucker");
        let lacking = [
            "fischer", "schmidt", "printer", "zzyzx", "müller", "40012", "mo",
        ];
        let passed = lacking
            .iter()
            .filter(|q| Query::new(&search::query_words(q)).may_find(&f))
            .count();
        assert!(passed <= 1, "{passed} of {} passed", lacking.len());
        // A query with nothing to test (one character) rules out nothing.
        assert!(Query::new(&search::query_words("x")).may_find(&f));
    }

    proptest! {
        /// The filter never says no where the search rule says yes: any start of any
        /// term, as a query, passes, whatever the script.
        #[test]
        fn no_false_negatives(
            name in "[a-zA-Zé김민준 ]{0,20}",
            comment in "[a-z0-9ß漢字 ]{0,30}",
            q in "[a-zA-Z0-9é김민준ß漢字 ]{1,8}",
        ) {
            let terms = search::terms(&name, None, &comment);
            let words = search::query_words(&q);
            if search::finds(&terms, &words) {
                prop_assert!(Query::new(&words).may_find(&filter(&name, None, &comment)));
            }
        }

        #[test]
        fn every_prefix_of_every_term_passes(name in "[a-zA-Zé김민준 ]{1,20}") {
            let f = filter(&name, None, "");
            for term in search::terms(&name, None, "") {
                for (i, c) in term.char_indices() {
                    let q = vec![term[..i + c.len_utf8()].to_owned()];
                    prop_assert!(Query::new(&q).may_find(&f), "{:?}", q);
                }
            }
        }
    }
}
