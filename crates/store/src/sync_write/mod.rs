//! Batched writes of synced records: one `INSERT … SELECT FROM UNNEST(…) ON CONFLICT … DO
//! UPDATE … WHERE` statement per page and table, so a page of 300 orders costs a handful of
//! statements, not thousands. A stored row is overwritten only by a newer (or equally new but
//! different) payload, so re-reading an overlap window or an old page never goes backwards.
//!
//! Nullable array columns are bound with `as _`: sqlx's compile-time check knows `text[]` only
//! as `&[String]`, while UNNEST input legitimately holds NULLs (`&[Option<String>]`). The SQL
//! itself is still checked against the schema.

pub mod carts;
pub mod credit_memos;
pub mod customers;
pub mod deferred_indexes;
pub mod dictionaries;
pub mod links;
pub mod orders;
pub mod planner_stats;
pub mod products;
pub mod records;
pub mod subscribers;

pub use records::*;

/// What a batch did: rows created, changed, left as they were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl UpsertCounts {
    pub(crate) fn from_returned(total: usize, returned: &[(i64, bool)]) -> Self {
        let created = returned.iter().filter(|(_, inserted)| *inserted).count() as u64;
        let updated = returned.len() as u64 - created;
        UpsertCounts {
            created,
            updated,
            unchanged: (total - returned.len()) as u64,
        }
    }
}

impl std::ops::AddAssign for UpsertCounts {
    fn add_assign(&mut self, other: Self) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// Keeps the last occurrence of each key: Postgres refuses to update one row twice in one
/// statement, and a page may repeat a record (a moving window, a buggy store).
pub(crate) fn dedup_by_key<T, K: std::hash::Hash + Eq>(
    records: &[T],
    key: impl Fn(&T) -> K,
) -> Vec<&T> {
    let mut seen = std::collections::HashMap::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        seen.insert(key(r), i);
    }
    let mut keep: Vec<usize> = seen.into_values().collect();
    keep.sort_unstable();
    keep.into_iter().map(|i| &records[i]).collect()
}
