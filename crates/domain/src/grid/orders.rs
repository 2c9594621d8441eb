//! The Orders grid.

use super::carts::customer_cell;
use super::field::{Choice, FieldDef, FilterKind, GridField, serde_by_key};
use super::{Cell, GridRecord, LocalTime, Sort, Tone};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderField {
    Channel,
    Website,
    IncrementId,
    Customer,
    Email,
    State,
    Status,
    GrandTotal,
    Subtotal,
    Discount,
    Coupon,
    TotalPaid,
    Refunded,
    CreatedAt,
    UpdatedAt,
    IsGuest,
    /// The orders of an account's customers (account page).
    Account,
    /// Canceled (state or status) or not: the dashboard's order figures leave canceled ones out.
    Canceled,
    /// With a discount (≠ 0), as the dashboard's discounted-orders share counts them.
    Discounted,
    /// Orders with a line of this SKU (`sku_eq=`) or a SKU containing this text (`sku=`).
    Sku,
}

/// Magento's order states (sales_order.state); statuses are free text per store.
pub const ORDER_STATES: &[Choice] = &[
    Choice {
        value: "new",
        label: "New",
    },
    Choice {
        value: "pending_payment",
        label: "Pending payment",
    },
    Choice {
        value: "payment_review",
        label: "Payment review",
    },
    Choice {
        value: "processing",
        label: "Processing",
    },
    Choice {
        value: "complete",
        label: "Complete",
    },
    Choice {
        value: "closed",
        label: "Closed",
    },
    Choice {
        value: "canceled",
        label: "Canceled",
    },
    Choice {
        value: "holded",
        label: "On hold",
    },
];

impl GridField for OrderField {
    const GRID: &'static str = "orders";
    const ALL: &'static [Self] = &[
        OrderField::Channel,
        OrderField::Website,
        OrderField::IncrementId,
        OrderField::Customer,
        OrderField::Email,
        OrderField::State,
        OrderField::Status,
        OrderField::GrandTotal,
        OrderField::Subtotal,
        OrderField::Discount,
        OrderField::Coupon,
        OrderField::TotalPaid,
        OrderField::Refunded,
        OrderField::CreatedAt,
        OrderField::UpdatedAt,
        OrderField::IsGuest,
        OrderField::Account,
        OrderField::Canceled,
        OrderField::Discounted,
        OrderField::Sku,
    ];
    const DEFAULT_SORT: Sort<Self> = Sort::desc(OrderField::CreatedAt);

    fn def(self) -> FieldDef {
        use FilterKind::*;
        match self {
            OrderField::Channel => FieldDef::col("channel", "Channel").hidden().filter(Channel),
            OrderField::Website => FieldDef::col("website", "Website").hidden().filter(Website),
            OrderField::IncrementId => FieldDef::col("increment_id", "Order #")
                .sortable()
                .filter(Text),
            OrderField::Customer => FieldDef::col("customer", "Customer")
                .filter(Id)
                .not_in_panel(),
            OrderField::Email => FieldDef::col("email", "Email").sortable().filter(Text),
            OrderField::State => FieldDef::col("state", "State")
                .hidden()
                .sortable()
                .filter(Choice(ORDER_STATES)),
            OrderField::Status => FieldDef::col("status", "Status").sortable().filter(Values),
            OrderField::GrandTotal => FieldDef::col("grand_total", "Grand total")
                .sortable()
                .numeric()
                .filter(Number),
            OrderField::Subtotal => FieldDef::col("subtotal", "Subtotal")
                .hidden()
                .sortable()
                .numeric()
                .filter(Number),
            OrderField::Discount => FieldDef::col("discount", "Discount")
                .sortable()
                .numeric()
                .filter(Number),
            OrderField::Coupon => FieldDef::col("coupon", "Coupon").sortable().filter(Text),
            OrderField::TotalPaid => FieldDef::col("total_paid", "Total paid")
                .hidden()
                .sortable()
                .numeric()
                .filter(Number),
            OrderField::Refunded => FieldDef::col("refunded", "Refunded")
                .sortable()
                .numeric()
                .filter(Number),
            OrderField::CreatedAt => FieldDef::col("created_at", "Created")
                .sortable()
                .filter(Date),
            OrderField::UpdatedAt => FieldDef::col("updated_at", "Updated")
                .hidden()
                .sortable()
                .filter(Date),
            OrderField::IsGuest => FieldDef::col("is_guest", "Guest").filter(Bool),
            OrderField::Account => FieldDef::link_filter("account", "Account", Id),
            OrderField::Canceled => FieldDef::link_filter("canceled", "Canceled", Bool),
            OrderField::Discounted => FieldDef::link_filter("discounted", "Discounted", Bool),
            OrderField::Sku => FieldDef {
                in_panel: true,
                ..FieldDef::link_filter("sku", "Contains SKU", Text)
            },
        }
    }
}
serde_by_key!(OrderField);

