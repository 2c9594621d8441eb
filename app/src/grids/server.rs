//! The server side of grids: a page's query string → validated state (with a saved view merged
//! in) → the store's page or CSV stream. Server functions stay a few lines and call these, which
//! the benchmark also calls, so it measures the server functions' own path.

use super::codec;
use super::csv;
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use domain::AppError;
use domain::grid::{GridField, GridPage, GridQuery, parse};
use futures::{Stream, StreamExt};
use store::PgPool;
use store::grid::GridSource;

/// Longest query string accepted (a state with every filter set is well under 2 KB).
const MAX_QUERY_LEN: usize = 16 * 1024;

/// The user's today, for rolling date presets.
pub fn today(tz: Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// Validates a grid's query string. `view=<id>` starts from that saved view's state; the
/// URL's own parameters override it key by key (so `?view=5&page=2` is page 2 of view 5).
pub async fn resolve<F: GridField>(
    pool: &PgPool,
    raw: &str,
    tz: Tz,
) -> Result<GridQuery<F>, AppError> {
    if raw.len() > MAX_QUERY_LEN {
        return Err(AppError::invalid(
            "query",
            "This link is too long to be a grid's state.",
        ));
    }
    let mut pairs = codec::decode_query(raw);
    let view = pairs
        .iter()
        .rev()
        .find(|(k, v)| k == "view" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string());
    if let Some(view) = view {
        let missing = || AppError::invalid("view", "This saved view no longer exists.");
        let id: i64 = view.parse().map_err(|_| missing())?;
        let (grid, saved) = store::grid::views::find(pool, id)
            .await?
            .ok_or_else(missing)?;
        if grid != F::GRID {
            return Err(AppError::invalid(
                "view",
                "This saved view belongs to another grid.",
            ));
        }
        let own_keys: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
        let mut merged: Vec<(String, String)> = codec::decode_query(&saved)
            .into_iter()
            .filter(|(k, _)| !own_keys.contains(k))
            .collect();
        merged.append(&mut pairs);
        pairs = merged;
    }
    parse(&pairs, today(tz))
}

/// One page of a grid for a query string.
pub async fn load_page<F: GridSource>(
    pool: &PgPool,
    raw: &str,
    tz: Tz,
) -> Result<GridPage<F::Record>, AppError> {
    let query = resolve::<F>(pool, raw, tz).await?;
    let (rows, total) = store::grid::page(pool, &query, tz).await?;
    Ok(GridPage { rows, total, query })
}

/// CSV downloads running at once in this process, and per user: each holds a database
/// connection for as long as its client reads, so a few stalled downloads must not take the
/// pool from everyone else (the page, the dashboard, the sync).
pub const MAX_EXPORTS: usize = 4;
pub const MAX_EXPORTS_PER_USER: usize = 2;

static EXPORTS: std::sync::LazyLock<std::sync::Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_EXPORTS)));
static EXPORTS_BY_USER: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<i64, usize>>,
> = std::sync::LazyLock::new(Default::default);

/// A running export's place in the budget, given back when the download ends (or is dropped
/// by a client that went away).
pub struct ExportSlot {
    _overall: tokio::sync::OwnedSemaphorePermit,
    _user: UserExport,
}

/// One of a user's running exports.
struct UserExport(i64);

impl Drop for UserExport {
    fn drop(&mut self) {
        if let Ok(mut by_user) = EXPORTS_BY_USER.lock()
            && let Some(n) = by_user.get_mut(&self.0)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                by_user.remove(&self.0);
            }
        }
    }
}

/// Takes a place for an export, or says why there is none (HTTP 503, try again shortly).
pub fn export_slot(user: i64) -> Result<ExportSlot, AppError> {
    let busy = |what: &str| {
        AppError::Unavailable(format!(
            "{what}: wait for a download to finish, then try again."
        ))
    };
    let mine = {
        let mut by_user = EXPORTS_BY_USER.lock().map_err(|_| AppError::Internal)?;
        let running = by_user.entry(user).or_default();
        if *running >= MAX_EXPORTS_PER_USER {
            return Err(busy("You already have two exports running"));
        }
        *running += 1;
        UserExport(user)
    };
    // On refusal `mine` is dropped here, giving the user's count back.
    let overall = EXPORTS
        .clone()
        .try_acquire_owned()
        .map_err(|_| busy("Too many exports are running right now"))?;
    Ok(ExportSlot {
        _overall: overall,
        _user: mine,
    })
}

