//! `cartwise bench lists [--scale 1.0]`: marketing lists over the bench grid's seeded store
//! (1M carts, 1M orders, 300k customers; `bench::seed`, reused when already seeded).
//!
//! * Dynamic lists as a marketing user makes them from the grids (German subscribers with
//!   lifetime sales of at least 100, an RFM segment, open carts, carts whose follow-up is Not
//!   contacted, a list that matches nothing, one that matches every customer) and the channel's
//!   built-ins (`store::lists::ensure_builtins`). For each, what the list's page shows — its
//!   member count and first page of 50 members — timed through `store::lists::page` (what the
//!   `get_marketing_list` server function calls), 30 times, beside the same count and page
//!   written here as plain SQL: the grid's own predicates for the list's filters (values bound
//!   as the store binds them), the list's removed members left out the obvious way (one count
//!   with `not exists`), the page's member columns, newest first; run as the store runs them
//!   (the count beside the page on a second connection), rows fetched but not decoded. The
//!   totals of the two must agree. Reported: p50/p95 of each and the ratio of the p95s, so the
//!   ratio is the list code's own cost (its lookups, the query's shape, decoding) over the
//!   database's; below 1 where the store's two-count form (matching − removed and matching)
//!   beats the one count.
//! * CSV exports through `store::lists::export`, the stream the `export_marketing_list`
//!   server function consumes, encoded to CSV the way that function encodes it (256 members a
//!   chunk), bytes counted and dropped: the lapsed-customers built-in (≥100k members at the
//!   default scale) and the list of every customer (300k). Wall time (target ≤ 5 s) and
//!   resident memory before, at its peak and after (target: flat, the peak within 64 MiB of
//!   the memory before).
//!
//! The seed has no RFM scores and no follow-ups (the sync computes them after each run): when
//! missing, they are computed once as the sync computes them (`store::segments::refresh_rfm`,
//! `store::follow_ups::pass`) and kept with the seeded store. One warm-up pass reads every list
//! first (a server's cache is warm); the function and the plain SQL then alternate which goes
//! first.

use super::seed::{SeedSize, ensure_seeded};
use super::{peak_rss_mib, percentile, reset_peak_rss, rss_mib};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::lists::{Builtin, ListEntity, ListKind, NewList};
use futures::StreamExt;
use sqlx::{Postgres, QueryBuilder};
use std::time::Instant;
use store::PgPool;
use store::grid::Tz;

/// Timed reads of each list.
const RUNS: usize = 30;
/// Members on the list page (`store::lists::PER_PAGE`).
const PER_PAGE: i64 = store::lists::PER_PAGE;
/// What names the bench's own lists (deleted and made again on each run).
const PREFIX: &str = "Bench list · ";

pub async fn run(pool: &PgPool, cipher: &store::secrets::Cipher, scale: f64) -> Result<()> {
    let size = SeedSize::scaled(scale);
    println!(
        "Seeding (or reusing) a store of {} customers, {} carts, {} orders…",
        size.customers, size.carts, size.orders
    );
    let channel = ensure_seeded(pool, cipher, size).await?;
    prepare(pool, channel).await?;
    let tz: Tz = "Europe/Paris".parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let today = Utc::now().with_timezone(&tz).date_naive();
    let cases = make_lists(pool, channel, today, tz).await?;

    // Warm-up: every list once, both ways, untimed.
    for case in &cases {
        measure(pool, case, today, tz, true).await?;
    }
    let mut rows = Vec::with_capacity(cases.len());
    for case in &cases {
        let mut function = Vec::with_capacity(RUNS);
        let mut raw = Vec::with_capacity(RUNS);
        let mut total = 0;
        for i in 0..RUNS {
            let m = measure(pool, case, today, tz, i % 2 == 0).await?;
            function.push(m.function_ms);
            raw.push(m.raw_ms);
            total = m.total;
        }
        rows.push(Row {
            case,
            function,
            raw,
            total,
        });
    }
    report(&rows, size);
    for name in [Builtin::LapsedCustomers.name(), EVERYONE] {
        let case = cases
            .iter()
            .find(|c| c.name.ends_with(name))
            .with_context(|| format!("the list {name:?}"))?;
        export(pool, case, today, tz).await?;
    }
    Ok(())
}

