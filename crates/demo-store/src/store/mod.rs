//! The live state of a demo store: tables with indexes, the clock, id allocation, and the
//! mutations tests, the live generator and the REST handlers perform.

mod address_rules;
mod carts;
mod checkout;
mod customer_rules;
mod customers;
mod newsletter;
mod orders;
mod products;
mod rows;
mod shared;
mod table;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::clock::{Clock, Ts};
use crate::config::{CheckoutConfig, CustomerConfig};
use crate::generate::{Dataset, PersonGen, Rng8, stream};
use crate::model::{Cart, Catalog, CreditMemo, Customer, Order, Product, Subscriber};
use crate::render::{RecordRef, RenderCtx, to_json};

pub use checkout::PaymentInput;
pub use customers::{NewAddress, NewCustomer};
pub use orders::RefundRequest;
pub(crate) use shared::Runtime;
pub use shared::{DemoStats, SharedStore};
pub use table::{Row, Table};

/// Ids a restarted store hands out must not reuse ids a previous run created: the next id
/// starts above the generated maximum by 20 per second elapsed since the anchor (more than
/// the live generator can create per second), then counts up.
const IDS_PER_SECOND: u64 = 20;

#[derive(Clone, Debug)]
struct Ids {
    customer: u32,
    address: u32,
    cart: u32,
    cart_item: u32,
    order: u32,
    order_item: u32,
    memo: u32,
    memo_item: u32,
    subscriber: u32,
}

fn next_id(counter: &mut u32) -> u32 {
    *counter = counter.saturating_add(1);
    *counter
}

pub struct Store {
    pub catalog: Arc<Catalog>,
    pub customers: Table<Customer>,
    pub carts: Table<Cart>,
    pub orders: Table<Order>,
    pub credit_memos: Table<CreditMemo>,
    pub subscribers: Table<Subscriber>,
    /// Products as they are now (price, status, stock, `updated_at`); `catalog.products`
    /// keeps them as generated.
    pub products: Table<Product>,
    pub seed: u64,
    pub anchor: DateTime<Utc>,
    /// Quotes not updated for this many days are purged by `purge_quotes`.
    pub quote_lifetime_days: u32,
    /// Active payment methods and carriers.
    pub checkout: CheckoutConfig,
    /// Full or partial customer PUT, newsletter confirmation: a store setting, so live
    /// mode's subscriptions follow it as the API's do.
    pub customer_config: CustomerConfig,
    clock: Clock,
    ids: Ids,
    subscriber_by_customer: HashMap<u32, u32>,
    active_cart_by_customer: HashMap<u32, u32>,
    customer_by_email: HashMap<(u16, String), u32>,
    address_owner: HashMap<u32, u32>,
    /// Guest carts' masked ids (`quote_id_mask`), both ways.
    cart_by_mask: HashMap<String, u32>,
    mask_by_cart: HashMap<u32, String>,
    /// Randomness for live events and API-created data.
    pub(crate) rng: Rng8,
    pub(crate) people: PersonGen,
}

