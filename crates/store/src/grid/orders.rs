//! The Orders grid's SQL.

use super::{GridSource, Target, local_time};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::grid::orders::{OrderField, OrderRow};
use rust_decimal::Decimal;

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    channel: String,
    website: Option<String>,
    increment_id: Option<String>,
    magento_id: i64,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    email: Option<String>,
    state: Option<String>,
    status: Option<String>,
    grand_total: Option<Decimal>,
    subtotal: Option<Decimal>,
    discount: Option<Decimal>,
    coupon: Option<String>,
    total_paid: Option<Decimal>,
    refunded: Option<Decimal>,
    currency: Option<String>,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    is_guest: bool,
}

impl GridSource for OrderField {
    type Row = Row;
    type Record = OrderRow;

    const TABLE: &'static str = "orders c";
    const COUNTED: Option<&'static str> = Some("orders");
    const SELECT: &'static str = r#"c.id, ch.name as channel, w.name as website, c.increment_id,
        c.magento_id, c.customer_id,
        coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''),
                 nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '')) as customer_name,
        c.email, c.state, c.status, c.grand_total, c.subtotal, c.discount_amount as discount,
        c.coupon_code as coupon, c.total_paid, c.total_refunded as refunded,
        c.order_currency_code as currency, c.magento_created_at as created_at,
        c.magento_updated_at as updated_at, c.is_guest"#;
    const JOINS: &'static str = r#"join channels ch on ch.id = c.channel_id
        left join websites w on w.channel_id = c.channel_id and w.magento_id = c.website_id
        left join customers cu on cu.id = c.customer_id"#;

    fn target(self) -> Option<Target> {
        Some(match self {
            OrderField::Channel => Target::Col("c.channel_id"),
            OrderField::Website => Target::Col("c.website_id"),
            OrderField::IncrementId => Target::Text {
                expr: "c.increment_id",
                eq: "lower(c.increment_id)",
            },
            OrderField::Customer => Target::Col("c.customer_id"),
            OrderField::Email => Target::Text {
                expr: "c.email",
                eq: "c.email_key",
            },
            OrderField::State => Target::TextIn("c.state"),
            OrderField::Status => Target::TextIn("c.status"),
            OrderField::GrandTotal => Target::Col("c.grand_total"),
            OrderField::Subtotal => Target::Col("c.subtotal"),
            // Magento stores discounts negative; users ask for "discounts over 10".
            OrderField::Discount => Target::Col("abs(c.discount_amount)"),
            OrderField::Coupon => Target::Text {
                expr: "c.coupon_code",
                eq: "lower(c.coupon_code)",
            },
            OrderField::TotalPaid => Target::Col("c.total_paid"),
            OrderField::Refunded => Target::Col("c.total_refunded"),
            OrderField::CreatedAt => Target::Col("c.magento_created_at"),
            OrderField::UpdatedAt => Target::Col("c.magento_updated_at"),
            OrderField::IsGuest => Target::Col("c.is_guest"),
            OrderField::Account => Target::IdVia(
                "c.customer_id in (select a.id from customers a where a.account_id = ",
                ")",
            ),
            // As the dashboard and the rollups define them (store::metrics).
            OrderField::Canceled => Target::Flag {
                yes: "(coalesce(c.state, '') = 'canceled' or coalesce(c.status, '') = 'canceled')",
                no: "(coalesce(c.state, '') <> 'canceled' and coalesce(c.status, '') <> 'canceled')",
            },
            OrderField::Sku => Target::TextVia {
                prefix: "c.id in (select i.order_id from order_items i where ",
                expr: "i.sku",
                eq: "lower(i.sku)",
                suffix: ")",
            },
            OrderField::Discounted => Target::Flag {
                yes: "coalesce(c.discount_amount, 0) <> 0",
                no: "coalesce(c.discount_amount, 0) = 0",
            },
        })
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            OrderField::IncrementId => Some("lower(c.increment_id)"),
            OrderField::Email => Some("c.email_key"),
            OrderField::State => Some("c.state"),
            OrderField::Status => Some("c.status"),
            OrderField::GrandTotal => Some("c.grand_total"),
            OrderField::Subtotal => Some("c.subtotal"),
            OrderField::Discount => Some("abs(c.discount_amount)"),
            OrderField::Coupon => Some("lower(c.coupon_code)"),
            OrderField::TotalPaid => Some("c.total_paid"),
            OrderField::Refunded => Some("c.total_refunded"),
            OrderField::CreatedAt => Some("c.magento_created_at"),
            OrderField::UpdatedAt => Some("c.magento_updated_at"),
            _ => None,
        }
    }

    fn counted_column(self) -> Option<&'static str> {
        match self {
            OrderField::State => Some("state"),
            OrderField::Status => Some("status"),
            OrderField::IsGuest => Some("is_guest"),
            _ => None,
        }
    }

    fn is_channel(self) -> bool {
        self == OrderField::Channel
    }

    fn record(r: Row, tz: Tz) -> OrderRow {
        OrderRow {
            id: r.id,
            channel: r.channel,
            website: r.website,
            increment_id: r.increment_id,
            magento_id: r.magento_id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            email: r.email,
            state: r.state,
            status: r.status,
            grand_total: r.grand_total,
            subtotal: r.subtotal,
            discount: r.discount,
            coupon: r.coupon,
            total_paid: r.total_paid,
            refunded: r.refunded,
            currency: r.currency,
            created_at: local_time(r.created_at, tz),
            updated_at: local_time(r.updated_at, tz),
            is_guest: r.is_guest,
        }
    }
}
