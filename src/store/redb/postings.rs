//! Streams of request IDs, newest first, that can skip ahead: the candidates of a list page.
//!
//! Each index range is a `Cursor`, each search term's blocks a `Blocks`; a `Union` merges
//! several (the statuses of a view, the terms a search word begins); an `Intersect` keeps the IDs all its parts hold (each word of
//! a search, and the view's statuses). An intersection moves every part down to the lowest
//! of their heads, so a rare part makes a common one skip, not walk: a search page costs
//! about what it finds, not what is stored.

use std::iter::Peekable;

use app::domain::RequestId;
use app::domain::search;
use redb::ReadOnlyTable;

use super::tx::Result;
use super::word_blocks;

pub type Ids<'t> = Box<dyn Iterator<Item = Result<RequestId>> + 't>;

/// A newest-first stream of IDs.
pub trait Postings {
    /// The largest ID left, without taking it.
    fn peek(&mut self) -> Result<Option<RequestId>>;
    /// Drops every ID above `to`.
    fn skip_to(&mut self, to: RequestId) -> Result<()>;
    /// Drops the current ID.
    fn advance(&mut self) -> Result<()>;
    /// Whether `id` is in the stream, wherever it stands (a look-up; the stream stays put).
    fn contains(&mut self, id: RequestId) -> Result<bool>;
}

pub type Stream<'t> = Box<dyn Postings + 't>;

/// Takes the IDs of a stream one by one.
pub fn iter<'s>(mut s: Stream<'s>) -> impl Iterator<Item = Result<RequestId>> + 's {
    std::iter::from_fn(move || match s.peek() {
        Ok(Some(id)) => Some(s.advance().map(|()| id)),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    })
}

/// How many entries a cursor steps over at most before it reopens its range further down
/// instead (a reopen is a B-tree descent, worth a few dozen steps).
const WALK: usize = 24;

/// One index range, read backwards; `open(to)` reads the range's IDs up to `to`.
pub struct Cursor<'t> {
    open: Box<dyn Fn(RequestId) -> Result<Ids<'t>> + 't>,
    ids: Peekable<Ids<'t>>,
    /// How far the next skip walks before it reopens. A skip that had to reopen halves it
    /// (down to one step); one that found its place by walking doubles it (up to `WALK`). So
    /// a dense part that a rare one keeps sending far down (a view's statuses under a full
    /// name) reopens almost at once instead of first walking `WALK` entries every time,
    /// while parts that move in step with each other keep walking.
    walk: usize,
}

impl<'t> Cursor<'t> {
    pub fn of(open: impl Fn(RequestId) -> Result<Ids<'t>> + 't) -> Result<Stream<'t>> {
        Ok(Box::new(Cursor::new(Box::new(open))?))
    }

    fn new(open: Box<dyn Fn(RequestId) -> Result<Ids<'t>> + 't>) -> Result<Cursor<'t>> {
        let ids = open(RequestId::from_u128(u128::MAX))?.peekable();
        Ok(Cursor {
            open,
            ids,
            walk: WALK,
        })
    }
}

impl Postings for Cursor<'_> {
    fn peek(&mut self) -> Result<Option<RequestId>> {
        if let Some(Err(e)) = self.ids.next_if(Result::is_err) {
            return Err(e);
        }
        Ok(self.ids.peek().and_then(|r| r.as_ref().ok().copied()))
    }

    fn skip_to(&mut self, to: RequestId) -> Result<()> {
        let mut steps = 0;
        while self.peek()?.is_some_and(|id| id > to) {
            if steps == self.walk {
                self.ids = (self.open)(to)?.peekable();
                self.walk = (self.walk / 2).max(1);
                return Ok(());
            }
            self.ids.next();
            steps += 1;
        }
        if steps > 0 {
            self.walk = (self.walk * 2).min(WALK);
        }
        Ok(())
    }

    fn advance(&mut self) -> Result<()> {
        self.ids.next().transpose().map(|_| ())
    }

    fn contains(&mut self, id: RequestId) -> Result<bool> {
        Ok((self.open)(id)?.next().transpose()? == Some(id))
    }
}

/// IDs held in memory, newest first, once each.
pub struct Listed {
    ids: Vec<RequestId>,
    at: usize,
}

impl Listed {
    pub fn of<'t>(mut ids: Vec<RequestId>) -> Stream<'t> {
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup();
        Box::new(Listed { ids, at: 0 })
    }
}

impl Postings for Listed {
    fn peek(&mut self) -> Result<Option<RequestId>> {
        Ok(self.ids.get(self.at).copied())
    }
    fn skip_to(&mut self, to: RequestId) -> Result<()> {
        self.at += self.ids[self.at..].partition_point(|id| *id > to);
        Ok(())
    }
    fn advance(&mut self) -> Result<()> {
        self.at += 1;
        Ok(())
    }
    fn contains(&mut self, id: RequestId) -> Result<bool> {
        Ok(self.ids.binary_search_by(|x| id.cmp(x)).is_ok())
    }
}