/// How long a download may wait on a client that reads nothing, and how long it may run in all.
pub const EXPORT_STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);
pub const EXPORT_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(180);

/// A download's chunks produced by a task of its own and handed to the response through a
/// small buffer, so that a client that reads nothing for [`EXPORT_STALL_LIMIT`], or a download
/// past [`EXPORT_TIME_LIMIT`], ends it: the rows' query (and with it its pool connection) and
/// the export's slot are dropped then, whatever the client does next. Postgres alone would not
/// end it: a backend blocked writing to a client that stopped reading does not act on its
/// `statement_timeout`. The response then ends with an error, never as a file that looks whole.
pub fn bounded_download<S>(
    source: S,
    slot: ExportSlot,
) -> impl Stream<Item = Result<String, AppError>> + Send + 'static
where
    S: Stream<Item = Result<String, AppError>> + Send + 'static,
{
    bounded_download_with(source, slot, EXPORT_STALL_LIMIT, EXPORT_TIME_LIMIT)
}

fn bounded_download_with<S, G>(
    source: S,
    guard: G,
    stall: std::time::Duration,
    limit: std::time::Duration,
) -> impl Stream<Item = Result<String, AppError>> + Send + 'static
where
    S: Stream<Item = Result<String, AppError>> + Send + 'static,
    G: Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, AppError>>(4);
    tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + limit;
        let mut source = Box::pin(source);
        let cut = loop {
            let item = match tokio::time::timeout_at(deadline, source.next()).await {
                Err(_) => {
                    break Some(
                        "The download took longer than 3 minutes and was stopped: narrow the filter and try again.",
                    );
                }
                Ok(None) => break None,
                Ok(Some(item)) => item,
            };
            let last = item.is_err();
            let wait = stall.min(deadline.saturating_duration_since(tokio::time::Instant::now()));
            match tokio::time::timeout(wait, tx.send(item)).await {
                Ok(Ok(())) if !last => {}
                // Sent an error, or the client went away.
                Ok(_) => break None,
                Err(_) => {
                    break Some("The download was stopped: nothing was read from it for too long.");
                }
            }
        };
        drop(source);
        drop(guard);
        if let Some(why) = cut {
            let _ = tx.send(Err(AppError::Unavailable(why.to_owned()))).await;
        }
    });
    // A receiver stream keeps answering "ended" once ended: the response body polls it
    // again after the end (an `unfold` panics then).
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

/// Buffered rows per chunk sent: big enough for few writes, small enough for flat memory.
const CHUNK_BYTES: usize = 64 * 1024;

/// The whole filtered set as CSV text chunks, in the grid's order and visible columns. Rows are
/// streamed from Postgres and written as they come: memory stays flat whatever the row count.
pub async fn export_csv<F: GridSource>(
    pool: PgPool,
    raw: &str,
    tz: Tz,
    slot: Option<ExportSlot>,
) -> Result<impl Stream<Item = Result<String, AppError>> + Send + 'static, AppError> {
    let query = resolve::<F>(&pool, raw, tz).await?;
    let columns = query.columns.clone();
    // A byte-order mark: spreadsheet programs then read the file as UTF-8.
    let head = format!("\u{feff}{}", csv::header::<F::Record>(&columns));
    let rows = store::grid::export(pool, query, tz);
    let body = rows.ready_chunks(256).map(move |chunk| {
        // The slot lives as long as the stream: dropped with it, whenever the download ends.
        let _slot = &slot;
        let mut out = String::with_capacity(CHUNK_BYTES);
        for row in chunk {
            let row = row.map_err(AppError::from)?;
            csv::push_row(&mut out, &row, &columns);
        }
        Ok(out)
    });
    Ok(futures::stream::once(async move { Ok(head) }).chain(body))
}

/// `carts-2026-11-26.csv`.
pub fn export_file_name(grid: &str, tz: Tz) -> String {
    format!("{grid}-{}.csv", today(tz).format("%Y-%m-%d"))
}

