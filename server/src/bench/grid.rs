//! `cartwise bench grid [--scale 1.0]`: grid pages and CSV export over a seeded store of 1M
//! carts, 1M orders and 300k customers (issue 6).
//!
//! * 200 varied grid pages (carts, orders, customers; 50 rows, one filter, one sort, exact
//!   total), each timed through the server functions' own path (`app::grids::server::
//!   load_page`: query string → saved-view merge → validation → store → rows in the user's
//!   time zone), and the same generated SQL timed raw beside it (the page and count statements
//!   run as the store runs them, rows fetched but not decoded). Targets: p95 ≤ 50 ms, ratio of
//!   p95s ≤ 1.5.
//! * A CSV export of ~100k filtered carts through the export server function's stream, with the
//!   peak resident memory of that phase. Target: ≤ 5 s, flat memory.
//!
//! One warm-up pass runs every query first (a server's cache is warm), then each query is timed
//! once, the function path and the raw SQL alternating which goes first.

use super::seed::{SeedSize, ensure_seeded};
use super::{peak_rss_mib, percentile, reset_peak_rss};
use anyhow::{Context, Result};
use app::grids::server::{export_csv, load_page, resolve};
use domain::grid::carts::CartField;
use domain::grid::customers::CustomerField;
use domain::grid::orders::OrderField;
use futures::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::time::Instant;
use store::PgPool;
use store::grid::{GridSource, Tz, count_query, page_query};

const QUERIES: usize = 200;
const EXPORT_ROWS: i64 = 100_000;

