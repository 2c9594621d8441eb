//! When a page keeps failing after every retry with a server error, the cause is often one
//! record the store cannot render (Magento issue 26087: a cart whose coupon points at a
//! disabled product makes every page holding it fail). Instead of stopping the sync, find the
//! next record with an id-only request (which still works), fetch it alone, and either keep it
//! or log it as failed and step past it.

use chrono::{DateTime, NaiveDateTime, Utc};
use magento::{
    Client, Direction, Filter, Incremental, KeysetCursor, Resource, SearchCriteria, SearchPage,
};
use serde_json::Value;

/// At most this many records are isolated in one run: beyond that the store is broken, not
/// one record.
pub const MAX_PER_RUN: usize = 50;

/// Whether a page failure may be caused by one of its records: a record Magento cannot
/// render (a 5xx, or a PHP fatal error that cuts the JSON off mid-page), one that does not
/// decode, one so large that the page passes its size limit (smaller pages have smaller limits,
/// so halving finds it), or one that takes the page past the response timeout.
pub fn may_be_one_record(error: &magento::Error) -> bool {
    matches!(
        error,
        magento::Error::Server { .. }
            | magento::Error::Decode { .. }
            | magento::Error::TooLarge { .. }
            | magento::Error::UnusableAnswer { .. }
            | magento::Error::Timeout {
                phase: magento::TimeoutPhase::Response,
                ..
            }
    )
}

/// The outcome of isolating the record after `cursor`.
pub enum Isolated<T> {
    /// It fetched fine alone: a one-record page, and the cursor after it.
    Fetched(SearchPage<T>, KeysetCursor),
    /// It fails even alone: its id, and the cursor after it.
    Failed {
        id: i64,
        cursor: KeysetCursor,
        error: String,
    },
}

