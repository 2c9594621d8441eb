//! Streams a channel's records for `cartwise export`: one row at a time, so memory stays flat
//! whatever the table size. Money is an exact decimal rendered as a string without trailing
//! zeros; times are RFC 3339 UTC.

use chrono::{DateTime, Utc};
use futures::StreamExt;
use futures::stream::BoxStream;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use sqlx::PgPool;

fn money<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => s.serialize_str(&d.normalize().to_string()),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Serialize)]
pub struct CustomerExport {
    pub magento_id: Option<i64>,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub website_id: i64,
    pub is_guest: bool,
    pub group_id: Option<i64>,
    #[serde(serialize_with = "money")]
    pub lifetime_sales: Option<Decimal>,
    pub orders_count: i32,
    pub is_subscribed: Option<bool>,
    pub removed: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct CartExport {
    pub magento_id: i64,
    pub status: String,
    pub is_active: bool,
    pub items_count: i32,
    #[serde(serialize_with = "money")]
    pub items_qty: Option<Decimal>,
    #[serde(serialize_with = "money")]
    pub subtotal: Option<Decimal>,
    #[serde(serialize_with = "money")]
    pub grand_total: Option<Decimal>,
    pub customer_email: Option<String>,
    pub customer_magento_id: Option<i64>,
    pub store_id: Option<i64>,
    pub order_magento_id: Option<i64>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct OrderExport {
    pub magento_id: i64,
    pub increment_id: Option<String>,
    pub cart_magento_id: Option<i64>,
    pub customer_email: Option<String>,
    pub customer_magento_id: Option<i64>,
    pub is_guest: bool,
    pub status: Option<String>,
    pub state: Option<String>,
    #[serde(serialize_with = "money")]
    pub grand_total: Option<Decimal>,
    #[serde(serialize_with = "money")]
    pub subtotal: Option<Decimal>,
    #[serde(serialize_with = "money")]
    pub discount_amount: Option<Decimal>,
    #[serde(serialize_with = "money")]
    pub total_refunded: Option<Decimal>,
    pub order_currency_code: Option<String>,
    pub store_id: Option<i64>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct CreditMemoExport {
    pub magento_id: i64,
    pub increment_id: Option<String>,
    pub order_magento_id: i64,
    pub state: Option<i16>,
    #[serde(serialize_with = "money")]
    pub grand_total: Option<Decimal>,
    #[serde(serialize_with = "money")]
    pub subtotal: Option<Decimal>,
    #[serde(serialize_with = "money")]
    pub adjustment: Option<Decimal>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct SubscriberExport {
    pub magento_id: Option<i64>,
    pub email: String,
    pub status: i16,
    pub customer_magento_id: Option<i64>,
    pub store_id: Option<i64>,
    pub source: String,
    pub removed: bool,
    pub status_changed_at: Option<DateTime<Utc>>,
}

type Rows<'a, T> = BoxStream<'a, Result<T, sqlx::Error>>;

pub fn customers(pool: &PgPool, channel_id: i64) -> Rows<'_, CustomerExport> {
    sqlx::query_as!(
        CustomerExport,
        r#"select magento_id, email, first_name, last_name, website_id, is_guest, group_id,
               lifetime_sales as "lifetime_sales?", orders_count, is_subscribed,
               removed_at is not null as "removed!", magento_created_at as created_at,
               magento_updated_at as updated_at
           from customers where channel_id = $1 order by is_guest, magento_id, id"#,
        channel_id
    )
    .fetch(pool)
    .boxed()
}

pub fn carts(pool: &PgPool, channel_id: i64) -> Rows<'_, CartExport> {
    sqlx::query_as!(
        CartExport,
        r#"select c.magento_id, c.status, c.is_active, c.items_count, c.items_qty as "items_qty?",
               c.subtotal, c.grand_total, c.email as customer_email, c.customer_magento_id,
               c.store_id, o.magento_id as "order_magento_id?", c.magento_created_at as created_at,
               c.magento_updated_at as updated_at
           from carts c left join orders o on o.id = c.order_id
           where c.channel_id = $1 order by c.magento_id"#,
        channel_id
    )
    .fetch(pool)
    .boxed()
}

pub fn orders(pool: &PgPool, channel_id: i64) -> Rows<'_, OrderExport> {
    sqlx::query_as!(
        OrderExport,
        r#"select magento_id, increment_id, quote_magento_id as cart_magento_id,
               email as customer_email, customer_magento_id, is_guest, status, state, grand_total,
               subtotal, discount_amount, total_refunded, order_currency_code, store_id,
               magento_created_at as created_at, magento_updated_at as updated_at
           from orders where channel_id = $1 order by magento_id"#,
        channel_id
    )
    .fetch(pool)
    .boxed()
}

pub fn credit_memos(pool: &PgPool, channel_id: i64) -> Rows<'_, CreditMemoExport> {
    sqlx::query_as!(
        CreditMemoExport,
        r#"select magento_id, increment_id, order_magento_id, state, grand_total, subtotal,
               adjustment, magento_created_at as created_at
           from credit_memos where channel_id = $1 order by magento_id"#,
        channel_id
    )
    .fetch(pool)
    .boxed()
}

