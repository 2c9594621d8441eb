//! Running a demo store: bind, generate, serve, optionally drive live changes.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::router;
use crate::config::{
    CheckoutConfig, CustomerConfig, DemoStoreConfig, FaultConfig, PagingMode, PlaceOrderFaults,
};
use crate::model::Entity;
use crate::store::SharedStore;

/// How often live mode runs the quote purge (the first run waits this long too, so a
/// newcomer's first sync sees the full generated history).
const PURGE_EVERY: Duration = Duration::from_secs(600);

/// A running store. Dropping it leaves the server running until the runtime ends; call
/// `shutdown` to stop it.
pub struct DemoStoreHandle {
    addr: SocketAddr,
    store: SharedStore,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
    live: Option<JoinHandle<()>>,
}

/// Generates the configured data, binds `addr` (port 0 picks a free port) and serves.
pub async fn spawn(config: DemoStoreConfig, addr: SocketAddr) -> anyhow::Result<DemoStoreHandle> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let cfg = config.clone();
    let store = tokio::task::spawn_blocking(move || SharedStore::generate(&cfg)).await?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = router(store.clone());
    let server = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "demo store server failed");
        }
    });
    let live = config
        .live
        .map(|live| tokio::spawn(live_loop(store.clone(), live.events_per_second)));
    Ok(DemoStoreHandle {
        addr,
        store,
        stop: Some(stop),
        server,
        live,
    })
}

/// Applies `rate` events per second in small batches and purges quotes periodically.
async fn live_loop(store: SharedStore, rate: f64) {
    let tick = Duration::from_secs_f64((1.0 / rate.max(0.001)).clamp(0.01, 60.0));
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut carry = 0.0f64;
    let mut last_purge = tokio::time::Instant::now();
    loop {
        interval.tick().await;
        carry += rate * tick.as_secs_f64();
        let n = carry.floor() as usize;
        carry -= n as f64;
        if n > 0 {
            store.live_tick(n);
        }
        if last_purge.elapsed() >= PURGE_EVERY {
            last_purge = tokio::time::Instant::now();
            let purged = store.purge_quotes();
            tracing::info!(purged, "demo store purged expired quotes");
        }
    }
}

impl DemoStoreHandle {
    /// `http://127.0.0.1:PORT` (no trailing slash; append `/rest/V1/...`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state: read records, make changes, switch faults.
    pub fn state(&self) -> SharedStore {
        self.store.clone()
    }

    pub fn set_faults(&self, faults: FaultConfig) {
        self.store.set_faults(faults);
    }

    pub fn set_paging(&self, paging: PagingMode) {
        self.store.set_paging(paging);
    }

    /// Switches payment methods and carriers on or off (`POST /_demo/checkout`).
    pub fn set_checkout(&self, checkout: CheckoutConfig) {
        self.store.set_checkout(checkout);
    }

    pub fn checkout(&self) -> CheckoutConfig {
        self.store.checkout()
    }

    /// Switches customer PUT between 2.4.1+ partial and <= 2.4.0 full bodies, and newsletter
    /// confirmation (`POST /_demo/customers`).
    pub fn set_customer_config(&self, config: CustomerConfig) {
        self.store.set_customer_config(config);
    }

    pub fn customer_config(&self) -> CustomerConfig {
        self.store.customer_config()
    }

    /// Arms the place-order faults (lock errors, dropped or delayed answers); the counters
    /// replace any still pending.
    pub fn set_place_order_faults(&self, faults: PlaceOrderFaults) {
        self.store.set_place_order_faults(faults);
    }

    /// The place-order faults still pending.
    pub fn place_order_faults(&self) -> PlaceOrderFaults {
        self.store.place_order_faults()
    }

    /// Ids currently served malformed for an entity (see `FaultConfig::malformed_records`).
    pub fn malformed_ids(&self, entity: Entity) -> Vec<u32> {
        self.store.malformed_ids(entity)
    }

    /// Stops live changes and the server (waiting up to 5 s for in-flight requests).
    pub async fn shutdown(mut self) {
        if let Some(live) = self.live.take() {
            live.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if tokio::time::timeout(Duration::from_secs(5), &mut self.server)
            .await
            .is_err()
        {
            self.server.abort();
        }
    }
}
