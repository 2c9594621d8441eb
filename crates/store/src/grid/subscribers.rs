//! The Newsletter Subscribers grid's SQL.

use super::{GridSource, Target, local_time};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::grid::subscribers::{SubscriberField, SubscriberRow};

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    channel: String,
    website: Option<String>,
    email: String,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    status: i16,
    status_changed_at: Option<DateTime<Utc>>,
}

impl GridSource for SubscriberField {
    type Row = Row;
    type Record = SubscriberRow;

    const TABLE: &'static str = "newsletter_subscribers c";
    const COUNTED: Option<&'static str> = Some("newsletter_subscribers");
    const SELECT: &'static str = r#"c.id, ch.name as channel, w.name as website, c.email,
        c.customer_id, nullif(trim(concat_ws(' ', cu.first_name, cu.last_name)), '') as customer_name,
        c.status, c.status_changed_at"#;
    const JOINS: &'static str = r#"join channels ch on ch.id = c.channel_id
        left join websites w on w.channel_id = c.channel_id and w.magento_id = c.website_id
        left join customers cu on cu.id = c.customer_id"#;

    fn target(self) -> Option<Target> {
        Some(match self {
            SubscriberField::Channel => Target::Col("c.channel_id"),
            SubscriberField::Website => Target::Col("c.website_id"),
            SubscriberField::Email => Target::Text {
                expr: "c.email",
                eq: "c.email_key",
            },
            SubscriberField::Customer => Target::Col("c.customer_id"),
            SubscriberField::Status => Target::SmallIntIn("c.status"),
            SubscriberField::StatusChangedAt => Target::Col("c.status_changed_at"),
        })
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            SubscriberField::Email => Some("c.email_key"),
            SubscriberField::Status => Some("c.status"),
            SubscriberField::StatusChangedAt => Some("c.status_changed_at"),
            _ => None,
        }
    }

    fn sort_nullable(self) -> bool {
        self == SubscriberField::StatusChangedAt
    }

    fn counted_column(self) -> Option<&'static str> {
        (self == SubscriberField::Status).then_some("status")
    }

    fn is_channel(self) -> bool {
        self == SubscriberField::Channel
    }

    fn record(r: Row, tz: Tz) -> SubscriberRow {
        SubscriberRow {
            id: r.id,
            channel: r.channel,
            website: r.website,
            email: r.email,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            status: r.status,
            status_changed_at: local_time(r.status_changed_at, tz),
        }
    }
}
