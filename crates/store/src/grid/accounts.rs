//! The Accounts grid's SQL.

use super::{GridSource, Target, local_time};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::grid::accounts::{AccountField, AccountRow};
use rust_decimal::Decimal;

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    name: String,
    email_key: String,
    customers_count: i32,
    lifetime_sales: Decimal,
    currency: Option<String>,
    created_at: DateTime<Utc>,
}

impl GridSource for AccountField {
    type Row = Row;
    type Record = AccountRow;

    const TABLE: &'static str = "accounts c";
    const SELECT: &'static str = r#"c.id, c.name, c.email_key, c.customers_count,
        c.lifetime_sales, cur.order_currency_code as currency, c.created_at"#;
    const JOINS: &'static str = r#"left join lateral (
            select o.order_currency_code from customers cu join orders o on o.customer_id = cu.id
            where cu.account_id = c.id order by o.id desc limit 1) cur on true"#;

    fn target(self) -> Option<Target> {
        Some(match self {
            AccountField::Name => Target::Text {
                expr: "c.name",
                eq: "lower(c.name)",
            },
            AccountField::Email => Target::Text {
                // The trigram index is on this expression (migration 20261127000000).
                expr: "lower(c.email_key)",
                eq: "c.email_key",
            },
            AccountField::Customers => Target::Int("c.customers_count"),
            AccountField::LifetimeSales => Target::Col("c.lifetime_sales"),
            AccountField::CreatedAt => Target::Col("c.created_at"),
        })
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            AccountField::Name => Some("lower(c.name)"),
            AccountField::Email => None,
            AccountField::Customers => Some("c.customers_count"),
            AccountField::LifetimeSales => Some("c.lifetime_sales"),
            AccountField::CreatedAt => Some("c.created_at"),
        }
    }

    fn sort_nullable(self) -> bool {
        false
    }

    fn record(r: Row, tz: Tz) -> AccountRow {
        AccountRow {
            id: r.id,
            name: r.name,
            email: r.email_key,
            customers: r.customers_count,
            lifetime_sales: r.lifetime_sales,
            currency: r.currency,
            created_at: local_time(Some(r.created_at), tz),
        }
    }
}
