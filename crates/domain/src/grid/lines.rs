//! The small grids of record pages that list a record's own lines: cart, order and credit memo
//! items, a customer's addresses, an order's status history. Each is filtered by its parent
//! (a link filter) and sorts and pages like any grid.

use super::field::{FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Fields shared by the three item grids.
macro_rules! item_fields {
    ($name:ident, $grid:literal, $parent_key:literal, $parent_label:literal, hide: [$($hide:ident),*]) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            Parent,
            ItemId,
            Sku,
            Name,
            Qty,
            Price,
            Discount,
            RowTotal,
            Removed,
        }

        impl GridField for $name {
            const GRID: &'static str = $grid;
            const ALL: &'static [Self] = &[
                $name::Parent,
                $name::ItemId,
                $name::Sku,
                $name::Name,
                $name::Qty,
                $name::Price,
                $name::Discount,
                $name::RowTotal,
                $name::Removed,
            ];
            const DEFAULT_SORT: Sort<Self> = Sort::asc($name::ItemId);

            fn def(self) -> FieldDef {
                // Columns that do not apply to this kind of item (a cart line has no discount).
                let hidden = [$($name::$hide),*];
                let def = match self {
                    $name::Parent => {
                        FieldDef::link_filter($parent_key, $parent_label, FilterKind::Id)
                    }
                    $name::ItemId => FieldDef::col("item_id", "Item ID").hidden().sortable(),
                    $name::Sku => FieldDef::col("sku", "SKU").sortable(),
                    $name::Name => FieldDef::col("name", "Product").sortable(),
                    $name::Qty => FieldDef::col("qty", "Qty").sortable().numeric(),
                    $name::Price => FieldDef::col("price", "Price").sortable().numeric(),
                    $name::Discount => FieldDef::col("discount", "Discount").numeric(),
                    $name::RowTotal => FieldDef::col("row_total", "Row total").sortable().numeric(),
                    $name::Removed => FieldDef::col("removed", "Removed from cart"),
                };
                if hidden.contains(&self) { def.hidden() } else { def }
            }
        }
        serde_by_key!($name);
    };
}

item_fields!(CartItemField, "cart-items", "cart", "Cart", hide: [Discount]);
item_fields!(OrderItemField, "order-items", "order", "Order", hide: [Removed]);
item_fields!(CreditMemoItemField, "credit-memo-items", "credit_memo", "Credit memo", hide: [Removed]);

/// An item of a cart, an order or a credit memo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRow {
    pub id: i64,
    pub magento_id: i64,
    pub sku: Option<String>,
    pub name: Option<String>,
    #[serde(with = "crate::wire::decimal_option")]
    pub qty: Option<Decimal>,
    #[serde(with = "crate::wire::decimal_option")]
    pub price: Option<Decimal>,
    #[serde(with = "crate::wire::decimal_option")]
    pub discount: Option<Decimal>,
    #[serde(with = "crate::wire::decimal_option")]
    pub row_total: Option<Decimal>,
    pub currency: Option<String>,
    /// Cart items removed in the store are kept and flagged; `None` for order lines.
    pub removed_at: Option<LocalTime>,
}

/// Cart, order and credit memo items share a row type; each grid has its own field enum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Item<F>(pub ItemRow, #[serde(skip)] pub std::marker::PhantomData<F>);

macro_rules! item_record {
    ($field:ident) => {
        impl GridRecord for Item<$field> {
            type Field = $field;

            fn id(&self) -> i64 {
                self.0.id
            }

            const HAS_CURRENCY: bool = true;

            fn currency(&self) -> Option<&str> {
                self.0.currency.as_deref()
            }

            fn cell(&self, field: $field) -> Cell {
                let r = &self.0;
                let money = |v: Option<Decimal>| Cell::money(v, r.currency.as_deref());
                match field {
                    $field::Parent => Cell::Empty,
                    $field::ItemId => Cell::Int(r.magento_id),
                    $field::Sku => Cell::opt_text(r.sku.as_deref()),
                    $field::Name => Cell::opt_text(r.name.as_deref()),
                    $field::Qty => r.qty.map_or(Cell::Empty, Cell::Number),
                    $field::Price => money(r.price),
                    $field::Discount => money(r.discount),
                    $field::RowTotal => money(r.row_total),
                    $field::Removed => match &r.removed_at {
                        Some(at) => Cell::Badge {
                            text: format!("Removed {}", at.date()),
                            tone: super::Tone::Neutral,
                        },
                        None => Cell::Empty,
                    },
                }
            }
        }
    };
}

item_record!(CartItemField);
item_record!(OrderItemField);
item_record!(CreditMemoItemField);

impl<F> Item<F> {
    pub fn new(row: ItemRow) -> Self {
        Item(row, std::marker::PhantomData)
    }
}

/// A customer's addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressField {
    Customer,
    AddressId,
    Default,
    Name,
    Company,
    Street,
    City,
    Region,
    Postcode,
    Country,
    Telephone,
}

