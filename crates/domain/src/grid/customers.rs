//! The Magento Customers grid.

use super::field::{FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CustomerField {
    Channel,
    Website,
    Name,
    Email,
    Group,
    LifetimeSales,
    OrdersCount,
    Country,
    CreatedAt,
    UpdatedAt,
    IsGuest,
    /// The customers of an account (account page).
    Account,
    /// Customers with a non-canceled order created in a date range (the dashboard's new and
    /// returning customers).
    OrderedAt,
}

impl GridField for CustomerField {
    const GRID: &'static str = "customers";
    const ALL: &'static [Self] = &[
        CustomerField::Channel,
        CustomerField::Website,
        CustomerField::Name,
        CustomerField::Email,
        CustomerField::Group,
        CustomerField::LifetimeSales,
        CustomerField::OrdersCount,
        CustomerField::Country,
        CustomerField::CreatedAt,
        CustomerField::UpdatedAt,
        CustomerField::IsGuest,
        CustomerField::Account,
        CustomerField::OrderedAt,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(CustomerField::CreatedAt);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            CustomerField::Channel => FieldDef::col("channel", "Channel").hidden().filter(Channel),
            CustomerField::Website => FieldDef::col("website", "Website").filter(Website),
            CustomerField::Name => FieldDef::col("name", "Name").sortable().filter(Text),
            CustomerField::Email => FieldDef::col("email", "Email").sortable().filter(Text),
            CustomerField::Group => FieldDef::col("group", "Group"),
            CustomerField::LifetimeSales => FieldDef::col("lifetime_sales", "Lifetime sales")
                .sortable()
                .numeric()
                .filter(Number),
            CustomerField::OrdersCount => FieldDef::col("orders_count", "Orders")
                .hidden()
                .sortable()
                .numeric()
                .filter(Number),
            CustomerField::Country => FieldDef::col("country", "Country/region"),
            CustomerField::CreatedAt => FieldDef::col("created_at", "Created")
                .sortable()
                .filter(Date),
            CustomerField::UpdatedAt => FieldDef::col("updated_at", "Updated")
                .hidden()
                .sortable()
                .filter(Date),
            CustomerField::IsGuest => FieldDef::col("is_guest", "Guest").filter(Bool),
            CustomerField::Account => FieldDef::link_filter("account", "Account", Id),
            CustomerField::OrderedAt => FieldDef::link_filter("ordered_at", "Ordered", Date),
        }
    }
}
serde_by_key!(CustomerField);

/// A row of the customers grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub channel: String,
    pub website: Option<String>,
    pub name: Option<String>,
    pub email: String,
    pub group: Option<String>,
    #[serde(with = "crate::wire::decimal")]
    pub lifetime_sales: Decimal,
    pub orders_count: i32,
    /// The currency of the customer's latest order.
    pub currency: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub is_guest: bool,
}

impl GridRecord for CustomerRow {
    type Field = CustomerField;

    fn id(&self) -> i64 {
        self.id
    }

    const HAS_CURRENCY: bool = true;

    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    fn cell(&self, field: CustomerField) -> Cell {
        match field {
            CustomerField::Channel => Cell::text(&self.channel),
            CustomerField::Website => Cell::opt_text(self.website.as_deref()),
            CustomerField::Name => Cell::Link {
                text: self
                    .name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| self.email.clone()),
                href: format!("/customers/{}", self.id),
            },
            CustomerField::Email => Cell::text(&self.email),
            CustomerField::Group => Cell::opt_text(self.group.as_deref()),
            CustomerField::LifetimeSales => {
                Cell::money(Some(self.lifetime_sales), self.currency.as_deref())
            }
            CustomerField::OrdersCount => Cell::Int(self.orders_count.into()),
            CustomerField::Country => match (self.country.as_deref(), self.region.as_deref()) {
                (Some(c), Some(r)) if !r.trim().is_empty() => Cell::Text(format!("{c} / {r}")),
                (c, _) => Cell::opt_text(c),
            },
            CustomerField::CreatedAt => Cell::time(&self.created_at),
            CustomerField::UpdatedAt => Cell::time(&self.updated_at),
            CustomerField::IsGuest => Cell::Flag(self.is_guest),
            CustomerField::Account | CustomerField::OrderedAt => Cell::Empty,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::CustomerField>();
    }
}