/// Tells the browser the response is a CSV file to save. Leptos answers a plain browser
/// request (Accept: text/html) to a server function with a redirect back to the referring
/// page unless the function sets its status, so the status is set explicitly too.
pub fn as_download(file_name: &str) {
    use http::{HeaderValue, StatusCode, header};
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(StatusCode::OK);
        response.insert_header(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
            response.insert_header(header::CONTENT_DISPOSITION, value);
        }
        response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Marks a validation error with HTTP 400 (Leptos would answer 500), for pages rendered on the
/// server and for API clients.
pub fn status_for(error: &AppError) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        response.set_status(status);
    }
}

/// A grid page for a server function: the request's pool and time zone, errors with their
/// HTTP status.
pub async fn list<F: GridSource>(raw: &str) -> Result<GridPage<F::Record>, AppError> {
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let page = load_page::<F>(&pool, raw, tz).await;
    if let Err(e) = &page {
        status_for(e);
    }
    page
}

/// A CSV download for a server function.
pub async fn export<F: GridSource>(
    raw: &str,
) -> Result<server_fn::codec::TextStream<AppError>, AppError> {
    let pool = crate::server::pool()?;
    let tz = crate::timezone::server::current();
    let user = crate::auth::server::require_user()?;
    let slot = export_slot(user.id).inspect_err(status_for)?;
    match export_csv::<F>(pool, raw, tz, None).await {
        Ok(stream) => {
            as_download(&export_file_name(F::GRID, tz));
            Ok(server_fn::codec::TextStream::new(bounded_download(
                stream, slot,
            )))
        }
        Err(e) => {
            status_for(&e);
            Err(e)
        }
    }
}

/// A store answer for a server function, its error with its HTTP status (404 for a record
/// that does not exist).
pub fn answer<T>(result: store::Result<T>) -> Result<T, AppError> {
    result.map_err(|e| {
        let e = AppError::from(e);
        status_for(&e);
        e
    })
}

/// The grids that have saved views.
const VIEW_GRIDS: &[&str] = &[
    domain::grid::customers::CustomerField::GRID,
    domain::grid::accounts::AccountField::GRID,
    domain::grid::carts::CartField::GRID,
    domain::grid::orders::OrderField::GRID,
    domain::grid::credit_memos::CreditMemoField::GRID,
    domain::grid::subscribers::SubscriberField::GRID,
    domain::grid::products::ProductField::GRID,
];

/// Refuses an unknown grid name.
pub fn check_grid(grid: &str) -> Result<(), AppError> {
    if VIEW_GRIDS.contains(&grid) {
        Ok(())
    } else {
        Err(AppError::invalid("grid", "There is no such grid."))
    }
}

/// A view's state, validated against its grid and stored canonical (defaults, the page and
/// the view marker left out).
pub async fn canonical_view(pool: &PgPool, grid: &str, raw: &str) -> Result<String, AppError> {
    use domain::grid::{accounts, carts, credit_memos, customers, orders, products, subscribers};
    check_grid(grid)?;
    let tz = crate::timezone::server::current();
    let pairs = match grid {
        g if g == customers::CustomerField::GRID => {
            state::<customers::CustomerField>(pool, raw, tz).await?
        }
        g if g == accounts::AccountField::GRID => {
            state::<accounts::AccountField>(pool, raw, tz).await?
        }
        g if g == carts::CartField::GRID => state::<carts::CartField>(pool, raw, tz).await?,
        g if g == orders::OrderField::GRID => state::<orders::OrderField>(pool, raw, tz).await?,
        g if g == credit_memos::CreditMemoField::GRID => {
            state::<credit_memos::CreditMemoField>(pool, raw, tz).await?
        }
        g if g == products::ProductField::GRID => {
            state::<products::ProductField>(pool, raw, tz).await?
        }
        _ => state::<subscribers::SubscriberField>(pool, raw, tz).await?,
    };
    let text = codec::encode_pairs(&pairs);
    if text.len() > domain::grid::view::MAX_VIEW_QUERY {
        return Err(AppError::invalid(
            "query",
            "This view holds too many filters to save.",
        ));
    }
    Ok(text)
}

async fn state<F: GridField>(
    pool: &PgPool,
    raw: &str,
    tz: Tz,
) -> Result<Vec<(String, String)>, AppError> {
    let query = resolve::<F>(pool, raw, tz).await?;
    Ok(query
        .to_pairs()
        .into_iter()
        .filter(|(k, _)| k != "view" && k != "page")
        .collect())
}