pub async fn run(pool: &PgPool, cipher: &store::secrets::Cipher, scale: f64) -> Result<()> {
    let size = SeedSize::scaled(scale);
    println!(
        "Seeding (or reusing) a store of {} customers, {} carts, {} orders…",
        size.customers, size.carts, size.orders
    );
    let channel = ensure_seeded(pool, cipher, size).await?;
    let tz: Tz = "Europe/Paris".parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let first_customer: i64 =
        sqlx::query_scalar("select min(id) from customers where channel_id = $1")
            .bind(channel)
            .fetch_one(pool)
            .await?;
    let cases = cases(size, channel, first_customer);

    // Warm-up: every query once, untimed.
    for case in &cases {
        measure(pool, case, tz, true).await?;
    }
    let mut rows = Vec::with_capacity(cases.len());
    for (i, case) in cases.iter().enumerate() {
        let (function_ms, raw_ms, total) = measure(pool, case, tz, i % 2 == 0).await?;
        rows.push((case, function_ms, raw_ms, total));
    }
    report(&rows, size);
    export(pool, tz, size).await
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Grid {
    Carts,
    Orders,
    Customers,
}

pub(crate) struct Case {
    pub(crate) grid: Grid,
    family: &'static str,
    pub(crate) query: String,
}

/// Times one query through the server functions' path and as raw SQL.
async fn measure(
    pool: &PgPool,
    case: &Case,
    tz: Tz,
    function_first: bool,
) -> Result<(f64, f64, i64)> {
    match case.grid {
        Grid::Carts => measure_grid::<CartField>(pool, &case.query, tz, function_first).await,
        Grid::Orders => measure_grid::<OrderField>(pool, &case.query, tz, function_first).await,
        Grid::Customers => {
            measure_grid::<CustomerField>(pool, &case.query, tz, function_first).await
        }
    }
    .with_context(|| format!("{:?} ?{}", case.grid, case.query))
}

async fn measure_grid<F: GridSource>(
    pool: &PgPool,
    query: &str,
    tz: Tz,
    function_first: bool,
) -> Result<(f64, f64, i64)> {
    let state = resolve::<F>(pool, query, tz).await?;
    let mut function_ms = 0.0;
    let mut raw_ms = 0.0;
    let mut total = 0;
    for step in 0..2 {
        if (step == 0) == function_first {
            let started = Instant::now();
            let page = load_page::<F>(pool, query, tz).await?;
            function_ms = started.elapsed().as_secs_f64() * 1000.0;
            total = page.total;
        } else {
            // The same statements, run as the store runs them (at once, on two connections),
            // rows fetched but left undecoded.
            let mut page_sql = page_query(&state, tz)?;
            let mut count_sql = count_query(&state, tz)?;
            let started = Instant::now();
            let rows = page_sql.build().fetch_all(pool);
            let count = count_sql.build_query_scalar::<i64>().fetch_one(pool);
            let (_rows, _count) = futures::try_join!(rows, count)?;
            raw_ms = started.elapsed().as_secs_f64() * 1000.0;
        }
    }
    Ok((function_ms, raw_ms, total))
}

/// 200 grid pages a CRM team might open: one filter and one sort each, over carts (40 %),
/// orders (40 %) and customers (20 %); values drawn from the seeded data with a fixed seed.
pub(crate) fn cases(size: SeedSize, channel: i64, first_customer: i64) -> Vec<Case> {
    let mut rng = StdRng::seed_from_u64(6);
    // The seed's names and emails (seed.rs): anna.smith123@example.de is customer 123.
    let tlds = ["com", "de", "fr", "es", "jp"];
    let firsts = [
        "anna", "bjorn", "chloe", "dmitri", "elena", "fatima", "giulia", "hiro", "ines", "jose",
    ];
    let lasts = [
        "smith", "muller", "dubois", "garcia", "rossi", "novak", "tanaka", "silva", "kowalski",
        "ng",
    ];
    let last_names = [
        "Smith", "Müller", "Dubois", "García", "Rossi", "Novak", "Tanaka", "Silva", "Kowalski",
        "Ng",
    ];
    let mut out = Vec::with_capacity(QUERIES);
    for i in 0..QUERIES {
        let customer_no = rng.gen_range(1..=size.customers.max(1));
        let last = lasts[((customer_no / 10) % 10) as usize];
        let local = format!(
            "{}.{last}{customer_no}",
            firsts[(customer_no % 10) as usize]
        );
        let email = format!("{local}@example.{}", tlds[(customer_no % 5) as usize]);
        // What a user types to find someone: a part of the address.
        let part = format!("{last}{customer_no}");
        let month_ago = rng.gen_range(0..24);
        let (from, to) = month(month_ago);
        let low = rng.gen_range(0..380);
        let (grid, family, filter, sorts): (Grid, &'static str, String, &[&str]) = match i % 5 {
            0 | 1 => {
                let sorts: &[&str] = &[
                    "-created_at",
                    "-updated_at",
                    "-grand_total",
                    "grand_total",
                    "email",
                    "status",
                ];
                let (family, filter) = match rng.gen_range(0..10) {
                    0 => (
                        "status",
                        format!(
                            "status={}",
                            [
                                "open",
                                "lost",
                                "expired",
                                "converted_to_opportunity",
                                "purchased"
                            ][rng.gen_range(0..5)]
                        ),
                    ),
                    1 => ("abandoned", "abandoned=true".to_string()),
                    2 => (
                        "created month",
                        format!("created_at_min={from}&created_at_max={to}"),
                    ),
                    3 => (
                        "created preset",
                        format!(
                            "created_at_preset={}",
                            ["last_7_days", "last_30_days", "this_month", "today"]
                                [rng.gen_range(0..4)]
                        ),
                    ),
                    4 => (
                        "grand total range",
                        format!("grand_total_min={low}&grand_total_max={}", low + 20),
                    ),
                    5 => ("email contains", format!("email={part}")),
                    6 => ("email exact", format!("email_eq={email}")),
                    7 => (
                        "cart id",
                        format!("cart_id={}", rng.gen_range(1..=size.carts.max(1))),
                    ),
                    8 => ("channel", format!("channel={channel}")),
                    _ => (
                        "updated preset",
                        "updated_at_preset=last_7_days".to_string(),
                    ),
                };
                (Grid::Carts, family, filter, sorts)
            }
            2 | 3 => {
                let sorts: &[&str] = &[
                    "-created_at",
                    "-grand_total",
                    "increment_id",
                    "email",
                    "-updated_at",
                ];
                let (family, filter) = match rng.gen_range(0..10) {
                    0 => (
                        "state",
                        format!(
                            "state={}",
                            [
                                "new",
                                "processing",
                                "complete",
                                "closed",
                                "canceled",
                                "holded"
                            ][rng.gen_range(0..6)]
                        ),
                    ),
                    1 => ("status", "status=complete,processing".to_string()),
                    2 => ("guest", format!("is_guest={}", rng.gen_bool(0.5))),
                    3 => (
                        "created month",
                        format!("created_at_min={from}&created_at_max={to}"),
                    ),
                    4 => (
                        "grand total range",
                        format!("grand_total_min={low}&grand_total_max={}", low + 20),
                    ),
                    5 => ("coupon", "coupon_eq=SAVE10".to_string()),
                    6 => ("email contains", format!("email={part}")),
                    7 => (
                        "order # exact",
                        format!(
                            "increment_id_eq={:09}",
                            rng.gen_range(1..=size.orders.max(1))
                        ),
                    ),
                    8 => (
                        "customer",
                        format!(
                            "customer={}",
                            first_customer + rng.gen_range(0..size.customers.max(1))
                        ),
                    ),
                    _ => ("channel", format!("channel={channel}")),
                };
                (Grid::Orders, family, filter, sorts)
            }
            _ => {
                let sorts: &[&str] = &[
                    "-created_at",
                    "-lifetime_sales",
                    "name",
                    "email",
                    "-updated_at",
                ];
                let (family, filter) = match rng.gen_range(0..6) {
                    0 => (
                        "name contains",
                        format!(
                            "name={}%20{}",
                            last_names[((customer_no / 10) % 10) as usize],
                            customer_no
                        ),
                    ),
                    1 => ("email contains", format!("email={part}")),
                    2 => ("guest", format!("is_guest={}", rng.gen_bool(0.5))),
                    3 => (
                        "lifetime sales range",
                        format!("lifetime_sales_min={}", rng.gen_range(200..2000)),
                    ),
                    4 => (
                        "created month",
                        format!("created_at_min={from}&created_at_max={to}"),
                    ),
                    _ => ("channel", format!("channel={channel}")),
                };
                (Grid::Customers, family, filter, sorts)
            }
        };
        let sort = sorts[rng.gen_range(0..sorts.len())];
        out.push(Case {
            grid,
            family,
            query: format!("{filter}&sort={sort}"),
        });
    }
    out
}

/// The first and last day of the month `ago` months back (YYYY-MM-DD).
fn month(ago: u32) -> (String, String) {
    use chrono::{Datelike, Months, NaiveDate, Utc};
    let today = Utc::now().date_naive();
    let first =
        NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today) - Months::new(ago);
    let last = (first + Months::new(1)).pred_opt().unwrap_or(first);
    (
        first.format("%Y-%m-%d").to_string(),
        last.format("%Y-%m-%d").to_string(),
    )
}

