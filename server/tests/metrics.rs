//! Every dashboard and report metric against values computed here, independently, from the demo
//! store's own records (never from the CRM's tables): a demo store is synced into a fresh
//! database, then each `store::metrics` function must agree to the cent.
//!
//! The expected values follow product.md: revenue = Σ (subtotal − |discount|) of non-canceled
//! orders (recomputed from the order items: configurable children carry no price), customers as
//! the CRM identifies them (registered by id, else one guest per website and email, merged into
//! a registered customer with that email), abandoned = open with items, an email and idle past
//! the threshold, periods = whole days in a time zone.

// The demo store is only read here (no live changes), and its lock is shared by readers: holding
// a read guard while the CRM is queried cannot block anything.
#![allow(clippy::await_holding_lock)]

use app::reports::links;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use demo_store::{Cart, DemoStoreConfig, DemoStoreHandle, ItemKind, Order, OrderState, Store};
use domain::metrics::{DateRange, Granularity};
use domain::sync::{JobKind, JobStatus};
use domain::{ChannelSettings, Credentials};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use store::PgPool;
use store::metrics::{self, Scope};
use store::secrets::Cipher;

const SCALE: usize = 400;

/// How the CRM identifies the customer behind an order or a cart.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Who {
    Registered(u32),
    Guest(u16, String),
}

struct Synced {
    handle: DemoStoreHandle,
    channel: i64,
    /// When the sync finished: carts idle longer than the lifetime are expired by then.
    synced_at: DateTime<Utc>,
}

async fn synced_demo_store(pool: &PgPool) -> Synced {
    let config = DemoStoreConfig {
        scale: SCALE,
        // Now, to the hour: recent carts are still open (fixed for the whole test).
        anchor: Some(demo_store::default_anchor()),
        ..DemoStoreConfig::default()
    };
    let handle = demo_store::spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("demo store starts");
    let cipher = Cipher::new(&[7u8; 32]);
    let settings = ChannelSettings::new("Metrics demo", handle.base_url());
    let credentials = Credentials::Bearer {
        token: demo_store::DEMO_BEARER_TOKEN.to_string(),
    };
    let channel = store::channels::create(pool, &cipher, &settings, &credentials, false)
        .await
        .unwrap();
    let (_, outcome) =
        sync::worker::sync_and_wait(pool, &cipher, channel, JobKind::Sync, &Default::default())
            .await
            .unwrap();
    assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
    Synced {
        handle,
        channel,
        synced_at: Utc::now(),
    }
}

/// The demo store's records, with the rules the expected values need.
struct Model<'a> {
    s: &'a Store,
    tz: Tz,
    registered_by_email: HashMap<(u16, String), u32>,
}

impl<'a> Model<'a> {
    fn new(s: &'a Store, tz: Tz) -> Self {
        let registered_by_email = s
            .customers
            .iter()
            .map(|c| ((c.website_id, c.email.to_lowercase()), c.id))
            .collect();
        Model {
            s,
            tz,
            registered_by_email,
        }
    }

    fn website(&self, store_id: u16) -> u16 {
        self.s.catalog.website_of_store(store_id).id
    }

    fn currency(&self, store_id: u16) -> String {
        self.s
            .catalog
            .website_of_store(store_id)
            .currency
            .to_string()
    }

    fn who(&self, customer_id: Option<u32>, store_id: u16, email: Option<&str>) -> Option<Who> {
        if let Some(id) = customer_id.filter(|id| self.s.customers.contains(*id)) {
            return Some(Who::Registered(id));
        }
        let email = email?.trim().to_lowercase();
        if email.is_empty() {
            return None;
        }
        let website = self.website(store_id);
        Some(
            match self.registered_by_email.get(&(website, email.clone())) {
                Some(id) => Who::Registered(*id),
                None => Who::Guest(website, email),
            },
        )
    }

    fn order_who(&self, o: &Order) -> Option<Who> {
        self.who(o.customer_id, o.store_id, Some(&o.customer_email))
    }