fn parse_time(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?;
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

/// The id and `updated_at` of the first record after `cursor` (within `upper`), by id only.
async fn next_record<R: Incremental>(
    client: &Client,
    cursor: KeysetCursor,
    upper: DateTime<Utc>,
    scope: Option<&Filter>,
) -> Result<Option<(i64, DateTime<Utc>)>, magento::Error> {
    let fields = format!("items[{},{}]", R::ID_JSON_FIELD, R::UPDATED_FIELD);
    let tie = SearchCriteria::new()
        .filter(Filter::eq(R::UPDATED_FIELD, cursor.updated_at))
        .filter(Filter::gt(R::ID_FIELD, cursor.last_id))
        .sort(R::ID_FIELD, Direction::Asc);
    let advance = SearchCriteria::new()
        .filter(Filter::gt(R::UPDATED_FIELD, cursor.updated_at))
        .filter(Filter::lteq(R::UPDATED_FIELD, upper))
        .sort(R::UPDATED_FIELD, Direction::Asc)
        .sort(R::ID_FIELD, Direction::Asc);
    for criteria in [tie, advance] {
        let mut criteria = criteria.page_size(1).current_page(1).fields(fields.clone());
        if let Some(scope) = scope {
            criteria = criteria.filter(scope.clone());
        }
        let page: SearchPage<Value> = client.search(R::SEARCH_PATH, &criteria).await?;
        if let Some(Ok(item)) = page.items.into_iter().next() {
            let id = item[R::ID_JSON_FIELD]
                .as_i64()
                .or_else(|| item[R::ID_JSON_FIELD].as_str()?.parse().ok());
            if let (Some(id), Some(at)) = (id, parse_time(&item[R::UPDATED_FIELD])) {
                return Ok(Some((id, at)));
            }
        }
    }
    Ok(None)
}

/// Finds the record after `cursor` and fetches it alone. `None` when there is no next record
/// (the failure was not a record's) or the id-only request fails too (the store is down).
pub async fn isolate<R: Incremental>(
    client: &Client,
    cursor: KeysetCursor,
    upper: DateTime<Utc>,
    scope: Option<&Filter>,
) -> Option<Isolated<R::Item>> {
    let (id, at) = next_record::<R>(client, cursor, upper, scope)
        .await
        .ok()??;
    let after = KeysetCursor {
        updated_at: at,
        last_id: id,
    };
    let one = SearchCriteria::new()
        .filter(Filter::eq(R::ID_FIELD, id))
        .page_size(1)
        .current_page(1);
    match client.search::<R::Item>(R::SEARCH_PATH, &one).await {
        Ok(page) => Some(Isolated::Fetched(page, after)),
        Err(e) => Some(Isolated::Failed {
            id,
            cursor: after,
            error: format!("the store failed to return this record: {e}"),
        }),
    }
}

/// One step of a [`FullScan`].
pub enum ScanStep<T> {
    /// A page of full records, in id order.
    Page(SearchPage<T>),
    /// A record the store fails to return even alone: log it and go on.
    Unreadable { id: i64, error: magento::Error },
}

/// Full records in id order (keyset on the id, always `currentPage=1`), for the passes that
/// must see every record: the reconciliation's customer re-read and the subscriber scan. A
/// page that keeps failing with a server error is narrowed down by halving the page size (on
/// the client that retries little) until the one record that breaks it is found; that record
/// is handed back as [`ScanStep::Unreadable`] and full pages resume after it.
pub struct FullScan<R: Resource> {
    last_id: i64,
    page_size: u32,
    careful: Option<u32>,
    isolated: usize,
    filters: Vec<Filter>,
    id_of: fn(&R::Item) -> Option<i64>,
    done: bool,
}

impl<R: Resource> FullScan<R> {
    pub fn new(after: i64, page_size: u32, id_of: fn(&R::Item) -> Option<i64>) -> Self {
        Self {
            last_id: after,
            page_size: page_size.max(1),
            careful: None,
            isolated: 0,
            filters: Vec::new(),
            id_of,
            done: false,
        }
    }

    /// Restricts the scan (a website or store scope).
    pub fn with_filter(mut self, filter: Option<Filter>) -> Self {
        self.filters.extend(filter);
        self
    }

    /// The largest id handed out so far.
    pub fn last_id(&self) -> i64 {
        self.last_id
    }

    /// The next step, or `None` at the end. A page whose records carry no readable id is an
    /// error, not the end: ending there would make the caller think the rest left the store.
    pub async fn next(
        &mut self,
        client: &Client,
        careful_client: &Client,
    ) -> anyhow::Result<Option<ScanStep<R::Item>>> {
        loop {
            if self.done {
                return Ok(None);
            }
            let size = self.careful.unwrap_or(self.page_size);
            let mut criteria = SearchCriteria::new()
                .filter(Filter::gt(R::ID_FIELD, self.last_id))
                .sort(R::ID_FIELD, Direction::Asc)
                .page_size(size)
                .current_page(1);
            for f in &self.filters {
                criteria = criteria.filter(f.clone());
            }
            let from = if self.careful.is_some() {
                careful_client
            } else {
                client
            };
            match from.search_resource::<R>(&criteria).await {
                Ok(page) => {
                    let n = page.items.len();
                    let max = page
                        .items
                        .iter()
                        .filter_map(|i| match i {
                            Ok(r) => (self.id_of)(r),
                            Err(e) => e.id,
                        })
                        .max();
                    let Some(max) = max.filter(|m| *m > self.last_id) else {
                        if n == 0 {
                            self.done = true;
                            return Ok(None);
                        }
                        anyhow::bail!(
                            "the store returned {n} {} after id {} without a readable id past it",
                            R::NAME,
                            self.last_id
                        );
                    };
                    self.last_id = max;
                    // A careful page is short by design; only a short full page ends the scan.
                    if n < size as usize && self.careful.is_none() {
                        self.done = true;
                    }
                    return Ok(Some(ScanStep::Page(page)));
                }
                Err(e) if may_be_one_record(&e) && self.isolated < MAX_PER_RUN => {
                    if size > 1 {
                        self.careful = Some(size / 2);
                        continue;
                    }
                    // The next record fails even alone: find its id (id-only requests still
                    // work) and step past it.
                    let Ok(Some(id)) = self.next_id(careful_client).await else {
                        return Err(e.into());
                    };
                    self.isolated += 1;
                    self.careful = None;
                    self.last_id = id;
                    return Ok(Some(ScanStep::Unreadable { id, error: e }));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    async fn next_id(&self, client: &Client) -> Result<Option<i64>, magento::Error> {
        let mut criteria = SearchCriteria::new()
            .filter(Filter::gt(R::ID_FIELD, self.last_id))
            .sort(R::ID_FIELD, Direction::Asc)
            .page_size(1)
            .current_page(1)
            .fields(format!("items[{}]", R::ID_JSON_FIELD));
        for f in &self.filters {
            criteria = criteria.filter(f.clone());
        }
        let page: SearchPage<Value> = client.search(R::SEARCH_PATH, &criteria).await?;
        Ok(page.records().find_map(|item| {
            let id = &item[R::ID_JSON_FIELD];
            id.as_i64()
                .or_else(|| id.as_str()?.trim().parse().ok())
                .filter(|id| *id > self.last_id)
        }))
    }
}
