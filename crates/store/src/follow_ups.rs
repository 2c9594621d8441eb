//! Follow-ups on abandoned carts and new orders: the users' actions (one transaction each, the
//! cart row locked so two reps claiming at once are serialised: one wins, the other is told
//! who), and the pass after each sync that opens follow-ups for newly abandoned carts and for
//! the orders the channel's rule picks. Purchase and expiry close open follow-ups in the
//! database itself (trigger `carts_close_follow_ups`), whichever write sees them.

use crate::grid::{Tz, local_time};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::CartStatus;
use domain::follow_up::{
    CartAction, CartFollowUp, OrderFollowUp, StatusChange, Step, apply, check_feedback,
    check_lost_reason,
};
use sqlx::{PgConnection, PgPool};

/// Who acts: their id, name, and whether they administer (may release anyone's claim).
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: i64,
    pub name: String,
    pub admin: bool,
}

/// A cart's follow-up, if it has one.
pub async fn cart(pool: &PgPool, cart_id: i64, tz: Tz) -> Result<Option<CartFollowUp>> {
    let row = sqlx::query!(
        r#"select f.step, u.name as "owner?", f.owner_id, f.claimed_at, f.contacted_times,
               f.last_contacted_at, f.lost_reason, f.opportunity_id, o.name as "opportunity?",
               f.closed_at, f.closed_by
           from cart_follow_ups f
           left join users u on u.id = f.owner_id
           left join opportunities o on o.id = f.opportunity_id
           where f.cart_id = $1"#,
        cart_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| {
        Some(CartFollowUp {
            step: r.step.parse().ok()?,
            owner: r.owner,
            owner_id: r.owner_id,
            claimed_at: local_time(r.claimed_at, tz),
            contacted_times: r.contacted_times,
            last_contacted_at: local_time(r.last_contacted_at, tz),
            lost_reason: r.lost_reason,
            opportunity: r.opportunity_id.zip(r.opportunity),
            closed_at: local_time(r.closed_at, tz),
            closed_by: r.closed_by,
        })
    }))
}

/// What the action left: the cart's status and the follow-up's step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: CartStatus,
    pub step: Option<Step>,
    /// The opportunity a conversion created.
    pub opportunity: Option<i64>,
}

