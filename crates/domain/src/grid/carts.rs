//! The Shopping Carts grid.

use super::field::{Choice, FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort, Tone};
use crate::CartStatus;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CartField {
    Channel,
    Website,
    CartId,
    Customer,
    Email,
    ItemsQty,
    GrandTotal,
    Status,
    Abandoned,
    CreatedAt,
    UpdatedAt,
    BillingCountry,
    /// The carts of an account's customers (account page).
    Account,
    /// Funnel stages, cumulative as the dashboard's funnel: items (or later stages) …
    WithItems,
    /// … and checkout reached (a billing address, or purchased).
    Checkout,
    /// Carts holding a line of this SKU (`sku_eq=`) or a SKU containing this text (`sku=`).
    Sku,
    /// The follow-up's step (issue 16).
    FollowUp,
    /// Who owns the follow-up (a user id).
    Owner,
}

/// The follow-up steps, as `domain::follow_up::Step`.
pub const FOLLOW_UP_STEPS: &[Choice] = &[
    Choice {
        value: "not_contacted",
        label: "Not contacted",
    },
    Choice {
        value: "contacted",
        label: "Contacted",
    },
    Choice {
        value: "won_back",
        label: "Won back",
    },
    Choice {
        value: "lost",
        label: "Lost",
    },
    Choice {
        value: "opportunity",
        label: "Converted to opportunity",
    },
    Choice {
        value: "expired",
        label: "Expired",
    },
];

/// The five statuses of product.md §3.
pub const CART_STATUSES: &[Choice] = &[
    Choice {
        value: "open",
        label: "Open",
    },
    Choice {
        value: "lost",
        label: "Lost",
    },
    Choice {
        value: "converted_to_opportunity",
        label: "Converted to opportunity",
    },
    Choice {
        value: "expired",
        label: "Expired",
    },
    Choice {
        value: "purchased",
        label: "Purchased",
    },
];

impl GridField for CartField {
    const GRID: &'static str = "carts";
    const ALL: &'static [Self] = &[
        CartField::Channel,
        CartField::Website,
        CartField::CartId,
        CartField::Customer,
        CartField::Email,
        CartField::ItemsQty,
        CartField::GrandTotal,
        CartField::Status,
        CartField::Abandoned,
        CartField::CreatedAt,
        CartField::UpdatedAt,
        CartField::BillingCountry,
        CartField::Account,
        CartField::WithItems,
        CartField::Checkout,
        CartField::Sku,
        CartField::FollowUp,
        CartField::Owner,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(CartField::CreatedAt);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            CartField::Channel => FieldDef::col("channel", "Channel").hidden().filter(Channel),
            CartField::Website => FieldDef::col("website", "Website").hidden().filter(Website),
            CartField::CartId => FieldDef::col("cart_id", "Cart ID").sortable().filter(Id),
            CartField::Customer => FieldDef::col("customer", "Customer")
                .filter(Id)
                .not_in_panel(),
            CartField::Email => FieldDef::col("email", "Email").sortable().filter(Text),
            CartField::ItemsQty => FieldDef::col("items_qty", "Items qty")
                .sortable()
                .numeric()
                .filter(Number),
            CartField::GrandTotal => FieldDef::col("grand_total", "Grand total")
                .sortable()
                .numeric()
                .filter(Number),
            CartField::Status => FieldDef::col("status", "Status")
                .sortable()
                .filter(Choice(CART_STATUSES)),
            CartField::Abandoned => FieldDef::col("abandoned", "Abandoned").filter(Bool),
            CartField::CreatedAt => FieldDef::col("created_at", "Created")
                .sortable()
                .filter(Date),
            CartField::UpdatedAt => FieldDef::col("updated_at", "Updated")
                .sortable()
                .filter(Date),
            CartField::BillingCountry => FieldDef::col("billing_country", "Billing country")
                .hidden()
                .filter(Text),
            CartField::Account => FieldDef::link_filter("account", "Account", Id),
            CartField::WithItems => FieldDef::link_filter("with_items", "With items", Bool),
            CartField::Checkout => FieldDef::link_filter("checkout", "Checkout reached", Bool),
            CartField::Sku => FieldDef {
                in_panel: true,
                ..FieldDef::link_filter("sku", "Contains SKU", Text)
            },
            CartField::FollowUp => {
                FieldDef::col("follow_up", "Follow-up").filter(Choice(FOLLOW_UP_STEPS))
            }
            CartField::Owner => FieldDef::col("owner", "Owner").filter(Id).not_in_panel(),
        }
    }
}
serde_by_key!(CartField);

