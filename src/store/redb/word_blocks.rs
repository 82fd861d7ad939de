//! The word index in blocks: each search term's request IDs packed up to `CAP` to a value,
//! under `term ‖ 0 ‖ first ID` (`tables::IDX_WORDS`). Reading a term newest first then
//! decodes memory instead of stepping the B-tree once per ID, which is what a search
//! combining two names of the same frequency spends its time on: neither can make the
//! other skip, so both are read.
//!
//! Callers speak in the index's logical entries, `term ‖ 0 ‖ ID` (`keys::word`); this
//! module files them into blocks. New requests have the newest IDs, so a term's entries
//! almost always join its newest block, and a full one is followed by a new block rather
//! than split. An entry below a block's range joins it at the front (the block is filed
//! again under its new first ID); one into a full block's middle splits it in two.

use app::domain::RequestId;
use redb::{ReadableTable, StorageError, Table};

/// IDs per block at most: 1 KiB of value, a quarter of a page.
pub const CAP: usize = 64;
const ID: usize = 16;

pub type BlockTable<'t> = Table<'t, &'static [u8], &'static [u8]>;

/// The key of `term`'s block that starts at `first`.
pub fn key(term: &[u8], first: RequestId) -> Vec<u8> {
    let mut k = Vec::with_capacity(term.len() + 1 + ID);
    k.extend_from_slice(term);
    k.push(0);
    k.extend_from_slice(&first.to_be_bytes());
    k
}

/// A logical entry (`term ‖ 0 ‖ ID`) split into its term and ID.
pub fn split(entry: &[u8]) -> (&[u8], RequestId) {
    let (term, rest) = entry.split_at(entry.len() - ID - 1);
    let id: [u8; ID] = rest[1..].try_into().expect("an entry ends in an ID");
    (term, RequestId::from_be_bytes(id))
}

/// A block's IDs, oldest first.
pub fn ids(block: &[u8]) -> impl DoubleEndedIterator<Item = RequestId> + '_ {
    block
        .chunks_exact(ID)
        .map(|c| RequestId::from_be_bytes(c.try_into().expect("16 bytes")))
}

fn encode(ids: &[RequestId]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.to_be_bytes()).collect()
}

/// The block of `term` that holds `id` or would: the last one starting at or below it.
fn block_at(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    term: &[u8],
    id: RequestId,
) -> Result<Option<(RequestId, Vec<RequestId>)>, StorageError> {
    let (lo, at) = (key(term, RequestId::from_u128(0)), key(term, id));
    Ok(
        match table
            .range::<&[u8]>(lo.as_slice()..=at.as_slice())?
            .next_back()
        {
            Some(e) => {
                let (k, v) = e?;
                Some((split(k.value()).1, ids(v.value()).collect()))
            }
            None => None,
        },
    )
}

/// Whether the logical entry `entry` is filed: one B-tree descent and a binary search.
pub fn contains(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    entry: &[u8],
) -> Result<bool, StorageError> {
    let (term, id) = split(entry);
    Ok(block_at(table, term, id)?.is_some_and(|(_, block)| block.binary_search(&id).is_ok()))
}

/// Files `ids` (ascending, all above the term's blocks, or a term without any) as new
/// blocks of `term`, `CAP` to a block.
pub fn put_new(
    table: &mut BlockTable<'_>,
    term: &[u8],
    ids: &[RequestId],
) -> Result<(), StorageError> {
    ids.chunks(CAP)
        .try_for_each(|chunk| put(table, term, chunk))
}

/// Files `ids` (ascending, at most `CAP`) as one block of `term`.
fn put(table: &mut BlockTable<'_>, term: &[u8], ids: &[RequestId]) -> Result<(), StorageError> {
    table.insert(key(term, ids[0]).as_slice(), encode(ids).as_slice())?;
    Ok(())
}