impl GridField for AddressField {
    const GRID: &'static str = "customer-addresses";
    const ALL: &'static [Self] = &[
        AddressField::Customer,
        AddressField::AddressId,
        AddressField::Default,
        AddressField::Name,
        AddressField::Company,
        AddressField::Street,
        AddressField::City,
        AddressField::Region,
        AddressField::Postcode,
        AddressField::Country,
        AddressField::Telephone,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::asc(AddressField::AddressId);

    fn def(self) -> FieldDef {
        match self {
            AddressField::Customer => FieldDef::link_filter("customer", "Customer", FilterKind::Id),
            AddressField::AddressId => FieldDef::col("address_id", "Address ID")
                .hidden()
                .sortable(),
            AddressField::Default => FieldDef::col("default", "Default for"),
            AddressField::Name => FieldDef::col("name", "Name").sortable(),
            AddressField::Company => FieldDef::col("company", "Company"),
            AddressField::Street => FieldDef::col("street", "Street"),
            AddressField::City => FieldDef::col("city", "City").sortable(),
            AddressField::Region => FieldDef::col("region", "Region"),
            AddressField::Postcode => FieldDef::col("postcode", "Postcode").sortable(),
            AddressField::Country => FieldDef::col("country", "Country").sortable(),
            AddressField::Telephone => FieldDef::col("telephone", "Telephone"),
        }
    }
}
serde_by_key!(AddressField);

/// A customer address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressRow {
    pub id: i64,
    pub magento_id: i64,
    pub is_default_billing: bool,
    pub is_default_shipping: bool,
    pub name: Option<String>,
    pub company: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
    pub telephone: Option<String>,
}

impl GridRecord for AddressRow {
    type Field = AddressField;

    fn id(&self) -> i64 {
        self.id
    }

    fn cell(&self, field: AddressField) -> Cell {
        match field {
            AddressField::Customer => Cell::Empty,
            AddressField::AddressId => Cell::Int(self.magento_id),
            AddressField::Default => {
                let roles: Vec<&str> = [
                    (self.is_default_billing, "Billing"),
                    (self.is_default_shipping, "Shipping"),
                ]
                .into_iter()
                .filter_map(|(on, label)| on.then_some(label))
                .collect();
                if roles.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(roles.join(", "))
                }
            }
            AddressField::Name => Cell::opt_text(self.name.as_deref()),
            AddressField::Company => Cell::opt_text(self.company.as_deref()),
            // Street lines are stored joined by newlines.
            AddressField::Street => Cell::opt_text(
                self.street
                    .as_ref()
                    .map(|s| s.replace('\n', ", "))
                    .as_deref(),
            ),
            AddressField::City => Cell::opt_text(self.city.as_deref()),
            AddressField::Region => Cell::opt_text(self.region.as_deref()),
            AddressField::Postcode => Cell::opt_text(self.postcode.as_deref()),
            AddressField::Country => Cell::opt_text(self.country.as_deref()),
            AddressField::Telephone => Cell::opt_text(self.telephone.as_deref()),
        }
    }
}

/// An order's status history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HistoryField {
    Order,
    CreatedAt,
    Status,
    Comment,
    Notified,
}

impl GridField for HistoryField {
    const GRID: &'static str = "order-status-history";
    const ALL: &'static [Self] = &[
        HistoryField::Order,
        HistoryField::CreatedAt,
        HistoryField::Status,
        HistoryField::Comment,
        HistoryField::Notified,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(HistoryField::CreatedAt);

    fn def(self) -> FieldDef {
        match self {
            HistoryField::Order => FieldDef::link_filter("order", "Order", FilterKind::Id),
            HistoryField::CreatedAt => FieldDef::col("created_at", "Date").sortable(),
            HistoryField::Status => FieldDef::col("status", "Status").sortable(),
            HistoryField::Comment => FieldDef::col("comment", "Comment"),
            HistoryField::Notified => FieldDef::col("notified", "Customer notified"),
        }
    }
}
serde_by_key!(HistoryField);

/// An entry of an order's status history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub id: i64,
    pub created_at: Option<LocalTime>,
    pub status: Option<String>,
    pub comment: Option<String>,
    pub notified: Option<bool>,
}

impl GridRecord for HistoryRow {
    type Field = HistoryField;

    fn id(&self) -> i64 {
        self.id
    }

    fn cell(&self, field: HistoryField) -> Cell {
        match field {
            HistoryField::Order => Cell::Empty,
            HistoryField::CreatedAt => Cell::time(&self.created_at),
            HistoryField::Status => Cell::opt_text(self.status.as_deref()),
            HistoryField::Comment => Cell::opt_text(self.comment.as_deref()),
            HistoryField::Notified => self.notified.map_or(Cell::Empty, Cell::Flag),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::field::tests::check_fields;

    #[test]
    fn fields_are_consistent() {
        check_fields::<CartItemField>();
        check_fields::<OrderItemField>();
        check_fields::<CreditMemoItemField>();
        check_fields::<AddressField>();
        check_fields::<HistoryField>();
    }
}
