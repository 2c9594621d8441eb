//! The Products grid's SQL.

use super::{GridSource, Target, local_time};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::grid::products::{ProductField, ProductRow};
use rust_decimal::Decimal;

#[derive(sqlx::FromRow)]
pub struct Row {
    id: i64,
    channel: String,
    sku: String,
    name: Option<String>,
    type_id: Option<String>,
    status: Option<i16>,
    visibility: Option<i16>,
    price: Option<Decimal>,
    is_in_stock: Option<bool>,
    updated_at: Option<DateTime<Utc>>,
    removed: bool,
}

impl GridSource for ProductField {
    type Row = Row;
    type Record = ProductRow;

    const TABLE: &'static str = "products c";
    const SELECT: &'static str = r#"c.id, ch.name as channel, c.sku, c.name, c.type_id, c.status,
        c.visibility, c.price, c.is_in_stock, c.magento_updated_at as updated_at,
        c.removed_at is not null as removed"#;
    const JOINS: &'static str = "join channels ch on ch.id = c.channel_id";

    fn target(self) -> Option<Target> {
        Some(match self {
            ProductField::Channel => Target::Col("c.channel_id"),
            ProductField::Website => Target::IdVia("", " = any(c.website_ids)"),
            ProductField::Sku => Target::Text {
                expr: "c.sku",
                eq: "lower(c.sku)",
            },
            ProductField::Name => Target::Text {
                expr: "c.name",
                eq: "lower(c.name)",
            },
            ProductField::Type => Target::TextIn("c.type_id"),
            ProductField::Status => Target::SmallIntIn("c.status"),
            ProductField::Visibility => Target::SmallIntIn("c.visibility"),
            ProductField::Price => Target::Col("c.price"),
            ProductField::InStock => Target::Col("c.is_in_stock"),
            ProductField::UpdatedAt => Target::Col("c.magento_updated_at"),
            ProductField::Removed => Target::Flag {
                yes: "c.removed_at is not null",
                no: "c.removed_at is null",
            },
        })
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            ProductField::Sku => Some("lower(c.sku)"),
            ProductField::Name => Some("lower(c.name)"),
            ProductField::Price => Some("c.price"),
            ProductField::UpdatedAt => Some("c.magento_updated_at"),
            _ => None,
        }
    }

    fn is_channel(self) -> bool {
        self == ProductField::Channel
    }

    fn record(r: Row, tz: Tz) -> ProductRow {
        ProductRow {
            id: r.id,
            channel: r.channel,
            sku: r.sku,
            name: r.name,
            type_id: r.type_id,
            status: r.status,
            visibility: r.visibility,
            price: r.price,
            in_stock: r.is_in_stock,
            updated_at: local_time(r.updated_at, tz),
            removed: r.removed,
        }
    }
}
