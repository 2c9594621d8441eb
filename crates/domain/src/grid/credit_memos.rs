//! The Credit Memos grid (refunds; read-only in the CRM).

use super::carts::customer_cell;
use super::field::{Choice, FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort, Tone};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CreditMemoField {
    Channel,
    IncrementId,
    Order,
    OrderDate,
    Customer,
    State,
    GrandTotal,
    CreatedAt,
    /// The credit memos of an account's customers (account page).
    Account,
}

/// Magento's credit memo states.
pub const CREDIT_MEMO_STATES: &[Choice] = &[
    Choice {
        value: "1",
        label: "Open",
    },
    Choice {
        value: "2",
        label: "Refunded",
    },
    Choice {
        value: "3",
        label: "Canceled",
    },
];

/// The label of a credit memo state.
pub fn state_label(state: Option<i16>) -> &'static str {
    match state {
        Some(1) => "Open",
        Some(2) => "Refunded",
        Some(3) => "Canceled",
        _ => "Unknown",
    }
}

fn state_tone(state: Option<i16>) -> Tone {
    match state {
        Some(1) => Tone::Info,
        Some(2) => Tone::Success,
        Some(3) => Tone::Danger,
        _ => Tone::Neutral,
    }
}

impl GridField for CreditMemoField {
    const GRID: &'static str = "credit-memos";
    const ALL: &'static [Self] = &[
        CreditMemoField::Channel,
        CreditMemoField::IncrementId,
        CreditMemoField::Order,
        CreditMemoField::OrderDate,
        CreditMemoField::Customer,
        CreditMemoField::State,
        CreditMemoField::GrandTotal,
        CreditMemoField::CreatedAt,
        CreditMemoField::Account,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(CreditMemoField::CreatedAt);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            CreditMemoField::Channel => {
                FieldDef::col("channel", "Channel").hidden().filter(Channel)
            }
            CreditMemoField::IncrementId => FieldDef::col("increment_id", "Credit memo #")
                .sortable()
                .filter(Text),
            CreditMemoField::Order => FieldDef::col("order", "Order #").filter(Id).not_in_panel(),
            CreditMemoField::OrderDate => FieldDef::col("order_date", "Order date"),
            CreditMemoField::Customer => FieldDef::col("customer", "Customer")
                .filter(Id)
                .not_in_panel(),
            CreditMemoField::State => FieldDef::col("state", "State")
                .sortable()
                .filter(Choice(CREDIT_MEMO_STATES)),
            CreditMemoField::GrandTotal => FieldDef::col("grand_total", "Grand total")
                .sortable()
                .numeric()
                .filter(Number),
            CreditMemoField::CreatedAt => FieldDef::col("created_at", "Created")
                .sortable()
                .filter(Date),
            CreditMemoField::Account => FieldDef::link_filter("account", "Account", Id),
        }
    }
}
serde_by_key!(CreditMemoField);

/// A row of the credit memos grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditMemoRow {
    pub id: i64,
    pub channel: String,
    pub increment_id: Option<String>,
    pub magento_id: i64,
    pub order_id: Option<i64>,
    pub order_increment_id: Option<String>,
    pub order_date: Option<LocalTime>,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub state: Option<i16>,
    #[serde(with = "crate::wire::decimal_option")]
    pub grand_total: Option<Decimal>,
    pub currency: Option<String>,
    pub created_at: Option<LocalTime>,
}

impl GridRecord for CreditMemoRow {
    type Field = CreditMemoField;

    fn id(&self) -> i64 {
        self.id
    }

    const HAS_CURRENCY: bool = true;

    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    fn cell(&self, field: CreditMemoField) -> Cell {
        match field {
            CreditMemoField::Channel => Cell::text(&self.channel),
            CreditMemoField::IncrementId => Cell::Link {
                text: self
                    .increment_id
                    .clone()
                    .unwrap_or_else(|| format!("#{}", self.magento_id)),
                href: format!("/credit-memos/{}", self.id),
            },
            CreditMemoField::Order => match (self.order_id, &self.order_increment_id) {
                (Some(id), number) => Cell::Link {
                    text: number.clone().unwrap_or_else(|| format!("#{id}")),
                    href: format!("/orders/{id}"),
                },
                (None, _) => Cell::Empty,
            },
            CreditMemoField::OrderDate => Cell::time(&self.order_date),
            CreditMemoField::Customer => {
                if self.customer_id.is_none() && self.customer_email.is_none() {
                    Cell::Empty
                } else {
                    customer_cell(
                        self.customer_id,
                        self.customer_name.as_deref(),
                        self.customer_email.as_deref(),
                    )
                }
            }
            CreditMemoField::State => Cell::Badge {
                text: state_label(self.state).into(),
                tone: state_tone(self.state),
            },
            CreditMemoField::GrandTotal => Cell::money(self.grand_total, self.currency.as_deref()),
            CreditMemoField::CreatedAt => Cell::time(&self.created_at),
            CreditMemoField::Account => Cell::Empty,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::CreditMemoField>();
    }
}
