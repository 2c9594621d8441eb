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

/// Records the firing; false when this rule already fired on the record.
async fn fire(tx: &mut PgConnection, rule: i64, record: i64) -> Result<bool> {
    Ok(sqlx::query_scalar!(
        r#"insert into rule_firings (rule_id, record_id) values ($1, $2)
           on conflict do nothing returning rule_id"#,
        rule,
        record
    )
    .fetch_optional(&mut *tx)
    .await?
    .is_some())
}

async fn assign_abandoned(tx: &mut PgConnection, spec: &RuleSpec, rule: i64) -> Result<u64> {
    let Some(assignee) = &spec.assignee else {
        return Ok(0);
    };
    let people = assignees(tx, assignee).await?;
    if people.is_empty() {
        tracing::warn!(rule, "assign rule has nobody active to assign to");
        return Ok(0);
    }
    let turn = sqlx::query_scalar!("select turn from automation_rules where id = $1", rule)
        .fetch_one(&mut *tx)
        .await?;
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
    let mut fired: i64 = 0;
    for cart in carts {
        if !fire(tx, rule, cart.id).await? {
            continue;
        }
        let (owner, owner_name) = &people[((turn + fired) % people.len() as i64) as usize];
        fired += 1;
        sqlx::query!(
            "update cart_follow_ups set owner_id = $2, claimed_at = now(), updated_at = now()
             where cart_id = $1 and owner_id is null",
            cart.id,
            owner
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            r#"insert into activities (kind, cart_id, subject, body, due_on, assignee_id, priority)
               values ('task', $1, $2, $3, current_date, $4, 'normal')"#,
            cart.id,
            format!(
                "Follow up {}'s abandoned cart {}",
                cart.shopper, cart.magento_id
            ),
            format!(
                "Assigned by rule #{rule}: cart total {} {}.",
                cart.total.round_dp(2),
                cart.quote_currency_code.unwrap_or_default()
            ),
            owner
        )
        .execute(&mut *tx)
        .await?;
        event(
            tx,
            Record::Cart(cart.id),
            format!("Rule: follow-up assigned to {owner_name}"),
            spec.describe(Some(owner_name)),
        )
        .await?;
    }
    if fired > 0 {
        sqlx::query!(
            "update automation_rules set turn = turn + $2 where id = $1",
            rule,
            fired
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(fired as u64)
}

async fn lose_uncontacted(tx: &mut PgConnection, spec: &RuleSpec, rule: i64) -> Result<u64> {
    let Some(days) = spec.after_days else {
        return Ok(0);
    };
    let carts = sqlx::query_scalar!(
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
    let mut fired = 0;
    for cart in carts {
        if !fire(tx, rule, cart).await? {
            continue;
        }
        fired += 1;
        sqlx::query!(
            r#"update cart_follow_ups
               set step = 'lost', lost_reason = $2, closed_at = now(), closed_by = 'rule',
                   updated_at = now()
               where cart_id = $1 and closed_at is null"#,
            cart,
            NO_ANSWER
        )
        .execute(&mut *tx)
        .await?;
        // Lost is the cart's sticky status, as when a rep closes it.
        sqlx::query!(
            "update carts set status = 'lost', status_changed_at = now(), updated_at = now()
             where id = $1 and status = 'open'",
            cart
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "update activities set done_at = now(), cancelled_reason = $2
             where cart_id = $1 and kind = 'task' and done_at is null",
            cart,
            format!("The follow-up was closed as Lost by rule #{rule}.")
        )
        .execute(&mut *tx)
        .await?;
        event(
            tx,
            Record::Cart(cart),
            "Rule: follow-up closed as Lost".to_owned(),
            spec.describe(None),
        )
        .await?;
    }
    Ok(fired)
}

async fn follow_up_first_orders(tx: &mut PgConnection, spec: &RuleSpec, rule: i64) -> Result<u64> {
    let people = match &spec.assignee {
        Some(a) => assignees(tx, a).await?,
        None => Vec::new(),
    };
    let turn = sqlx::query_scalar!("select turn from automation_rules where id = $1", rule)
        .fetch_one(&mut *tx)
        .await?;
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
    let mut fired: i64 = 0;
    let mut turns: i64 = 0;
    for order in orders {
        if !fire(tx, rule, order.id).await? {
            continue;
        }
        fired += 1;
        let owner =
            (!people.is_empty()).then(|| &people[((turn + turns) % people.len() as i64) as usize]);
        if owner.is_some() {
            turns += 1;
        }
        sqlx::query!(
            r#"insert into order_follow_ups (order_id, channel_id, reason, owner_id)
               values ($1, $2, 'first_order', $3)
               on conflict (order_id) do update
               set owner_id = coalesce(order_follow_ups.owner_id, excluded.owner_id)"#,
            order.id,
            spec.channel_id,
            owner.map(|o| o.0)
        )
        .execute(&mut *tx)
        .await?;
        if let Some((id, _)) = owner {
            sqlx::query!(
                r#"insert into activities (kind, order_id, subject, body, due_on, assignee_id,
                       priority)
                   values ('task', $1, $2, $3, current_date, $4, 'normal')"#,
                order.id,
                format!(
                    "Ask {} for feedback on order #{}",
                    order.customer, order.label
                ),
                format!("Created by rule #{rule}: a customer's first order."),
                id
            )
            .execute(&mut *tx)
            .await?;
        }
        event(
            tx,
            Record::Order(order.id),
            match owner {
                Some((_, name)) => format!("Rule: order follow-up created for {name}"),
                None => "Rule: order follow-up created".to_owned(),
            },
            spec.describe(owner.map(|o| o.1.as_str())),
        )
        .await?;
    }
    if turns > 0 {
        sqlx::query!(
            "update automation_rules set turn = turn + $2 where id = $1",
            rule,
            turns
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(fired as u64)
}

enum Record {
    Cart(i64),
    Order(i64),
}

/// A rule's firing on the record's timeline (no author: the CRM did it).
async fn event(tx: &mut PgConnection, record: Record, subject: String, body: String) -> Result<()> {
    let (cart, order) = match record {
        Record::Cart(id) => (Some(id), None),
        Record::Order(id) => (None, Some(id)),
    };
    sqlx::query!(
        r#"insert into activities (kind, cart_id, order_id, subject, body)
           values ('event', $1, $2, $3, $4)"#,
        cart,
        order,
        subject,
        body
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
