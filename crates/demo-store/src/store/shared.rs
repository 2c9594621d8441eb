//! The store as the server, the live generator and tests share it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use serde::Serialize;

use super::Store;
use crate::clock::Ts;
use crate::config::{
    AuthConfig, CheckoutConfig, CustomerConfig, DemoStoreConfig, FaultConfig, PagingMode,
    PlaceOrderFaults,
};
use crate::faults;
use crate::model::Entity;

/// Switches that change how requests are answered, adjustable at runtime.
#[derive(Clone, Debug)]
pub(crate) struct Runtime {
    pub auth: AuthConfig,
    pub paging: PagingMode,
    pub input_limits: bool,
    pub subscriber_route: bool,
    pub faults: FaultConfig,
}

/// Issued admin tokens and login throttling.
#[derive(Default)]
pub(crate) struct Sessions {
    pub admin_tokens: HashMap<String, Ts>,
    /// Failed logins per user name: (count, locked until).
    pub failures: HashMap<String, (u32, Ts)>,
    /// OAuth nonces seen (nonce, consumer key) with their timestamp.
    pub nonces: HashMap<(String, String), Ts>,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub records_served: AtomicU64,
    pub faults_injected: AtomicU64,
    pub live_events: AtomicU64,
    pub purged_quotes: AtomicU64,
}

/// Counters reported by `GET /_demo/stats`.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct DemoStats {
    pub requests: u64,
    pub records_served: u64,
    pub faults_injected: u64,
    pub live_events: u64,
    pub purged_quotes: u64,
    pub customers: usize,
    pub carts: usize,
    pub orders: usize,
    pub creditmemos: usize,
    pub subscribers: usize,
    pub paging: PagingMode,
    pub now: String,
}

/// Counts a pending fault down; true if there was one.
fn take(counter: &mut u32) -> bool {
    if *counter == 0 {
        return false;
    }
    *counter -= 1;
    true
}

struct Inner {
    store: RwLock<Store>,
    runtime: RwLock<Runtime>,
    sessions: parking_lot::Mutex<Sessions>,
    place_faults: parking_lot::Mutex<PlaceOrderFaults>,
    counters: Counters,
}

/// `Arc`-shared, lock-protected store: many concurrent readers (requests), one writer.
#[derive(Clone)]
pub struct SharedStore {
    inner: Arc<Inner>,
}

impl SharedStore {
    pub fn new(store: Store, config: &DemoStoreConfig) -> SharedStore {
        let runtime = Runtime {
            auth: config.auth.clone(),
            paging: config.paging,
            input_limits: config.input_limits,
            subscriber_route: config.subscriber_route,
            faults: config.faults.clone(),
        };
        SharedStore {
            inner: Arc::new(Inner {
                store: RwLock::new(store),
                runtime: RwLock::new(runtime),
                sessions: parking_lot::Mutex::new(Sessions::default()),
                place_faults: parking_lot::Mutex::new(PlaceOrderFaults::default()),
                counters: Counters::default(),
            }),
        }
    }

    /// Builds a store from config, generating its data (blocking; seconds at 1M orders).
    pub fn generate(config: &DemoStoreConfig) -> SharedStore {
        let dataset = crate::generate::generate_with_products(
            config.seed,
            config.scale,
            config.anchor,
            config.extra_products,
        );
        let mut store = Store::from_dataset(
            dataset,
            crate::clock::Clock::default(),
            config.quote_lifetime_days,
        );
        store.checkout = config.checkout.clone();
        store.customer_config = config.customers;
        SharedStore::new(store, config)
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.inner.store.read()
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.inner.store.write()
    }

    pub(crate) fn runtime(&self) -> Runtime {
        self.inner.runtime.read().clone()
    }

