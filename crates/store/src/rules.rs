//! Automation rules (domain::rules): kept per channel by administrators, run by the job worker
//! after every sync (after the follow-up pass has opened the new follow-ups).
//!
//! A rule fires at most once per record: each firing first inserts `(rule, record)` into
//! `rule_firings`, and only the insert that took acts. Each rule runs in one transaction that
//! starts by locking the rule's row, so two workers running the same channel at once are
//! serialised (the second sees the first's firings) and the round-robin's turn never skips or
//! repeats a user. Every firing writes an event on the record's timeline ("Rule: …").

use crate::grid::{Tz, local_time};
use crate::{Error, Result};
use domain::auth::Role;
use domain::rules::{Assignee, NO_ANSWER, RuleChoices, RuleKind, RuleLine, RuleSpec};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};
use std::collections::HashSet;

/// How many records one rule handles per run: a first run over a large backlog is spread over
/// a few syncs instead of holding the rule's lock for minutes.
const BATCH: i64 = 2_000;

/// The channels and the people rules can hand work to.
pub async fn choices(pool: &PgPool) -> Result<RuleChoices> {
    let channels = sqlx::query!("select id, name from channels order by name, id")
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut assignees: Vec<(String, String)> = [Role::Sales, Role::Administrator]
        .into_iter()
        .map(|r| {
            (
                Assignee::RoundRobin(r).to_value(),
                format!("{} (round-robin)", r.label()),
            )
        })
        .collect();
    for u in sqlx::query!(
        "select id, name, email from users
         where is_active and role in ('sales', 'administrator') order by name, id"
    )
    .fetch_all(pool)
    .await?
    {
        assignees.push((
            Assignee::User(u.id).to_value(),
            format!("{} ({})", u.name, u.email),
        ));
    }
    Ok(RuleChoices {
        channels,
        assignees,
    })
}

struct RuleRow {
    id: i64,
    channel_id: i64,
    kind: String,
    min_total: Option<Decimal>,
    assignee_id: Option<i64>,
    assignee_role: Option<String>,
    after_days: Option<i32>,
}

impl RuleRow {
    fn spec(&self) -> Option<RuleSpec> {
        let assignee = match (self.assignee_id, self.assignee_role.as_deref()) {
            (Some(id), _) => Some(Assignee::User(id)),
            (None, Some(role)) => role.parse().ok().map(Assignee::RoundRobin),
            (None, None) => None,
        };
        Some(RuleSpec {
            channel_id: self.channel_id,
            kind: self.kind.parse().ok()?,
            min_total: self.min_total,
            assignee,
            after_days: self.after_days,
        })
    }
}

/// Every rule, by channel, with how often it fired.
pub async fn list(pool: &PgPool, tz: Tz) -> Result<Vec<RuleLine>> {
    let rows = sqlx::query!(
        r#"select r.id, r.channel_id, ch.name as channel, r.kind, r.min_total, r.assignee_id,
               r.assignee_role, r.after_days, r.enabled, u.name as "assignee_name?",
               (select count(*) from rule_firings f where f.rule_id = r.id) as "firings!",
               (select max(f.fired_at) from rule_firings f where f.rule_id = r.id) as last_fired_at
           from automation_rules r
           join channels ch on ch.id = r.channel_id
           left join users u on u.id = r.assignee_id
           order by ch.name, r.channel_id, r.id"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let row = RuleRow {
                id: r.id,
                channel_id: r.channel_id,
                kind: r.kind,
                min_total: r.min_total,
                assignee_id: r.assignee_id,
                assignee_role: r.assignee_role,
                after_days: r.after_days,
            };
            let spec = row.spec()?;
            let assignee = match &spec.assignee {
                Some(Assignee::User(_)) => Some(
                    r.assignee_name
                        .unwrap_or_else(|| "a deleted user".to_owned()),
                ),
                Some(Assignee::RoundRobin(role)) => Some(format!("{} (round-robin)", role.label())),
                None => None,
            };
            Some(RuleLine {
                id: row.id,
                channel_id: row.channel_id,
                channel: r.channel,
                kind: spec.kind,
                description: spec.describe(assignee.as_deref()),
                enabled: r.enabled,
                firings: r.firings,
                last_fired_at: local_time(r.last_fired_at, tz),
            })
        })
        .collect())
}