/// Applies a user's `action` to the follow-up of cart `cart_id` (creating it on first use).
/// `today` is the user's day (next-contact and close dates are checked against it).
pub async fn act(
    pool: &PgPool,
    cart_id: i64,
    actor: &Actor,
    action: &CartAction,
    today: NaiveDate,
) -> Result<Outcome> {
    // Check the form before taking locks.
    let next_on = match action {
        CartAction::Contact(c) => c.validate(today).map_err(invalid)?,
        _ => None,
    };
    let lost_reason = match action {
        CartAction::Lost { reason } => Some(check_lost_reason(reason).map_err(invalid)?),
        _ => None,
    };
    let opportunity = match action {
        CartAction::Opportunity(form) => Some(form.validate(today).map_err(invalid)?),
        _ => None,
    };
    let mut tx = pool.begin().await?;
    // The cart's row lock serialises every action on this cart (and its follow-up's insert).
    let cart = sqlx::query!(
        r#"select c.status, c.channel_id, c.magento_id, c.customer_id, c.subtotal,
               c.quote_currency_code,
               coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email,
                        'Guest') as "shopper!"
           from carts c where c.id = $1 for update"#,
        cart_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Error::NotFound)?;
    let status: CartStatus = cart.status.parse().unwrap_or_default();
    let current = sqlx::query!(
        r#"select f.step, f.owner_id, u.name as "owner?", f.contacted_times
           from cart_follow_ups f left join users u on u.id = f.owner_id
           where f.cart_id = $1"#,
        cart_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let step = current.as_ref().and_then(|f| f.step.parse::<Step>().ok());
    let contacted = current.as_ref().is_some_and(|f| f.contacted_times > 0);
    let owner = current.as_ref().and_then(|f| f.owner_id);
    let owner_name = current.as_ref().and_then(|f| f.owner.clone());
    let transition = apply(step, status, contacted, action.event())
        .map_err(|why| Error::Conflict(why.to_owned()))?;
    let new_step = transition.step.expect("user actions leave a follow-up");

    // Ownership: one owner at a time; a claim on someone else's cart is refused with the name.
    match action {
        CartAction::Claim if owner.is_some_and(|o| o != actor.id) => {
            return Err(Error::Conflict(format!(
                "{} has already claimed this cart.",
                owner_name.as_deref().unwrap_or("Another user")
            )));
        }
        CartAction::Release if owner.is_some_and(|o| o != actor.id) && !actor.admin => {
            return Err(Error::Conflict(format!(
                "{} owns this follow-up: only they (or an administrator) may release it.",
                owner_name.as_deref().unwrap_or("Another user")
            )));
        }
        _ => {}
    }
    let new_owner = match action {
        CartAction::Release => None,
        // Working a cart nobody owns makes it yours.
        _ => owner.or(Some(actor.id)),
    };
    let closing = !new_step.is_open();
    let reopening = matches!(action, CartAction::Reopen);

    let opportunity_id = match opportunity {
        Some(o) => {
            let budget = o.budget.or(cart.subtotal);
            let owner = match action {
                CartAction::Opportunity(form) => form.owner.unwrap_or(actor.id),
                _ => actor.id,
            };
            ensure_active(&mut tx, owner, "owner").await?;
            Some(
                sqlx::query_scalar!(
                    r#"insert into opportunities (channel_id, cart_id, customer_id, name, owner_id,
                           budget, currency, close_on, stage, probability, notes, created_by)
                       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                       returning id"#,
                    cart.channel_id,
                    cart_id,
                    cart.customer_id,
                    o.name,
                    owner,
                    budget,
                    cart.quote_currency_code,
                    o.close_on,
                    o.stage,
                    o.probability,
                    o.notes,
                    actor.id
                )
                .fetch_one(&mut *tx)
                .await?,
            )
        }
        None => None,
    };
    let contact = matches!(action, CartAction::Contact(_));
    sqlx::query!(
        r#"insert into cart_follow_ups (cart_id, channel_id, step, owner_id, claimed_at,
               contacted_times, last_contacted_at, lost_reason, opportunity_id, closed_at,
               closed_by)
           values ($1, $2, $3, $4, case when $4::int8 is not null then now() end,
                   case when $5 then 1 else 0 end, case when $5 then now() end, $6, $7,
                   case when $8 then now() end, case when $8 then 'user' end)
           on conflict (cart_id) do update set
               step = excluded.step,
               owner_id = excluded.owner_id,
               claimed_at = case when excluded.owner_id is null then null
                                 when cart_follow_ups.owner_id is not distinct from excluded.owner_id
                                 then cart_follow_ups.claimed_at else now() end,
               contacted_times = cart_follow_ups.contacted_times + case when $5 then 1 else 0 end,
               last_contacted_at = case when $5 then now() else cart_follow_ups.last_contacted_at end,
               lost_reason = case when $9 then null else coalesce($6, cart_follow_ups.lost_reason) end,
               opportunity_id = case when $9 then null else coalesce($7, cart_follow_ups.opportunity_id) end,
               closed_at = case when $8 then now() end,
               closed_by = case when $8 then 'user' end,
               updated_at = now()"#,
        cart_id,
        cart.channel_id,
        new_step.as_str(),
        new_owner,
        contact,
        lost_reason,
        opportunity_id,
        closing,
        reopening,
    )
    .execute(&mut *tx)
    .await?;

    let status = match transition.status {
        StatusChange::Keep => status,
        StatusChange::Set(s) => {
            sqlx::query!(
                "update carts set status = $2, status_changed_at = now(), updated_at = now()
                 where id = $1",
                cart_id,
                s.as_str()
            )
            .execute(&mut *tx)
            .await?;
            s
        }
        StatusChange::Recompute => crate::grid::cart_actions::recompute_status(&mut tx, cart_id)
            .await?
            .unwrap_or(status),
    };
    if reopening {
        // The opportunity the cart was converted into goes with the conversion.
        sqlx::query!(
            "update opportunities set stage = 'lost', probability = 0, updated_at = now()
             where cart_id = $1 and stage not in ('won', 'lost')",
            cart_id
        )
        .execute(&mut *tx)
        .await?;
    }

    // The timeline: a contact is its own call or email; every other step is an event.
    let (subject, body) = match action {
        CartAction::Contact(c) => {
            sqlx::query!(
                r#"insert into activities (kind, cart_id, author_id, subject, body, direction,
                       outcome)
                   values ($1, $2, $3, $4, $5, 'outbound', $6)"#,
                c.channel.as_str(),
                cart_id,
                actor.id,
                match c.subject.trim() {
                    "" => format!("Follow-up on cart {}", cart.magento_id),
                    subject => subject.to_owned(),
                },
                c.note.trim(),
                c.outcome.trim(),
            )
            .execute(&mut *tx)
            .await?;
            if let Some(due) = next_on {
                sqlx::query!(
                    r#"insert into activities (kind, cart_id, author_id, subject, body, due_on,
                           assignee_id, priority)
                       values ('task', $1, $2, $3, $4, $5, $6, 'normal')"#,
                    cart_id,
                    actor.id,
                    format!(
                        "Contact {} again about cart {}",
                        cart.shopper, cart.magento_id
                    ),
                    format!("Last contact: {}", c.outcome.trim()),
                    due,
                    new_owner.unwrap_or(actor.id),
                )
                .execute(&mut *tx)
                .await?;
            }
            (None, String::new())
        }
        CartAction::Claim => (Some(format!("Claimed by {}", actor.name)), String::new()),
        CartAction::Release => (Some(format!("Released by {}", actor.name)), String::new()),
        CartAction::WonBack { note } => (
            Some("Follow-up closed: Won back".to_owned()),
            note.trim().to_owned(),
        ),
        CartAction::Lost { .. } => (
            Some("Follow-up closed: Lost".to_owned()),
            lost_reason.unwrap_or_default().to_owned(),
        ),
        CartAction::Opportunity(form) => (
            Some("Converted to opportunity".to_owned()),
            form.name.trim().to_owned(),
        ),
        CartAction::Reopen => (
            Some(format!("Follow-up reopened by {}", actor.name)),
            String::new(),
        ),
    };
    if let Some(subject) = subject {
        sqlx::query!(
            r#"insert into activities (kind, cart_id, author_id, subject, body)
               values ('event', $1, $2, $3, $4)"#,
            cart_id,
            actor.id,
            subject,
            body
        )
        .execute(&mut *tx)
        .await?;
    }
    if closing {
        sqlx::query!(
            "update activities set done_at = now(), cancelled_reason = $2
             where cart_id = $1 and kind = 'task' and done_at is null",
            cart_id,
            format!("The follow-up was closed ({}).", new_step.label())
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Outcome {
        status,
        step: Some(new_step),
        opportunity: opportunity_id,
    })
}

