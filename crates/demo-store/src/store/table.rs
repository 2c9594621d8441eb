//! A table of records keyed by id, with an `(updated_at, id)` index and bucket counts.
//!
//! The sync's keyset queries (`updated_at gt T and lteq U` sorted by updated_at, entity_id;
//! `entity_id gt X` sorted by entity_id) become B-tree range walks that stop after a page.
//! Their `total_count` would still need a walk of the whole range on every page; bucket
//! counts (per hour of updated_at, per 1024 ids) make a count cost two partial buckets plus
//! a sum over a few thousand integers instead.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use crate::clock::Ts;

/// A record stored in a table.
pub trait Row {
    fn id(&self) -> u32;
    /// The column the incremental sync pages on; None keeps the row out of that index.
    fn updated_key(&self) -> Option<Ts>;
}

const ID_BUCKET_BITS: u32 = 10;
const TS_BUCKET_SECS: u32 = 3600;

#[derive(Clone, Debug, Default)]
pub struct Table<T> {
    rows: BTreeMap<u32, T>,
    by_updated: BTreeSet<(u32, u32)>,
    id_buckets: BTreeMap<u32, u32>,
    ts_buckets: BTreeMap<u32, u32>,
}

impl<T: Row> Table<T> {
    pub fn from_rows(rows: Vec<T>) -> Self {
        let mut table = Table {
            rows: BTreeMap::new(),
            by_updated: BTreeSet::new(),
            id_buckets: BTreeMap::new(),
            ts_buckets: BTreeMap::new(),
        };
        for row in rows {
            table.insert(row);
        }
        table
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, id: u32) -> Option<&T> {
        self.rows.get(&id)
    }

    pub fn contains(&self, id: u32) -> bool {
        self.rows.contains_key(&id)
    }

    /// Rows in id (insertion) order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.rows.values()
    }

    pub fn range(&self, lo: Bound<u32>, hi: Bound<u32>) -> impl DoubleEndedIterator<Item = &T> {
        let empty = !range_ok(&lo, &hi);
        let (lo, hi) = if empty {
            (Bound::Included(1), Bound::Excluded(1))
        } else {
            (lo, hi)
        };
        self.rows.range((lo, hi)).map(|(_, v)| v)
    }

    /// Rows present in the updated index (rows with a null updated key are not).
    pub fn updated_len(&self) -> usize {
        self.by_updated.len()
    }

    pub fn max_id(&self) -> u32 {
        self.rows.keys().next_back().copied().unwrap_or(0)
    }

    /// `(updated_at, id)` keys within bounds, ascending.
    pub fn updated_range(
        &self,
        lo: Bound<(u32, u32)>,
        hi: Bound<(u32, u32)>,
    ) -> impl DoubleEndedIterator<Item = (u32, u32)> + '_ {
        let empty = !range_ok(&lo, &hi);
        let (lo, hi) = if empty {
            (Bound::Included((1, 0)), Bound::Excluded((1, 0)))
        } else {
            (lo, hi)
        };
        self.by_updated.range((lo, hi)).copied()
    }

    pub fn count_ids(&self, lo: Bound<u32>, hi: Bound<u32>) -> usize {
        count_range(
            &self.id_buckets,
            lo,
            hi,
            |k| k >> ID_BUCKET_BITS,
            |b| {
                (
                    b << ID_BUCKET_BITS,
                    (b << ID_BUCKET_BITS) | ((1 << ID_BUCKET_BITS) - 1),
                )
            },
            |lo, hi| self.rows.range((lo, hi)).count(),
        )
    }

    pub fn count_updated(&self, lo: Bound<(u32, u32)>, hi: Bound<(u32, u32)>) -> usize {
        count_range(
            &self.ts_buckets,
            lo,
            hi,
            |k: (u32, u32)| k.0 / TS_BUCKET_SECS,
            |b| {
                (
                    (b * TS_BUCKET_SECS, 0),
                    (b * TS_BUCKET_SECS + TS_BUCKET_SECS - 1, u32::MAX),
                )
            },
            |lo, hi| self.by_updated.range((lo, hi)).count(),
        )
    }

    pub(crate) fn insert(&mut self, row: T) {
        let id = row.id();
        self.remove(id);
        if let Some(ts) = row.updated_key() {
            self.by_updated.insert((ts.0, id));
            *self.ts_buckets.entry(ts.0 / TS_BUCKET_SECS).or_default() += 1;
        }
        *self.id_buckets.entry(id >> ID_BUCKET_BITS).or_default() += 1;
        self.rows.insert(id, row);
    }

    pub(crate) fn remove(&mut self, id: u32) -> Option<T> {
        let row = self.rows.remove(&id)?;
        decrement(&mut self.id_buckets, id >> ID_BUCKET_BITS);
        if let Some(ts) = row.updated_key() {
            self.by_updated.remove(&(ts.0, id));
            decrement(&mut self.ts_buckets, ts.0 / TS_BUCKET_SECS);
        }
        Some(row)
    }

    /// Applies `f` to a row and re-indexes it if its updated key moved.
    pub(crate) fn update<R>(&mut self, id: u32, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let row = self.rows.get_mut(&id)?;
        let before = row.updated_key();
        let out = f(row);
        let after = row.updated_key();
        if before != after {
            if let Some(ts) = before {
                self.by_updated.remove(&(ts.0, id));
                decrement(&mut self.ts_buckets, ts.0 / TS_BUCKET_SECS);
            }
            if let Some(ts) = after {
                self.by_updated.insert((ts.0, id));
                *self.ts_buckets.entry(ts.0 / TS_BUCKET_SECS).or_default() += 1;
            }
        }
        Some(out)
    }

    /// Mutable access that must not touch the updated key (checked in debug builds).
    pub(crate) fn get_mut_same_key(&mut self, id: u32) -> Option<&mut T> {
        self.rows.get_mut(&id)
    }
}