/// Adds a rule; returns its id.
pub async fn create(pool: &PgPool, spec: &RuleSpec, by: i64) -> Result<i64> {
    let mut tx = pool.begin().await?;
    let channel = sqlx::query_scalar!("select id from channels where id = $1", spec.channel_id)
        .fetch_optional(&mut *tx)
        .await?;
    if channel.is_none() {
        return Err(Error::invalid("channel", "This channel no longer exists."));
    }
    let (user, role) = match &spec.assignee {
        Some(Assignee::User(id)) => {
            let ok = sqlx::query_scalar!(
                "select is_active and role in ('sales', 'administrator') from users where id = $1",
                id
            )
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
            if ok != Some(true) {
                return Err(Error::invalid(
                    "assignee",
                    "Choose an active Sales user or administrator.",
                ));
            }
            (Some(*id), None)
        }
        Some(Assignee::RoundRobin(role)) => (None, Some(role.as_str())),
        None => (None, None),
    };
    let id = sqlx::query_scalar!(
        r#"insert into automation_rules (channel_id, kind, min_total, assignee_id, assignee_role,
               after_days, created_by)
           values ($1, $2, $3, $4, $5, $6, $7) returning id"#,
        spec.channel_id,
        spec.kind.as_str(),
        spec.min_total,
        user,
        role,
        spec.after_days,
        by
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Turns a rule on or off (its firings stay: turned back on, it does not fire twice).
pub async fn set_enabled(pool: &PgPool, id: i64, enabled: bool) -> Result<()> {
    let done = sqlx::query!(
        "update automation_rules set enabled = $2 where id = $1",
        id,
        enabled
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Deletes a rule and its firings; what it did to records stays on their timelines.
pub async fn delete(pool: &PgPool, id: i64) -> Result<()> {
    let done = sqlx::query!("delete from automation_rules where id = $1", id)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Runs `channel_id`'s enabled rules; returns how many records they fired on.
pub async fn run(pool: &PgPool, channel_id: i64) -> Result<u64> {
    let ids = sqlx::query_scalar!(
        "select id from automation_rules where channel_id = $1 and enabled order by id",
        channel_id
    )
    .fetch_all(pool)
    .await?;
    let mut fired = 0;
    for id in ids {
        fired += run_rule(pool, id).await?;
    }
    Ok(fired)
}

async fn run_rule(pool: &PgPool, id: i64) -> Result<u64> {
    let mut tx = pool.begin().await?;
    // The lock that serialises concurrent runs of this rule (see the module's comment).
    let Some(row) = sqlx::query_as!(
        RuleRow,
        r#"select id, channel_id, kind, min_total, assignee_id, assignee_role, after_days
           from automation_rules where id = $1 and enabled for update"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(0);
    };
    let Some(spec) = row.spec() else {
        return Ok(0);
    };
    let fired = match spec.kind {
        RuleKind::AssignAbandoned => assign_abandoned(&mut tx, &spec, id).await?,
        RuleKind::LoseUncontacted => lose_uncontacted(&mut tx, &spec, id).await?,
        RuleKind::FollowUpFirstOrders => follow_up_first_orders(&mut tx, &spec, id).await?,
    };
    tx.commit().await?;
    Ok(fired)
}

/// The users a rule hands work to, in turn order; empty when nobody can take it (a
/// deactivated user, a role without active users): the rule then waits, firing on nothing.
async fn assignees(tx: &mut PgConnection, assignee: &Assignee) -> Result<Vec<(i64, String)>> {
    let (user, role) = match assignee {
        Assignee::User(id) => (Some(*id), None),
        Assignee::RoundRobin(role) => (None, Some(role.as_str())),
    };
    Ok(sqlx::query!(
        r#"select id, name from users
           where is_active and role in ('sales', 'administrator')
             and (id = $1 or role = $2) order by id"#,
        user,
        role
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|u| (u.id, u.name))
    .collect())
}

/// Records the rule's firing on each record, in one statement; returns the records it had
/// not fired on before. The rule's row lock makes that all of them in practice: the
/// candidates were read under it, leaving out the records it fired on.
async fn fire(tx: &mut PgConnection, rule: i64, records: &[i64]) -> Result<HashSet<i64>> {
    Ok(sqlx::query_scalar!(
        r#"insert into rule_firings (rule_id, record_id)
           select $1, r from unnest($2::int8[]) r
           on conflict do nothing returning record_id"#,
        rule,
        records
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect())
}

/// Whose turn it is in the rule's round-robin.
async fn turn(tx: &mut PgConnection, rule: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar!("select turn from automation_rules where id = $1", rule)
            .fetch_one(&mut *tx)
            .await?,
    )
}

/// Moves the round-robin on by the `n` records just handed out.
async fn advance_turn(tx: &mut PgConnection, rule: i64, n: usize) -> Result<()> {
    sqlx::query!(
        "update automation_rules set turn = turn + $2 where id = $1",
        rule,
        n as i64
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The records a rule fired on, for their timelines.
enum Fired<'a> {
    Carts(&'a [i64]),
    Orders(&'a [i64]),
}

/// A rule's firings on the records' timelines (no author: the CRM did it), one row each.
async fn events(
    tx: &mut PgConnection,
    records: Fired<'_>,
    subjects: &[String],
    bodies: &[String],
) -> Result<()> {
    let (carts, orders): (&[i64], &[i64]) = match records {
        Fired::Carts(ids) => (ids, &[]),
        Fired::Orders(ids) => (&[], ids),
    };
    // unnest pads the shorter id array with nulls: each row gets a cart or an order.
    sqlx::query!(
        r#"insert into activities (kind, cart_id, order_id, subject, body)
           select 'event', e.cart, e.order_id, e.subject, e.body
           from unnest($1::int8[], $2::int8[], $3::text[], $4::text[])
               as e(cart, order_id, subject, body)"#,
        carts,
        orders,
        subjects,
        bodies
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

// Each rule works set-wise: one statement per step for the whole batch (record the firings,
// change the follow-ups, write the tasks, write the timeline events), not one per record: the
// rule pass runs after every sync page and must stay a small part of it (`cartwise bench sync
// --rules`).

async fn assign_abandoned(tx: &mut PgConnection, spec: &RuleSpec, rule: i64) -> Result<u64> {
    let Some(assignee) = &spec.assignee else {
        return Ok(0);
    };
    let people = assignees(tx, assignee).await?;
    if people.is_empty() {
        tracing::warn!(rule, "assign rule has nobody active to assign to");
        return Ok(0);
    }
    let turn = turn(tx, rule).await?;
    let carts = sqlx::query!(
        r#"select c.id, c.magento_id, c.quote_currency_code,
               coalesce(c.grand_total, c.subtotal, 0) as "total!",
               coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email,
                        'Guest') as "shopper!"
           from cart_follow_ups f join carts c on c.id = f.cart_id
           where f.channel_id = $1 and f.closed_at is null and f.owner_id is null
             and c.status = 'open'
             and ($2::numeric is null or coalesce(c.grand_total, c.subtotal, 0) >= $2)
             and not exists (select 1 from rule_firings r
                             where r.rule_id = $3 and r.record_id = f.cart_id)
           order by f.created_at, f.cart_id
           limit $4"#,
        spec.channel_id,
        spec.min_total,
        rule,
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<i64> = carts.iter().map(|c| c.id).collect();
    let fired = fire(tx, rule, &ids).await?;
    let n = fired.len();
    let (mut cart_ids, mut owners) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut subjects, mut bodies) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut event_subjects, mut event_bodies) = (Vec::with_capacity(n), Vec::with_capacity(n));
    // In the candidates' order, each the next person's turn.
    for cart in carts.into_iter().filter(|c| fired.contains(&c.id)) {
        let (owner, owner_name) =
            &people[((turn + cart_ids.len() as i64) % people.len() as i64) as usize];
        cart_ids.push(cart.id);
        owners.push(*owner);
        subjects.push(format!(
            "Follow up {}'s abandoned cart {}",
            cart.shopper, cart.magento_id
        ));
        bodies.push(format!(
            "Assigned by rule #{rule}: cart total {} {}.",
            cart.total.round_dp(2),
            cart.quote_currency_code.unwrap_or_default()
        ));
        event_subjects.push(format!("Rule: follow-up assigned to {owner_name}"));
        event_bodies.push(spec.describe(Some(owner_name)));
    }
    if cart_ids.is_empty() {
        return Ok(0);
    }
    sqlx::query!(
        r#"update cart_follow_ups f
           set owner_id = a.owner, claimed_at = now(), updated_at = now()
           from unnest($1::int8[], $2::int8[]) as a(cart, owner)
           where f.cart_id = a.cart and f.owner_id is null"#,
        &cart_ids,
        &owners
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into activities (kind, cart_id, subject, body, due_on, assignee_id, priority)
           select 'task', t.cart, t.subject, t.body, current_date, t.owner, 'normal'
           from unnest($1::int8[], $2::text[], $3::text[], $4::int8[])
               as t(cart, subject, body, owner)"#,
        &cart_ids,
        &subjects,
        &bodies,
        &owners
    )
    .execute(&mut *tx)
    .await?;
    events(tx, Fired::Carts(&cart_ids), &event_subjects, &event_bodies).await?;
    advance_turn(tx, rule, cart_ids.len()).await?;
    Ok(cart_ids.len() as u64)
}

async fn lose_uncontacted(tx: &mut PgConnection, spec: &RuleSpec, rule: i64) -> Result<u64> {
    let Some(days) = spec.after_days else {
        return Ok(0);
    };
    let candidates = sqlx::query_scalar!(
        r#"select f.cart_id
           from cart_follow_ups f join carts c on c.id = f.cart_id
           where f.channel_id = $1 and f.closed_at is null and f.contacted_times = 0
             and f.created_at <= now() - make_interval(days => $2)
             and c.status = 'open'
             and not exists (select 1 from rule_firings r
                             where r.rule_id = $3 and r.record_id = f.cart_id)
           order by f.created_at, f.cart_id
           limit $4
           for update of c"#,
        spec.channel_id,
        days,
        rule,
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let fired = fire(tx, rule, &candidates).await?;
    let carts: Vec<i64> = candidates
        .into_iter()
        .filter(|c| fired.contains(c))
        .collect();
    if carts.is_empty() {
        return Ok(0);
    }
    sqlx::query!(
        r#"update cart_follow_ups
           set step = 'lost', lost_reason = $2, closed_at = now(), closed_by = 'rule',
               updated_at = now()
           where cart_id = any($1) and closed_at is null"#,
        &carts,
        NO_ANSWER
    )
    .execute(&mut *tx)
    .await?;
    // Lost is the cart's sticky status, as when a rep closes it.
    sqlx::query!(
        "update carts set status = 'lost', status_changed_at = now(), updated_at = now()
         where id = any($1) and status = 'open'",
        &carts
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update activities set done_at = now(), cancelled_reason = $2
         where cart_id = any($1) and kind = 'task' and done_at is null",
        &carts,
        format!("The follow-up was closed as Lost by rule #{rule}.")
    )
    .execute(&mut *tx)
    .await?;
    let subjects = vec!["Rule: follow-up closed as Lost".to_owned(); carts.len()];
    let bodies = vec![spec.describe(None); carts.len()];
    events(tx, Fired::Carts(&carts), &subjects, &bodies).await?;
    Ok(carts.len() as u64)
}

async fn follow_up_first_orders(tx: &mut PgConnection, spec: &RuleSpec, rule: i64) -> Result<u64> {
    let people = match &spec.assignee {
        Some(a) => assignees(tx, a).await?,
        None => Vec::new(),
    };
    let turn = turn(tx, rule).await?;
    let orders = sqlx::query!(
        r#"select o.id, coalesce(o.increment_id, o.magento_id::text) as "label!",
               coalesce(nullif(trim(concat_ws(' ', o.first_name, o.last_name)),
                               ''), o.email, 'the customer') as "customer!"
           from orders o
           where o.channel_id = $1 and o.customer_id is not null and o.prev_order_at is null
             and o.magento_created_at >= now() - make_interval(days => $2)
             and coalesce(o.state, '') <> 'canceled'
             and ($3::numeric is null or o.grand_total >= $3)
             and not exists (select 1 from rule_firings r
                             where r.rule_id = $4 and r.record_id = o.id)
           order by o.magento_created_at, o.id
           limit $5"#,
        spec.channel_id,
        crate::follow_ups::ORDER_FOLLOW_UP_DAYS,
        spec.min_total,
        rule,
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let fired = fire(tx, rule, &ids).await?;
    let n = fired.len();
    let (mut order_ids, mut owners) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut event_subjects, mut event_bodies) = (Vec::with_capacity(n), Vec::with_capacity(n));
    // Tasks for the assigned ones only.
    let (mut task_orders, mut task_owners, mut task_subjects) =
        (Vec::new(), Vec::new(), Vec::new());
    for order in orders.into_iter().filter(|o| fired.contains(&o.id)) {
        let owner = (!people.is_empty())
            .then(|| &people[((turn + task_orders.len() as i64) % people.len() as i64) as usize]);
        order_ids.push(order.id);
        owners.push(owner.map(|o| o.0));
        if let Some((id, _)) = owner {
            task_orders.push(order.id);
            task_owners.push(*id);
            task_subjects.push(format!(
                "Ask {} for feedback on order #{}",
                order.customer, order.label
            ));
        }
        event_subjects.push(match owner {
            Some((_, name)) => format!("Rule: order follow-up created for {name}"),
            None => "Rule: order follow-up created".to_owned(),
        });
        event_bodies.push(spec.describe(owner.map(|o| o.1.as_str())));
    }
    if order_ids.is_empty() {
        return Ok(0);
    }
    sqlx::query!(
        r#"insert into order_follow_ups (order_id, channel_id, reason, owner_id)
           select f.order_id, $3, 'first_order', f.owner
           from unnest($1::int8[], $2::int8[]) as f(order_id, owner)
           on conflict (order_id) do update
           set owner_id = coalesce(order_follow_ups.owner_id, excluded.owner_id)"#,
        &order_ids,
        &owners as &[Option<i64>],
        spec.channel_id
    )
    .execute(&mut *tx)
    .await?;
    if !task_orders.is_empty() {
        sqlx::query!(
            r#"insert into activities (kind, order_id, subject, body, due_on, assignee_id,
                   priority)
               select 'task', t.order_id, t.subject, $4, current_date, t.owner, 'normal'
               from unnest($1::int8[], $2::text[], $3::int8[]) as t(order_id, subject, owner)"#,
            &task_orders,
            &task_subjects,
            &task_owners,
            format!("Created by rule #{rule}: a customer's first order.")
        )
        .execute(&mut *tx)
        .await?;
        advance_turn(tx, rule, task_orders.len()).await?;
    }
    events(
        tx,
        Fired::Orders(&order_ids),
        &event_subjects,
        &event_bodies,
    )
    .await?;
    Ok(order_ids.len() as u64)
}