/// A row of the carts grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartRow {
    pub id: i64,
    pub channel: String,
    pub website: Option<String>,
    /// Magento's quote id.
    pub magento_id: i64,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub email: Option<String>,
    #[serde(with = "crate::wire::decimal")]
    pub items_qty: Decimal,
    #[serde(with = "crate::wire::decimal_option")]
    pub grand_total: Option<Decimal>,
    pub currency: Option<String>,
    pub status: CartStatus,
    pub abandoned: bool,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub billing_country: Option<String>,
    /// The follow-up's step (`Step::as_str`), if the cart has one.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// The follow-up's owner: (user id, name).
    #[serde(default)]
    pub owner: Option<(i64, String)>,
}

/// The badge colour of a cart status.
pub fn status_tone(status: CartStatus) -> Tone {
    match status {
        CartStatus::Open => Tone::Info,
        CartStatus::Purchased => Tone::Success,
        CartStatus::Lost => Tone::Danger,
        CartStatus::Expired => Tone::Neutral,
        CartStatus::ConvertedToOpportunity => Tone::Warning,
    }
}

/// The badge colour of a follow-up step.
pub fn follow_up_tone(step: crate::follow_up::Step) -> Tone {
    use crate::follow_up::Step;
    match step {
        Step::NotContacted => Tone::Warning,
        Step::Contacted => Tone::Info,
        Step::WonBack => Tone::Success,
        Step::Lost => Tone::Danger,
        Step::Opportunity => Tone::Warning,
        Step::Expired => Tone::Neutral,
    }
}

/// A link to a customer, named by name, else email, else "Guest".
pub(crate) fn customer_cell(id: Option<i64>, name: Option<&str>, email: Option<&str>) -> Cell {
    let text = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .or(email)
        .unwrap_or("Guest")
        .to_string();
    match id {
        Some(id) => Cell::Link {
            text,
            href: format!("/customers/{id}"),
        },
        None => Cell::Text(text),
    }
}

impl GridRecord for CartRow {
    type Field = CartField;

    fn id(&self) -> i64 {
        self.id
    }

    const HAS_CURRENCY: bool = true;

    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    fn cell(&self, field: CartField) -> Cell {
        match field {
            CartField::Channel => Cell::text(&self.channel),
            CartField::Website => Cell::opt_text(self.website.as_deref()),
            CartField::CartId => Cell::Link {
                text: self.magento_id.to_string(),
                href: format!("/carts/{}", self.id),
            },
            CartField::Customer => customer_cell(
                self.customer_id,
                self.customer_name.as_deref(),
                self.email.as_deref(),
            ),
            CartField::Email => Cell::opt_text(self.email.as_deref()),
            CartField::ItemsQty => Cell::Number(self.items_qty),
            CartField::GrandTotal => Cell::money(self.grand_total, self.currency.as_deref()),
            CartField::Status => Cell::Badge {
                text: self.status.label().into(),
                tone: status_tone(self.status),
            },
            CartField::Abandoned => Cell::Flag(self.abandoned),
            CartField::CreatedAt => Cell::time(&self.created_at),
            CartField::UpdatedAt => Cell::time(&self.updated_at),
            CartField::BillingCountry => Cell::opt_text(self.billing_country.as_deref()),
            CartField::FollowUp => match self
                .follow_up
                .as_deref()
                .and_then(|s| s.parse::<crate::follow_up::Step>().ok())
            {
                Some(step) => Cell::Badge {
                    text: step.label().into(),
                    tone: follow_up_tone(step),
                },
                None => Cell::Empty,
            },
            CartField::Owner => match &self.owner {
                Some((id, name)) => Cell::Link {
                    text: name.clone(),
                    href: format!("/carts?owner={id}"),
                },
                None => Cell::Empty,
            },
            CartField::Account | CartField::WithItems | CartField::Checkout | CartField::Sku => {
                Cell::Empty
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::CartField>();
    }

    #[test]
    fn follow_up_steps_match_the_domain_enum() {
        let values: Vec<&str> = super::FOLLOW_UP_STEPS.iter().map(|c| c.value).collect();
        let expected: Vec<&str> = crate::follow_up::Step::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(values, expected);
    }

    #[test]
    fn statuses_match_the_domain_enum() {
        let values: Vec<&str> = super::CART_STATUSES.iter().map(|c| c.value).collect();
        let expected: Vec<&str> = crate::CartStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(values, expected);
    }
}
