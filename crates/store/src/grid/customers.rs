//! The Magento Customers grid's SQL.

use super::{GridSource, Target, local_time};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::grid::customers::{CustomerField, CustomerRow};
use rust_decimal::Decimal;

/// The name as searched and sorted; the trigram and sort indexes are built on exactly this
/// expression (`concat_ws` is not immutable, so it cannot be indexed).
const NAME: &str = "(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))";
const NAME_LOWER: &str = "lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))";

/// The RFM score as one sortable number (545 for R 5, F 4, M 5).
const RFM_SCORE: &str = "(c.rfm_recency * 100 + c.rfm_frequency * 10 + c.rfm_monetary)";

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    channel: String,
    website: Option<String>,
    name: Option<String>,
    email: String,
    group_code: Option<String>,
    lifetime_sales: Decimal,
    orders_count: i32,
    currency: Option<String>,
    country: Option<String>,
    region: Option<String>,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    is_guest: bool,
    last_order_at: Option<DateTime<Utc>>,
    rfm_recency: Option<i16>,
    rfm_frequency: Option<i16>,
    rfm_monetary: Option<i16>,
    subscription: Option<i16>,
}

impl GridSource for CustomerField {
    type Row = Row;
    type Record = CustomerRow;

    const TABLE: &'static str = "customers c";
    const COUNTED: Option<&'static str> = Some("customers");
    const SELECT: &'static str = r#"c.id, ch.name as channel, w.name as website,
        nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as name, c.email,
        g.code as group_code, c.lifetime_sales, c.orders_count, cur.order_currency_code as currency,
        addr.country_id as country, addr.region, c.magento_created_at as created_at,
        c.magento_updated_at as updated_at, c.is_guest, c.last_order_at, c.rfm_recency,
        c.rfm_frequency, c.rfm_monetary, c.newsletter_status as subscription"#;
    // The country shown is the default billing address's (else the first address's; kept on
    // the customer as `country_id` by SQL `customer_country`, read here with its region); the
    // currency is the latest order's (lifetime sales are summed in order currency); the
    // newsletter status is the current subscriber record's (kept on the customer by SQL
    // `customer_newsletter_status`: not removed, the latest updated).
    const JOINS: &'static str = r#"join channels ch on ch.id = c.channel_id
        left join websites w on w.channel_id = c.channel_id and w.magento_id = c.website_id
        left join customer_groups g on g.channel_id = c.channel_id and g.magento_id = c.group_id
        left join lateral (select a.country_id, a.region from customer_addresses a
                           where a.customer_id = c.id
                           order by a.is_default_billing desc, a.id limit 1) addr on true
        left join lateral (select o.order_currency_code from orders o where o.customer_id = c.id
                           order by o.id desc limit 1) cur on true"#;

    fn target(self) -> Option<Target> {
        Some(match self {
            CustomerField::Channel => Target::Col("c.channel_id"),
            CustomerField::Website => Target::Col("c.website_id"),
            CustomerField::Name => Target::Text {
                expr: NAME,
                eq: NAME_LOWER,
            },
            CustomerField::Email => Target::Text {
                expr: "c.email",
                eq: "c.email_key",
            },
            // The group's code, through the channel's groups (a handful of rows): a hashed
            // semi-join, no join per customer.
            CustomerField::Group => Target::TextVia {
                prefix: "(c.channel_id, c.group_id) in (select g.channel_id, g.magento_id \
                         from customer_groups g where ",
                expr: "g.code",
                eq: "lower(g.code)",
                suffix: ")",
            },
            CustomerField::LifetimeSales => Target::Col("c.lifetime_sales"),
            CustomerField::OrdersCount => Target::Int("c.orders_count"),
            CustomerField::LastOrderAt => Target::Col("c.last_order_at"),
            // The shown country and the current subscription's status, kept on the customer
            // (migration 20261209100000): plain columns, the subscribed in one index range.
            CustomerField::Country => Target::Text {
                expr: "c.country_id",
                eq: "lower(c.country_id)",
            },
            CustomerField::Subscription => Target::CodesVia {
                prefix: "c.newsletter_status = any(",
                suffix: ")",
                codes: &[
                    ("subscribed", 1),
                    ("not_activated", 2),
                    ("unsubscribed", 3),
                    ("unconfirmed", 4),
                ],
                none: Some(("none", "c.newsletter_status is null")),
            },
            CustomerField::RfmRecency => Target::Int("c.rfm_recency"),
            CustomerField::RfmFrequency => Target::Int("c.rfm_frequency"),
            CustomerField::RfmMonetary => Target::Int("c.rfm_monetary"),
            CustomerField::CreatedAt => Target::Col("c.magento_created_at"),
            CustomerField::UpdatedAt => Target::Col("c.magento_updated_at"),
            CustomerField::IsGuest => Target::Col("c.is_guest"),
            CustomerField::Account => Target::Col("c.account_id"),
            // A non-canceled order in the range, as the dashboard's buyers (store::metrics).
            CustomerField::OrderedAt => Target::DatesVia {
                prefix: "exists (select 1 from orders o where o.customer_id = c.id \
                         and coalesce(o.state, '') <> 'canceled' \
                         and coalesce(o.status, '') <> 'canceled' and ",
                expr: "o.magento_created_at",
                suffix: ")",
            },
            CustomerField::Rfm => return None,
        })
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            CustomerField::Name => Some(NAME_LOWER),
            CustomerField::Email => Some("c.email_key"),
            CustomerField::LifetimeSales => Some("c.lifetime_sales"),
            CustomerField::OrdersCount => Some("c.orders_count"),
            CustomerField::CreatedAt => Some("c.magento_created_at"),
            CustomerField::UpdatedAt => Some("c.magento_updated_at"),
            CustomerField::LastOrderAt => Some("c.last_order_at"),
            CustomerField::Rfm => Some(RFM_SCORE),
            _ => None,
        }
    }

    fn sort_nullable(self) -> bool {
        matches!(
            self,
            CustomerField::CreatedAt
                | CustomerField::UpdatedAt
                | CustomerField::LastOrderAt
                | CustomerField::Rfm
        )
    }

    fn counted_column(self) -> Option<&'static str> {
        (self == CustomerField::IsGuest).then_some("is_guest")
    }

    fn is_channel(self) -> bool {
        self == CustomerField::Channel
    }

    fn record(r: Row, tz: Tz) -> CustomerRow {
        CustomerRow {
            id: r.id,
            channel: r.channel,
            website: r.website,
            name: r.name,
            email: r.email,
            group: r.group_code,
            lifetime_sales: r.lifetime_sales,
            orders_count: r.orders_count,
            currency: r.currency,
            country: r.country,
            region: r.region,
            created_at: local_time(r.created_at, tz),
            updated_at: local_time(r.updated_at, tz),
            is_guest: r.is_guest,
            last_order_at: local_time(r.last_order_at, tz),
            rfm: match (r.rfm_recency, r.rfm_frequency, r.rfm_monetary) {
                (Some(r), Some(f), Some(m)) => Some([r, f, m]),
                _ => None,
            },
            subscription: r.subscription,
        }
    }
}