pub fn subscribers(pool: &PgPool, channel_id: i64) -> Rows<'_, SubscriberExport> {
    sqlx::query_as!(
        SubscriberExport,
        r#"select magento_id, email, status, customer_magento_id, store_id, source,
               removed_at is not null as "removed!", status_changed_at
           from newsletter_subscribers where channel_id = $1
           order by magento_id nulls last, customer_magento_id"#,
        channel_id
    )
    .fetch(pool)
    .boxed()
}

fn id_list<S: Serializer>(ids: &[i64], s: S) -> Result<S::Ok, S::Error> {
    let text: Vec<String> = ids.iter().map(i64::to_string).collect();
    s.serialize_str(&text.join(","))
}

#[derive(Debug, Serialize)]
pub struct ProductExport {
    pub magento_id: i64,
    pub sku: String,
    pub name: Option<String>,
    pub type_id: Option<String>,
    pub status: Option<i16>,
    pub visibility: Option<i16>,
    #[serde(serialize_with = "money")]
    pub price: Option<Decimal>,
    /// `1,2`: one text field, so the CSV keeps one column per field.
    #[serde(serialize_with = "id_list")]
    pub website_ids: Vec<i64>,
    pub is_in_stock: Option<bool>,
    pub removed: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

pub fn products(pool: &PgPool, channel_id: i64) -> Rows<'_, ProductExport> {
    sqlx::query_as!(
        ProductExport,
        r#"select magento_id, sku, name, type_id, status, visibility, price, website_ids,
               is_in_stock, removed_at is not null as "removed!", magento_updated_at as updated_at
           from products where channel_id = $1 order by magento_id"#,
        channel_id
    )
    .fetch(pool)
    .boxed()
}

/// Record counts per entity for a channel (for `channel list` and the console).
pub async fn counts(pool: &PgPool, channel_id: i64) -> crate::Result<Vec<(String, i64)>> {
    let row = sqlx::query!(
        r#"select
             (select count(*) from customers where channel_id = $1) as "customers!",
             (select count(*) from carts where channel_id = $1) as "carts!",
             (select count(*) from orders where channel_id = $1) as "orders!",
             (select count(*) from credit_memos where channel_id = $1) as "credit_memos!",
             (select count(*) from newsletter_subscribers where channel_id = $1) as "subscribers!",
             (select count(*) from products where channel_id = $1) as "products!""#,
        channel_id
    )
    .fetch_one(pool)
    .await?;
    Ok(vec![
        ("customers".into(), row.customers),
        ("carts".into(), row.carts),
        ("orders".into(), row.orders),
        ("credit-memos".into(), row.credit_memos),
        ("newsletter-subscribers".into(), row.subscribers),
        ("products".into(), row.products),
    ])
}