/// The IDs of any part, once each (an overdue request is both in its stored status and in
/// the expiry index).
pub struct Union<'t> {
    parts: Vec<Stream<'t>>,
}

impl<'t> Union<'t> {
    pub fn of(parts: Vec<Stream<'t>>) -> Stream<'t> {
        Box::new(Union { parts })
    }
}

impl Postings for Union<'_> {
    fn peek(&mut self) -> Result<Option<RequestId>> {
        let mut top = None;
        for p in &mut self.parts {
            top = top.max(p.peek()?);
        }
        Ok(top)
    }
    fn skip_to(&mut self, to: RequestId) -> Result<()> {
        self.parts.iter_mut().try_for_each(|p| p.skip_to(to))
    }
    fn advance(&mut self) -> Result<()> {
        let Some(top) = self.peek()? else {
            return Ok(());
        };
        for p in &mut self.parts {
            if p.peek()? == Some(top) {
                p.advance()?;
            }
        }
        Ok(())
    }
    fn contains(&mut self, id: RequestId) -> Result<bool> {
        for p in &mut self.parts {
            if p.contains(id)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// The IDs every part holds.
pub struct Intersect<'t> {
    parts: Vec<Stream<'t>>,
}

impl<'t> Intersect<'t> {
    /// `parts` must not be empty (an intersection of nothing would be everything).
    pub fn of(parts: Vec<Stream<'t>>) -> Stream<'t> {
        assert!(!parts.is_empty(), "an intersection needs a part");
        Box::new(Intersect { parts })
    }
}

impl Postings for Intersect<'_> {
    /// Leapfrog: each part in turn goes down to the candidate; one that has nothing there
    /// names a lower candidate, and the round starts again from the first part. Callers put
    /// the sparse parts (search words) first, so the dense ones (a view's statuses) are
    /// moved only when the sparse ones agree.
    fn peek(&mut self) -> Result<Option<RequestId>> {
        let mut low = RequestId::from_u128(u128::MAX);
        'round: loop {
            for p in &mut self.parts {
                p.skip_to(low)?;
                match p.peek()? {
                    None => return Ok(None),
                    Some(id) if id < low => {
                        low = id;
                        continue 'round;
                    }
                    Some(_) => {}
                }
            }
            return Ok(Some(low));
        }
    }
    fn skip_to(&mut self, to: RequestId) -> Result<()> {
        self.parts.iter_mut().try_for_each(|p| p.skip_to(to))
    }
    fn advance(&mut self) -> Result<()> {
        if self.peek()?.is_some() {
            self.parts.iter_mut().try_for_each(|p| p.advance())?;
        }
        Ok(())
    }
    fn contains(&mut self, id: RequestId) -> Result<bool> {
        for p in &mut self.parts {
            if !p.contains(id)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// A word that begins more terms than this is read whole into memory (`GATHER`) instead of
/// as one cursor per term.
const MANY_TERMS: usize = 32;
/// A word whose terms have more entries than this drives nothing: it is common, so checking
/// it on the records the other parts find costs less than reading its entries.
const GATHER: usize = 20_000;

pub type WordTable = ReadOnlyTable<&'static [u8], &'static [u8]>;

/// One search term's IDs, newest first, from its blocks (`word_blocks`): a block is decoded
/// once and skipped within by binary search, so walking a term costs memory reads, and a
/// skip past the block costs one B-tree descent.
pub struct Blocks<'t> {
    index: &'t WordTable,
    term: Vec<u8>,
    /// The blocks older than `block`, read backwards.
    older: redb::Range<'t, &'static [u8], &'static [u8]>,
    /// The current block, ascending; `block[..left]` are still to come.
    block: Vec<RequestId>,
    left: usize,
}

impl<'t> Blocks<'t> {
    pub fn of(index: &'t WordTable, term: Vec<u8>) -> Result<Stream<'t>> {
        let older = Self::range(index, &term, RequestId::from_u128(u128::MAX))?;
        Ok(Box::new(Blocks {
            index,
            term,
            older,
            block: Vec::new(),
            left: 0,
        }))
    }

    /// The term's blocks that start at or below `to`.
    fn range(
        index: &'t WordTable,
        term: &[u8],
        to: RequestId,
    ) -> Result<redb::Range<'t, &'static [u8], &'static [u8]>> {
        let lo = word_blocks::key(term, RequestId::from_u128(0));
        let hi = word_blocks::key(term, to);
        Ok(index.range::<&[u8]>(lo.as_slice()..=hi.as_slice())?)
    }

    /// Reads the next older block when the current one is used up; false at the end.
    fn fill(&mut self) -> Result<bool> {
        while self.left == 0 {
            let Some(e) = self.older.next_back() else {
                return Ok(false);
            };
            self.block.clear();
            self.block.extend(word_blocks::ids(e?.1.value()));
            self.left = self.block.len();
        }
        Ok(true)
    }

    /// Drops the IDs above `to` from the current block's rest.
    fn cut(&mut self, to: RequestId) {
        self.left = self.block[..self.left].partition_point(|id| *id <= to);
    }
}

impl Postings for Blocks<'_> {
    fn peek(&mut self) -> Result<Option<RequestId>> {
        Ok(match self.fill()? {
            true => Some(self.block[self.left - 1]),
            false => None,
        })
    }

    fn skip_to(&mut self, to: RequestId) -> Result<()> {
        if !self.fill()? || self.block[self.left - 1] <= to {
            return Ok(());
        }
        if self.block[0] <= to {
            self.cut(to);
            return Ok(());
        }
        // Past this block: the next one may hold `to`; further down, reopen at it.
        self.left = 0;
        if self.fill()? && self.block[0] > to {
            self.older = Self::range(self.index, &self.term, to)?;
            self.left = 0;
            self.fill()?;
        }
        if self.left > 0 {
            self.cut(to);
        }
        Ok(())
    }

    fn advance(&mut self) -> Result<()> {
        if self.fill()? {
            self.left -= 1;
        }
        Ok(())
    }

    fn contains(&mut self, id: RequestId) -> Result<bool> {
        if let (Some(first), Some(last)) = (self.block.first(), self.block.last())
            && (*first..=*last).contains(&id)
        {
            return Ok(self.block.binary_search(&id).is_ok());
        }
        let entry = word_blocks::key(&self.term, id);
        Ok(word_blocks::contains(self.index, &entry)?)
    }
}

/// The requests with a term that begins with `word`, newest first; `None` when the word is
/// too common to be worth reading (see `GATHER`).
pub fn word<'t>(index: &'t WordTable, word: &str) -> Result<Option<Stream<'t>>> {
    let prefix = search::term_key(word).as_bytes();
    let mut end = prefix.to_vec();
    end.push(0xff); // no UTF-8 byte: above every key that starts with `prefix`
    let mut terms: Vec<Vec<u8>> = Vec::new();
    let mut from = prefix.to_vec();
    while terms.len() <= MANY_TERMS {
        let Some(entry) = index
            .range::<&[u8]>(from.as_slice()..end.as_slice())?
            .next()
        else {
            break;
        };
        let term = word_blocks::split(entry?.0.value()).0.to_vec();
        // The next term starts after this one's blocks (`term ‖ 0 ‖ first ID`).
        from = term.clone();
        from.push(1);
        terms.push(term);
    }
    if terms.len() <= MANY_TERMS {
        let cursors = terms
            .into_iter()
            .map(|term| Blocks::of(index, term))
            .collect::<Result<Vec<_>>>()?;
        return Ok(Some(match cursors.len() {
            1 => cursors.into_iter().next().expect("one"),
            _ => Union::of(cursors),
        }));
    }
    let mut ids = Vec::new();
    for entry in index.range::<&[u8]>(prefix..end.as_slice())? {
        ids.extend(word_blocks::ids(entry?.1.value()));
        if ids.len() > GATHER {
            return Ok(None);
        }
    }
    Ok(Some(Listed::of(ids)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(ids: &[u128]) -> Stream<'static> {
        Listed::of(ids.iter().map(|i| RequestId::from_u128(*i)).collect())
    }

    fn all(s: Stream<'_>) -> Vec<u128> {
        iter(s).map(|r| r.unwrap().as_u128()).collect()
    }

    #[test]
    fn union_merges_newest_first_once_each() {
        let u = Union::of(vec![listed(&[1, 5, 9]), listed(&[5, 7]), listed(&[])]);
        assert_eq!(all(u), [9, 7, 5, 1]);
    }

    #[test]
    fn intersect_keeps_what_every_part_holds() {
        let i = Intersect::of(vec![
            listed(&[1, 3, 5, 7, 9, 11]),
            Union::of(vec![listed(&[3, 4]), listed(&[9, 11, 12])]),
            listed(&[2, 3, 9, 10, 11]),
        ]);
        assert_eq!(all(i), [11, 9, 3]);
        let mut i = Intersect::of(vec![listed(&[1, 3, 5]), listed(&[1, 3, 5])]);
        i.skip_to(RequestId::from_u128(4)).unwrap();
        assert_eq!(all(i), [3, 1]);
        assert!(all(Intersect::of(vec![listed(&[1]), listed(&[])])).is_empty());
    }

    /// A cursor over the IDs 0 to 999 that counts the entries it reads.
    fn counted() -> (Stream<'static>, std::rc::Rc<std::cell::Cell<usize>>) {
        let read = std::rc::Rc::new(std::cell::Cell::new(0));
        let r = read.clone();
        let cursor = Cursor::of(move |to| {
            let r = r.clone();
            let top = to.as_u128().min(999);
            Ok(Box::new((0..=top).rev().map(move |i| {
                r.set(r.get() + 1);
                Ok(RequestId::from_u128(i))
            })) as Ids<'static>)
        })
        .unwrap();
        (cursor, read)
    }

    #[test]
    fn a_cursor_sent_far_down_again_and_again_soon_reopens_instead_of_walking() {
        let (mut c, read) = counted();
        for to in (0..10).rev().map(|k| k * 100) {
            c.skip_to(RequestId::from_u128(to)).unwrap();
            assert_eq!(c.peek().unwrap(), Some(RequestId::from_u128(to)));
        }
        // Walking `WALK` entries before each reopen would read over 200.
        assert!(read.get() < 80, "{} entries read", read.get());
        // Short skips walk again, and every ID is still there.
        let (mut c, _) = counted();
        c.skip_to(RequestId::from_u128(500)).unwrap();
        c.skip_to(RequestId::from_u128(100)).unwrap();
        let rest: Vec<u128> = (0..5)
            .map(|_| {
                let id = c.peek().unwrap().unwrap();
                c.advance().unwrap();
                id.as_u128()
            })
            .collect();
        assert_eq!(rest, [100, 99, 98, 97, 96]);
    }

    /// A term filed in blocks reads newest first, skips to the highest ID at or below any
    /// target (within a block, to the next one, or far down), and looks IDs up anywhere.
    #[test]
    fn a_term_in_blocks_reads_skips_and_looks_up_like_a_list() {
        use redb::{Database, ReadableDatabase};
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("t.redb")).unwrap();
        let stored: Vec<u128> = (1..=700).map(|i| i * 3).collect();
        let txn = db.begin_write().unwrap();
        {
            let mut t = txn
                .open_table(crate::store::redb::tables::IDX_WORDS)
                .unwrap();
            let entries: Vec<Vec<u8>> = ["other", "term"]
                .iter()
                .flat_map(|term| {
                    let stored = &stored;
                    stored
                        .iter()
                        .map(move |i| word_blocks::key(term.as_bytes(), RequestId::from_u128(*i)))
                })
                .collect();
            word_blocks::insert_sorted(&mut t, &entries).unwrap();
        }
        txn.commit().unwrap();
        let txn = db.begin_read().unwrap();
        let index = txn
            .open_table(crate::store::redb::tables::IDX_WORDS)
            .unwrap();
        let expected: Vec<u128> = stored.iter().rev().copied().collect();
        assert_eq!(all(Blocks::of(&index, b"term".to_vec()).unwrap()), expected);
        let mut b = Blocks::of(&index, b"term".to_vec()).unwrap();
        for to in [2100, 2099, 2000, 1990, 1500, 300, 299, 10, 3] {
            b.skip_to(RequestId::from_u128(to)).unwrap();
            let want = stored.iter().rev().find(|i| **i <= to).copied();
            assert_eq!(b.peek().unwrap().map(|i| i.as_u128()), want, "to {to}");
        }
        b.skip_to(RequestId::from_u128(2)).unwrap();
        assert_eq!(b.peek().unwrap(), None);
        let mut b = Blocks::of(&index, b"term".to_vec()).unwrap();
        b.skip_to(RequestId::from_u128(1000)).unwrap();
        for (id, held) in [
            (999, true),
            (1000, false),
            (3, true),
            (2100, true),
            (2101, false),
        ] {
            assert_eq!(b.contains(RequestId::from_u128(id)).unwrap(), held, "{id}");
        }
        assert_eq!(
            b.peek().unwrap().map(|i| i.as_u128()),
            Some(999),
            "stays put"
        );
    }

    #[test]
    fn contains_looks_up_without_moving() {
        let mut u = Union::of(vec![listed(&[1, 5]), listed(&[7])]);
        let mut i = Intersect::of(vec![listed(&[1, 5, 7]), listed(&[5, 7, 9])]);
        let id = RequestId::from_u128;
        assert!(u.contains(id(5)).unwrap() && u.contains(id(7)).unwrap());
        assert!(!u.contains(id(6)).unwrap());
        assert!(i.contains(id(5)).unwrap() && !i.contains(id(9)).unwrap());
        assert_eq!(all(u), [7, 5, 1]);
        assert_eq!(all(i), [7, 5]);
    }
}
