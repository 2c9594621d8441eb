//! Page-number paging with every stop rule of contract §4.3.

use std::collections::HashSet;
use std::marker::PhantomData;

use super::{DEFAULT_PAGE_SIZE, clamp_page_size};
use crate::page::raw_record_id;
use crate::{Client, Direction, Error, Resource, SearchCriteria, SearchPage};

/// Pages through a search with `currentPage`, stopping on whichever comes first: a short
/// page, `currentPage * pageSize >= total_count`, an empty page (2.4 past the end), or a
/// page whose first id was already the first id of an earlier page (2.3 repeats the last
/// page instead of answering empty). It never requests past a known end.
///
/// Offset paging drifts when rows change mid-scan; prefer [`KeysetPager`](crate::KeysetPager) for syncing.
pub struct OffsetPager<R: Resource> {
    client: Client,
    criteria: SearchCriteria,
    page_size: u32,
    next_page: u32,
    first_ids: HashSet<i64>,
    done: bool,
    _resource: PhantomData<R>,
}

impl<R: Resource> OffsetPager<R> {
    /// Pages through `criteria` (its `pageSize`, default 100 and at most 300, and its
    /// `currentPage`, default 1). Without sort orders, `ID_FIELD ASC` is added: Magento
    /// has no default order, and unordered pages overlap.
    pub fn new(client: Client, mut criteria: SearchCriteria) -> Self {
        let page_size = clamp_page_size(criteria.page_size.unwrap_or(DEFAULT_PAGE_SIZE));
        let next_page = criteria.current_page.unwrap_or(1).max(1);
        if criteria.sort_orders.is_empty() {
            criteria = criteria.sort(R::ID_FIELD, Direction::Asc);
        }
        Self {
            client,
            criteria,
            page_size,
            next_page,
            first_ids: HashSet::new(),
            done: false,
            _resource: PhantomData,
        }
    }

    /// True once the last page was handed out.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The next page, or `None` at the end. After an error, calling again retries the same page.
    pub async fn next_page(&mut self) -> Result<Option<SearchPage<R::Item>>, Error> {
        if self.done {
            return Ok(None);
        }
        let page_number = self.next_page;
        let criteria = self
            .criteria
            .clone()
            .page_size(self.page_size)
            .current_page(page_number);
        let raw = self.client.search_raw(R::SEARCH_PATH, &criteria).await?;
        if raw.items.is_empty() {
            self.done = true;
            return Ok(None);
        }
        if let Some(first) = raw
            .items
            .first()
            .and_then(|item| raw_record_id(item, &[R::ID_JSON_FIELD]))
            && !self.first_ids.insert(first)
        {
            tracing::debug!(
                resource = R::NAME,
                page = page_number,
                "store repeated an earlier page; stopping"
            );
            self.done = true;
            return Ok(None);
        }
        let fetched_through = u64::from(page_number) * u64::from(self.page_size);
        if raw.items.len() < self.page_size as usize
            || raw
                .total_count
                .is_some_and(|total| fetched_through >= total)
        {
            self.done = true;
        }
        self.next_page = page_number.saturating_add(1);
        Ok(Some(raw.decode(&[R::ID_JSON_FIELD])))
    }
}
