//! The keyset cursor of contract §7.1.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clamp_page_size;
use crate::page::{RawPage, pick_fields};
use crate::types::de::{parse_datetime, parse_i64};
use crate::{Client, Direction, Error, Filter, Incremental, SearchCriteria, SearchPage};

/// Position of an incremental sync: the `updated_at` and id of the last processed record.
/// Commit it together with the page it came with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct KeysetCursor {
    /// `updated_at` of the last processed record (UTC).
    pub updated_at: DateTime<Utc>,
    /// Its id.
    pub last_id: i64,
}

impl KeysetCursor {
    /// A cursor before every record updated at or after `since` (an initial sync).
    pub fn start(since: DateTime<Utc>) -> Self {
        Self {
            updated_at: since,
            last_id: 0,
        }
    }
}

/// A page of a [`KeysetPager`] and the cursor to commit once the page is stored.
#[derive(Clone, Debug)]
pub struct KeysetPage<T> {
    /// The records.
    pub page: SearchPage<T>,
    /// The cursor after this page.
    pub cursor: KeysetCursor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Tie,
    Advance,
    Done,
}

/// The keyset walk of contract §7.1 with cursor `(T, lastId)` and upper bound `U`:
/// * tie phase: `updated_at eq T` AND `id gt lastId`, sorted by id ASC, until a short page;
/// * advance phase: `updated_at gt T` AND `updated_at lteq U`, sorted by `updated_at` ASC
///   then id ASC; a full page goes back to the tie phase at the new `T`.
///
/// Always `currentPage=1`: no deep offsets, no 2.3 repeat trap, no drift. Records sharing
/// one `updated_at` across page boundaries are returned exactly once. The cursor comes from
/// the raw JSON, so records that fail to decode still move it forward.
pub struct KeysetPager<R: Incremental> {
    client: Client,
    cursor: KeysetCursor,
    upper: DateTime<Utc>,
    page_size: u32,
    filters: Vec<Vec<Filter>>,
    fields: Option<String>,
    phase: Phase,
    _resource: PhantomData<R>,
}

impl<R: Incremental> KeysetPager<R> {
    /// Starts after `cursor`, up to `upper_bound` inclusive: the store's clock minus a lag.
    /// Contract §7.1 asks for at least 60 s so that rows committed after their stamp are not
    /// passed over; a caller that re-reads an overlap behind its cursor on every run (the
    /// Cartwise sync: 5 minutes) catches those anyway and can use a shorter lag, so changes
    /// arrive sooner. `page_size` is clamped to 1..=300.
    pub fn new(
        client: Client,
        cursor: KeysetCursor,
        upper_bound: DateTime<Utc>,
        page_size: u32,
    ) -> Self {
        Self {
            client,
            cursor,
            upper: upper_bound,
            page_size: clamp_page_size(page_size),
            filters: Vec::new(),
            fields: None,
            phase: Phase::Tie,
            _resource: PhantomData,
        }
    }

    /// Adds a filter AND-ed to both phases (e.g. `store_id in 1,2` for the chosen websites).
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filters.push(vec![filter]);
        self
    }

    /// Adds an OR group AND-ed to both phases.
    pub fn with_any_of(mut self, filters: impl IntoIterator<Item = Filter>) -> Self {
        let group: Vec<Filter> = filters.into_iter().collect();
        if !group.is_empty() {
            self.filters.push(group);
        }
        self
    }

    /// Sets a `fields=` projection; it must keep the id and `updated_at` of each item.
    pub fn with_fields(mut self, fields: impl Into<String>) -> Self {
        self.fields = Some(fields.into());
        self
    }

    /// The cursor after the last page handed out.
    pub fn cursor(&self) -> KeysetCursor {
        self.cursor
    }

    /// True once the window is exhausted.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    fn base(&self) -> SearchCriteria {
        let mut criteria = SearchCriteria::new()
            .page_size(self.page_size)
            .current_page(1);
        criteria.filter_groups = self.filters.clone();
        criteria.fields = self.fields.clone();
        criteria
    }

    /// The next non-empty page with its cursor, or `None` when the window is exhausted.
    /// After an error, calling again repeats the same request.
    pub async fn next_page(&mut self) -> Result<Option<KeysetPage<R::Item>>, Error> {
        loop {
            let at = self.cursor.updated_at;
            let criteria = match self.phase {
                Phase::Done => return Ok(None),
                Phase::Tie => self
                    .base()
                    .filter(Filter::eq(R::UPDATED_FIELD, at))
                    .filter(Filter::gt(R::ID_FIELD, self.cursor.last_id))
                    .sort(R::ID_FIELD, Direction::Asc),
                Phase::Advance if at >= self.upper => {
                    self.phase = Phase::Done;
                    return Ok(None);
                }
                Phase::Advance => self
                    .base()
                    .filter(Filter::gt(R::UPDATED_FIELD, at))
                    .filter(Filter::lteq(R::UPDATED_FIELD, self.upper))
                    .sort(R::UPDATED_FIELD, Direction::Asc)
                    .sort(R::ID_FIELD, Direction::Asc),
            };
            let raw = self.client.search_raw(R::SEARCH_PATH, &criteria).await?;
            let full = raw.items.len() >= self.page_size as usize;
            if raw.items.is_empty() {
                self.phase = if self.phase == Phase::Tie {
                    Phase::Advance
                } else {
                    Phase::Done
                };
                continue;
            }
            let cursor = self.cursor_after(&raw)?;
            self.phase = match (self.phase, full) {
                (Phase::Tie, true) => Phase::Tie,
                (Phase::Tie, false) => Phase::Advance,
                // A full advance page may have cut a run of equal timestamps: finish it.
                (_, true) => Phase::Tie,
                // A short advance page held everything up to U.
                (_, false) => Phase::Done,
            };
            self.cursor = cursor;
            return Ok(Some(KeysetPage {
                page: raw.decode(&[R::ID_JSON_FIELD]),
                cursor,
            }));
        }
    }

    /// The largest `(updated_at, id)` on the page. It must move past the current cursor,
    /// or the store ignored the filters and the walk would never end.
    fn cursor_after(&self, raw: &RawPage) -> Result<KeysetCursor, Error> {
        let in_tie = self.phase == Phase::Tie;
        let next = raw
            .items
            .iter()
            .filter_map(|item| {
                let [id, updated] = <[Option<serde_json::Value>; 2]>::try_from(pick_fields(
                    item,
                    &[R::ID_JSON_FIELD, R::UPDATED_FIELD],
                ))
                .ok()?;
                let id = parse_i64(id.as_ref()?).ok().flatten()?;
                let updated = match updated.as_ref().map(parse_datetime) {
                    Some(Ok(Some(at))) => at,
                    _ if in_tie => self.cursor.updated_at,
                    _ => return None,
                };
                Some(KeysetCursor {
                    updated_at: updated,
                    last_id: id,
                })
            })
            .max()
            .ok_or_else(|| {
                Error::decode(
                    format!("items[].{}", R::ID_JSON_FIELD),
                    format!(
                        "no {} record on the page has a readable id and {}",
                        R::NAME,
                        R::UPDATED_FIELD
                    ),
                )
            })?;
        if next <= self.cursor {
            return Err(Error::decode(
                "items",
                format!(
                    "the store ignored the {} cursor filters (no record after {:?})",
                    R::NAME,
                    self.cursor
                ),
            ));
        }
        Ok(next)
    }
}
