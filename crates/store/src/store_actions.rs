//! The store actions log: every call the CRM makes into a store on a user's behalf (build a
//! cart, place an order, re-read a record), who asked, what exactly was sent and what the store
//! answered. It is also the queue those calls run from.
//!
//! Why a queue at all when the user waits for the answer: the request that asked may die (the
//! browser closes, the server restarts) while the store acts, and a CRM must never lose track
//! of an order it placed. The row is written first; whoever runs it holds an advisory lock on
//! it for the whole call, so a row that is `running` while its lock is free belongs to a dead
//! process and is checked (an order: looked up in the store) instead of being sent again.
//!
//! Actions on one cart run one at a time and in order: a cart is the shopper's live cart, and
//! "add, then change the quantity" must reach the store in that order. Writes to one customer
//! do too: an edit re-reads the customer, merges and saves, and a second edit must see the
//! first one's result.

use crate::grid::{Tz, local_time};
use crate::{Error, Result};
use domain::Entity;
use domain::actions::{ActionCommand, ActionKind, ActionResult, ActionState, ActionView};
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};

/// First key of the per-action advisory locks held while an action runs.
const LOCK_SPACE: i32 = 0x4143_5453; // "ACTS"

/// The records an action is about, for the timelines of their pages (CRM ids).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    pub customer_id: Option<i64>,
    pub cart_id: Option<i64>,
    pub order_id: Option<i64>,
    pub product_id: Option<i64>,
    pub credit_memo_id: Option<i64>,
    pub subscriber_id: Option<i64>,
}

/// An action to queue.
#[derive(Clone, Debug)]
pub struct NewAction<'a> {
    pub channel_id: i64,
    pub command: &'a ActionCommand,
    pub targets: Targets,
    pub requested_by: Option<i64>,
}

/// What queuing did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queued {
    New(i64),
    /// An order for this cart is already queued, being placed, unresolved or placed: that
    /// action, not a second order.
    AlreadyPlacing(i64),
}

impl Queued {
    pub fn id(self) -> i64 {
        match self {
            Queued::New(id) | Queued::AlreadyPlacing(id) => id,
        }
    }
}

/// Queues an action.
pub async fn enqueue(pool: &PgPool, action: NewAction<'_>) -> Result<Queued> {
    let command = serde_json::to_value(action.command)
        .map_err(|e| Error::invalid("command", e.to_string()))?;
    let kind = action.command.kind();
    let t = &action.targets;
    let inserted = sqlx::query_scalar!(
        r#"insert into store_actions (channel_id, kind, command, customer_id, cart_id, order_id,
               product_id, credit_memo_id, subscriber_id, cart_magento_id, requested_by,
               customer_magento_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           on conflict (channel_id, cart_magento_id)
               where kind = 'cart.place' and state in ('queued', 'running', 'unknown', 'done')
           do nothing
           returning id"#,
        action.channel_id,
        kind.as_str(),
        command,
        t.customer_id,
        t.cart_id,
        t.order_id,
        t.product_id,
        t.credit_memo_id,
        t.subscriber_id,
        action.command.cart(),
        action.requested_by,
        action.command.customer()
    )
    .fetch_optional(pool)
    .await;
    let inserted = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
            return Err(Error::NotFound);
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(id) = inserted {
        return Ok(Queued::New(id));
    }
    let existing = sqlx::query_scalar!(
        r#"select id from store_actions
           where channel_id = $1 and cart_magento_id = $2 and kind = 'cart.place'
             and state in ('queued', 'running', 'unknown', 'done')"#,
        action.channel_id,
        action.command.cart()
    )
    .fetch_optional(pool)
    .await?;
    match existing {
        Some(id) => Ok(Queued::AlreadyPlacing(id)),
        // It failed in between: the slot is free again.
        None => Box::pin(enqueue(pool, action)).await,
    }
}

/// A running action and the connection holding its lock. [`finish`] releases the lock and
/// the connection goes back to the pool; a lease dropped any other way (a run that failed or
/// panicked) closes its connection instead, so a dead run always frees the lock. (Closing it
/// every time cost each action a new Postgres connection, cold caches and all: half of
/// Cartwise's own time per action.)
pub struct ActionLease {
    pub id: i64,
    pub channel_id: i64,
    pub command: ActionCommand,
    pub attempts: i32,
    conn: PoolConnection<Postgres>,
    /// The lock was released: the connection may be used again.
    released: bool,
}

