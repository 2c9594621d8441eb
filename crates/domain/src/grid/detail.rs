//! Record pages: everything about one customer, account, cart, order, credit memo or
//! subscriber. Related lists are grids of their own (filtered by this record); these types hold
//! the record's own fields, its links to other records and the counts its tabs show.

use super::{LocalTime, Money};
use crate::CartStatus;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A link to another record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLink {
    pub id: i64,
    pub label: String,
}

/// A customer's lifetime sales, with what they are made of (product.md §5: subtotal −
/// |discount| over orders not canceled).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifetimeSales {
    /// The figure grids show, maintained by the sync.
    pub amount: Money,
    /// Orders counted.
    pub orders: i64,
    /// Canceled orders (state or status `canceled`), left out.
    pub canceled_orders: i64,
    /// Σ subtotal of the counted orders.
    #[serde(with = "crate::wire::decimal")]
    pub subtotal: Decimal,
    /// Σ |discount| of the counted orders.
    #[serde(with = "crate::wire::decimal")]
    pub discount: Decimal,
}

impl LifetimeSales {
    /// The sum recomputed from the orders shown (equal to `amount` once the sync settled).
    pub fn recomputed(&self) -> Decimal {
        self.subtotal - self.discount
    }

    /// One sentence a user can check against the orders tab.
    pub fn explanation(&self) -> String {
        let money = |d: Decimal| Money::new(d, self.amount.currency.as_deref()).display();
        let orders = match self.orders {
            1 => "1 order".to_string(),
            n => format!("{n} orders"),
        };
        let mut text = format!(
            "Subtotal {} minus discounts {} over {orders}",
            money(self.subtotal),
            money(self.discount),
        );
        match self.canceled_orders {
            0 => text.push('.'),
            1 => text.push_str("; 1 canceled order is not counted."),
            n => text.push_str(&format!("; {n} canceled orders are not counted.")),
        }
        text
    }
}

/// Tab counts of a customer page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerCounts {
    pub addresses: i64,
    pub orders: i64,
    pub carts: i64,
    pub credit_memos: i64,
    pub subscriptions: i64,
}

/// A customer page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub id: i64,
    pub channel: String,
    pub website: Option<String>,
    pub store: Option<String>,
    pub magento_id: Option<i64>,
    pub is_guest: bool,
    /// Prefix, first, middle, last name and suffix; empty when the store has none.
    pub name: String,
    pub email: String,
    pub group: Option<String>,
    pub gender: Option<String>,
    #[serde(with = "crate::wire::time_option")]
    pub dob: Option<NaiveDate>,
    pub taxvat: Option<String>,
    pub created_in: Option<String>,
    pub confirmed: Option<bool>,
    pub is_subscribed: Option<bool>,
    /// The newsletter status the store holds (1 Subscribed, 2 Not activated, 3 Unsubscribed,
    /// 4 Unconfirmed), `None` when never subscribed.
    pub subscription: Option<i16>,
    /// Why Cartwise may not change this customer in the store (one-way channel, guest,
    /// removed), or `None`.
    pub read_only: Option<String>,
    pub account: Option<RecordLink>,
    pub lifetime: LifetimeSales,
    pub last_order_at: Option<LocalTime>,
    pub removed_at: Option<LocalTime>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub counts: CustomerCounts,
}

/// Tab counts of an account page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCounts {
    pub customers: i64,
    pub orders: i64,
    pub carts: i64,
    pub credit_memos: i64,
}

/// An account page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetail {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub customers_count: i32,
    /// Its customers' lifetime sales, one amount per currency (a single `0` with no order),
    /// maintained by the sync: amounts in different currencies are never added.
    pub lifetime_sales: Vec<Money>,
    pub created_at: Option<LocalTime>,
    pub counts: AccountCounts,
}

/// A cart page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartDetail {
    pub id: i64,
    /// Its follow-up (filled by the page's loader; `None` when it has none).
    #[serde(default)]
    pub follow_up: Option<crate::follow_up::CartFollowUp>,
    pub channel: String,
    pub website: Option<String>,
    pub store: Option<String>,
    pub magento_id: i64,
    pub customer: Option<RecordLink>,
    pub account: Option<RecordLink>,
    pub is_guest: bool,
    pub email: Option<String>,
    pub name: Option<String>,
    pub status: CartStatus,
    pub status_changed_at: Option<LocalTime>,
    pub abandoned: bool,
    /// When an open cart counts (or counted) as abandoned; `None` without items or email.
    pub abandon_at: Option<LocalTime>,
    pub is_active: bool,
    pub items_count: i32,
    #[serde(with = "crate::wire::decimal")]
    pub items_qty: Decimal,
    pub subtotal: Option<Money>,
    pub grand_total: Option<Money>,
    pub reserved_order_id: Option<String>,
    pub billing_country: Option<String>,
    pub has_billing_address: bool,
    pub order: Option<RecordLink>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub converted_at: Option<LocalTime>,
    pub left_store_at: Option<LocalTime>,
    /// Items in the cart, and items removed in the store (kept, flagged).
    pub items: i64,
    pub removed_items: i64,
}