impl Store {
    /// Loads a generated dataset; `clock` decides where live ids start.
    pub fn from_dataset(ds: Dataset, clock: Clock, quote_lifetime_days: u32) -> Store {
        let elapsed = (clock.now().0 as i64 - Ts::from_datetime(ds.anchor).0 as i64).max(0) as u64;
        let offset = elapsed
            .saturating_mul(IDS_PER_SECOND)
            .min(u32::MAX as u64 / 4) as u32;
        let start = |max: u32| max.saturating_add(offset);
        let max_of = |it: &mut dyn Iterator<Item = u32>| it.max().unwrap_or(0);
        let ids = Ids {
            customer: start(max_of(&mut ds.customers.iter().map(|c| c.id))),
            address: start(max_of(
                &mut ds
                    .customers
                    .iter()
                    .flat_map(|c| c.addresses.iter().map(|a| a.id)),
            )),
            cart: start(max_of(&mut ds.carts.iter().map(|c| c.id))),
            cart_item: start(max_of(
                &mut ds
                    .carts
                    .iter()
                    .flat_map(|c| c.items.iter().map(|i| i.item_id)),
            )),
            order: start(max_of(&mut ds.orders.iter().map(|o| o.id))),
            order_item: start(max_of(
                &mut ds
                    .orders
                    .iter()
                    .flat_map(|o| o.items.iter().map(|i| i.item_id)),
            )),
            memo: start(max_of(&mut ds.credit_memos.iter().map(|m| m.id))),
            memo_item: start(max_of(
                &mut ds
                    .credit_memos
                    .iter()
                    .flat_map(|m| m.items.iter().map(|i| i.entity_id)),
            )),
            subscriber: start(max_of(&mut ds.subscribers.iter().map(|s| s.id))),
        };
        let mut subscriber_by_customer = HashMap::new();
        for s in ds.subscribers.iter().filter(|s| s.customer_id != 0) {
            subscriber_by_customer.insert(s.customer_id, s.id);
        }
        let mut active_cart_by_customer = HashMap::new();
        for c in ds.carts.iter().filter(|c| c.is_active) {
            if let Some(customer) = c.customer_id {
                active_cart_by_customer.insert(customer, c.id);
            }
        }
        let mut customer_by_email = HashMap::new();
        let mut address_owner = HashMap::new();
        for c in &ds.customers {
            customer_by_email.insert((c.website_id, c.email.to_lowercase()), c.id);
            for a in &c.addresses {
                address_owner.insert(a.id, c.id);
            }
        }
        let products = Table::from_rows(ds.catalog.products.clone());
        Store {
            catalog: ds.catalog,
            customers: Table::from_rows(ds.customers),
            carts: Table::from_rows(ds.carts),
            orders: Table::from_rows(ds.orders),
            credit_memos: Table::from_rows(ds.credit_memos),
            subscribers: Table::from_rows(ds.subscribers),
            products,
            seed: ds.seed,
            anchor: ds.anchor,
            quote_lifetime_days,
            checkout: CheckoutConfig::default(),
            customer_config: CustomerConfig::default(),
            clock,
            ids,
            subscriber_by_customer,
            active_cart_by_customer,
            customer_by_email,
            address_owner,
            cart_by_mask: HashMap::new(),
            mask_by_cart: HashMap::new(),
            rng: stream(ds.seed, 99),
            people: PersonGen::default(),
        }
    }

    /// The store's current time (wall clock plus any test offset).
    pub fn now(&self) -> Ts {
        self.clock.now()
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Moves the store's clock forward (token expiry, quote purge, abandonment).
    pub fn advance_clock(&self, secs: i64) {
        self.clock.advance(secs);
    }

    pub fn subscriber_of_customer(&self, customer_id: u32) -> Option<&Subscriber> {
        self.subscriber_by_customer
            .get(&customer_id)
            .and_then(|id| self.subscribers.get(*id))
    }

    /// The customer's active cart, if any.
    pub fn active_cart_of(&self, customer_id: u32) -> Option<&Cart> {
        self.active_cart_by_customer
            .get(&customer_id)
            .and_then(|id| self.carts.get(*id))
    }

    pub fn customer_by_email(&self, website_id: u16, email: &str) -> Option<&Customer> {
        self.customer_by_email
            .get(&(website_id, email.to_lowercase()))
            .and_then(|id| self.customers.get(*id))
    }

    /// The customer owning an address id.
    pub fn address_owner(&self, address_id: u32) -> Option<&Customer> {
        self.address_owner
            .get(&address_id)
            .and_then(|id| self.customers.get(*id))
    }

    /// Exact Magento JSON of any record (what GET of that record returns, without faults).
    pub fn json(&self, record: RecordRef<'_>) -> Value {
        to_json(self, record)
    }

    pub fn customer_json(&self, id: u32) -> Option<Value> {
        self.customers
            .get(id)
            .map(|c| self.json(RecordRef::Customer(c)))
    }

    pub fn cart_json(&self, id: u32) -> Option<Value> {
        self.carts.get(id).map(|c| self.json(RecordRef::Cart(c)))
    }

    pub fn order_json(&self, id: u32) -> Option<Value> {
        self.orders.get(id).map(|o| self.json(RecordRef::Order(o)))
    }

    pub fn credit_memo_json(&self, id: u32) -> Option<Value> {
        self.credit_memos
            .get(id)
            .map(|m| self.json(RecordRef::CreditMemo(m)))
    }

    pub fn subscriber_json(&self, id: u32) -> Option<Value> {
        self.subscribers
            .get(id)
            .map(|s| self.json(RecordRef::Subscriber(s)))
    }

    /// Record counts per entity, for stats and tests.
    pub fn counts(&self) -> [(&'static str, usize); 5] {
        [
            ("customers", self.customers.len()),
            ("carts", self.carts.len()),
            ("orders", self.orders.len()),
            ("creditmemos", self.credit_memos.len()),
            ("subscribers", self.subscribers.len()),
        ]
    }
}

impl RenderCtx for Store {
    fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    fn customer(&self, id: u32) -> Option<&Customer> {
        self.customers.get(id)
    }

    fn is_subscribed(&self, customer_id: u32) -> bool {
        self.subscriber_of_customer(customer_id)
            .is_some_and(|s| s.status == crate::model::SubscriberStatus::Subscribed)
    }
}
