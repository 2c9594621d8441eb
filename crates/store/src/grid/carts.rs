//! The Shopping Carts grid's SQL.

use super::{GridSource, Target, local_time};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::CartStatus;
use domain::grid::carts::{CartField, CartRow};
use rust_decimal::Decimal;

/// Abandoned (product.md §3): open and past `abandon_at`, which the sync sets only for carts
/// with items and a contact email. Written so the partial indexes on open carts apply.
pub const ABANDONED: &str = "c.status = 'open' and c.abandon_at <= now()";
const NOT_ABANDONED: &str = "(c.status <> 'open' or c.abandon_at is null or c.abandon_at > now())";

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    channel: String,
    website: Option<String>,
    magento_id: i64,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    email: Option<String>,
    items_qty: Decimal,
    grand_total: Option<Decimal>,
    currency: Option<String>,
    status: String,
    abandoned: bool,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    billing_country: Option<String>,
    follow_up: Option<String>,
    owner_id: Option<i64>,
    owner_name: Option<String>,
}

impl GridSource for CartField {
    type Row = Row;
    type Record = CartRow;

    const TABLE: &'static str = "carts c";
    const COUNTED: Option<&'static str> = Some("carts");
    const SELECT: &'static str = r#"c.id, ch.name as channel, w.name as website, c.magento_id,
        c.customer_id,
        coalesce(nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), ''),
                 nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '')) as customer_name,
        c.email, c.items_qty, c.grand_total, c.quote_currency_code as currency, c.status,
        coalesce(c.status = 'open' and c.abandon_at <= now(), false) as abandoned,
        c.magento_created_at as created_at, c.magento_updated_at as updated_at,
        c.billing_country, f.step as follow_up, f.owner_id, fu.name as owner_name"#;
    // The follow-up joins are on unique keys and unused by counts: the planner drops them there.
    const JOINS: &'static str = r#"join channels ch on ch.id = c.channel_id
        left join cart_follow_ups f on f.cart_id = c.id
        left join users fu on fu.id = f.owner_id
        left join websites w on w.channel_id = c.channel_id and w.magento_id = c.website_id
        left join customers cu on cu.id = c.customer_id"#;

    fn target(self) -> Option<Target> {
        Some(match self {
            CartField::Channel => Target::Col("c.channel_id"),
            CartField::Website => Target::Col("c.website_id"),
            CartField::CartId => Target::Col("c.magento_id"),
            CartField::Customer => Target::Col("c.customer_id"),
            CartField::Email => Target::Text {
                expr: "c.email",
                eq: "c.email_key",
            },
            CartField::ItemsQty => Target::Col("c.items_qty"),
            CartField::GrandTotal => Target::Col("c.grand_total"),
            CartField::Status => Target::TextIn("c.status"),
            CartField::Abandoned => Target::Flag {
                yes: ABANDONED,
                no: NOT_ABANDONED,
            },
            CartField::CreatedAt => Target::Col("c.magento_created_at"),
            CartField::UpdatedAt => Target::Col("c.magento_updated_at"),
            CartField::BillingCountry => Target::Text {
                expr: "c.billing_country",
                eq: "lower(c.billing_country)",
            },
            CartField::Account => Target::IdVia(
                "c.customer_id in (select a.id from customers a where a.account_id = ",
                ")",
            ),
            // The funnel's cumulative stages, as the dashboard counts them (store::metrics).
            // Lines removed in the store no longer count.
            CartField::Sku => Target::TextVia {
                prefix: "c.id in (select i.cart_id from cart_items i where i.removed_at is null and ",
                expr: "i.sku",
                eq: "lower(i.sku)",
                suffix: ")",
            },
            CartField::WithItems => Target::Flag {
                yes: "(c.items_count > 0 or c.has_billing_address or c.status = 'purchased')",
                no: "not (c.items_count > 0 or c.has_billing_address or c.status = 'purchased')",
            },
            CartField::Checkout => Target::Flag {
                yes: "(c.has_billing_address or c.status = 'purchased')",
                no: "not (c.has_billing_address or c.status = 'purchased')",
            },
            // The step's copy on the cart (migration 20261209000000): one index range.
            CartField::FollowUp => Target::TextIn("c.follow_up_step"),
            CartField::Owner => Target::IdVia(
                "c.id in (select fo.cart_id from cart_follow_ups fo where fo.owner_id = ",
                ")",
            ),
        })
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            CartField::CartId => Some("c.magento_id"),
            CartField::Email => Some("c.email_key"),
            CartField::ItemsQty => Some("c.items_qty"),
            CartField::GrandTotal => Some("c.grand_total"),
            CartField::Status => Some("c.status"),
            CartField::CreatedAt => Some("c.magento_created_at"),
            CartField::UpdatedAt => Some("c.magento_updated_at"),
            _ => None,
        }
    }

    fn sort_nullable(self) -> bool {
        !matches!(
            self,
            CartField::CartId | CartField::ItemsQty | CartField::Status
        )
    }

    fn counted_column(self) -> Option<&'static str> {
        (self == CartField::Status).then_some("status")
    }

    fn is_channel(self) -> bool {
        self == CartField::Channel
    }

    fn record(r: Row, tz: Tz) -> CartRow {
        CartRow {
            id: r.id,
            channel: r.channel,
            website: r.website,
            magento_id: r.magento_id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            email: r.email,
            items_qty: r.items_qty,
            grand_total: r.grand_total,
            currency: r.currency,
            // The column's check constraint allows only the five statuses.
            status: r.status.parse().unwrap_or(CartStatus::Open),
            abandoned: r.abandoned,
            created_at: local_time(r.created_at, tz),
            updated_at: local_time(r.updated_at, tz),
            billing_country: r.billing_country,
            follow_up: r.follow_up,
            owner: r.owner_id.zip(r.owner_name),
        }
    }
}
