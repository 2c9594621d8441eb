//! Deterministic data: the same seed, scale and anchor always give the same store.
//!
//! Each phase draws from its own ChaCha stream, so changing how carts are generated does not
//! reshuffle customers. Ids follow creation time, as auto-increment ids do in Magento.

mod carts;
mod catalog;
mod names;
mod orders;
mod people;
mod refunds;
mod sales;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, DurationRound, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::clock::Ts;
use crate::model::{Cart, Catalog, CreditMemo, Customer, Order, Subscriber, SubscriberStatus};

pub use catalog::{EXTRA_SKU_PREFIX, base_product_count};
pub(crate) use names::store_views_of_website as store_views_of;
pub(crate) use orders::{apply_state, order_items, recompute_totals};
pub(crate) use people::{PersonGen, random_postal};
pub(crate) use refunds::{memo, memo_item};
pub(crate) use sales::draw_lines;

/// Length of the generated history.
pub const HISTORY_DAYS: i64 = 730;

/// Everything `generate` produced, in id order.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub seed: u64,
    pub scale: usize,
    pub anchor: DateTime<Utc>,
    pub catalog: Arc<Catalog>,
    pub customers: Vec<Customer>,
    pub carts: Vec<Cart>,
    pub orders: Vec<Order>,
    pub credit_memos: Vec<CreditMemo>,
    pub subscribers: Vec<Subscriber>,
    subscribed: OnceLock<HashMap<u32, bool>>,
}

impl Dataset {
    pub fn customer(&self, id: u32) -> Option<&Customer> {
        find(&self.customers, id, |c| c.id)
    }

    pub fn cart(&self, id: u32) -> Option<&Cart> {
        find(&self.carts, id, |c| c.id)
    }

    pub fn order(&self, id: u32) -> Option<&Order> {
        find(&self.orders, id, |o| o.id)
    }

    pub fn credit_memo(&self, id: u32) -> Option<&CreditMemo> {
        find(&self.credit_memos, id, |m| m.id)
    }

    /// `extension_attributes.is_subscribed` of a customer: a subscriber row with status 1.
    pub fn is_subscribed(&self, customer_id: u32) -> bool {
        let map = self.subscribed.get_or_init(|| {
            self.subscribers
                .iter()
                .filter(|s| s.customer_id != 0)
                .map(|s| (s.customer_id, s.status == SubscriberStatus::Subscribed))
                .collect()
        });
        map.get(&customer_id).copied().unwrap_or(false)
    }
}

fn find<T>(rows: &[T], id: u32, key: impl Fn(&T) -> u32) -> Option<&T> {
    rows.binary_search_by_key(&id, key).ok().map(|i| &rows[i])
}

/// The default anchor: now, rounded down to the hour.
pub fn default_anchor() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(Duration::hours(1)).unwrap_or(now)
}

/// Generates a store with `scale` orders whose history ends at `anchor` (default: this hour).
pub fn generate(seed: u64, scale: usize, anchor: Option<DateTime<Utc>>) -> Dataset {
    generate_with_products(seed, scale, anchor, 0)
}

/// `generate` with `extra_products` more simple products (`BENCH-000001`, ...) appended to
/// the catalogue for benchmarks. They are in no generated cart or order: everything else is
/// exactly what `generate` gives.
pub fn generate_with_products(
    seed: u64,
    scale: usize,
    anchor: Option<DateTime<Utc>>,
    extra_products: u32,
) -> Dataset {
    let anchor = anchor.unwrap_or_else(default_anchor);
    let end = Ts::from_datetime(anchor);
    let window = Window {
        start: end.plus(-HISTORY_DAYS * 86_400),
        end,
    };
    let catalog = Arc::new(catalog::build(end, extra_products));
    let people = people::generate(seed, scale, window);
    let sales = sales::generate(seed, scale, window, &catalog, &people.customers);
    let subscribers = people::subscribers(
        seed,
        scale,
        window,
        &people.customers,
        &people.subscriber_plans,
    );
    Dataset {
        seed,
        scale,
        anchor,
        catalog,
        customers: people.customers,
        carts: sales.carts,
        orders: sales.orders,
        credit_memos: sales.credit_memos,
        subscribers,
        subscribed: OnceLock::new(),
    }
}

/// The generated history's time range.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Window {
    pub start: Ts,
    pub end: Ts,
}

impl Window {
    /// A random instant between `from` and the window's end (the end if `from` is later:
    /// nothing generated may lie past the anchor).
    pub fn after(&self, rng: &mut Rng8, from: Ts) -> Ts {
        if from >= self.end {
            return self.end;
        }
        Ts(from.0 + rng.gen_range(0..=self.end.0 - from.0))
    }

    /// `n` sorted instants, denser towards the end (a growing shop), with a share of them
    /// repeating the previous second: real stores write many rows in the same second.
    pub fn sorted_times(&self, rng: &mut Rng8, n: usize, tie_share: f64) -> Vec<Ts> {
        let span = (self.end.0 - self.start.0) as f64;
        let mut times: Vec<Ts> = (0..n)
            .map(|_| Ts(self.start.0 + (span * rng.r#gen::<f64>().sqrt()) as u32))
            .collect();
        times.sort_unstable();
        for i in 1..times.len() {
            if chance(rng, tie_share) {
                times[i] = times[i - 1];
            }
        }
        times
    }

    /// A few seconds in the last 90 days when "mass actions" touched many rows at once, so
    /// keyset paging meets ties larger than a page.
    pub fn mass_update_seconds(&self, rng: &mut Rng8) -> [Ts; 3] {
        let from = self.end.plus(-90 * 86_400).max(self.start);
        let mut s = [
            self.after(rng, from),
            self.after(rng, from),
            self.after(rng, from),
        ];
        s.sort();
        s
    }
}

pub(crate) type Rng8 = ChaCha8Rng;

/// An independent random stream per generation phase.
pub(crate) fn stream(seed: u64, phase: u64) -> Rng8 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(phase);
    rng
}

pub(crate) fn chance(rng: &mut Rng8, p: f64) -> bool {
    rng.r#gen::<f64>() < p
}

pub(crate) fn pick<'a, T>(rng: &mut Rng8, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

pub(crate) fn pick_copy<T: Copy>(rng: &mut Rng8, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// Index drawn from cumulative weights.
pub(crate) fn weighted(rng: &mut Rng8, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.gen_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}
