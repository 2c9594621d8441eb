//! Store actions: the CRM acting into a store on a user's behalf (building a cart, placing the
//! order, re-reading a record now). Server functions and the command line only queue an action
//! and wait for it; this module runs it: one Magento call, recorded exactly on the action with
//! the store's answer, then a re-read of what it touched so the CRM shows the store's truth.
//!
//! The requester runs its own action at once (no polling delay), in a task of its own so that
//! a closed browser does not cut a store call in half. The worker takes what requesters left
//! behind, and checks the store for actions whose runner died or whose answer never came: an
//! order is never placed twice (see [`checkout`]).

mod cart;
mod checkout;
mod customer;
mod customer_json;
mod record;
mod step;

use crate::connect::ClientOptions;
use crate::connectors::RunContext;
use anyhow::{Context, Result};
use domain::actions::{ActionCommand, ActionKind, ActionState};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::PgPool;
use store::secrets::Cipher;
use store::store_actions::{self, ActionLease, NewAction, Outcome, Queued};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use step::refusal;

/// How long a requester's own action may wait for earlier actions on the same cart before the
/// worker may take it instead (a requester that died leaves its action queued).
const ORPHAN_AFTER_MS: i64 = 3_000;
/// How often an action with an unknown outcome is checked in the store again.
const RECHECK_EVERY_SECS: i64 = 15;
/// How long a requester waits for its action: past it, the action goes on (the worker, or the
/// requester's next look, finishes it) and the requester is told it is still being sent.
const WAIT_LIMIT: Duration = Duration::from_secs(100);

/// What running an action took: all of it, and the part spent waiting for the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunReport {
    pub id: i64,
    pub state: ActionState,
    pub total: Duration,
    pub store: Duration,
}

/// The store action runner of one process. Cheap to share (`Arc`).
pub struct Actions {
    pool: PgPool,
    cipher: Cipher,
    options: ClientOptions,
    worker_id: String,
    /// One client per channel (a TLS client is costly to build), rebuilt when the channel's
    /// connection settings change.
    contexts: Mutex<HashMap<i64, (String, RunContext)>>,
    /// Re-reads started after actions finished (see [`Actions::run`]).
    follow_ups: TaskTracker,
}

