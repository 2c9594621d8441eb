//! The Accounts grid: CRM-side people and companies, across stores.

use super::field::{FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Money, Sort};
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
    /// The lifetime sales when they are in one currency (`None` when the account's customers
    /// bought in several: see `lifetime_by_currency`).
    #[serde(with = "crate::wire::decimal_option")]
    pub lifetime_sales: Option<Decimal>,
    /// The currency of `lifetime_sales` (`None` with no order, or several currencies).
    pub currency: Option<String>,
    /// The lifetime sales per currency, by currency code.
    pub lifetime_by_currency: Vec<Money>,
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
            AccountField::LifetimeSales => match self.lifetime_sales {
                Some(amount) => Cell::money(Some(amount), self.currency.as_deref()),
                // Several currencies: each amount, never their sum.
                None => Cell::Text(Money::list(&self.lifetime_by_currency)),
            },
            AccountField::CreatedAt => Cell::time(&self.created_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(sales: Option<i64>, currency: Option<&str>, by: &[(i64, &str)]) -> AccountRow {
        AccountRow {
            id: 1,
            name: "Ann".into(),
            email: "ann@example.com".into(),
            customers: 2,
            lifetime_sales: sales.map(Decimal::from),
            currency: currency.map(str::to_string),
            lifetime_by_currency: by
                .iter()
                .map(|(a, c)| Money::new(Decimal::from(*a), Some(c)))
                .collect(),
            created_at: None,
        }
    }

    #[test]
    fn lifetime_sales_in_several_currencies_are_listed_not_added() {
        let one = account(Some(270), Some("EUR"), &[(270, "EUR")]);
        assert_eq!(one.cell(AccountField::LifetimeSales).display(), "€270.00");
        assert!(one.cell(AccountField::LifetimeSales).is_number());
        let mixed = account(None, None, &[(270, "EUR"), (20, "USD")]);
        let cell = mixed.cell(AccountField::LifetimeSales);
        assert_eq!(cell.display(), "€270.00 + $20.00");
        assert!(!cell.is_number(), "no single number to export");
    }

    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::AccountField>();
    }
}
