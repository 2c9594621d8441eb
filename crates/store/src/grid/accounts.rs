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
    lifetime_sales: Option<Decimal>,
    currency: Option<String>,
    by_currency: sqlx::types::Json<std::collections::BTreeMap<String, Decimal>>,
    created_at: DateTime<Utc>,
}

impl GridSource for AccountField {
    type Row = Row;
    type Record = AccountRow;

    const TABLE: &'static str = "accounts c";
    const SELECT: &'static str = r#"c.id, c.name, c.email_key, c.customers_count,
        c.lifetime_sales, c.lifetime_currency as currency,
        c.lifetime_sales_by_currency as by_currency, c.created_at"#;
    const JOINS: &'static str = "";

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
        // Lifetime sales are NULL for an account that bought in several currencies.
        self == AccountField::LifetimeSales
    }

    fn record(r: Row, tz: Tz) -> AccountRow {
        AccountRow {
            id: r.id,
            name: r.name,
            email: r.email_key,
            customers: r.customers_count,
            lifetime_sales: r.lifetime_sales,
            currency: r.currency,
            lifetime_by_currency: money_by_currency(r.by_currency.0),
            created_at: local_time(Some(r.created_at), tz),
        }
    }
}

/// An account's `lifetime_sales_by_currency` as amounts, by currency code (`""`: orders that
/// named no currency).
pub(crate) fn money_by_currency(
    by_currency: std::collections::BTreeMap<String, Decimal>,
) -> Vec<domain::grid::Money> {
    by_currency
        .into_iter()
        .map(|(code, amount)| {
            domain::grid::Money::new(amount, Some(code.as_str()).filter(|c| !c.is_empty()))
        })
        .collect()
}
