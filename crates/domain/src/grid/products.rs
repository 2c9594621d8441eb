//! The Products grid: the synced catalog, what a cart built in the CRM can hold.

use super::field::{Choice, FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort, Tone};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProductField {
    Channel,
    Website,
    Sku,
    Name,
    Type,
    Status,
    Visibility,
    Price,
    InStock,
    UpdatedAt,
    /// No longer in the store's catalog (a reconciliation did not find it).
    Removed,
}

/// Magento's product types; bundles and grouped products are shown but cannot be added from
/// the CRM (their parts are chosen in the store).
pub const PRODUCT_TYPES: &[Choice] = &[
    Choice {
        value: "simple",
        label: "Simple",
    },
    Choice {
        value: "configurable",
        label: "Configurable",
    },
    Choice {
        value: "virtual",
        label: "Virtual",
    },
    Choice {
        value: "bundle",
        label: "Bundle",
    },
    Choice {
        value: "grouped",
        label: "Grouped",
    },
    Choice {
        value: "downloadable",
        label: "Downloadable",
    },
];

pub const PRODUCT_STATUSES: &[Choice] = &[
    Choice {
        value: "1",
        label: "Enabled",
    },
    Choice {
        value: "2",
        label: "Disabled",
    },
];

pub const VISIBILITIES: &[Choice] = &[
    Choice {
        value: "1",
        label: "Not visible individually",
    },
    Choice {
        value: "2",
        label: "Catalog",
    },
    Choice {
        value: "3",
        label: "Search",
    },
    Choice {
        value: "4",
        label: "Catalog, search",
    },
];

fn label_of(choices: &[Choice], value: &str) -> Option<&'static str> {
    choices.iter().find(|c| c.value == value).map(|c| c.label)
}

/// "Simple", "Configurable"… (the raw type for one Magento adds).
pub fn type_label(type_id: Option<&str>) -> String {
    match type_id {
        Some(t) => label_of(PRODUCT_TYPES, t)
            .map(str::to_string)
            .unwrap_or_else(|| t.to_string()),
        None => String::new(),
    }
}

pub fn status_label(status: Option<i16>) -> &'static str {
    match status {
        Some(1) => "Enabled",
        Some(2) => "Disabled",
        _ => "Unknown",
    }
}

pub fn visibility_label(visibility: Option<i16>) -> &'static str {
    visibility
        .and_then(|v| label_of(VISIBILITIES, &v.to_string()))
        .unwrap_or("Unknown")
}

impl GridField for ProductField {
    const GRID: &'static str = "products";
    const ALL: &'static [Self] = &[
        ProductField::Channel,
        ProductField::Website,
        ProductField::Sku,
        ProductField::Name,
        ProductField::Type,
        ProductField::Status,
        ProductField::Visibility,
        ProductField::Price,
        ProductField::InStock,
        ProductField::UpdatedAt,
        ProductField::Removed,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::asc(ProductField::Name);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            ProductField::Channel => FieldDef::col("channel", "Channel").hidden().filter(Channel),
            ProductField::Website => FieldDef::link_filter("website", "Website", Website),
            ProductField::Sku => FieldDef::col("sku", "SKU").sortable().filter(Text),
            ProductField::Name => FieldDef::col("name", "Name").sortable().filter(Text),
            ProductField::Type => FieldDef::col("type", "Type").filter(Choice(PRODUCT_TYPES)),
            ProductField::Status => {
                FieldDef::col("status", "Status").filter(Choice(PRODUCT_STATUSES))
            }
            ProductField::Visibility => FieldDef::col("visibility", "Visibility")
                .hidden()
                .filter(Choice(VISIBILITIES)),
            ProductField::Price => FieldDef::col("price", "Price")
                .sortable()
                .numeric()
                .filter(Number),
            ProductField::InStock => FieldDef::col("in_stock", "In stock").filter(Bool),
            ProductField::UpdatedAt => FieldDef::col("updated_at", "Updated")
                .sortable()
                .filter(Date),
            ProductField::Removed => FieldDef::col("removed", "Removed from the store")
                .hidden()
                .filter(Bool),
        }
    }
}
serde_by_key!(ProductField);

/// A row of the products grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: i64,
    pub channel: String,
    pub sku: String,
    pub name: Option<String>,
    pub type_id: Option<String>,
    pub status: Option<i16>,
    pub visibility: Option<i16>,
    #[serde(with = "crate::wire::decimal_option")]
    pub price: Option<Decimal>,
    pub in_stock: Option<bool>,
    pub updated_at: Option<LocalTime>,
    pub removed: bool,
}

impl GridRecord for ProductRow {
    type Field = ProductField;

    fn id(&self) -> i64 {
        self.id
    }

    fn cell(&self, field: ProductField) -> Cell {
        match field {
            ProductField::Channel => Cell::text(&self.channel),
            ProductField::Website => Cell::Empty,
            ProductField::Sku => Cell::Link {
                text: self.sku.clone(),
                href: format!("/products/{}", self.id),
            },
            ProductField::Name => Cell::opt_text(self.name.as_deref()),
            ProductField::Type => Cell::text(type_label(self.type_id.as_deref())),
            ProductField::Status => Cell::Badge {
                text: status_label(self.status).into(),
                tone: if self.status == Some(1) {
                    Tone::Success
                } else {
                    Tone::Neutral
                },
            },
            ProductField::Visibility => Cell::text(visibility_label(self.visibility)),
            // The base price, in the store's base currency (products carry no currency).
            ProductField::Price => self.price.map_or(Cell::Empty, Cell::Number),
            ProductField::InStock => self.in_stock.map_or(Cell::Empty, Cell::Flag),
            ProductField::UpdatedAt => Cell::time(&self.updated_at),
            ProductField::Removed => Cell::Flag(self.removed),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::ProductField>();
    }
}