/// The RFM scores and cart follow-ups a synced store has (the sync computes both after each
/// run); the seed has neither. Computed once and kept with the seeded store.
async fn prepare(pool: &PgPool, channel: i64) -> Result<()> {
    let scored: bool = sqlx::query_scalar(
        "select exists (select 1 from customers where channel_id = $1 and rfm_recency is not null)",
    )
    .bind(channel)
    .fetch_one(pool)
    .await?;
    let followed: bool =
        sqlx::query_scalar("select exists (select 1 from cart_follow_ups where channel_id = $1)")
            .bind(channel)
            .fetch_one(pool)
            .await?;
    if scored && followed {
        return Ok(());
    }
    let started = Instant::now();
    if !scored {
        store::segments::refresh_rfm(pool, channel).await?;
    }
    if !followed {
        store::follow_ups::pass(pool, channel).await?;
    }
    // As after the seed: index-only counts rely on the visibility map.
    sqlx::query("vacuum analyze customers, cart_follow_ups, order_follow_ups")
        .execute(pool)
        .await?;
    println!(
        "computed the RFM scores and cart follow-ups the sync would have made ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

const EVERYONE: &str = "Every customer";

/// A list and its members' condition as plain SQL.
struct Case {
    name: String,
    id: i64,
    entity: ListEntity,
    /// The members' condition over the entity's table aliased `c`: the grid's own predicates
    /// for the list's filters, written out, values bound as the store binds them.
    filter: Vec<Piece>,
}

/// A piece of a plain SQL condition: text, or a value bound in its place.
#[derive(Clone)]
enum Piece {
    Sql(&'static str),
    Int(i64),
    SmallInts(Vec<i16>),
    Texts(Vec<String>),
    Text(String),
    Amount(domain::Decimal),
    Time(DateTime<Utc>),
}

fn push_pieces(qb: &mut QueryBuilder<'static, Postgres>, pieces: &[Piece]) {
    for piece in pieces {
        match piece.clone() {
            Piece::Sql(sql) => qb.push(sql),
            Piece::Int(v) => qb.push_bind(v),
            Piece::SmallInts(v) => qb.push_bind(v),
            Piece::Texts(v) => qb.push_bind(v),
            Piece::Text(v) => qb.push_bind(v),
            Piece::Amount(v) => qb.push_bind(v),
            Piece::Time(v) => qb.push_bind(v),
        };
    }
}

impl Case {
    /// ` where <filter> and not removed from the list`.
    fn push_where(&self, qb: &mut QueryBuilder<'static, Postgres>) {
        qb.push(" where ");
        push_pieces(qb, &self.filter);
        qb.push(" and not exists (select 1 from marketing_list_removed r where r.list_id = ")
            .push_bind(self.id)
            .push(" and r.record_id = c.id)");
    }

    /// The count, as plain SQL.
    fn count_sql(&self) -> QueryBuilder<'static, Postgres> {
        let mut qb = QueryBuilder::new("select count(*) from ");
        qb.push(table(self.entity)).push(" c");
        self.push_where(&mut qb);
        qb
    }

    /// The first page of members, as plain SQL.
    fn page_sql(&self) -> QueryBuilder<'static, Postgres> {
        let (select, joins) = member_columns(self.entity);
        let mut qb = QueryBuilder::new("select ");
        qb.push(select)
            .push(", coalesce(k.contacted_times, 0) as contacted_times, k.last_contacted_at from ")
            .push(table(self.entity))
            .push(" c ")
            .push(joins)
            .push(" left join marketing_list_contacts k on k.list_id = ")
            .push_bind(self.id)
            .push(" and k.email_key = lower(c.email)");
        self.push_where(&mut qb);
        qb.push(" order by c.id desc limit ").push_bind(PER_PAGE);
        qb
    }
}

fn table(entity: ListEntity) -> &'static str {
    match entity {
        ListEntity::Customers => "customers",
        ListEntity::Carts => "carts",
        ListEntity::Subscribers => "newsletter_subscribers",
    }
}

