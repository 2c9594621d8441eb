//! The SQL of record pages' line grids: cart, order and credit memo items, customer addresses,
//! order status history. Small per parent, so only the parent filter needs an index (each
//! table's unique `(parent, magento_id)` key).

use super::{GridSource, Target, local_time};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::grid::lines::{
    AddressField, AddressRow, CartItemField, CreditMemoItemField, HistoryField, HistoryRow, Item,
    ItemRow, OrderItemField,
};
use rust_decimal::Decimal;

#[derive(sqlx::FromRow)]
pub struct ItemSqlRow {
    id: i64,
    magento_id: i64,
    sku: Option<String>,
    name: Option<String>,
    qty: Option<Decimal>,
    price: Option<Decimal>,
    discount: Option<Decimal>,
    row_total: Option<Decimal>,
    currency: Option<String>,
    removed_at: Option<DateTime<Utc>>,
}

impl ItemSqlRow {
    fn into_row(self, tz: Tz) -> ItemRow {
        ItemRow {
            id: self.id,
            magento_id: self.magento_id,
            sku: self.sku,
            name: self.name,
            qty: self.qty,
            price: self.price,
            discount: self.discount,
            row_total: self.row_total,
            currency: self.currency,
            removed_at: local_time(self.removed_at, tz),
        }
    }
}

/// The grid source of an item table; the three differ in table, parent and a few columns.
macro_rules! item_source {
    ($field:ident, table: $table:literal, base: $base:literal, parent: $parent:literal,
     qty: $qty:literal, select: $select:literal, joins: $joins:literal) => {
        impl GridSource for $field {
            type Row = ItemSqlRow;
            type Record = Item<$field>;

            const TABLE: &'static str = $table;
            const BASE_WHERE: &'static str = $base;
            const SELECT: &'static str = $select;
            const JOINS: &'static str = $joins;

            fn target(self) -> Option<Target> {
                match self {
                    $field::Parent => Some(Target::Col($parent)),
                    _ => None,
                }
            }

            fn sort_expr(self) -> Option<&'static str> {
                match self {
                    $field::ItemId => Some("c.magento_id"),
                    $field::Sku => Some("lower(c.sku)"),
                    $field::Name => Some("lower(c.name)"),
                    $field::Qty => Some($qty),
                    $field::Price => Some("c.price"),
                    $field::RowTotal => Some("c.row_total"),
                    _ => None,
                }
            }

            fn record(row: ItemSqlRow, tz: Tz) -> Item<$field> {
                Item::new(row.into_row(tz))
            }
        }
    };
}

item_source!(CartItemField, table: "cart_items c", base: "true", parent: "c.cart_id", qty: "c.qty",
    select: r#"c.id, c.magento_id, c.sku, c.name, c.qty, c.price, null::numeric as discount,
        c.row_total, k.quote_currency_code as currency, c.removed_at"#,
    joins: "join carts k on k.id = c.cart_id");

// Configurable products come as a parent line and a child line; the parent carries the price,
// so only top-level lines are listed (as in Magento's admin).
item_source!(OrderItemField, table: "order_items c", base: "c.parent_magento_id is null",
    parent: "c.order_id", qty: "c.qty_ordered",
    select: r#"c.id, c.magento_id, c.sku, c.name, c.qty_ordered as qty, c.price,
        c.discount_amount as discount, c.row_total, o.order_currency_code as currency,
        null::timestamptz as removed_at"#,
    joins: "join orders o on o.id = c.order_id");

item_source!(CreditMemoItemField, table: "credit_memo_items c", base: "true",
    parent: "c.credit_memo_id", qty: "c.qty",
    select: r#"c.id, c.magento_id, c.sku, c.name, c.qty, c.price, c.discount_amount as discount,
        c.row_total, m.order_currency_code as currency, null::timestamptz as removed_at"#,
    joins: "join credit_memos m on m.id = c.credit_memo_id");

#[derive(sqlx::FromRow)]
pub struct AddressSqlRow {
    id: i64,
    magento_id: i64,
    is_default_billing: bool,
    is_default_shipping: bool,
    name: Option<String>,
    company: Option<String>,
    street: Option<String>,
    city: Option<String>,
    region: Option<String>,
    postcode: Option<String>,
    country_id: Option<String>,
    telephone: Option<String>,
}

impl GridSource for AddressField {
    type Row = AddressSqlRow;
    type Record = AddressRow;

    const TABLE: &'static str = "customer_addresses c";
    const SELECT: &'static str = r#"c.id, c.magento_id, c.is_default_billing,
        c.is_default_shipping, nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') as name,
        c.company, c.street, c.city, c.region, c.postcode, c.country_id, c.telephone"#;
    const JOINS: &'static str = "";

    fn target(self) -> Option<Target> {
        match self {
            AddressField::Customer => Some(Target::Col("c.customer_id")),
            _ => None,
        }
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            AddressField::AddressId => Some("c.magento_id"),
            AddressField::Name => Some("lower(concat_ws(' ', c.first_name, c.last_name))"),
            AddressField::City => Some("lower(c.city)"),
            AddressField::Postcode => Some("c.postcode"),
            AddressField::Country => Some("c.country_id"),
            _ => None,
        }
    }

    fn record(r: AddressSqlRow, _tz: Tz) -> AddressRow {
        AddressRow {
            id: r.id,
            magento_id: r.magento_id,
            is_default_billing: r.is_default_billing,
            is_default_shipping: r.is_default_shipping,
            name: r.name,
            company: r.company,
            street: r.street,
            city: r.city,
            region: r.region,
            postcode: r.postcode,
            country: r.country_id,
            telephone: r.telephone,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct HistorySqlRow {
    id: i64,
    magento_created_at: Option<DateTime<Utc>>,
    status: Option<String>,
    comment: Option<String>,
    is_customer_notified: Option<bool>,
}

impl GridSource for HistoryField {
    type Row = HistorySqlRow;
    type Record = HistoryRow;

    const TABLE: &'static str = "order_status_history c";
    const SELECT: &'static str =
        "c.id, c.magento_created_at, c.status, c.comment, c.is_customer_notified";
    const JOINS: &'static str = "";

    fn target(self) -> Option<Target> {
        match self {
            HistoryField::Order => Some(Target::Col("c.order_id")),
            _ => None,
        }
    }

    fn sort_expr(self) -> Option<&'static str> {
        match self {
            HistoryField::CreatedAt => Some("c.magento_created_at"),
            HistoryField::Status => Some("c.status"),
            _ => None,
        }
    }

    fn record(r: HistorySqlRow, tz: Tz) -> HistoryRow {
        HistoryRow {
            id: r.id,
            created_at: local_time(r.magento_created_at, tz),
            status: r.status,
            comment: r.comment,
            notified: r.is_customer_notified,
        }
    }
}
