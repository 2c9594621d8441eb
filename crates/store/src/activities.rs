//! Activities: calls, emails, notes and tasks logged on a customer, an account, a cart or an
//! order, and each user's open tasks.

use crate::grid::{Tz, local_time};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use domain::activities::{
    ActivityKind, ActivityRecord, ActivityView, Direction, NewActivity, Priority,
};
use sqlx::PgPool;

/// Logs `activity` on `record` as `author`. A task goes to its assignee (the author when none),
/// who must be an active user.
pub async fn create(
    pool: &PgPool,
    record: ActivityRecord,
    author: i64,
    activity: &NewActivity,
    today: NaiveDate,
) -> Result<i64> {
    let due = activity.validate(today).map_err(invalid)?;
    let kind = activity.kind.expect("validated");
    let assignee = match kind {
        ActivityKind::Task => {
            let assignee = activity.assignee.unwrap_or(author);
            let active = sqlx::query_scalar!("select is_active from users where id = $1", assignee)
                .fetch_optional(pool)
                .await?;
            match active {
                Some(true) => Some(assignee),
                Some(false) => {
                    return Err(Error::invalid(
                        "assignee",
                        "This user is deactivated: assign the task to an active user.",
                    ));
                }
                None => return Err(Error::invalid("assignee", "Choose a user.")),
            }
        }
        _ => None,
    };
    let (customer, account, cart, order) = columns(record);
    let calls = matches!(kind, ActivityKind::Call | ActivityKind::Email);
    let inserted = sqlx::query_scalar!(
        r#"insert into activities (kind, customer_id, account_id, cart_id, order_id, author_id,
               subject, body, direction, outcome, duration_mins, due_on, assignee_id, priority)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           returning id"#,
        kind.as_str(),
        customer,
        account,
        cart,
        order,
        author,
        activity.subject.trim(),
        activity.body.trim(),
        calls.then(|| activity.direction.as_str()),
        Some(activity.outcome.trim()).filter(|o| !o.is_empty() && kind == ActivityKind::Call),
        activity
            .duration_mins
            .filter(|_| kind == ActivityKind::Call),
        due,
        assignee,
        (kind == ActivityKind::Task).then(|| activity.priority.as_str()),
    )
    .fetch_one(pool)
    .await;
    match inserted {
        Ok(id) => Ok(id),
        // The record went (its channel was deleted) between the page and the click.
        Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => Err(Error::NotFound),
        Err(e) => Err(e.into()),
    }
}

fn invalid(e: domain::AppError) -> Error {
    match e {
        domain::AppError::Invalid { field, message } => Error::Invalid { field, message },
        other => Error::invalid("activity", other.to_string()),
    }
}

fn columns(record: ActivityRecord) -> (Option<i64>, Option<i64>, Option<i64>, Option<i64>) {
    match record {
        ActivityRecord::Customer(id) => (Some(id), None, None, None),
        ActivityRecord::Account(id) => (None, Some(id), None, None),
        ActivityRecord::Cart(id) => (None, None, Some(id), None),
        ActivityRecord::Order(id) => (None, None, None, Some(id)),
    }
}

/// The row shape every read uses.
struct Row {
    id: i64,
    kind: String,
    customer_id: Option<i64>,
    account_id: Option<i64>,
    cart_id: Option<i64>,
    order_id: Option<i64>,
    record_label: Option<String>,
    subject: String,
    body: String,
    direction: Option<String>,
    outcome: Option<String>,
    duration_mins: Option<i32>,
    due_on: Option<NaiveDate>,
    assignee: Option<String>,
    assignee_id: Option<i64>,
    priority: Option<String>,
    author: Option<String>,
    created_at: DateTime<Utc>,
    done_at: Option<DateTime<Utc>>,
    cancelled_reason: Option<String>,
}

impl Row {
    fn view(self, tz: Tz) -> Option<ActivityView> {
        let record = match (
            self.customer_id,
            self.account_id,
            self.cart_id,
            self.order_id,
        ) {
            (Some(id), ..) => ActivityRecord::Customer(id),
            (_, Some(id), ..) => ActivityRecord::Account(id),
            (_, _, Some(id), _) => ActivityRecord::Cart(id),
            (_, _, _, Some(id)) => ActivityRecord::Order(id),
            _ => return None,
        };
        Some(ActivityView {
            id: self.id,
            kind: self.kind.parse().ok()?,
            record,
            record_label: self.record_label.unwrap_or_default(),
            subject: self.subject,
            body: self.body,
            direction: self.direction.map(|d| {
                if d == "inbound" {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                }
            }),
            outcome: self.outcome,
            duration_mins: self.duration_mins,
            due: self.due_on,
            assignee: self.assignee,
            assignee_id: self.assignee_id,
            priority: self.priority.as_deref().and_then(Priority::parse),
            author: self.author,
            created_at: local_time(Some(self.created_at), tz),
            done_at: local_time(self.done_at, tz),
            cancelled_reason: self.cancelled_reason,
        })
    }
}