async fn ensure_active(tx: &mut PgConnection, user: i64, field: &str) -> Result<()> {
    match sqlx::query_scalar!("select is_active from users where id = $1", user)
        .fetch_optional(&mut *tx)
        .await?
    {
        Some(true) => Ok(()),
        Some(false) => Err(Error::invalid(
            field,
            "This user is deactivated: choose an active user.",
        )),
        None => Err(Error::invalid(field, "Choose a user.")),
    }
}

fn invalid(e: domain::AppError) -> Error {
    match e {
        domain::AppError::Invalid { field, message } => Error::Invalid { field, message },
        other => Error::invalid("follow_up", other.to_string()),
    }
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Carts that became abandoned and got the step Not contacted.
    pub opened: u64,
    /// Untouched follow-ups whose shopper came back (the cart is no longer abandoned).
    pub withdrawn: u64,
    /// Orders the channel's rule picked for a follow-up.
    pub orders: u64,
}

/// How far back a new order follow-up reaches: a history import does not ask the team to call
/// about last year's first orders.
pub const ORDER_FOLLOW_UP_DAYS: i32 = 30;

/// After a sync of `channel_id`: every abandoned cart gets a follow-up at Not contacted (product
/// definition: open, items, a contact email, idle past the threshold); an untouched one is
/// withdrawn when the shopper comes back; recent orders the channel's rule picks (a customer's
/// first order; optionally a total at or above a threshold) get an order follow-up.
/// Idempotent: a cart or an order gets at most one.
pub async fn pass(pool: &PgPool, channel_id: i64) -> Result<Pass> {
    let mut tx = pool.begin().await?;
    let opened = sqlx::query!(
        r#"insert into cart_follow_ups (cart_id, channel_id, step)
           select c.id, c.channel_id, 'not_contacted' from carts c
           where c.channel_id = $1 and c.status = 'open' and c.abandon_at <= now()
             and not exists (select 1 from cart_follow_ups f where f.cart_id = c.id)
           on conflict (cart_id) do nothing"#,
        channel_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let withdrawn = sqlx::query!(
        r#"delete from cart_follow_ups f using carts c
           where f.channel_id = $1 and f.step = 'not_contacted' and f.owner_id is null
             and f.contacted_times = 0 and c.id = f.cart_id and c.status = 'open'
             and (c.abandon_at is null or c.abandon_at > now())"#,
        channel_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let orders = sqlx::query!(
        r#"insert into order_follow_ups (order_id, channel_id, reason)
           select o.id, o.channel_id,
                  case when ch.follow_up_first_orders and o.customer_id is not null
                            and o.prev_order_at is null
                       then 'first_order' else 'order_total' end
           from orders o join channels ch on ch.id = o.channel_id
           where o.channel_id = $1
             and o.magento_created_at >= now() - make_interval(days => $2)
             and coalesce(o.state, '') <> 'canceled'
             and not exists (select 1 from order_follow_ups f where f.order_id = o.id)
             and ((ch.follow_up_first_orders and o.customer_id is not null
                   and o.prev_order_at is null)
                  or (ch.follow_up_min_total is not null
                      and o.grand_total >= ch.follow_up_min_total))
           on conflict (order_id) do nothing"#,
        channel_id,
        ORDER_FOLLOW_UP_DAYS
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(Pass {
        opened,
        withdrawn,
        orders,
    })
}

/// An order's follow-up, if the rule gave it one.
pub async fn order(pool: &PgPool, order_id: i64, tz: Tz) -> Result<Option<OrderFollowUp>> {
    let row = sqlx::query!(
        r#"select f.reason, f.step, f.rating, f.feedback, f.contacted_at, u.name as "by?"
           from order_follow_ups f left join users u on u.id = f.contacted_by
           where f.order_id = $1"#,
        order_id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| OrderFollowUp {
        reason: r.reason,
        contacted: r.step == "contacted",
        rating: r.rating,
        feedback: r.feedback,
        contacted_at: local_time(r.contacted_at, tz),
        contacted_by: r.by,
    }))
}

/// Records the customer's feedback on an order: the follow-up becomes Contacted (a user may
/// correct it later). An order without a follow-up gets one (a rep may ask any customer).
pub async fn record_feedback(
    pool: &PgPool,
    order_id: i64,
    actor: &Actor,
    rating: i16,
    feedback: &str,
) -> Result<()> {
    let feedback = check_feedback(rating, feedback).map_err(invalid)?;
    let mut tx = pool.begin().await?;
    let channel = sqlx::query_scalar!("select channel_id from orders where id = $1", order_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound)?;
    sqlx::query!(
        r#"insert into order_follow_ups (order_id, channel_id, reason, step, rating, feedback,
               contacted_at, contacted_by, owner_id)
           values ($1, $2, 'first_order', 'contacted', $3, $4, now(), $5, $5)
           on conflict (order_id) do update set step = 'contacted', rating = $3,
               feedback = $4, contacted_at = now(), contacted_by = $5"#,
        order_id,
        channel,
        rating,
        feedback,
        actor.id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        r#"insert into activities (kind, order_id, author_id, subject, body)
           values ('event', $1, $2, $3, $4)"#,
        order_id,
        actor.id,
        format!("Feedback recorded: {rating} of 5"),
        feedback
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One line of the Customer feedback report.
#[derive(Clone, Debug)]
pub struct FeedbackLine {
    pub order_id: i64,
    pub order_label: String,
    pub customer_id: Option<i64>,
    pub customer: String,
    pub channel: String,
    pub rating: i16,
    pub feedback: String,
    pub contacted_at: DateTime<Utc>,
    pub contacted_by: Option<String>,
}

/// Feedback recorded from `from` (inclusive) to `to` (exclusive), newest first, at most
/// `limit` lines; limited to `channel`'s orders, and to `customer`'s, when given.
pub async fn feedback(
    pool: &PgPool,
    channel: Option<i64>,
    customer: Option<i64>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<FeedbackLine>> {
    Ok(sqlx::query_as!(
        FeedbackLine,
        r#"select f.order_id, coalesce(o.increment_id, o.magento_id::text) as "order_label!",
               o.customer_id,
               coalesce(nullif(trim(concat_ws(' ', o.first_name, o.last_name)), ''),
                        o.email, 'Guest') as "customer!",
               ch.name as channel, f.rating as "rating!", coalesce(f.feedback, '') as "feedback!",
               f.contacted_at as "contacted_at!", u.name as "contacted_by?"
           from order_follow_ups f
           join orders o on o.id = f.order_id
           join channels ch on ch.id = f.channel_id
           left join users u on u.id = f.contacted_by
           where f.step = 'contacted' and f.contacted_at >= $1 and f.contacted_at < $2
             and ($3::int8 is null or f.channel_id = $3)
             and ($5::int8 is null or o.customer_id = $5)
           order by f.contacted_at desc limit $4"#,
        from,
        to,
        channel,
        limit,
        customer
    )
    .fetch_all(pool)
    .await?)
}

/// The open order follow-ups (Not contacted), oldest first: the team's call list.
pub async fn open_orders(pool: &PgPool, limit: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(sqlx::query!(
        r#"select f.order_id, coalesce(o.increment_id, o.magento_id::text) as "label!",
               coalesce(nullif(trim(concat_ws(' ', o.first_name, o.last_name)), ''),
                        o.email, 'Guest') as "customer!"
           from order_follow_ups f join orders o on o.id = f.order_id
           where f.step = 'not_contacted'
           order by f.created_at, f.order_id limit $1"#,
        limit
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.order_id, r.label, r.customer))
    .collect())
}