/// What a member row shows (the list page's columns), and the joins they need.
fn member_columns(entity: ListEntity) -> (&'static str, &'static str) {
    match entity {
        ListEntity::Customers => (
            concat!(
                "c.id, c.email, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as name,
                 c.lifetime_sales,
                 (select o.order_currency_code from orders o where o.customer_id = c.id
                  order by o.id desc limit 1) as currency,
                 c.last_order_at, case when c.is_guest then 'Guest' else 'Registered' end as status, ",
                "exists (select 1 from newsletter_subscribers s where s.channel_id = c.channel_id
                 and s.email_key = lower(c.email) and s.status = 3) as unsubscribed"
            ),
            "",
        ),
        ListEntity::Carts => (
            concat!(
                "c.id, c.email,
                 coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''),
                          nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '')) as name,
                 cu.lifetime_sales, c.quote_currency_code as currency, cu.last_order_at,
                 case c.status when 'open' then 'Open' when 'lost' then 'Lost'
                      when 'converted_to_opportunity' then 'Converted to opportunity'
                      when 'expired' then 'Expired' else 'Purchased' end as status, ",
                "exists (select 1 from newsletter_subscribers s where s.channel_id = c.channel_id
                 and s.email_key = lower(c.email) and s.status = 3) as unsubscribed"
            ),
            "left join customers cu on cu.id = c.customer_id",
        ),
        ListEntity::Subscribers => (
            "c.id, c.email, nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), '') as name,
             cu.lifetime_sales, null::text as currency, cu.last_order_at,
             case c.status when 1 then 'Subscribed' when 2 then 'Not activated'
                  when 3 then 'Unsubscribed' else 'Unconfirmed' end as status,
             c.status = 3 as unsubscribed",
            "left join customers cu on cu.id = c.customer_id",
        ),
    }
}

