//! The Credit Memos grid's SQL.

use super::{GridSource, Target, local_time};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::grid::credit_memos::{CreditMemoField, CreditMemoRow};
use rust_decimal::Decimal;

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    channel: String,
    increment_id: Option<String>,
    magento_id: i64,
    order_id: Option<i64>,
    order_increment_id: Option<String>,
    order_date: Option<DateTime<Utc>>,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    customer_email: Option<String>,
    state: Option<i16>,
    grand_total: Option<Decimal>,
    currency: Option<String>,
    created_at: Option<DateTime<Utc>>,
}

impl GridSource for CreditMemoField {
    type Row = Row;
    type Record = CreditMemoRow;

    const TABLE: &'static str = "credit_memos c";
    const COUNTED: Option<&'static str> = Some("credit_memos");
    const SELECT: &'static str = r#"c.id, ch.name as channel, c.increment_id, c.magento_id,
        c.order_id, o.increment_id as order_increment_id, o.magento_created_at as order_date,
        o.customer_id,
        coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''),
                 nullif(trim(concat_ws(' ', o.first_name, o.last_name)), '')) as customer_name,
        o.email as customer_email, c.state, c.grand_total, c.order_currency_code as currency,
        c.magento_created_at as created_at"#;
    const JOINS: &'static str = r#"join channels ch on ch.id = c.channel_id
        left join orders o on o.id = c.order_id
        left join customers cu on cu.id = o.customer_id"#;

    fn target(self) -> Option<Target> {
        Some(match self {
            CreditMemoField::Channel => Target::Col("c.channel_id"),
            CreditMemoField::IncrementId => Target::Text {
                expr: "c.increment_id",
                eq: "lower(c.increment_id)",
            },
            CreditMemoField::Order => Target::Col("c.order_id"),
            // A credit memo's customer is its order's.
            CreditMemoField::Customer => Target::IdVia(
                "c.order_id in (select o.id from orders o where o.customer_id = ",
                ")",
            ),
            CreditMemoField::State => Target::SmallIntIn("c.state"),
            CreditMemoField::GrandTotal => Target::Col("c.grand_total"),
            CreditMemoField::CreatedAt => Target::Col("c.magento_created_at"),
            CreditMemoField::Account => Target::IdVia(
                "c.order_id in (select o.id from orders o join customers a on a.id = o.customer_id \
                 where a.account_id = ",
                ")",
            ),
            CreditMemoField::OrderDate => return None,
        })
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            CreditMemoField::IncrementId => Some("lower(c.increment_id)"),
            CreditMemoField::State => Some("c.state"),
            CreditMemoField::GrandTotal => Some("c.grand_total"),
            CreditMemoField::CreatedAt => Some("c.magento_created_at"),
            _ => None,
        }
    }

    fn counted_column(self) -> Option<&'static str> {
        (self == CreditMemoField::State).then_some("state")
    }

    fn is_channel(self) -> bool {
        self == CreditMemoField::Channel
    }

    fn record(r: Row, tz: Tz) -> CreditMemoRow {
        CreditMemoRow {
            id: r.id,
            channel: r.channel,
            increment_id: r.increment_id,
            magento_id: r.magento_id,
            order_id: r.order_id,
            order_increment_id: r.order_increment_id,
            order_date: local_time(r.order_date, tz),
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            customer_email: r.customer_email,
            state: r.state,
            grand_total: r.grand_total,
            currency: r.currency,
            created_at: local_time(r.created_at, tz),
        }
    }
}
