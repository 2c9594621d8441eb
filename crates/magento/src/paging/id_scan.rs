//! Id scans for reconciliation (contract §7.2).

use std::marker::PhantomData;

use chrono::{DateTime, Utc};

use super::clamp_page_size;
use crate::page::raw_record_id;
use crate::{Client, Direction, Error, Filter, Resource, SearchCriteria};

/// One page of an [`IdScan`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdPage {
    /// Ids in ascending order.
    pub ids: Vec<i64>,
    /// Rows after the previous page's last id (on the first page: all rows).
    pub total_count: Option<u64>,
    /// The store's clock when it answered.
    pub server_time: Option<DateTime<Utc>>,
}

/// Lists every id of a resource cheaply (`fields=items[<id>],total_count`, keyset on
/// `id gt last`, ascending) to find records deleted in the store (contract §7.2).
pub struct IdScan<R: Resource> {
    client: Client,
    last_id: i64,
    page_size: u32,
    filters: Vec<Vec<Filter>>,
    done: bool,
    _resource: PhantomData<R>,
}

impl<R: Resource> IdScan<R> {
    /// Scans from the first id; `page_size` is clamped to 1..=300.
    pub fn new(client: Client, page_size: u32) -> Self {
        Self {
            client,
            last_id: 0,
            page_size: clamp_page_size(page_size),
            filters: Vec::new(),
            done: false,
            _resource: PhantomData,
        }
    }

    /// Restarts after `id` (resume a scan).
    pub fn after(mut self, id: i64) -> Self {
        self.last_id = id;
        self
    }

    /// Adds a filter AND-ed to every page.
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filters.push(vec![filter]);
        self
    }

    /// The last id handed out.
    pub fn last_id(&self) -> i64 {
        self.last_id
    }

    /// The next page of ids, or `None` at the end.
    pub async fn next_page(&mut self) -> Result<Option<IdPage>, Error> {
        if self.done {
            return Ok(None);
        }
        let mut criteria = SearchCriteria::new()
            .page_size(self.page_size)
            .current_page(1)
            .fields(format!("items[{}],total_count", R::ID_JSON_FIELD));
        criteria.filter_groups = self.filters.clone();
        let criteria = criteria
            .filter(Filter::gt(R::ID_FIELD, self.last_id))
            .sort(R::ID_FIELD, Direction::Asc);
        let raw = self.client.search_raw(R::SEARCH_PATH, &criteria).await?;
        if raw.items.len() < self.page_size as usize {
            self.done = true;
        }
        if raw.items.is_empty() {
            return Ok(None);
        }
        let ids = raw
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                raw_record_id(item, &[R::ID_JSON_FIELD]).ok_or_else(|| {
                    Error::decode(
                        format!("items[{i}].{}", R::ID_JSON_FIELD),
                        "missing or not an integer",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let max = ids.iter().copied().max().unwrap_or(self.last_id);
        if max <= self.last_id {
            return Err(Error::decode(
                "items",
                format!("the store ignored the {} id filter", R::NAME),
            ));
        }
        self.last_id = max;
        Ok(Some(IdPage {
            ids,
            total_count: raw.total_count,
            server_time: raw.server_time,
        }))
    }
}