    fn cart_email(&self, c: &Cart) -> Option<String> {
        if let Some(customer) = c.customer_id.and_then(|id| self.s.customers.get(id)) {
            return Some(customer.email.to_string());
        }
        c.billing
            .as_ref()
            .and_then(|b| b.email.as_deref().map(str::to_string))
            .or_else(|| c.customer_email.as_deref().map(str::to_string))
            .filter(|e| !e.trim().is_empty())
    }

    fn cart_who(&self, c: &Cart) -> Option<Who> {
        self.who(c.customer_id, c.store_id, self.cart_email(c).as_deref())
    }

    /// When the CRM considers a customer created: registered ones by the store, guests when
    /// the store first saw their email (their first order or cart).
    fn created(&self) -> HashMap<Who, DateTime<Utc>> {
        let mut created = HashMap::new();
        for c in self.s.customers.iter() {
            created.insert(Who::Registered(c.id), c.created_at.to_datetime());
        }
        let guests = self
            .s
            .orders
            .iter()
            .filter_map(|o| Some((self.order_who(o)?, o.created_at.to_datetime())))
            .chain(
                self.s
                    .carts
                    .iter()
                    .filter_map(|c| Some((self.cart_who(c)?, c.created_at.to_datetime()))),
            );
        for (who, at) in guests {
            if matches!(who, Who::Guest(..)) {
                let slot = created.entry(who).or_insert(at);
                *slot = (*slot).min(at);
            }
        }
        created
    }