/// The start of `day` in `tz`, as the grid's date filters bound it.
fn day_start(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// The lists a marketing user would make (made again on each run) and the channel's built-ins.
async fn make_lists(pool: &PgPool, channel: i64, today: NaiveDate, tz: Tz) -> Result<Vec<Case>> {
    let user = bench_user(pool).await?;
    sqlx::query("delete from marketing_lists where name like $1 || '%'")
        .bind(PREFIX)
        .execute(pool)
        .await?;
    store::lists::ensure_builtins(pool).await?;
    use Piece::*;
    // The grid's predicates (store::grid::customers, carts, subscribers).
    const COUNTRY: &str = "c.country_id ilike ";
    const SUBSCRIPTION: (&str, &str) = ("c.newsletter_status = any(", ")");
    let ch = || vec![Sql("c.channel_id = "), Int(channel)];
    let with = |mut a: Vec<Piece>, b: Vec<Piece>| {
        a.extend(b);
        a
    };
    let made: Vec<(&str, ListEntity, String, Vec<Piece>)> = vec![
        (
            "Germany, subscribed, lifetime sales ≥ 100",
            ListEntity::Customers,
            format!("channel={channel}&country=DE&subscription=subscribed&lifetime_sales_min=100"),
            with(
                ch(),
                vec![
                    Sql(" and "),
                    Sql(COUNTRY),
                    Text("%DE%".into()),
                    Sql(" and "),
                    Sql(SUBSCRIPTION.0),
                    SmallInts(vec![1]),
                    Sql(SUBSCRIPTION.1),
                    Sql(" and c.lifetime_sales >= "),
                    Amount(100.into()),
                ],
            ),
        ),
        (
            "Champions (RFM ≥ 4 4 4)",
            ListEntity::Customers,
            format!("channel={channel}&rfm_recency_min=4&rfm_frequency_min=4&rfm_monetary_min=4"),
            with(
                ch(),
                vec![
                    Sql(" and c.rfm_recency >= "),
                    Int(4),
                    Sql(" and c.rfm_frequency >= "),
                    Int(4),
                    Sql(" and c.rfm_monetary >= "),
                    Int(4),
                ],
            ),
        ),
        (
            "Open carts",
            ListEntity::Carts,
            format!("channel={channel}&status=open"),
            with(
                ch(),
                vec![
                    Sql(" and c.status = any("),
                    Texts(vec!["open".into()]),
                    Sql(")"),
                ],
            ),
        ),
        (
            "Follow-up not contacted",
            ListEntity::Carts,
            format!("channel={channel}&follow_up=not_contacted"),
            with(
                ch(),
                vec![
                    Sql(" and c.follow_up_step = any("),
                    Texts(vec!["not_contacted".into()]),
                    Sql(")"),
                ],
            ),
        ),
        (
            "Nobody (lifetime sales ≥ 10M)",
            ListEntity::Customers,
            format!("channel={channel}&lifetime_sales_min=10000000"),
            with(
                ch(),
                vec![Sql(" and c.lifetime_sales >= "), Amount(10_000_000.into())],
            ),
        ),
        (
            EVERYONE,
            ListEntity::Customers,
            format!("channel={channel}"),
            ch(),
        ),
    ];
    let mut cases = Vec::new();
    for (name, entity, query, filter) in made {
        let name = format!("{PREFIX}{name}");
        let list = NewList {
            name: name.clone(),
            entity,
            kind: ListKind::Dynamic,
            query,
        };
        let id = store::lists::create(pool, user, &list, today, tz)
            .await
            .with_context(|| format!("creating the list {name:?}"))?;
        cases.push(Case {
            name,
            id,
            entity,
            filter,
        });
    }
    for builtin in Builtin::ALL {
        let id: i64 = sqlx::query_scalar(
            "select id from marketing_lists where channel_id = $1 and builtin = $2",
        )
        .bind(channel)
        .bind(builtin.as_str())
        .fetch_one(pool)
        .await?;
        let filter = match builtin {
            Builtin::AbandonedCarts => with(
                ch(),
                vec![Sql(" and c.status = 'open' and c.abandon_at <= now()")],
            ),
            Builtin::Subscribed => with(
                ch(),
                vec![Sql(" and c.status = any("), SmallInts(vec![1]), Sql(")")],
            ),
            Builtin::FirstTimeBuyers => with(
                ch(),
                vec![
                    Sql(" and c.orders_count >= "),
                    Int(1),
                    Sql(" and c.orders_count <= "),
                    Int(1),
                    Sql(" and c.last_order_at >= "),
                    Time(day_start(today - Duration::days(29), tz)),
                    Sql(" and c.last_order_at < "),
                    Time(day_start(today + Duration::days(1), tz)),
                ],
            ),
            Builtin::LapsedCustomers => with(
                ch(),
                vec![
                    Sql(" and c.orders_count >= "),
                    Int(1),
                    Sql(" and c.last_order_at < "),
                    Time(day_start(
                        today - Duration::days(domain::lists::LAPSED_DAYS) + Duration::days(1),
                        tz,
                    )),
                ],
            ),
        };
        cases.push(Case {
            name: format!("Built-in: {}", builtin.name()),
            id,
            entity: builtin.entity(),
            filter,
        });
    }
    Ok(cases)
}

/// The user the bench's lists are made by.
async fn bench_user(pool: &PgPool) -> Result<i64> {
    const EMAIL: &str = "bench-lists@example.invalid";
    if let Some(id) = sqlx::query_scalar("select id from users where email = $1")
        .bind(EMAIL)
        .fetch_optional(pool)
        .await?
    {
        return Ok(id);
    }
    Ok(store::users::create(
        pool,
        store::users::NewUser {
            email: EMAIL,
            name: "Bench marketing",
            role: domain::Role::Marketing,
            password_hash: "!",
        },
    )
    .await?)
}

struct Measured {
    function_ms: f64,
    raw_ms: f64,
    total: i64,
}

/// The list page (count + first page) through the store, and as plain SQL.
async fn measure(
    pool: &PgPool,
    case: &Case,
    today: NaiveDate,
    tz: Tz,
    function_first: bool,
) -> Result<Measured> {
    let mut out = Measured {
        function_ms: 0.0,
        raw_ms: 0.0,
        total: 0,
    };
    let mut raw_total = 0;
    for step in 0..2 {
        if (step == 0) == function_first {
            let started = Instant::now();
            let page = store::lists::page(pool, case.id, 1, today, tz)
                .await
                .with_context(|| case.name.clone())?;
            out.function_ms = started.elapsed().as_secs_f64() * 1000.0;
            out.total = page.total;
            if page.members.len() as i64 != page.total.min(PER_PAGE) {
                bail!(
                    "{}: a first page of {} members",
                    case.name,
                    page.members.len()
                );
            }
        } else {
            let mut page_sql = case.page_sql();
            let mut count_sql = case.count_sql();
            let started = Instant::now();
            let rows = page_sql.build().fetch_all(pool);
            let count = count_sql.build_query_scalar::<i64>().fetch_one(pool);
            let (_rows, count) = futures::try_join!(rows, count)
                .with_context(|| format!("{}: {}", case.name, case.page_sql().sql()))?;
            out.raw_ms = started.elapsed().as_secs_f64() * 1000.0;
            raw_total = count;
        }
    }
    if raw_total != out.total {
        bail!(
            "{}: the list has {} members, its plain SQL counts {raw_total}",
            case.name,
            out.total
        );
    }
    Ok(out)
}

struct Row<'a> {
    case: &'a Case,
    function: Vec<f64>,
    raw: Vec<f64>,
    total: i64,
}

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (percentile(&v, 50.0), percentile(&v, 95.0))
}