impl CartDetail {
    /// Lost is for carts still in play; a purchased cart has its order.
    pub fn can_mark_lost(&self) -> bool {
        matches!(self.status, CartStatus::Open | CartStatus::Expired)
    }

    /// Reopening undoes a user's decision (Lost, Converted), not the store's (Purchased).
    pub fn can_reopen(&self) -> bool {
        matches!(
            self.status,
            CartStatus::Lost | CartStatus::ConvertedToOpportunity
        )
    }
}

/// A billing or shipping address of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderAddress {
    /// `billing` or `shipping`.
    pub kind: String,
    pub name: Option<String>,
    pub company: Option<String>,
    pub street: Vec<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
}

/// Totals of an order, in its currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTotals {
    pub subtotal: Option<Money>,
    pub discount: Option<Money>,
    pub shipping: Option<Money>,
    pub tax: Option<Money>,
    pub grand_total: Option<Money>,
    pub paid: Option<Money>,
    pub invoiced: Option<Money>,
    pub refunded: Option<Money>,
    pub canceled: Option<Money>,
    pub due: Option<Money>,
}

/// An order page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub id: i64,
    /// Its follow-up, when the channel's rule (or a rep) gave it one.
    #[serde(default)]
    pub follow_up: Option<crate::follow_up::OrderFollowUp>,
    pub channel: String,
    pub website: Option<String>,
    pub store: Option<String>,
    pub magento_id: i64,
    pub increment_id: Option<String>,
    pub customer: Option<RecordLink>,
    pub account: Option<RecordLink>,
    /// The cart the order was placed from (the cart with its quote id), when synced.
    pub cart: Option<RecordLink>,
    pub is_guest: bool,
    pub email: Option<String>,
    pub name: Option<String>,
    pub state: Option<String>,
    pub status: Option<String>,
    /// Canceled orders count toward no sales figure.
    pub is_canceled: bool,
    pub totals: OrderTotals,
    pub payment_method: Option<String>,
    pub shipping_method: Option<String>,
    pub shipping_description: Option<String>,
    pub coupon: Option<String>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub addresses: Vec<OrderAddress>,
    pub items: i64,
    pub history: i64,
    pub credit_memos: i64,
}

/// A credit memo page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditMemoDetail {
    pub id: i64,
    pub channel: String,
    pub magento_id: i64,
    pub increment_id: Option<String>,
    pub order: Option<RecordLink>,
    pub order_date: Option<LocalTime>,
    pub customer: Option<RecordLink>,
    pub account: Option<RecordLink>,
    pub state: Option<i16>,
    pub subtotal: Option<Money>,
    pub shipping: Option<Money>,
    pub adjustment: Option<Money>,
    pub adjustment_positive: Option<Money>,
    pub adjustment_negative: Option<Money>,
    pub tax: Option<Money>,
    pub discount: Option<Money>,
    pub grand_total: Option<Money>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub items: i64,
}

/// A newsletter subscriber page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberDetail {
    pub id: i64,
    pub channel: String,
    pub website: Option<String>,
    pub store: Option<String>,
    pub magento_id: Option<i64>,
    pub email: String,
    pub customer: Option<RecordLink>,
    pub status: i16,
    pub status_changed_at: Option<LocalTime>,
    /// `companion_route` or `customer_flag` (magento-api.md §11).
    pub source: String,
    pub removed_at: Option<LocalTime>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetime_sales_explain_themselves() {
        let sales = LifetimeSales {
            amount: Money::new(Decimal::new(27000, 2), Some("EUR")),
            orders: 3,
            canceled_orders: 1,
            subtotal: Decimal::new(30000, 2),
            discount: Decimal::new(3000, 2),
        };
        assert_eq!(sales.recomputed(), Decimal::new(27000, 2));
        assert_eq!(
            sales.explanation(),
            "Subtotal €300.00 minus discounts €30.00 over 3 orders; 1 canceled order is not counted."
        );
    }
}

/// A product page: the catalog entry and where it was bought or left in a cart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub id: i64,
    pub channel_id: i64,
    pub channel: String,
    pub magento_id: i64,
    pub sku: String,
    pub name: Option<String>,
    pub type_id: Option<String>,
    pub status: Option<i16>,
    pub visibility: Option<i16>,
    /// The base price (the store's base currency; products carry none of their own).
    #[serde(with = "crate::wire::decimal_option")]
    pub price: Option<rust_decimal::Decimal>,
    pub websites: Vec<String>,
    /// A configurable's options with their values' labels.
    pub options: Vec<crate::checkout::ProductOptionChoice>,
    pub children: i64,
    #[serde(with = "crate::wire::decimal_option")]
    pub stock_qty: Option<rust_decimal::Decimal>,
    pub in_stock: Option<bool>,
    pub created_at: Option<LocalTime>,
    pub updated_at: Option<LocalTime>,
    pub removed_at: Option<LocalTime>,
    /// Orders with a line of this SKU, and carts holding it.
    pub orders: i64,
    pub carts: i64,
}