    fn start(&self, day: NaiveDate) -> DateTime<Utc> {
        self.tz
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn contains(&self, range: DateRange, at: DateTime<Utc>) -> bool {
        at >= self.start(range.from) && at < self.start(range.to + Duration::days(1))
    }

    fn orders_in(&self, range: DateRange) -> impl Iterator<Item = &'a Order> + '_ {
        self.s
            .orders
            .iter()
            .filter(move |o| self.contains(range, o.created_at.to_datetime()))
    }
}

fn canceled(o: &Order) -> bool {
    o.state == OrderState::Canceled || o.status == "canceled"
}

/// Σ row totals of priced rows (a configurable's child row repeats its parent at price 0) less
/// the discount: revenue recomputed from the items, not read from the order's subtotal.
fn net(o: &Order) -> Decimal {
    let subtotal: Decimal = o
        .items
        .iter()
        .filter(|i| i.kind != ItemKind::Child)
        .map(|i| i.row_total())
        .sum();
    subtotal - o.discount_amount.abs()
}

/// Expected (orders, canceled, discounted, revenue per currency).
fn expected_sales(m: &Model, range: DateRange) -> (i64, i64, i64, BTreeMap<String, Decimal>) {
    let (mut orders, mut canceled_n, mut discounted) = (0, 0, 0);
    let mut revenue = BTreeMap::new();
    for o in m.orders_in(range) {
        if canceled(o) {
            canceled_n += 1;
            continue;
        }
        orders += 1;
        if !o.discount_amount.is_zero() {
            discounted += 1;
        }
        *revenue
            .entry(m.currency(o.store_id))
            .or_insert(Decimal::ZERO) += net(o);
    }
    (orders, canceled_n, discounted, revenue)
}

fn expected_customers(m: &Model, range: DateRange) -> (i64, i64) {
    let created = m.created();
    let mut buyers: Vec<Who> = m
        .orders_in(range)
        .filter(|o| !canceled(o))
        .filter_map(|o| m.order_who(o))
        .collect();
    buyers.sort();
    buyers.dedup();
    let (mut new, mut returning) = (0, 0);
    for who in buyers {
        let at = created[&who];
        if m.contains(range, at) {
            new += 1;
        } else if at < m.start(range.from) {
            returning += 1;
        }
    }
    (new, returning)
}

fn is_purchased(m: &Model, c: &Cart) -> bool {
    m.s.orders.iter().any(|o| o.quote_id == c.id)
}

/// Open in the CRM: active, touched within the cart lifetime (30 days), no order.
fn is_open(m: &Model, c: &Cart, synced_at: DateTime<Utc>) -> bool {
    c.is_active
        && synced_at - c.updated_at.to_datetime() <= Duration::days(30)
        && !is_purchased(m, c)
}

fn is_abandoned(m: &Model, c: &Cart, synced_at: DateTime<Utc>, as_of: DateTime<Utc>) -> bool {
    is_open(m, c, synced_at)
        && !c.items.is_empty()
        && m.cart_email(c).is_some()
        && c.updated_at.to_datetime() + Duration::hours(1) <= as_of
}

fn cart_total(c: &Cart) -> Decimal {
    c.items.iter().map(|i| i.price * Decimal::from(i.qty)).sum()
}

/// The total of the grid a dashboard link opens (`/orders?canceled=false&…`).
async fn grid_total(pool: &PgPool, link: &str, zone: Tz) -> i64 {
    use domain::grid::{GridQuery, carts::CartField, credit_memos::CreditMemoField};
    use domain::grid::{customers::CustomerField, orders::OrderField, parse};
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let today = Utc::now().date_naive();
    macro_rules! total {
        ($field:ty) => {{
            let q: GridQuery<$field> =
                parse(&pairs, today).unwrap_or_else(|e| panic!("{link}: {e}"));
            store::grid::page(pool, &q, zone)
                .await
                .unwrap_or_else(|e| panic!("{link}: {e}"))
                .1
        }};
    }
    match path {
        "/orders" => total!(OrderField),
        "/customers" => total!(CustomerField),
        "/carts" => total!(CartField),
        "/credit-memos" => total!(CreditMemoField),
        other => panic!("no grid at {other}"),
    }
}

fn tz(name: &str) -> Tz {
    name.parse().unwrap()
}

fn local_today(t: DateTime<Utc>, zone: Tz) -> NaiveDate {
    t.with_timezone(&zone).date_naive()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn dashboard_metrics_match_the_demo_store(pool: PgPool) {
    let synced = synced_demo_store(&pool).await;
    let state = synced.handle.state();
    let s = state.read();
    let as_of = Utc::now();
    let zone_name = "America/New_York";
    let m = Model::new(&s, tz(zone_name));
    let today = local_today(s.anchor, m.tz);

    for range in [
        DateRange::new(today - Duration::days(29), today).unwrap(),
        DateRange::new(today - Duration::days(364), today).unwrap(),
        DateRange::new(today - Duration::days(700), today - Duration::days(400)).unwrap(),
    ] {
        let scope = Scope {
            channel: Some(synced.channel),
            tz: zone_name,
            range,
        };
        let why = format!("range {range:?}");

        // Revenue, orders, discounted orders, AOV.
        let sales = metrics::sales_summary(&pool, scope).await.unwrap();
        let (orders, canceled_n, discounted, revenue) = expected_sales(&m, range);
        assert!(
            orders > 0 && canceled_n > 0,
            "{why}: the range must exercise cancellations"
        );
        assert_eq!(sales.orders, orders, "{why}: orders");
        assert_eq!(sales.canceled, canceled_n, "{why}: canceled");
        assert_eq!(sales.discounted, discounted, "{why}: discounted");
        let got: BTreeMap<String, Decimal> = sales
            .by_currency
            .iter()
            .map(|c| (c.currency.clone(), c.revenue))
            .collect();
        assert_eq!(got, revenue, "{why}: revenue per currency");
        for c in &sales.by_currency {
            let n = m
                .orders_in(range)
                .filter(|o| !canceled(o) && m.currency(o.store_id) == c.currency)
                .count() as i64;
            assert_eq!(c.orders, n, "{why}: orders in {}", c.currency);
            assert_eq!(
                c.aov(),
                Some(revenue[&c.currency] / Decimal::from(n)),
                "{why}: AOV"
            );
        }

        // The chart's buckets add up to the totals, each bucket to its own days.
        let granularity = range.granularity();
        let series = metrics::sales_series(&pool, scope, granularity)
            .await
            .unwrap();
        assert_eq!(series.len(), range.buckets(granularity).len());
        for point in &series {
            let bucket_orders = m
                .orders_in(range)
                .filter(|o| !canceled(o))
                .filter(|o| {
                    let day = local_today(o.created_at.to_datetime(), m.tz);
                    granularity.truncate(day) == point.start
                })
                .count() as i64;
            assert_eq!(point.orders, bucket_orders, "{why}: bucket {}", point.start);
        }
        assert_eq!(series.iter().map(|p| p.orders).sum::<i64>(), orders);

        // New and returning customers (guests through their guest customer).
        let customers = metrics::customer_summary(&pool, scope).await.unwrap();
        let (new, returning) = expected_customers(&m, range);
        assert_eq!(
            (customers.new, customers.returning),
            (new, returning),
            "{why}: customers"
        );

        // Refunds: refunded credit memos created in the range.
        let refunds = metrics::refund_summary(&pool, scope).await.unwrap();
        let mut expected_refunds: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut refund_count = 0;
        for memo in s.credit_memos.iter() {
            if memo.state == 2 && m.contains(range, memo.created_at.to_datetime()) {
                refund_count += 1;
                *expected_refunds
                    .entry(m.currency(memo.store_id))
                    .or_default() += memo.grand_total;
            }
        }
        assert_eq!(refunds.count, refund_count, "{why}: refunds");
        let got: BTreeMap<String, Decimal> = refunds
            .totals
            .iter()
            .map(|t| (t.currency.clone(), t.amount))
            .collect();
        assert_eq!(got, expected_refunds, "{why}: refund totals");

        // Carts: statuses, funnel, abandoned, abandon rate.
        let carts = metrics::cart_summary(&pool, scope, as_of).await.unwrap();
        let created: Vec<&Cart> = s
            .carts
            .iter()
            .filter(|c| m.contains(range, c.created_at.to_datetime()))
            .collect();
        let purchased = created.iter().filter(|c| is_purchased(&m, c)).count() as i64;
        let abandoned: Vec<&&Cart> = created
            .iter()
            .filter(|c| is_abandoned(&m, c, synced.synced_at, as_of))
            .collect();
        assert_eq!(carts.created, created.len() as i64, "{why}: carts created");
        assert_eq!(carts.purchased, purchased, "{why}: purchased");
        assert_eq!(carts.abandoned, abandoned.len() as i64, "{why}: abandoned");
        let mut value: BTreeMap<String, Decimal> = BTreeMap::new();
        for c in &abandoned {
            *value.entry(m.currency(c.store_id)).or_default() += cart_total(c);
        }
        let got: BTreeMap<String, Decimal> = carts
            .abandoned_value
            .iter()
            .map(|v| (v.currency.clone(), v.amount))
            .collect();
        assert_eq!(got, value, "{why}: abandoned value");
        let rate =
            domain::metrics::ratio(abandoned.len() as i64, abandoned.len() as i64 + purchased);
        assert_eq!(
            carts.abandon_rate(),
            rate,
            "{why}: abandon rate is a count over a count"
        );
        assert!(carts.created >= carts.with_items && carts.with_items >= carts.checkout);
        assert!(
            carts.checkout >= carts.purchased,
            "{why}: the funnel never widens"
        );
        let open = created
            .iter()
            .filter(|c| is_open(&m, c, synced.synced_at))
            .count() as i64;
        assert_eq!(
            carts.status(domain::CartStatus::Open),
            open,
            "{why}: open carts"
        );

        // Every widget's link opens a grid whose total is the widget's number.
        let channel = Some(synced.channel);
        let zone = tz(zone_name);
        for (link, number) in [
            (links::orders(range, channel, false), sales.orders),
            (links::orders(range, channel, true), sales.discounted),
            (links::buyers(range, channel, true), customers.new),
            (links::buyers(range, channel, false), customers.returning),
            (links::refunds(range, channel), refunds.count),
            (links::carts(range, channel, None, false), carts.created),
            (
                links::funnel(range, channel, "with_items"),
                carts.with_items,
            ),
            (links::funnel(range, channel, "checkout"), carts.checkout),
            (
                links::carts(range, channel, Some("purchased"), false),
                carts.purchased,
            ),
            (
                links::carts(range, channel, Some("open"), true),
                carts.abandoned,
            ),
        ] {
            assert_eq!(
                grid_total(&pool, &link, zone).await,
                number,
                "{why}: {link}"
            );
        }
    }

    // The recent range has abandoned carts, or the abandoned checks above proved nothing.
    let recent = Scope {
        channel: None,
        tz: zone_name,
        range: DateRange::new(today - Duration::days(29), today).unwrap(),
    };
    let carts = metrics::cart_summary(&pool, recent, as_of).await.unwrap();
    assert!(
        carts.abandoned > 0,
        "no abandoned carts in the last 30 days"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn ranges_follow_the_users_time_zone_and_empty_ranges_divide_by_nothing(pool: PgPool) {
    let synced = synced_demo_store(&pool).await;
    let state = synced.handle.state();
    let s = state.read();

    // One calendar day in zones 22 hours apart covers different orders; both must match. The
    // day is the same date everywhere: each zone's own "today" would shift with the hour the
    // test runs at (between 00:00 and 08:00 UTC Kiritimati is a day ahead of Los Angeles, and
    // their "yesterdays" then overlap for 22 hours instead of 2).
    let mut differ = false;
    for days_back in 1..20 {
        let mut counts = Vec::new();
        let day = local_today(s.anchor, tz("UTC")) - Duration::days(days_back);
        for zone_name in [
            "Pacific/Kiritimati",
            "America/Los_Angeles",
            "Asia/Kathmandu",
        ] {
            let m = Model::new(&s, tz(zone_name));
            let range = DateRange::new(day, day).unwrap();
            let scope = Scope {
                channel: Some(synced.channel),
                tz: zone_name,
                range,
            };
            let sales = metrics::sales_summary(&pool, scope).await.unwrap();
            let (orders, canceled_n, _, revenue) = expected_sales(&m, range);
            assert_eq!(
                (sales.orders, sales.canceled),
                (orders, canceled_n),
                "{zone_name} {day}"
            );
            let got: BTreeMap<String, Decimal> = sales
                .by_currency
                .iter()
                .map(|c| (c.currency.clone(), c.revenue))
                .collect();
            assert_eq!(got, revenue, "{zone_name} {day}");
            let ids: Vec<u32> = m.orders_in(range).map(|o| o.id).collect();
            counts.push(ids);
        }
        differ |= counts[0] != counts[1];
    }
    assert!(
        differ,
        "the zones never disagreed: the test proves nothing about time zones"
    );

    // Before the store's history: no orders, no carts, nothing divided by zero.
    let empty = Scope {
        channel: Some(synced.channel),
        tz: "UTC",
        range: DateRange::new(
            NaiveDate::from_ymd_opt(2001, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2001, 1, 31).unwrap(),
        )
        .unwrap(),
    };
    let sales = metrics::sales_summary(&pool, empty).await.unwrap();
    assert_eq!(sales.orders, 0);
    assert!(sales.by_currency.is_empty());
    assert_eq!(sales.discounted_share(), None);
    assert_eq!(sales.currency("USD").aov(), None);
    let carts = metrics::cart_summary(&pool, empty, Utc::now())
        .await
        .unwrap();
    assert_eq!(carts.abandon_rate(), None);
    assert_eq!(domain::metrics::percent(carts.abandon_rate()), "—");
    let series = metrics::sales_series(&pool, empty, Granularity::Week)
        .await
        .unwrap();
    assert!(series.iter().all(|p| p.orders == 0 && p.revenue.is_empty()));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn rfm_scores_and_top_customers_match_the_demo_store(pool: PgPool) {
    let synced = synced_demo_store(&pool).await;
    let state = synced.handle.state();
    let s = state.read();
    let m = Model::new(&s, tz("UTC"));
    let as_of = s.anchor + Duration::minutes(30);

    // Per customer: last order, orders in the last 365 days, lifetime revenue, currency.
    struct Buyer {
        last: DateTime<Utc>,
        frequency: i64,
        lifetime: Decimal,
        currency: String,
        email: String,
    }
    let mut buyers: BTreeMap<Who, Buyer> = BTreeMap::new();
    let mut orders: Vec<&Order> = s.orders.iter().filter(|o| !canceled(o)).collect();
    orders.sort_by_key(|o| (o.created_at, o.id));
    for o in orders {
        let Some(who) = m.order_who(o) else { continue };
        let at = o.created_at.to_datetime();
        let email = match &who {
            Who::Registered(id) => s.customers.get(*id).unwrap().email.to_lowercase(),
            Who::Guest(_, email) => email.clone(),
        };
        let b = buyers.entry(who).or_insert(Buyer {
            last: at,
            frequency: 0,
            lifetime: Decimal::ZERO,
            currency: String::new(),
            email,
        });
        b.last = b.last.max(at);
        b.lifetime += net(o);
        b.currency = m.currency(o.store_id);
        if at > as_of - Duration::days(365) {
            b.frequency += 1;
        }
    }
    let n = buyers.len() as i64;
    let score = |below: usize, of: i64| (1 + 5 * below as i64 / of) as i16;
    let mut expected: Vec<(String, Decimal, i64, i64, i16, i16, i16)> = buyers
        .values()
        .map(|b| {
            let same_currency: Vec<&Buyer> = buyers
                .values()
                .filter(|o| o.currency == b.currency)
                .collect();
            let r = score(buyers.values().filter(|o| o.last < b.last).count(), n);
            let f = score(
                buyers
                    .values()
                    .filter(|o| o.frequency < b.frequency)
                    .count(),
                n,
            );
            let m_score = score(
                same_currency
                    .iter()
                    .filter(|o| o.lifetime < b.lifetime)
                    .count(),
                same_currency.len() as i64,
            );
            let recency = (as_of - b.last).num_seconds().div_euclid(86_400);
            (
                b.email.clone(),
                b.lifetime,
                recency,
                b.frequency,
                r,
                f,
                m_score,
            )
        })
        .collect();
    expected.sort();

    let report = metrics::rfm_report(&pool, Some(synced.channel), as_of, 100_000)
        .await
        .unwrap();
    assert_eq!(report.total, n);
    let mut got: Vec<(String, Decimal, i64, i64, i16, i16, i16)> = report
        .rows
        .iter()
        .map(|r| {
            (
                r.email.to_lowercase(),
                r.lifetime.amount,
                r.recency_days,
                r.frequency,
                r.r,
                r.f,
                r.m,
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected);
    assert!(
        report
            .rows
            .windows(2)
            .all(|w| w[0].lifetime.amount >= w[1].lifetime.amount),
        "highest lifetime value first"
    );
    for score in 1..=5 {
        assert!(
            report.rows.iter().any(|r| r.r == score),
            "some customer scores R={score}"
        );
    }

    // Top customers by lifetime sales, per currency.
    for currency in ["USD", "EUR", "JPY"] {
        let top = metrics::top_customers(&pool, Some(synced.channel), currency, 5)
            .await
            .unwrap();
        let mut lifetimes: Vec<Decimal> = buyers
            .values()
            .filter(|b| b.currency == currency)
            .map(|b| b.lifetime)
            .filter(|l| *l > Decimal::ZERO)
            .collect();
        lifetimes.sort_by(|a, b| b.cmp(a));
        lifetimes.truncate(5);
        let got: Vec<Decimal> = top.iter().map(|t| t.lifetime_sales.amount).collect();
        assert_eq!(got, lifetimes, "top customers in {currency}");
    }
}