/// Adds the logical entry `entry` (nothing happens if it is there).
pub fn insert(table: &mut BlockTable<'_>, entry: &[u8]) -> Result<(), StorageError> {
    let (term, id) = split(entry);
    match block_at(table, term, id)? {
        Some((first, mut block)) => {
            let Err(at) = block.binary_search(&id) else {
                return Ok(());
            };
            if block.len() < CAP {
                block.insert(at, id);
                put(table, term, &block)
            } else if at == block.len() {
                put(table, term, &[id])
            } else {
                block.insert(at, id);
                let upper = block.split_off(block.len() / 2);
                debug_assert_eq!(block[0], first);
                put(table, term, &block)?;
                put(table, term, &upper)
            }
        }
        // Below every block of the term: the first one takes it at its front, unless full.
        None => {
            let (at, end) = (key(term, id), key(term, RequestId::from_u128(u128::MAX)));
            let next = match table.range::<&[u8]>(at.as_slice()..=end.as_slice())?.next() {
                Some(e) => {
                    let (k, v) = e?;
                    Some((k.value().to_vec(), ids(v.value()).collect::<Vec<_>>()))
                }
                None => None,
            };
            match next {
                Some((k, mut block)) if block.len() < CAP => {
                    table.remove(k.as_slice())?;
                    block.insert(0, id);
                    put(table, term, &block)
                }
                _ => put(table, term, &[id]),
            }
        }
    }
}

/// Adds logical entries given in key order (a term's IDs ascending). The usual case, a
/// term's IDs all newer than its newest block's, reads and writes that block once.
pub fn insert_sorted(table: &mut BlockTable<'_>, entries: &[Vec<u8>]) -> Result<(), StorageError> {
    let mut rest = entries;
    while let Some(head) = rest.first() {
        let term = split(head).0;
        let n = rest.iter().take_while(|e| split(e).0 == term).count();
        let (group, tail) = rest.split_at(n);
        rest = tail;
        let new: Vec<RequestId> = group.iter().map(|e| split(e).1).collect();
        match block_at(table, term, RequestId::from_u128(u128::MAX))? {
            Some((_, block)) if block.last().is_some_and(|l| *l < new[0]) => {
                let room = CAP - block.len();
                let (joining, after) = new.split_at(room.min(new.len()));
                if !joining.is_empty() {
                    put(table, term, &[block, joining.to_vec()].concat())?;
                }
                put_new(table, term, after)?;
            }
            None => {
                put_new(table, term, &new)?;
            }
            Some(_) => {
                for e in group {
                    insert(table, e)?;
                }
            }
        }
    }
    Ok(())
}

/// Takes the logical entry `entry` out (nothing happens if it is not there).
pub fn remove(table: &mut BlockTable<'_>, entry: &[u8]) -> Result<(), StorageError> {
    remove_sorted(table, std::slice::from_ref(&entry.to_vec()))
}