fn decrement(buckets: &mut BTreeMap<u32, u32>, bucket: u32) {
    if let Some(n) = buckets.get_mut(&bucket) {
        *n -= 1;
        if *n == 0 {
            buckets.remove(&bucket);
        }
    }
}

/// False when the bounds describe an empty range (BTree ranges panic on those).
pub fn range_ok<K: Ord>(lo: &Bound<K>, hi: &Bound<K>) -> bool {
    use Bound::*;
    match (lo, hi) {
        (Included(a), Included(b)) => a <= b,
        (Included(a), Excluded(b)) | (Excluded(a), Included(b)) => a < b,
        (Excluded(a), Excluded(b)) => a < b,
        _ => true,
    }
}

/// Counts keys in `[lo, hi]` using per-bucket totals for the buckets strictly inside.
fn count_range<K: Ord + Copy>(
    buckets: &BTreeMap<u32, u32>,
    lo: Bound<K>,
    hi: Bound<K>,
    bucket_of: impl Fn(K) -> u32,
    bucket_span: impl Fn(u32) -> (K, K),
    walk: impl Fn(Bound<K>, Bound<K>) -> usize,
) -> usize {
    if !range_ok(&lo, &hi) {
        return 0;
    }
    let first = match lo {
        Bound::Included(k) | Bound::Excluded(k) => bucket_of(k),
        Bound::Unbounded => match buckets.keys().next() {
            Some(b) => *b,
            None => return 0,
        },
    };
    let last = match hi {
        Bound::Included(k) | Bound::Excluded(k) => bucket_of(k),
        Bound::Unbounded => match buckets.keys().next_back() {
            Some(b) => *b,
            None => return 0,
        },
    };
    if last <= first.saturating_add(1) {
        return walk(lo, hi);
    }
    let head = walk(lo, Bound::Included(bucket_span(first).1));
    let middle: u32 = buckets.range(first + 1..last).map(|(_, n)| *n).sum();
    let tail = walk(Bound::Included(bucket_span(last).0), hi);
    head + middle as usize + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct R(u32, u32);

    impl Row for R {
        fn id(&self) -> u32 {
            self.0
        }
        fn updated_key(&self) -> Option<Ts> {
            Some(Ts(self.1))
        }
    }

    #[test]
    fn bucket_counts_match_walks() {
        let rows: Vec<R> = (1..5000).map(|i| R(i * 3, (i * 7919) % 100_000)).collect();
        let mut t = Table::from_rows(rows);
        t.remove(300);
        t.update(303, |r| r.1 = 5);
        use Bound::*;
        for (lo, hi) in [
            (Excluded(0), Unbounded),
            (Included(1000), Excluded(9000)),
            (Excluded(14_000), Included(20_000)),
        ] {
            assert_eq!(t.count_ids(lo, hi), t.range(lo, hi).count());
        }
        let cases = [
            (Excluded((5, u32::MAX)), Included((50_000, u32::MAX))),
            (Included((0, 0)), Unbounded),
            (Included((7000, 0)), Included((7000, u32::MAX))),
        ];
        for (lo, hi) in cases {
            assert_eq!(t.count_updated(lo, hi), t.updated_range(lo, hi).count());
        }
        assert_eq!(t.count_ids(Included(10), Excluded(5)), 0);
    }
}
