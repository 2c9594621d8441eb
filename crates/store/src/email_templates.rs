//! Email templates and what a cart email is made of: the templates marketing keeps, the cart's
//! context the placeholders read (domain::email_template), and the email activity a send
//! leaves on the cart's timeline with its delivery result.

use crate::{Error, Result};
use domain::email_template::{CartContext, ContextItem, DEFAULT_ABANDONED, TemplateInput};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// A template as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub body: String,
}

/// Every template by name. A new installation gets the default abandoned-cart template the
/// first time templates are read, so "Send email" works before anyone writes one.
pub async fn all(pool: &PgPool) -> Result<Vec<Template>> {
    let (name, subject, body) = DEFAULT_ABANDONED;
    sqlx::query!(
        r#"insert into email_templates (name, subject, body)
           select $1, $2, $3 where not exists (select 1 from email_templates)
           on conflict do nothing"#,
        name,
        subject,
        body
    )
    .execute(pool)
    .await?;
    Ok(sqlx::query_as!(
        Template,
        "select id, name, subject, body from email_templates order by lower(name), id"
    )
    .fetch_all(pool)
    .await?)
}

pub async fn get(pool: &PgPool, id: i64) -> Result<Template> {
    sqlx::query_as!(
        Template,
        "select id, name, subject, body from email_templates where id = $1",
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)
}

/// Creates (`id` None) or changes a template after checking its placeholders; returns its id.
pub async fn save(pool: &PgPool, id: Option<i64>, input: &TemplateInput, by: i64) -> Result<i64> {
    input.check().map_err(|e| match e {
        domain::AppError::Invalid { field, message } => Error::Invalid { field, message },
        other => Error::invalid("template", other.to_string()),
    })?;
    let result = match id {
        None => {
            sqlx::query_scalar!(
                r#"insert into email_templates (name, subject, body, created_by, updated_by)
                   values ($1, $2, $3, $4, $4) returning id"#,
                input.name.trim(),
                input.subject.trim(),
                input.body,
                by
            )
            .fetch_one(pool)
            .await
        }
        Some(id) => sqlx::query_scalar!(
            r#"update email_templates
               set name = $2, subject = $3, body = $4, updated_by = $5, updated_at = now()
               where id = $1 returning id"#,
            id,
            input.name.trim(),
            input.subject.trim(),
            input.body,
            by
        )
        .fetch_optional(pool)
        .await
        .and_then(|id| id.ok_or(sqlx::Error::RowNotFound)),
    };
    result.map_err(|e| match e {
        sqlx::Error::Database(d) if d.constraint() == Some("email_templates_name_key") => {
            Error::invalid("name", "A template with this name already exists.")
        }
        sqlx::Error::RowNotFound => Error::NotFound,
        other => other.into(),
    })
}

pub async fn delete(pool: &PgPool, id: i64) -> Result<()> {
    let done = sqlx::query!("delete from email_templates where id = $1", id)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// What a cart's email placeholders read: the shopper, the cart's total and its items as the
/// last sync saw them (removed lines left out), and the channel's name as the store's.
pub async fn cart_context(pool: &PgPool, cart_id: i64) -> Result<CartContext> {
    let cart = sqlx::query!(
        r#"select c.magento_id, c.first_name, c.last_name, c.email, c.quote_currency_code,
               c.grand_total, ch.name as store_name
           from carts c join channels ch on ch.id = c.channel_id
           where c.id = $1"#,
        cart_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)?;
    let items = sqlx::query!(
        r#"select coalesce(name, sku, 'Item') as "name!", coalesce(qty, 0) as "qty!", price
           from cart_items where cart_id = $1 and removed_at is null
           order by id"#,
        cart_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|i| ContextItem {
        name: i.name,
        qty: i.qty,
        price: i.price,
    })
    .collect();
    Ok(CartContext {
        first_name: cart.first_name,
        last_name: cart.last_name,
        email: cart.email,
        quote_id: cart.magento_id,
        currency: cart.quote_currency_code,
        grand_total: cart.grand_total,
        store_name: cart.store_name,
        items,
    })
}

/// An email on the cart's timeline with what became of it (`outcome`: "Sent: 250 …" or "Not
/// sent: …"). A sent email that counts as the follow-up's contact is recorded by
/// store::follow_ups instead; this is for the others.
pub async fn record_email(
    pool: &PgPool,
    cart_id: i64,
    author: i64,
    subject: &str,
    body: &str,
    outcome: &str,
) -> Result<()> {
    sqlx::query!(
        r#"insert into activities (kind, cart_id, author_id, subject, body, direction, outcome)
           values ('email', $1, $2, $3, $4, 'outbound', $5)"#,
        cart_id,
        author,
        subject,
        body,
        outcome.chars().take(500).collect::<String>()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// When an email with this subject was sent to the cart's shopper in the last two minutes: a
/// second click on Send (or a second tab) must not send it twice.
pub async fn recently_sent(
    pool: &PgPool,
    cart_id: i64,
    subject: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(sqlx::query_scalar!(
        r#"select max(created_at) from activities
           where cart_id = $1 and kind = 'email' and subject = $2
             and outcome like 'Sent%' and created_at > now() - interval '2 minutes'"#,
        cart_id,
        subject
    )
    .fetch_one(pool)
    .await?)
}

/// First key of the per-cart advisory locks held while an email to its shopper is sent.
const MAIL_SPACE: i32 = 0x4d41_494c; // "MAIL"

/// Held while an email to a cart's shopper is being sent: a second send to the same cart (a
/// double click, a second tab) waits for nothing and is refused. The lock lives on its own
/// connection, closed when this is dropped, so it can never outlive the send.
pub struct SendingLock {
    _conn: sqlx::pool::PoolConnection<sqlx::Postgres>,
}

/// Takes the cart's sending lock, or `None` when another send to it is under way.
pub async fn lock_sending(pool: &PgPool, cart_id: i64) -> Result<Option<SendingLock>> {
    let mut conn = pool.acquire().await?;
    conn.close_on_drop();
    let key = (cart_id % i64::from(i32::MAX)) as i32;
    let got = sqlx::query_scalar!("select pg_try_advisory_lock($1, $2)", MAIL_SPACE, key)
        .fetch_one(&mut *conn)
        .await?;
    Ok((got == Some(true)).then_some(SendingLock { _conn: conn }))
}