fn report(rows: &[(&Case, f64, f64, i64)], size: SeedSize) {
    let stats = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (
            percentile(&v, 50.0),
            percentile(&v, 95.0),
            v.last().copied().unwrap_or(f64::NAN),
        )
    };
    println!();
    println!(
        "Grid pages over {} customers, {} carts, {} orders: {} queries, 50 rows, one filter, one sort, exact total",
        size.customers,
        size.carts,
        size.orders,
        rows.len()
    );
    println!(
        "{:<12} {:<22} {:>5} {:>12} {:>9} {:>9} {:>9} {:>9}",
        "grid", "filter", "n", "rows (med.)", "fn p50", "fn p95", "raw p50", "raw p95"
    );
    // (grid, filter family) → (function ms, raw ms, total) of each query.
    type Samples = Vec<(f64, f64, i64)>;
    let mut families: BTreeMap<(String, &str), Samples> = BTreeMap::new();
    for (case, f, r, total) in rows {
        families
            .entry((format!("{:?}", case.grid), case.family))
            .or_default()
            .push((*f, *r, *total));
    }
    for ((grid, family), list) in &families {
        let (f50, f95, _) = stats(list.iter().map(|x| x.0).collect());
        let (r50, r95, _) = stats(list.iter().map(|x| x.1).collect());
        let mut totals: Vec<i64> = list.iter().map(|x| x.2).collect();
        totals.sort_unstable();
        let median = totals[totals.len() / 2];
        println!(
            "{grid:<12} {family:<22} {:>5} {median:>12} {f50:>7.1}ms {f95:>7.1}ms {r50:>7.1}ms {r95:>7.1}ms",
            list.len()
        );
    }
    let (f50, f95, fmax) = stats(rows.iter().map(|x| x.1).collect());
    let (r50, r95, rmax) = stats(rows.iter().map(|x| x.2).collect());
    println!();
    println!("Slowest five (server function):");
    let mut slowest: Vec<&(&Case, f64, f64, i64)> = rows.iter().collect();
    slowest.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (case, f, r, total) in slowest.into_iter().take(5) {
        println!(
            "  {f:>7.1}ms (raw {r:>7.1}ms, {total:>7} rows)  {:?} ?{}",
            case.grid, case.query
        );
    }
    println!();
    println!("                      p50        p95        max");
    println!(
        "server function  {f50:>8.1}ms {f95:>8.1}ms {fmax:>8.1}ms   (target p95 ≤ 50 ms: {})",
        verdict(f95 <= 50.0)
    );
    println!("raw SQL          {r50:>8.1}ms {r95:>8.1}ms {rmax:>8.1}ms");
    println!(
        "ratio (p95)      {:>8.2}                         (target ≤ 1.5: {})",
        f95 / r95,
        verdict(f95 / r95 <= 1.5)
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

/// Exports ~100k carts (a created-date range holding that many) through the export server
/// function's CSV stream, reading it as a client would, chunk by chunk.
async fn export(pool: &PgPool, tz: Tz, size: SeedSize) -> Result<()> {
    let rows = EXPORT_ROWS.min(size.carts);
    // The creation date from which the newest `rows` carts were made.
    let from: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
        "select magento_created_at from carts order by magento_created_at desc nulls last, id desc offset $1 limit 1",
    )
    .bind(rows - 1)
    .fetch_optional(pool)
    .await?
    .flatten();
    let from = from
        .map(|t| {
            t.with_timezone(&tz)
                .date_naive()
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default();
    let query = format!(
        "created_at_min={from}&cols=cart_id,customer,email,items_qty,grand_total,status,abandoned,created_at,updated_at,billing_country"
    );
    let before = peak_rss_mib().unwrap_or(f64::NAN);
    reset_peak_rss();
    let started = Instant::now();
    let mut stream = Box::pin(export_csv::<CartField>(pool.clone(), &query, tz, None).await?);
    let (mut bytes, mut lines, mut chunks) = (0usize, 0usize, 0usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        bytes += chunk.len();
        lines += chunk.matches("\r\n").count();
        chunks += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    let peak = peak_rss_mib().unwrap_or(f64::NAN);
    println!();
    println!(
        "CSV export of {} carts (created since {from}): {secs:.2} s, {:.1} MB in {chunks} chunks, {:.0} rows/s (target ≤ 5 s: {})",
        lines.saturating_sub(1),
        bytes as f64 / 1e6,
        lines as f64 / secs,
        verdict(secs <= 5.0)
    );
    println!(
        "peak RSS during the export {peak:.0} MiB (before it {before:.0} MiB): memory stays flat as rows stream"
    );
    Ok(())
}
