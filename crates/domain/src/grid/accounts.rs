//! The Accounts grid: CRM-side people and companies, across stores.

use super::field::{FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountField {
    Name,
    Email,
    Customers,
    LifetimeSales,
    CreatedAt,
}

impl GridField for AccountField {
    const GRID: &'static str = "accounts";
    const ALL: &'static [Self] = &[
        AccountField::Name,
        AccountField::Email,
        AccountField::Customers,
        AccountField::LifetimeSales,
        AccountField::CreatedAt,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(AccountField::LifetimeSales);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            AccountField::Name => FieldDef::col("name", "Name").sortable().filter(Text),
            AccountField::Email => FieldDef::col("email", "Email").hidden().filter(Text),
            AccountField::Customers => FieldDef::col("customers", "Customers")
                .sortable()
                .numeric()
                .filter(Number),
            AccountField::LifetimeSales => FieldDef::col("lifetime_sales", "Lifetime sales")
                .sortable()
                .numeric()
                .filter(Number),
            AccountField::CreatedAt => FieldDef::col("created_at", "Created")
                .hidden()
                .sortable()
                .filter(Date),
        }
    }
}
serde_by_key!(AccountField);

/// A row of the accounts grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub customers: i32,
    #[serde(with = "crate::wire::decimal")]
    pub lifetime_sales: Decimal,
    /// The currency of the account's latest order.
    pub currency: Option<String>,
    pub created_at: Option<LocalTime>,
}

impl GridRecord for AccountRow {
    type Field = AccountField;

    fn id(&self) -> i64 {
        self.id
    }

    const HAS_CURRENCY: bool = true;

    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    fn cell(&self, field: AccountField) -> Cell {
        match field {
            AccountField::Name => Cell::Link {
                text: self.name.clone(),
                href: format!("/accounts/{}", self.id),
            },
            AccountField::Email => Cell::text(&self.email),
            AccountField::Customers => Cell::Int(self.customers.into()),
            AccountField::LifetimeSales => {
                Cell::money(Some(self.lifetime_sales), self.currency.as_deref())
            }
            AccountField::CreatedAt => Cell::time(&self.created_at),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::AccountField>();
    }
}