macro_rules! select_activities {
    ($where:literal $(, $arg:expr)*) => {
        sqlx::query_as!(
            Row,
            r#"select a.id, a.kind, a.customer_id, a.account_id, a.cart_id, a.order_id,
                   case when a.customer_id is not null then
                            (select coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email)
                             from customers c where c.id = a.customer_id)
                        when a.account_id is not null then
                            (select x.name from accounts x where x.id = a.account_id)
                        when a.cart_id is not null then
                            (select 'Cart ' || k.magento_id from carts k where k.id = a.cart_id)
                        else (select 'Order ' || coalesce(o.increment_id, o.magento_id::text)
                              from orders o where o.id = a.order_id)
                   end as record_label,
                   a.subject, a.body, a.direction, a.outcome, a.duration_mins, a.due_on,
                   u.name as "assignee?", a.assignee_id, a.priority, w.name as "author?",
                   a.created_at, a.done_at, a.cancelled_reason
               from activities a
               left join users u on u.id = a.assignee_id
               left join users w on w.id = a.author_id "# + $where,
            $($arg),*
        )
    };
}

/// The activities on a record, newest first.
pub async fn list(pool: &PgPool, record: ActivityRecord, tz: Tz) -> Result<Vec<ActivityView>> {
    let rows = match record {
        ActivityRecord::Customer(id) => {
            select_activities!("where a.customer_id = $1 order by a.id desc limit 200", id)
                .fetch_all(pool)
                .await?
        }
        ActivityRecord::Account(id) => {
            select_activities!("where a.account_id = $1 order by a.id desc limit 200", id)
                .fetch_all(pool)
                .await?
        }
        ActivityRecord::Cart(id) => {
            select_activities!("where a.cart_id = $1 order by a.id desc limit 200", id)
                .fetch_all(pool)
                .await?
        }
        ActivityRecord::Order(id) => {
            select_activities!("where a.order_id = $1 order by a.id desc limit 200", id)
                .fetch_all(pool)
                .await?
        }
    };
    Ok(rows.into_iter().filter_map(|r| r.view(tz)).collect())
}

/// A user's open tasks, soonest due first.
pub async fn open_tasks(pool: &PgPool, user: i64, tz: Tz) -> Result<Vec<ActivityView>> {
    let rows = select_activities!(
        "where a.kind = 'task' and a.done_at is null and a.assignee_id = $1
         order by a.due_on, a.priority = 'high' desc, a.id limit 500",
        user
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(|r| r.view(tz)).collect())
}

/// Marks a task done (or open again). Its assignee or its author may; an administrator too
/// (`any_user`).
pub async fn set_done(
    pool: &PgPool,
    task: i64,
    user: i64,
    any_user: bool,
    done: bool,
) -> Result<()> {
    let updated = sqlx::query_scalar!(
        r#"update activities set done_at = case when $4 then coalesce(done_at, now()) end
           where id = $1 and kind = 'task'
             and ($3 or assignee_id = $2 or author_id = $2)
           returning id"#,
        task,
        user,
        any_user,
        done
    )
    .fetch_optional(pool)
    .await?;
    match updated {
        Some(_) => Ok(()),
        None => {
            let exists = sqlx::query_scalar!(
                r#"select true as "x!" from activities where id = $1 and kind = 'task'"#,
                task
            )
            .fetch_optional(pool)
            .await?;
            match exists {
                Some(_) => Err(Error::invalid(
                    "task",
                    "Only the task's assignee or author (or an administrator) may close it.",
                )),
                None => Err(Error::NotFound),
            }
        }
    }
}

/// Active users a task may be assigned to: (id, name).
pub async fn assignees(pool: &PgPool) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query!(
        "select id, name from users where is_active and role in ('administrator', 'sales')
         order by lower(name), id"
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect())
}