impl Actions {
    pub fn new(pool: PgPool, cipher: Cipher, options: ClientOptions) -> Arc<Self> {
        Arc::new(Actions {
            pool,
            cipher,
            options,
            worker_id: format!("cartwise-{}", std::process::id()),
            contexts: Mutex::new(HashMap::new()),
            follow_ups: TaskTracker::new(),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Queues an action and runs it. Returns the action's id and how it ended (`Unknown` when
    /// the store's answer is still being looked for). An order already being placed for the
    /// cart is not placed again: that action is waited for and returned instead.
    pub async fn submit(self: &Arc<Self>, action: NewAction<'_>) -> Result<(i64, RunReport)> {
        let queued = store_actions::enqueue(&self.pool, action).await?;
        let id = queued.id();
        if let Queued::AlreadyPlacing(existing) = queued {
            tracing::info!(
                action = existing,
                "an order for this cart is already placed or being placed"
            );
        }
        let report = self.execute(id).await?;
        Ok((id, report))
    }

    /// Runs a queued action here as soon as it is its turn, or waits while another runner has
    /// it. Returns once it is done, failed or unknown.
    pub async fn execute(self: &Arc<Self>, id: i64) -> Result<RunReport> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(10);
        let mut last_orphan_look = Instant::now();
        loop {
            if let Some(lease) = store_actions::claim(&self.pool, id, &self.worker_id).await? {
                // A task of its own: the caller going away must not cut the store call short.
                let me = Arc::clone(self);
                return tokio::spawn(async move { me.run(lease).await })
                    .await
                    .context("the store action task failed");
            }
            let state = store_actions::state(&self.pool, id).await?;
            if state.is_final() || state == ActionState::Unknown || started.elapsed() > WAIT_LIMIT {
                return Ok(RunReport {
                    id,
                    state,
                    total: started.elapsed(),
                    store: Duration::ZERO,
                });
            }
            // An earlier action on the same cart whose requester died holds this one back:
            // run such orphans here too, so a command line with no server running still
            // gets through.
            if last_orphan_look.elapsed() > Duration::from_millis(ORPHAN_AFTER_MS as u64) {
                last_orphan_look = Instant::now();
                if let Some(lease) =
                    store_actions::claim_next(&self.pool, ORPHAN_AFTER_MS, &self.worker_id).await?
                {
                    let me = Arc::clone(self);
                    let _ = tokio::spawn(async move { me.run(lease).await }).await;
                    continue;
                }
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }

    /// Runs a leased action to its end and records the outcome. Re-reads the outcome asks for
    /// once it is recorded (the cart and customer an order came from) run after, in the
    /// background: the user waits for what the store did, not for the CRM catching up on its
    /// side effects.
    async fn run(self: &Arc<Self>, lease: ActionLease) -> RunReport {
        let started = Instant::now();
        let (id, channel_id, kind) = (lease.id, lease.channel_id, lease.command.kind());
        let mut store_time = Duration::ZERO;
        let context = self.context(channel_id).await;
        let (lease, mut outcome) = match &context {
            Ok(ctx) => {
                let before = busy(ctx);
                let (lease, outcome) = self.perform(ctx, lease).await;
                store_time = busy(ctx).saturating_sub(before);
                (lease, outcome)
            }
            Err(e) => (
                lease,
                Outcome::failed(format!("Cartwise could not connect to this channel: {e:#}")),
            ),
        };
        let follow_ups = std::mem::take(&mut outcome.reread_after);
        let state = outcome.state.unwrap_or(ActionState::Failed);
        if let Err(e) = store_actions::finish(lease, &outcome).await {
            // The lock is released with the closed connection: the reaper will check the
            // store for this action, as for a crash.
            tracing::error!(action = id, error = %e, "could not record a store action's outcome");
        }
        tracing::info!(action = id, kind = %kind, state = state.as_str(), ms = started.elapsed().as_millis() as u64, "store action finished");
        if let (Ok(ctx), false) = (context, follow_ups.is_empty()) {
            self.follow_ups.spawn(async move {
                for (entity, magento_id) in follow_ups {
                    if let Err(e) = crate::retry::reread(&ctx, entity, &[magento_id]).await {
                        // The next sync brings it: a re-read is only a head start.
                        tracing::warn!(action = id, %entity, magento_id, error = %format!("{e:#}"), "could not re-read after a store action");
                    }
                }
            });
        }
        RunReport {
            id,
            state,
            total: started.elapsed(),
            store: store_time,
        }
    }

    /// Waits for the background re-reads of the actions run so far (a command line about to
    /// exit, a benchmark between orders).
    pub async fn settle(&self) {
        self.follow_ups.close();
        self.follow_ups.wait().await;
        self.follow_ups.reopen();
    }

    async fn perform(&self, ctx: &RunContext, mut lease: ActionLease) -> (ActionLease, Outcome) {
        let command = lease.command.clone();
        let mut step = step::Step::new(ctx, &mut lease);
        let outcome = match &command {
            ActionCommand::CartOpen {
                customer_magento_id,
                guest_email,
                store_view,
            } => {
                cart::open(
                    &mut step,
                    *customer_magento_id,
                    guest_email.as_deref(),
                    *store_view,
                )
                .await
            }
            ActionCommand::CartAddItem {
                cart: id,
                sku,
                qty,
                options,
            } => cart::add(&mut step, &command, *id, sku, *qty, options).await,
            ActionCommand::CartUpdateItem {
                cart: id,
                item_id,
                qty,
            } => cart::update(&mut step, &command, *id, *item_id, *qty).await,
            ActionCommand::CartRemoveItem { cart: id, item_id } => {
                cart::remove(&mut step, &command, *id, *item_id).await
            }
            ActionCommand::CartRates { cart: id, address } => {
                checkout::rates(&mut step, &command, *id, address).await
            }
            ActionCommand::CartShipping {
                cart: id,
                shipping,
                billing,
                carrier,
                method,
            } => {
                checkout::shipping(
                    &mut step,
                    &command,
                    *id,
                    shipping,
                    billing.as_ref(),
                    carrier,
                    method,
                )
                .await
            }
            ActionCommand::CartPlace { cart: id, payment } => {
                checkout::place(&mut step, &command, *id, payment).await
            }
            ActionCommand::RecordSync { entity, magento_id } => {
                record::sync(&mut step, *entity, *magento_id).await
            }
            ActionCommand::CustomerUpdate {
                customer: id,
                edit,
                force,
            } => customer::update(&mut step, &command, *id, edit, *force).await,
            ActionCommand::CustomerCreate(new) => customer::create(&mut step, &command, new).await,
            ActionCommand::Subscription {
                customer: Some(id),
                subscribe,
                ..
            } => customer::subscription(&mut step, &command, *id, *subscribe).await,
            ActionCommand::Subscription {
                subscriber: Some(id),
                subscribe,
                ..
            } => customer::guest_subscription(&mut step, &command, *id, *subscribe).await,
            ActionCommand::Subscription { .. } => {
                Ok(Outcome::failed("Choose a customer or a guest subscriber."))
            }
        };
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(action = lease.id, error = %format!("{e:#}"), "a store action failed in Cartwise");
                Outcome::failed(format!("Cartwise could not finish this: {e:#}"))
            }
        };
        (lease, outcome)
    }

    /// The run context (client) of a channel, built once and kept while its settings hold.
    async fn context(&self, channel_id: i64) -> Result<RunContext> {
        // Checked on every action, so a changed address or credential applies to the next one.
        let version = store::channels::client_version(&self.pool, channel_id)
            .await
            .context("loading the channel")?;
        let mut contexts = self.contexts.lock().await;
        let mut ctx = match contexts.get(&channel_id) {
            Some((known, ctx)) if *known == version => ctx.clone(),
            _ => {
                let channel = store::channels::for_sync(&self.pool, &self.cipher, channel_id)
                    .await
                    .context("loading the channel")?;
                let ctx = crate::retry::context_with(&self.pool, &channel, &self.options)?;
                contexts.insert(channel_id, (version, ctx.clone()));
                ctx
            }
        };
        // The cart status rules read "now" (a cart older than its lifetime has expired).
        ctx.map.now = chrono::Utc::now();
        Ok(ctx)
    }

    /// One round of the worker's duty: actions whose runner died are checked in the store,
    /// unknown outcomes are looked for again, and actions their requester left queued are run.
    pub async fn tick(self: &Arc<Self>) -> Result<()> {
        for dead in store_actions::reap_abandoned(&self.pool).await? {
            self.check_unknown(dead).await;
        }
        for unknown in store_actions::unknown_to_check(&self.pool, RECHECK_EVERY_SECS).await? {
            self.check_unknown(unknown).await;
        }
        while let Some(lease) =
            store_actions::claim_next(&self.pool, ORPHAN_AFTER_MS, &self.worker_id).await?
        {
            let me = Arc::clone(self);
            tokio::spawn(async move { me.run(lease).await });
        }
        Ok(())
    }

    /// Looks in the store for what became of an action whose answer never came.
    async fn check_unknown(&self, action: store_actions::Abandoned) {
        let ctx = match self.context(action.channel_id).await {
            Ok(ctx) => ctx,
            Err(e) => {
                let _ = store_actions::mark_checked(
                    &self.pool,
                    action.id,
                    &format!(
                        "The store cannot be checked right now ({e:#}); Cartwise tries again."
                    ),
                )
                .await;
                return;
            }
        };
        let mut outcome = match &action.command {
            Some(ActionCommand::CartPlace { cart, .. }) => checkout::find_order(&ctx, *cart).await,
            Some(command) => {
                // Nothing but an order needs finding: re-read the cart so the page shows what
                // the store holds, and say so.
                if let Some(cart) = command.cart() {
                    let _ = crate::retry::reread(&ctx, domain::Entity::Carts, &[cart]).await;
                }
                if let Some(customer) = command.customer() {
                    let _ =
                        crate::retry::reread(&ctx, domain::Entity::Customers, &[customer]).await;
                }
                if action.kind.writes() {
                    Outcome::failed(
                        "Cartwise stopped while this was being sent, so it may or may not have \
                         reached the store. The record was re-read from the store: check it \
                         before trying again.",
                    )
                } else {
                    Outcome::failed("Cartwise stopped while this ran; try again.")
                }
            }
            None => Outcome::failed("This action cannot be read by this version of Cartwise."),
        };
        let result = if outcome.state == Some(ActionState::Unknown) {
            store_actions::mark_checked(
                &self.pool,
                action.id,
                outcome.rendered.as_deref().unwrap_or_default(),
            )
            .await
            .map(|_| false)
        } else {
            store_actions::resolve_unknown(&self.pool, action.id, &outcome).await
        };
        match result {
            Ok(true) => {
                tracing::info!(action = action.id, state = ?outcome.state, "an unknown store action was resolved")
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(action = action.id, error = %e, "could not record a checked action")
            }
        }
        // No one is waiting here: the re-reads run at once.
        for (entity, magento_id) in std::mem::take(&mut outcome.reread_after) {
            let _ = crate::retry::reread(&ctx, entity, &[magento_id]).await;
        }
    }

    /// The worker's loop: a tick every `every` until `shutdown`.
    pub async fn run_until_stopped(self: Arc<Self>, every: Duration, shutdown: CancellationToken) {
        loop {
            if let Err(e) = self.tick().await {
                tracing::warn!(error = %format!("{e:#}"), "store actions: could not check for work");
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(every) => {}
            }
        }
    }
}

fn busy(ctx: &RunContext) -> Duration {
    ctx.client.time_in_requests() + ctx.careful_client.time_in_requests()
}

/// The kinds a role may queue, as the permission table says: every kind acts into the store
/// except re-reading a record.
pub fn acts_into_store(kind: ActionKind) -> bool {
    kind != ActionKind::RecordSync
}
