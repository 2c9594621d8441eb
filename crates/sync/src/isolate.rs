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

/// Whether a page failure may be caused by one of its records.
pub fn may_be_one_record(error: &magento::Error) -> bool {
    matches!(
        error,
        magento::Error::Server { .. }
            | magento::Error::Decode { .. }
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

#[allow(dead_code)]
fn _assert_resource<R: Resource>() {}