#[cfg(test)]
mod download_tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    /// Set when dropped: stands for the rows' query and the export's slot.
    struct Dropped(Arc<AtomicBool>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// An endless download (the source never ends) whose guard says when it was let go.
    fn endless(
        flag: &Arc<AtomicBool>,
    ) -> (
        impl Stream<Item = Result<String, AppError>> + Send + 'static,
        Dropped,
    ) {
        let rows = futures::stream::repeat_with(|| Ok("row\n".repeat(1000)));
        (rows, Dropped(flag.clone()))
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_stops_reading_lets_go_of_the_query_and_the_slot() {
        let flag = Arc::new(AtomicBool::new(false));
        let (rows, guard) = endless(&flag);
        let mut body = Box::pin(bounded_download_with(
            rows,
            guard,
            Duration::from_secs(30),
            Duration::from_secs(180),
        ));
        assert!(body.next().await.unwrap().is_ok());
        // The client reads nothing more.
        tokio::time::sleep(Duration::from_secs(29)).await;
        assert!(
            !flag.load(Ordering::SeqCst),
            "let go before the stall limit"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(
            flag.load(Ordering::SeqCst),
            "still held after the stall limit"
        );
        // What it reads next ends in an error, not in a file that looks whole.
        let mut last = None;
        while let Some(item) = body.next().await {
            last = Some(item);
        }
        assert!(matches!(last, Some(Err(AppError::Unavailable(_)))));
    }

    #[tokio::test(start_paused = true)]
    async fn a_download_past_its_time_limit_is_stopped_though_its_client_reads() {
        let flag = Arc::new(AtomicBool::new(false));
        let (rows, guard) = endless(&flag);
        let slow_rows = rows.then(|row| async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            row
        });
        let mut body = Box::pin(bounded_download_with(
            slow_rows,
            guard,
            Duration::from_secs(30),
            Duration::from_secs(180),
        ));
        let started = tokio::time::Instant::now();
        let mut last = None;
        while let Some(item) = body.next().await {
            last = Some(item);
        }
        assert!(flag.load(Ordering::SeqCst));
        assert!(started.elapsed() <= Duration::from_secs(181));
        assert!(matches!(last, Some(Err(AppError::Unavailable(_)))));
    }

    #[tokio::test]
    async fn a_download_read_to_its_end_is_whole() {
        let flag = Arc::new(AtomicBool::new(false));
        let rows = futures::stream::iter((0..100).map(|i| Ok(format!("{i}\n"))));
        let body = bounded_download_with(
            rows,
            Dropped(flag.clone()),
            Duration::from_secs(30),
            Duration::from_secs(180),
        );
        let mut body = Box::pin(body);
        let mut all = Vec::new();
        while let Some(item) = body.next().await {
            all.push(item);
        }
        // The response body polls once more after the end: it must stay ended, not panic.
        assert!(body.next().await.is_none());
        assert!(body.next().await.is_none());
        assert_eq!(all.len(), 100);
        assert!(all.iter().all(|r| r.is_ok()));
        assert!(flag.load(Ordering::SeqCst));
    }
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    /// Two downloads per user and four in all; a finished one gives its place back. (The only
    /// test in this process taking export slots: the budget is process-wide.)
    #[test]
    fn the_export_budget_is_two_per_user_and_four_in_all() {
        let a1 = export_slot(9_001).unwrap();
        let a2 = export_slot(9_001).unwrap();
        assert!(matches!(export_slot(9_001), Err(AppError::Unavailable(_))));
        let b1 = export_slot(9_002).unwrap();
        let b2 = export_slot(9_002).unwrap();
        // Four running: a third user waits too, and the refusal leaves no count behind.
        assert!(matches!(export_slot(9_003), Err(AppError::Unavailable(_))));
        drop(a1);
        let c1 = export_slot(9_003).unwrap();
        assert!(matches!(export_slot(9_003), Err(AppError::Unavailable(_))));
        drop((a2, b1, b2, c1));
        let again: Vec<_> = (0..2).map(|_| export_slot(9_003).unwrap()).collect();
        assert_eq!(again.len(), 2);
    }
}
