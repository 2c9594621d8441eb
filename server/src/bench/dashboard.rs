//! `cartwise bench dashboard`: the dashboard's server time over a seeded store of 1M orders and
//! 1M carts (issue 7), beside the same queries' raw SQL time.
//!
//! For each scenario (a range preset, all channels or one) it runs what the dashboard's server
//! function runs — the channel list and `store::metrics::dashboard`, whose queries go out
//! concurrently on pooled connections — at least 30 times after a warm-up, and reports p50 and
//! p95. Beside it, "SQL one by one" is the sum of the same queries run alone and in sequence
//! (what the database spends, without the concurrency), the slowest single query, and "raw" the
//! sum of the same aggregates computed from the orders, carts and credit memos themselves
//! instead of the rollups (the baseline the ratio is taken against).

use super::percentile;
use super::seed::{SeedSize, ensure_seeded};
use anyhow::Result;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use domain::metrics::DateRange;
use std::future::Future;
use std::time::Instant;
use store::PgPool;
use store::metrics::{self, DashboardRequest, Scope};

/// Runs per scenario (after `WARM_UP` unmeasured ones).
const RUNS: usize = 30;
const WARM_UP: usize = 3;
/// The target of issue 7.
const TARGET_MS: f64 = 200.0;
const TZ: &str = "Europe/Paris";

pub async fn run(pool: &PgPool, cipher: &store::secrets::Cipher, scale: f64) -> Result<()> {
    let size = SeedSize::scaled(scale);
    let started = Instant::now();
    let channel = ensure_seeded(pool, cipher, size).await?;
    println!(
        "seeded store: {} orders, {} carts, {} customers ({:.1} s)",
        size.orders,
        size.carts,
        size.customers,
        started.elapsed().as_secs_f64()
    );
    // Index-only scans need a current visibility map; a synced database gets it from autovacuum.
    sqlx::query("vacuum analyze orders, carts, credit_memos, customers")
        .execute(pool)
        .await?;

    // Ranges end today (UTC's date; days are cut in TZ, as for a user there).
    let today = Utc::now().date_naive();
    let scenarios = scenarios(today, channel);
    println!(
        "\n{:<34} {:>9} {:>9} {:>11} {:>11} {:>11} {:>7}  slowest query",
        "scenario", "p50 ms", "p95 ms", "SQL 1-by-1", "slowest q", "raw 1-by-1", "ratio"
    );
    let mut worst_p95: f64 = 0.0;
    for (name, range, channel) in scenarios {
        let request = DashboardRequest {
            channel,
            tz: TZ.to_string(),
            range,
            currency: None,
            as_of: Utc::now(),
        };
        for _ in 0..WARM_UP {
            server_path(pool, &request).await?;
        }
        let mut samples = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            server_path(pool, &request).await?;
            samples.push(ms(t));
        }
        samples.sort_by(f64::total_cmp);
        let (sequential, slowest) = one_by_one(pool, &request).await?;
        let raw = raw_one_by_one(pool, &request).await?;
        let p95 = percentile(&samples, 95.0);
        worst_p95 = worst_p95.max(p95);
        println!(
            "{:<34} {:>9.1} {:>9.1} {:>11.1} {:>11.1} {:>11.1} {:>7.2}  {}",
            name,
            percentile(&samples, 50.0),
            p95,
            sequential,
            slowest.1,
            raw,
            sequential / raw,
            slowest.0
        );
    }
    println!(
        "\nworst p95 {worst_p95:.1} ms against a target of {TARGET_MS:.0} ms: {}",
        if worst_p95 <= TARGET_MS {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

fn scenarios(today: NaiveDate, channel: i64) -> Vec<(String, DateRange, Option<i64>)> {
    let back = |days: i64| DateRange {
        from: today - Duration::days(days - 1),
        to: today,
    };
    let year = DateRange {
        from: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
        to: today,
    };
    let mut out = Vec::new();
    for (label, range) in [
        ("last 7 days", back(7)),
        ("last 30 days", back(30)),
        ("last 90 days", back(90)),
        ("this year", year),
    ] {
        out.push((format!("{label}, all channels"), range, None));
        out.push((format!("{label}, one channel"), range, Some(channel)));
    }
    out
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// What `get_dashboard` asks the store: the channel list and every widget.
async fn server_path(pool: &PgPool, request: &DashboardRequest) -> Result<()> {
    let (_, _) = futures::try_join!(
        metrics::channel_options(pool),
        metrics::dashboard(pool, request)
    )?;
    Ok(())
}

/// The same queries alone, one after the other: their summed time and the slowest one.
async fn one_by_one(pool: &PgPool, request: &DashboardRequest) -> Result<(f64, (String, f64))> {
    let now = Scope {
        channel: request.channel,
        tz: &request.tz,
        range: request.range,
    };
    let before = now.over(request.range.previous());
    let g = request.range.granularity();
    let mut timings: Vec<(String, f64)> = Vec::new();
    for (period, scope) in [("now", now), ("previous", before)] {
        timings.push(
            time(
                format!("sales {period}"),
                metrics::sales_summary(pool, scope),
            )
            .await?,
        );
        timings.push(
            time(
                format!("series {period}"),
                metrics::sales_series(pool, scope, g),
            )
            .await?,
        );
        timings.push(
            time(
                format!("carts {period}"),
                metrics::cart_summary(pool, scope, request.as_of),
            )
            .await?,
        );
        timings.push(
            time(
                format!("customers {period}"),
                metrics::customer_summary(pool, scope),
            )
            .await?,
        );
        timings.push(
            time(
                format!("refunds {period}"),
                metrics::refund_summary(pool, scope),
            )
            .await?,
        );
    }
    timings.push(
        time(
            "top customers".into(),
            metrics::top_customers(pool, request.channel, "USD", 5),
        )
        .await?,
    );
    timings.push(time("channels".into(), metrics::channel_options(pool)).await?);
    let total = timings.iter().map(|(_, t)| t).sum();
    let slowest = timings
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or_default();
    Ok((total, slowest))
}

/// The summed time of the dashboard's aggregates computed from the rows themselves, one by one.
async fn raw_one_by_one(pool: &PgPool, request: &DashboardRequest) -> Result<f64> {
    let now = Scope {
        channel: request.channel,
        tz: &request.tz,
        range: request.range,
    };
    let before = now.over(request.range.previous());
    let g = request.range.granularity();
    let started = Instant::now();
    for scope in [now, before] {
        metrics::sales_summary_raw(pool, scope).await?;
        metrics::sales_series_raw(pool, scope, g).await?;
        metrics::cart_summary_raw(pool, scope, request.as_of).await?;
        metrics::customer_summary_raw(pool, scope).await?;
        metrics::refund_summary_raw(pool, scope).await?;
    }
    metrics::top_customers(pool, request.channel, "USD", 5).await?;
    metrics::channel_options(pool).await?;
    Ok(ms(started))
}

async fn time<T>(
    name: String,
    query: impl Future<Output = store::Result<T>>,
) -> Result<(String, f64)> {
    let t = Instant::now();
    query.await?;
    Ok((name, ms(t)))
}