/// Takes logical entries given in key order out (those not there are passed over). The
/// entries that fall in one block, as a retention run's old requests do in each common
/// term's oldest blocks, cost one read and one write of it.
pub fn remove_sorted(table: &mut BlockTable<'_>, entries: &[Vec<u8>]) -> Result<(), StorageError> {
    let mut rest = entries;
    while let Some(head) = rest.first() {
        let (term, id) = split(head);
        let Some((first, mut block)) = block_at(table, term, id)? else {
            rest = &rest[1..];
            continue;
        };
        let last = *block.last().expect("a block is never empty");
        let n = rest
            .iter()
            .take_while(|e| split(e).0 == term && split(e).1 <= last)
            .count()
            .max(1);
        let before = block.len();
        for e in &rest[..n] {
            if let Ok(at) = block.binary_search(&split(e).1) {
                block.remove(at);
            }
        }
        rest = &rest[n..];
        if block.len() == before {
            continue;
        }
        if block.first() != Some(&first) {
            table.remove(key(term, first).as_slice())?;
        }
        if !block.is_empty() {
            put(table, term, &block)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;
    use redb::{Database, ReadableDatabase, TableDefinition};

    use super::*;

    const T: TableDefinition<&[u8], &[u8]> = TableDefinition::new("t");

    fn entry(term: &str, id: u128) -> Vec<u8> {
        key(term.as_bytes(), RequestId::from_u128(id))
    }

    /// Every logical entry the blocks hold, checking each block's shape on the way.
    fn held(db: &Database) -> BTreeSet<Vec<u8>> {
        let txn = db.begin_read().unwrap();
        let table = txn.open_table(T).unwrap();
        let mut out = BTreeSet::new();
        for e in table.iter().unwrap() {
            let (k, v) = e.unwrap();
            let (term, first) = split(k.value());
            let block: Vec<RequestId> = ids(v.value()).collect();
            assert!(
                !block.is_empty() && block.len() <= CAP,
                "{} IDs",
                block.len()
            );
            assert_eq!(block[0], first, "filed under its first ID");
            assert!(
                block.windows(2).all(|w| w[0] < w[1]),
                "ascending, once each"
            );
            for id in block {
                out.insert(key(term, id));
            }
        }
        out
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8, u16),
        Batch(u8, Vec<u16>),
        RemoveBatch(Vec<(u8, u16)>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..3u8, 0..400u16).prop_map(|(t, i)| Op::Insert(t, i)),
            (0..3u8, 0..400u16).prop_map(|(t, i)| Op::Remove(t, i)),
            (0..3u8, prop::collection::vec(0..400u16, 0..150)).prop_map(|(t, v)| Op::Batch(t, v)),
            prop::collection::vec((0..3u8, 0..400u16), 0..200).prop_map(Op::RemoveBatch),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever the order of inserts, batches and removals, the blocks hold exactly the
        /// entries a set would, each block sorted, filed under its first ID and not over full.
        #[test]
        fn blocks_hold_what_a_set_would(ops in prop::collection::vec(op(), 1..60)) {
            let dir = tempfile::tempdir().unwrap();
            let db = Database::create(dir.path().join("t.redb")).unwrap();
            let mut model = BTreeSet::new();
            let terms = ["ab", "abc", "b"];
            for op in ops {
                let txn = db.begin_write().unwrap();
                {
                    let mut table = txn.open_table(T).unwrap();
                    match op {
                        Op::Insert(t, i) => {
                            let e = entry(terms[t as usize], i as u128);
                            insert(&mut table, &e).unwrap();
                            model.insert(e);
                        }
                        Op::Remove(t, i) => {
                            let e = entry(terms[t as usize], i as u128);
                            remove(&mut table, &e).unwrap();
                            model.remove(&e);
                        }
                        Op::Batch(t, ids) => {
                            let batch: BTreeSet<Vec<u8>> =
                                ids.iter().map(|i| entry(terms[t as usize], *i as u128)).collect();
                            let batch: Vec<Vec<u8>> = batch.into_iter().collect();
                            insert_sorted(&mut table, &batch).unwrap();
                            model.extend(batch);
                        }
                        Op::RemoveBatch(entries) => {
                            let batch: BTreeSet<Vec<u8>> = entries
                                .iter()
                                .map(|(t, i)| entry(terms[*t as usize], *i as u128))
                                .collect();
                            let batch: Vec<Vec<u8>> = batch.into_iter().collect();
                            remove_sorted(&mut table, &batch).unwrap();
                            for e in &batch {
                                model.remove(e);
                            }
                        }
                    }
                }
                txn.commit().unwrap();
            }
            prop_assert_eq!(held(&db), model);
        }
    }

    #[test]
    fn new_ids_fill_the_newest_block_then_start_another() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::create(dir.path().join("t.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut table = txn.open_table(T).unwrap();
            let first: Vec<Vec<u8>> = (0..100).map(|i| entry("grace", i)).collect();
            insert_sorted(&mut table, &first).unwrap();
            for i in 100..130 {
                insert(&mut table, &entry("grace", i)).unwrap();
            }
        }
        txn.commit().unwrap();
        let txn = db.begin_read().unwrap();
        let table = txn.open_table(T).unwrap();
        let sizes: Vec<usize> = table
            .iter()
            .unwrap()
            .map(|e| ids(e.unwrap().1.value()).count())
            .collect();
        assert_eq!(sizes, [64, 64, 2]);
        drop(table);
        assert_eq!(held(&db).len(), 130);
    }
}