    pub(crate) fn sessions(&self) -> parking_lot::MutexGuard<'_, Sessions> {
        self.inner.sessions.lock()
    }

    pub(crate) fn counters(&self) -> &Counters {
        &self.inner.counters
    }

    pub fn set_faults(&self, faults: FaultConfig) {
        self.inner.runtime.write().faults = faults;
    }

    pub fn faults(&self) -> FaultConfig {
        self.inner.runtime.read().faults.clone()
    }

    /// Active payment methods and carriers (a store setting: live mode and `Store::checkout`
    /// follow it too).
    pub fn set_checkout(&self, checkout: CheckoutConfig) {
        self.write().checkout = checkout;
    }

    pub fn checkout(&self) -> CheckoutConfig {
        self.read().checkout.clone()
    }

    /// Full or partial customer PUT and newsletter confirmation (`POST /_demo/customers`).
    pub fn set_customer_config(&self, config: CustomerConfig) {
        self.write().customer_config = config;
    }

    pub fn customer_config(&self) -> CustomerConfig {
        self.read().customer_config
    }

    pub fn set_place_order_faults(&self, faults: PlaceOrderFaults) {
        *self.inner.place_faults.lock() = faults;
    }

    /// The place-order faults still pending.
    pub fn place_order_faults(&self) -> PlaceOrderFaults {
        self.inner.place_faults.lock().clone()
    }

    /// Uses up one `cart_lock` if any is pending.
    pub(crate) fn take_cart_lock(&self) -> bool {
        take(&mut self.inner.place_faults.lock().cart_lock)
    }

    /// Uses up one `drop_after_place` if any is pending.
    pub(crate) fn take_drop_after_place(&self) -> bool {
        take(&mut self.inner.place_faults.lock().drop_after_place)
    }

    pub fn set_paging(&self, paging: PagingMode) {
        self.inner.runtime.write().paging = paging;
    }

    pub fn set_input_limits(&self, on: bool) {
        self.inner.runtime.write().input_limits = on;
    }

    pub fn set_subscriber_route(&self, on: bool) {
        self.inner.runtime.write().subscriber_route = on;
    }

    pub fn set_auth(&self, auth: AuthConfig) {
        self.inner.runtime.write().auth = auth;
    }

    /// Ids of the records of `entity` that are currently served malformed. The set depends
    /// only on the fault seed and share, so it is the same on every request and every run.
    pub fn malformed_ids(&self, entity: Entity) -> Vec<u32> {
        let faults = self.faults();
        if faults.malformed_records <= 0.0 {
            return Vec::new();
        }
        let store = self.read();
        let ids: Box<dyn Iterator<Item = u32> + '_> = match entity {
            Entity::Customer => Box::new(store.customers.iter().map(|r| r.id)),
            Entity::Cart => Box::new(store.carts.iter().map(|r| r.id)),
            Entity::Order => Box::new(store.orders.iter().map(|r| r.id)),
            Entity::CreditMemo => Box::new(store.credit_memos.iter().map(|r| r.id)),
            Entity::Subscriber => Box::new(store.subscribers.iter().map(|r| r.id)),
            Entity::Product => Box::new(std::iter::empty()),
        };
        ids.filter(|id| faults::malformation(&faults, entity, *id).is_some())
            .collect()
    }

    /// Ids currently poisoned for an entity (see `FaultConfig::poisoned_records`).
    pub fn poisoned_ids(&self, entity: Entity) -> Vec<u32> {
        let faults = self.faults();
        if faults.poisoned_records <= 0.0 {
            return Vec::new();
        }
        let store = self.read();
        let ids: Vec<u32> = match entity {
            Entity::Customer => store.customers.iter().map(|r| r.id).collect(),
            Entity::Cart => store.carts.iter().map(|r| r.id).collect(),
            Entity::Order => store.orders.iter().map(|r| r.id).collect(),
            Entity::CreditMemo => store.credit_memos.iter().map(|r| r.id).collect(),
            Entity::Subscriber => store.subscribers.iter().map(|r| r.id).collect(),
            Entity::Product => Vec::new(),
        };
        ids.into_iter()
            .filter(|id| faults::is_poisoned(&faults, entity, *id))
            .collect()
    }

    /// Runs the quote purge now (also done periodically in live mode).
    pub fn purge_quotes(&self) -> usize {
        let n = self.write().purge_quotes();
        self.inner
            .counters
            .purged_quotes
            .fetch_add(n as u64, Ordering::Relaxed);
        n
    }

    /// Applies `n` live events now; returns what happened.
    pub fn live_tick(&self, n: usize) -> Vec<crate::live::LiveEvent> {
        let events = crate::live::apply_events(&mut self.write(), n);
        self.inner
            .counters
            .live_events
            .fetch_add(events.len() as u64, Ordering::Relaxed);
        events
    }

    pub fn stats(&self) -> DemoStats {
        let c = &self.inner.counters;
        let store = self.read();
        DemoStats {
            requests: c.requests.load(Ordering::Relaxed),
            records_served: c.records_served.load(Ordering::Relaxed),
            faults_injected: c.faults_injected.load(Ordering::Relaxed),
            live_events: c.live_events.load(Ordering::Relaxed),
            purged_quotes: c.purged_quotes.load(Ordering::Relaxed),
            customers: store.customers.len(),
            carts: store.carts.len(),
            orders: store.orders.len(),
            creditmemos: store.credit_memos.len(),
            subscribers: store.subscribers.len(),
            paging: self.inner.runtime.read().paging,
            now: store.now().to_string(),
        }
    }
}