/// Canceled orders (state or status `canceled`) count toward no sales figure.
pub fn is_canceled(state: Option<&str>, status: Option<&str>) -> bool {
    state == Some("canceled") || status == Some("canceled")
}

/// The badge colour of an order status (Magento's status codes, custom ones neutral).
pub fn status_tone(state: Option<&str>, status: Option<&str>) -> Tone {
    if is_canceled(state, status) {
        return Tone::Danger;
    }
    match state.or(status) {
        Some("complete") | Some("closed") => Tone::Success,
        Some("processing") => Tone::Info,
        Some("holded") | Some("payment_review") | Some("pending_payment") => Tone::Warning,
        _ => Tone::Neutral,
    }
}

/// A row of the orders grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub id: i64,
    pub channel: String,
    pub website: Option<String>,
    pub increment_id: Option<String>,
    pub magento_id: i64,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub email: Option<String>,
    pub state: Option<String>,
    pub status: Option<String>,
    #[serde(with = "crate::wire::decimal_option")]
    pub grand_total: Option<Decimal>,
    #[serde(with = "crate::wire::decimal_option")]
    pub subtotal: Option<Decimal>,
    #[serde(with = "crate::wire::decimal_option")]
    pub discount: Option<Decimal>,
    pub coupon: Option<String>,
    #[serde(with = "crate::wire::decimal_option")]
    pub total_paid: Option<Decimal>,
    #[serde(with = "crate::wire::decimal_option")]
    pub refunded: Option<Decimal>,
    pub currency: Option<String>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub is_guest: bool,
}

impl GridRecord for OrderRow {
    type Field = OrderField;

    fn id(&self) -> i64 {
        self.id
    }

    const HAS_CURRENCY: bool = true;

    fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    fn cell(&self, field: OrderField) -> Cell {
        let money = |v: Option<Decimal>| Cell::money(v, self.currency.as_deref());
        match field {
            OrderField::Channel => Cell::text(&self.channel),
            OrderField::Website => Cell::opt_text(self.website.as_deref()),
            OrderField::IncrementId => Cell::Link {
                text: self
                    .increment_id
                    .clone()
                    .unwrap_or_else(|| format!("#{}", self.magento_id)),
                href: format!("/orders/{}", self.id),
            },
            OrderField::Customer => customer_cell(
                self.customer_id,
                self.customer_name.as_deref(),
                self.email.as_deref(),
            ),
            OrderField::Email => Cell::opt_text(self.email.as_deref()),
            OrderField::State => Cell::opt_text(self.state.as_deref()),
            OrderField::Status => match self.status.as_deref() {
                Some(status) => Cell::Badge {
                    text: status.to_string(),
                    tone: status_tone(self.state.as_deref(), Some(status)),
                },
                None => Cell::Empty,
            },
            OrderField::GrandTotal => money(self.grand_total),
            OrderField::Subtotal => money(self.subtotal),
            OrderField::Discount => money(self.discount),
            OrderField::Coupon => Cell::opt_text(self.coupon.as_deref()),
            OrderField::TotalPaid => money(self.total_paid),
            OrderField::Refunded => money(self.refunded),
            OrderField::CreatedAt => Cell::time(&self.created_at),
            OrderField::UpdatedAt => Cell::time(&self.updated_at),
            OrderField::IsGuest => Cell::Flag(self.is_guest),
            OrderField::Account
            | OrderField::Canceled
            | OrderField::Discounted
            | OrderField::Sku => Cell::Empty,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_consistent() {
        crate::grid::field::tests::check_fields::<super::OrderField>();
    }

    #[test]
    fn canceled_is_state_or_status() {
        assert!(super::is_canceled(Some("canceled"), Some("x")));
        assert!(super::is_canceled(Some("processing"), Some("canceled")));
        assert!(!super::is_canceled(Some("complete"), Some("complete")));
    }
}