fn report(rows: &[Row], size: SeedSize) {
    println!();
    println!(
        "List pages over {} customers, {} carts, {} orders: member count + first page of {PER_PAGE}, {RUNS} runs each",
        size.customers, size.carts, size.orders
    );
    println!(
        "{:<52} {:<9} {:>8} {:>9} {:>9} {:>9} {:>9} {:>6}",
        "list", "entity", "members", "fn p50", "fn p95", "raw p50", "raw p95", "ratio"
    );
    for row in rows {
        let (f50, f95) = stats(row.function.clone());
        let (r50, r95) = stats(row.raw.clone());
        let name: String = row
            .case
            .name
            .trim_start_matches(PREFIX)
            .chars()
            .take(52)
            .collect();
        println!(
            "{name:<52} {:<9} {:>8} {f50:>7.1}ms {f95:>7.1}ms {r50:>7.1}ms {r95:>7.1}ms {:>6.2}",
            match row.case.entity {
                ListEntity::Customers => "customers",
                ListEntity::Carts => "carts",
                ListEntity::Subscribers => "subscr.",
            },
            row.total,
            f95 / r95
        );
    }
    let (f50, f95) = stats(rows.iter().flat_map(|r| r.function.clone()).collect());
    let (r50, r95) = stats(rows.iter().flat_map(|r| r.raw.clone()).collect());
    let worst = rows
        .iter()
        .map(|r| stats(r.function.clone()).1 / stats(r.raw.clone()).1)
        .fold(0.0, f64::max);
    println!();
    println!("                  p50        p95   (all lists' samples)");
    println!("store::lists  {f50:>8.1}ms {f95:>8.1}ms");
    println!("plain SQL     {r50:>8.1}ms {r95:>8.1}ms");
    println!(
        "ratio (p95)   {:>8.2}              worst list {worst:.2} (the grid's target: ≤ 1.5)",
        f95 / r95
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

/// The list's CSV export through the export server function's stream and encoding, read as a
/// client would (chunk by chunk), bytes counted and dropped.
async fn export(pool: &PgPool, case: &Case, today: NaiveDate, tz: Tz) -> Result<()> {
    let rss_before = rss_mib().unwrap_or(f64::NAN);
    let peak_before = peak_rss_mib().unwrap_or(f64::NAN);
    reset_peak_rss();
    let started = Instant::now();
    let members = store::lists::export(pool.clone(), case.id, false, today, tz).await?;
    // As `app::lists::api::export_marketing_list` encodes it.
    let head = domain::lists::CSV_HEAD;
    let mut body = Box::pin(members.ready_chunks(256).map(|chunk| {
        let mut out = String::with_capacity(64 * 1024);
        for m in chunk {
            m?.push_csv_line(&mut out);
        }
        Ok::<_, store::Error>(out)
    }));
    let (mut bytes, mut lines, mut chunks) = (head.len(), 1usize, 1usize);
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        bytes += chunk.len();
        lines += chunk.matches("\r\n").count();
        chunks += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    let peak = peak_rss_mib().unwrap_or(f64::NAN);
    let rss_after = rss_mib().unwrap_or(f64::NAN);
    let members = lines - 1;
    let total: i64 = store::lists::page(pool, case.id, 1, today, tz).await?.total;
    println!();
    println!(
        "CSV export of the list {:?} ({total} members, {members} fit for email): {secs:.2} s, {:.1} MB in {chunks} chunks, {:.0} rows/s (target ≤ 5 s: {})",
        case.name.trim_start_matches(PREFIX),
        bytes as f64 / 1e6,
        members as f64 / secs,
        verdict(secs <= 5.0)
    );
    println!(
        "resident memory: {rss_before:.0} MiB before (peak so far {peak_before:.0} MiB), peak during the export {peak:.0} MiB, {rss_after:.0} MiB after (target flat, within 64 MiB: {})",
        verdict(peak - rss_before <= 64.0)
    );
    Ok(())
}