impl Drop for ActionLease {
    fn drop(&mut self) {
        if !self.released {
            self.conn.close_on_drop();
        }
    }
}

/// Takes `action_id` to run it now, if it is queued and nothing runs or waits before it on
/// the same cart. `None`: someone else runs it, it is not its turn yet, or it is finished.
pub async fn claim(pool: &PgPool, action_id: i64, worker_id: &str) -> Result<Option<ActionLease>> {
    claim_where(pool, Some(action_id), None, worker_id).await
}

/// Takes the oldest queued action (queued at least `min_age_ms` ago) whose turn it is. The
/// worker uses it for actions whose requester is gone; requesters run their own at once.
pub async fn claim_next(
    pool: &PgPool,
    min_age_ms: i64,
    worker_id: &str,
) -> Result<Option<ActionLease>> {
    claim_where(pool, None, Some(min_age_ms), worker_id).await
}

async fn claim_where(
    pool: &PgPool,
    action_id: Option<i64>,
    min_age_ms: Option<i64>,
    worker_id: &str,
) -> Result<Option<ActionLease>> {
    let mut conn = pool.acquire().await?;
    let row = sqlx::query!(
        r#"update store_actions set state = 'running', started_at = now(),
               attempts = attempts + 1, worker_id = $3, updated_at = now()
           where id = (
               select a.id from store_actions a
               where a.state = 'queued'
                 and ($1::int8 is null or a.id = $1)
                 and ($2::int8 is null or a.created_at <= now() - make_interval(secs => $2 / 1000.0))
                 and (a.cart_magento_id is null or not exists (
                      select 1 from store_actions b
                      where b.channel_id = a.channel_id and b.cart_magento_id = a.cart_magento_id
                        and (b.state = 'running' or (b.state = 'queued' and b.id < a.id))))
                 and (a.customer_magento_id is null or not exists (
                      select 1 from store_actions b
                      where b.channel_id = a.channel_id
                        and b.customer_magento_id = a.customer_magento_id
                        and (b.state = 'running' or (b.state = 'queued' and b.id < a.id))))
               order by a.id
               for update skip locked
               limit 1)
           returning id, channel_id, command, attempts"#,
        action_id,
        min_age_ms,
        worker_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let locked = sqlx::query_scalar!(
        r#"select pg_try_advisory_lock($1, $2::int4) as "locked!""#,
        LOCK_SPACE,
        row.id as i32
    )
    .fetch_one(&mut *conn)
    .await?;
    let command: ActionCommand = match serde_json::from_value(row.command) {
        Ok(c) => c,
        Err(e) => {
            // Back in the pool the connection would keep holding the lock: close it instead.
            if locked {
                conn.close_on_drop();
            }
            // Written by this program, so only a newer or older version can get here.
            fail_unreadable(pool, row.id, &e.to_string()).await?;
            return Ok(None);
        }
    };
    if !locked {
        // Another process holds a lock with this key (an id that wrapped around): leave it to
        // the reaper rather than run it twice.
        return Ok(None);
    }
    Ok(Some(ActionLease {
        id: row.id,
        channel_id: row.channel_id,
        command,
        attempts: row.attempts,
        conn,
        released: false,
    }))
}

async fn fail_unreadable(pool: &PgPool, id: i64, error: &str) -> Result<()> {
    sqlx::query!(
        r#"update store_actions set state = 'failed', finished_at = now(), updated_at = now(),
               rendered = $2
           where id = $1"#,
        id,
        format!("This action cannot be read by this version of Cartwise: {error}")
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// What is about to be sent: written before the call, so that a crash after sending still
/// leaves the exact request on the action.
pub async fn record_request(
    lease: &mut ActionLease,
    route: &str,
    request: Option<&serde_json::Value>,
) -> Result<()> {
    sqlx::query!(
        "update store_actions set route = $2, request = $3, updated_at = now() where id = $1",
        lease.id,
        route,
        request
    )
    .execute(&mut *lease.conn)
    .await?;
    Ok(())
}

/// How an action ended (or where it stands when it could not end).
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub state: Option<ActionState>,
    pub http_status: Option<i32>,
    pub message: Option<String>,
    pub parameters: Option<serde_json::Value>,
    pub rendered: Option<String>,
    pub field: Option<String>,
    pub result: Option<ActionResult>,
    /// Records learnt while running (the cart read back, the order placed).
    pub targets: Targets,
    /// The Magento quote id learnt while running (a cart just opened).
    pub cart_magento_id: Option<i64>,
    /// Records to re-read from the store once the outcome is recorded (not stored).
    pub reread_after: Vec<(domain::Entity, i64)>,
}

impl Outcome {
    pub fn done(result: ActionResult) -> Self {
        Outcome {
            state: Some(ActionState::Done),
            result: Some(result),
            ..Outcome::default()
        }
    }

    pub fn failed(rendered: impl Into<String>) -> Self {
        Outcome {
            state: Some(ActionState::Failed),
            rendered: Some(rendered.into()),
            ..Outcome::default()
        }
    }

    pub fn unknown(rendered: impl Into<String>) -> Self {
        Outcome {
            state: Some(ActionState::Unknown),
            rendered: Some(rendered.into()),
            ..Outcome::default()
        }
    }
}

/// Writes how the action ended and releases it.
pub async fn finish(mut lease: ActionLease, outcome: &Outcome) -> Result<()> {
    write_outcome(&mut lease.conn, lease.id, outcome).await?;
    let unlocked = sqlx::query_scalar!(
        "select pg_advisory_unlock($1, $2::int4)",
        LOCK_SPACE,
        lease.id as i32
    )
    .fetch_one(&mut *lease.conn)
    .await?;
    lease.released = unlocked == Some(true);
    Ok(())
}

/// Records a later verdict on an action that is no longer running (an unknown outcome
/// resolved by reading the store). Only moves an action that is still `unknown`.
pub async fn resolve_unknown(pool: &PgPool, id: i64, outcome: &Outcome) -> Result<bool> {
    let mut tx = pool.begin().await?;
    let still = sqlx::query_scalar!(
        "select state from store_actions where id = $1 for update",
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if still.as_deref() != Some("unknown") {
        return Ok(false);
    }
    write_outcome(&mut tx, id, outcome).await?;
    tx.commit().await?;
    Ok(true)
}

/// Notes that an unknown action was checked and is still unknown.
pub async fn mark_checked(pool: &PgPool, id: i64, rendered: &str) -> Result<()> {
    sqlx::query!(
        "update store_actions set checked_at = now(), rendered = $2, updated_at = now()
         where id = $1 and state = 'unknown'",
        id,
        rendered
    )
    .execute(pool)
    .await?;
    Ok(())
}

async fn write_outcome(conn: &mut sqlx::PgConnection, id: i64, o: &Outcome) -> Result<()> {
    let result = o
        .result
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| Error::invalid("result", e.to_string()))?;
    let state = o.state.unwrap_or(ActionState::Failed);
    let t = &o.targets;
    sqlx::query!(
        r#"update store_actions set state = $2, http_status = $3, message = $4, parameters = $5,
               rendered = $6, field = $7, result = $8,
               customer_id = coalesce($9, customer_id), cart_id = coalesce($10, cart_id),
               order_id = coalesce($11, order_id), product_id = coalesce($12, product_id),
               cart_magento_id = coalesce($13, cart_magento_id),
               credit_memo_id = coalesce($14, credit_memo_id),
               subscriber_id = coalesce($15, subscriber_id),
               finished_at = case when $2 in ('done', 'failed') then now() end,
               checked_at = case when $2 = 'unknown' then now() else checked_at end,
               updated_at = now()
           where id = $1"#,
        id,
        state.as_str(),
        o.http_status,
        o.message,
        o.parameters,
        o.rendered,
        o.field,
        result,
        t.customer_id,
        t.cart_id,
        t.order_id,
        t.product_id,
        o.cart_magento_id,
        t.credit_memo_id,
        t.subscriber_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A `running` action whose runner is gone (its lock is free).
#[derive(Clone, Debug)]
pub struct Abandoned {
    pub id: i64,
    pub channel_id: i64,
    pub kind: ActionKind,
    pub command: Option<ActionCommand>,
}

/// Finds running actions whose runner died and marks them `unknown`: the store may have acted
/// on them. The caller then checks the store.
pub async fn reap_abandoned(pool: &PgPool) -> Result<Vec<Abandoned>> {
    let running = sqlx::query!(
        r#"select id, channel_id, kind, command from store_actions
           where state = 'running' and started_at < now() - interval '1 second'"#
    )
    .fetch_all(pool)
    .await?;
    let mut dead = Vec::new();
    for a in running {
        let mut conn = pool.acquire().await?;
        let free = sqlx::query_scalar!(
            r#"select pg_try_advisory_lock($1, $2::int4) as "free!""#,
            LOCK_SPACE,
            a.id as i32
        )
        .fetch_one(&mut *conn)
        .await?;
        if !free {
            continue;
        }
        let moved = sqlx::query!(
            r#"update store_actions set state = 'unknown', checked_at = null, updated_at = now(),
                   rendered = 'Cartwise stopped while this was being sent; the store is being checked to see whether it happened.'
               where id = $1 and state = 'running'"#,
            a.id
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query_scalar!(
            "select pg_advisory_unlock($1, $2::int4)",
            LOCK_SPACE,
            a.id as i32
        )
        .fetch_one(&mut *conn)
        .await?;
        if moved.rows_affected() > 0 {
            tracing::warn!(action = a.id, kind = %a.kind, "a store action's runner died; checking the store");
            dead.push(Abandoned {
                id: a.id,
                channel_id: a.channel_id,
                kind: a.kind.parse().unwrap_or(ActionKind::RecordSync),
                command: serde_json::from_value(a.command).ok(),
            });
        }
    }
    Ok(dead)
}

/// Unknown actions not checked in the last `every_secs` seconds: to check in the store again.
pub async fn unknown_to_check(pool: &PgPool, every_secs: i64) -> Result<Vec<Abandoned>> {
    let rows = sqlx::query!(
        r#"select id, channel_id, kind, command from store_actions
           where state = 'unknown'
             and (checked_at is null or checked_at < now() - make_interval(secs => $1::int8))
           order by id limit 50"#,
        every_secs
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|a| Abandoned {
            id: a.id,
            channel_id: a.channel_id,
            kind: a.kind.parse().unwrap_or(ActionKind::RecordSync),
            command: serde_json::from_value(a.command).ok(),
        })
        .collect())
}

/// The state of an action (to wait for it).
pub async fn state(pool: &PgPool, id: i64) -> Result<ActionState> {
    let state = sqlx::query_scalar!("select state from store_actions where id = $1", id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)?;
    state
        .parse()
        .map_err(|e: String| Error::invalid("state", e))
}

/// Which actions a list shows.
#[derive(Clone, Debug, Default)]
pub struct ActionFilter {
    pub channel_id: Option<i64>,
    pub kind: Option<ActionKind>,
    pub state: Option<ActionState>,
    pub requested_by: Option<i64>,
    /// The timeline of one record.
    pub record: Option<(Entity, i64)>,
}

struct ActionRow {
    id: i64,
    channel_id: i64,
    channel: String,
    kind: String,
    state: String,
    command: serde_json::Value,
    route: Option<String>,
    request: Option<serde_json::Value>,
    http_status: Option<i32>,
    message: Option<String>,
    parameters: Option<serde_json::Value>,
    rendered: Option<String>,
    field: Option<String>,
    result: Option<serde_json::Value>,
    attempts: i32,
    requested_by: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    finished_at: Option<chrono::DateTime<chrono::Utc>>,
    customer_id: Option<i64>,
    cart_id: Option<i64>,
    order_id: Option<i64>,
    cart_magento_id: Option<i64>,
}

impl ActionRow {
    fn view(self, tz: Tz) -> Option<ActionView> {
        Some(ActionView {
            id: self.id,
            channel_id: self.channel_id,
            channel: self.channel,
            kind: self.kind.parse().ok()?,
            state: self.state.parse().ok()?,
            command: serde_json::from_value(self.command).ok()?,
            route: self.route,
            request: self.request.map(|r| r.to_string()),
            http_status: self.http_status,
            message: self.message,
            parameters: self.parameters.map(|p| p.to_string()),
            rendered: self.rendered,
            field: self.field,
            result: self.result.and_then(|r| serde_json::from_value(r).ok()),
            attempts: self.attempts,
            requested_by: self.requested_by,
            created_at: local_time(Some(self.created_at), tz),
            finished_at: local_time(self.finished_at, tz),
            customer_id: self.customer_id,
            cart_id: self.cart_id,
            order_id: self.order_id,
            cart_magento_id: self.cart_magento_id,
        })
    }
}

/// One action.
pub async fn get(pool: &PgPool, id: i64, tz: Tz) -> Result<ActionView> {
    let row = sqlx::query_as!(
        ActionRow,
        r#"select a.id, a.channel_id, ch.name as channel, a.kind, a.state, a.command, a.route,
               a.request, a.http_status, a.message, a.parameters, a.rendered, a.field, a.result,
               a.attempts, u.name as "requested_by?", a.created_at, a.finished_at,
               a.customer_id, a.cart_id, a.order_id, a.cart_magento_id
           from store_actions a join channels ch on ch.id = a.channel_id
           left join users u on u.id = a.requested_by
           where a.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    row.view(tz)
        .ok_or_else(|| Error::invalid("action", "this action cannot be read"))
}

/// A page of actions, newest first, and how many match.
pub async fn list(
    pool: &PgPool,
    filter: &ActionFilter,
    limit: i64,
    offset: i64,
    tz: Tz,
) -> Result<(Vec<ActionView>, i64)> {
    let (entity, record) = match filter.record {
        Some((e, id)) => (Some(e.as_str()), Some(id)),
        None => (None, None),
    };
    let kind = filter.kind.map(ActionKind::as_str);
    let state = filter.state.map(ActionState::as_str);
    // One statement for every filter: each is "null or matches", so the planner sees the
    // record's own index when a record is named.
    let rows = sqlx::query_as!(
        ActionRow,
        r#"select a.id, a.channel_id, ch.name as channel, a.kind, a.state, a.command, a.route,
               a.request, a.http_status, a.message, a.parameters, a.rendered, a.field, a.result,
               a.attempts, u.name as "requested_by?", a.created_at, a.finished_at,
               a.customer_id, a.cart_id, a.order_id, a.cart_magento_id
           from store_actions a join channels ch on ch.id = a.channel_id
           left join users u on u.id = a.requested_by
           where ($1::int8 is null or a.channel_id = $1)
             and ($2::text is null or a.kind = $2)
             and ($3::text is null or a.state = $3)
             and ($4::int8 is null or a.requested_by = $4)
             and ($5::text is null
                  or ($5 = 'customers' and a.customer_id = $6)
                  or ($5 = 'carts' and a.cart_id = $6)
                  or ($5 = 'orders' and a.order_id = $6)
                  or ($5 = 'products' and a.product_id = $6)
                  or ($5 = 'credit-memos' and a.credit_memo_id = $6)
                  or ($5 = 'newsletter-subscribers' and a.subscriber_id = $6))
           order by a.id desc
           limit $7 offset $8"#,
        filter.channel_id,
        kind,
        state,
        filter.requested_by,
        entity,
        record,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from store_actions a
           where ($1::int8 is null or a.channel_id = $1)
             and ($2::text is null or a.kind = $2)
             and ($3::text is null or a.state = $3)
             and ($4::int8 is null or a.requested_by = $4)
             and ($5::text is null
                  or ($5 = 'customers' and a.customer_id = $6)
                  or ($5 = 'carts' and a.cart_id = $6)
                  or ($5 = 'orders' and a.order_id = $6)
                  or ($5 = 'products' and a.product_id = $6)
                  or ($5 = 'credit-memos' and a.credit_memo_id = $6)
                  or ($5 = 'newsletter-subscribers' and a.subscriber_id = $6))"#,
        filter.channel_id,
        kind,
        state,
        filter.requested_by,
        entity,
        record
    )
    .fetch_one(pool)
    .await?;
    Ok((rows.into_iter().filter_map(|r| r.view(tz)).collect(), total))
}

/// The most recent open action of a cart, if any is queued, running or unresolved (the page
/// shows "sending…" and disables Place while one is).
pub async fn open_on_cart(
    pool: &PgPool,
    channel_id: i64,
    cart_magento_id: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar!(
        r#"select id from store_actions
           where channel_id = $1 and cart_magento_id = $2 and state in ('queued', 'running', 'unknown')
           order by id desc limit 1"#,
        channel_id,
        cart_magento_id
    )
    .fetch_optional(pool)
    .await?)
}

/// The guest email a CRM-made guest cart was opened for (Magento's guest quote carries no email
/// until its addresses are set).
pub async fn guest_email_of_cart(
    pool: &PgPool,
    channel_id: i64,
    cart_magento_id: i64,
) -> Result<Option<String>> {
    Ok(sqlx::query_scalar!(
        r#"select command->'CartOpen'->>'guest_email' as "email"
           from store_actions
           where channel_id = $1 and kind = 'cart.open' and state = 'done'
             and cart_magento_id = $2
           order by id desc limit 1"#,
        channel_id,
        cart_magento_id
    )
    .fetch_optional(pool)
    .await?
    .flatten())
}