/// What the sync saw of a record, as timeline events: when the store created it, when it was
/// first synced, the last change in the store, a cart's status change, conversion and leaving
/// the store, an order's placement, and the record's open sync errors.
pub async fn sync_events(
    pool: &PgPool,
    record: ActivityRecord,
    tz: Tz,
) -> Result<Vec<domain::activities::TimelineEvent>> {
    let rows = match record {
        ActivityRecord::Customer(id) => {
            sqlx::query_as!(
                EventRow,
                r#"select e.at as "at!", e.title as "title!", e.detail as "detail!", e.tone as "tone!"
                   from customers c
                   cross join lateral (values
                       (c.magento_created_at, 'Registered in the store', '', 'info'),
                       (c.created_at, 'First synced into Cartwise', '', 'neutral'),
                       (case when c.magento_updated_at > c.magento_created_at + interval '1 second'
                             then c.magento_updated_at end,
                        'Last changed in the store', '', 'neutral')
                   ) as e(at, title, detail, tone)
                   where c.id = $1 and e.at is not null
                   union all
                   select s.created_at, 'The sync could not read this customer', s.message, 'danger'
                   from customers c join sync_errors s
                     on s.channel_id = c.channel_id and s.entity = 'customers'
                    and s.magento_id = c.magento_id::text and s.status = 'open'
                   where c.id = $1"#,
                id
            )
            .fetch_all(pool)
            .await?
        }
        ActivityRecord::Cart(id) => {
            sqlx::query_as!(
                EventRow,
                r#"select e.at as "at!", e.title as "title!", e.detail as "detail!", e.tone as "tone!"
                   from carts c
                   cross join lateral (values
                       (c.magento_created_at, 'Cart created in the store', '', 'info'),
                       (c.created_at, 'First synced into Cartwise', '', 'neutral'),
                       (c.converted_at, 'Converted to an order in the store', '', 'success'),
                       (c.left_store_at, 'No longer in the store', '', 'neutral'),
                       (case when c.status_changed_at > c.created_at + interval '1 second'
                             then c.status_changed_at end,
                        'Status: ' || case c.status when 'converted_to_opportunity'
                                                    then 'converted to opportunity'
                                                    else c.status end,
                        '', case c.status when 'purchased' then 'success' when 'lost' then 'danger'
                                          else 'neutral' end)
                   ) as e(at, title, detail, tone)
                   where c.id = $1 and e.at is not null
                   union all
                   select s.created_at, 'The sync could not read this cart', s.message, 'danger'
                   from carts c join sync_errors s
                     on s.channel_id = c.channel_id and s.entity = 'carts'
                    and s.magento_id = c.magento_id::text and s.status = 'open'
                   where c.id = $1"#,
                id
            )
            .fetch_all(pool)
            .await?
        }
        ActivityRecord::Order(id) => {
            sqlx::query_as!(
                EventRow,
                r#"select e.at as "at!", e.title as "title!", e.detail as "detail!", e.tone as "tone!"
                   from orders o
                   cross join lateral (values
                       (o.magento_created_at, 'Order placed in the store',
                        coalesce('Status: ' || o.status, ''), 'success'),
                       (o.created_at, 'First synced into Cartwise', '', 'neutral'),
                       (case when o.magento_updated_at > o.magento_created_at + interval '1 second'
                             then o.magento_updated_at end,
                        'Last changed in the store', coalesce('Status: ' || o.status, ''), 'neutral')
                   ) as e(at, title, detail, tone)
                   where o.id = $1 and e.at is not null
                   union all
                   select s.created_at, 'The sync could not read this order', s.message, 'danger'
                   from orders o join sync_errors s
                     on s.channel_id = o.channel_id and s.entity = 'orders'
                    and s.magento_id = o.magento_id::text and s.status = 'open'
                   where o.id = $1"#,
                id
            )
            .fetch_all(pool)
            .await?
        }
        ActivityRecord::Account(id) => {
            sqlx::query_as!(
                EventRow,
                r#"select a.created_at as "at!", 'Account created in Cartwise' as "title!",
                       '' as "detail!", 'neutral' as "tone!"
                   from accounts a where a.id = $1"#,
                id
            )
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(domain::activities::TimelineEvent {
                at: local_time(Some(r.at), tz)?,
                source: "sync".into(),
                title: r.title,
                detail: r.detail,
                tone: r.tone,
            })
        })
        .collect())
}

struct EventRow {
    at: DateTime<Utc>,
    title: String,
    detail: String,
    tone: String,
}
