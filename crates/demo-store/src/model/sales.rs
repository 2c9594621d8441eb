//! Carts (quotes), orders and credit memos.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Postal, Text};
use crate::clock::Ts;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShippingMethod {
    Flatrate,
    TablerateBestway,
    Freeshipping,
}

impl ShippingMethod {
    pub const ALL: [ShippingMethod; 3] = [
        ShippingMethod::Flatrate,
        ShippingMethod::TablerateBestway,
        ShippingMethod::Freeshipping,
    ];

    pub fn carrier_code(self) -> &'static str {
        match self {
            ShippingMethod::Flatrate => "flatrate",
            ShippingMethod::TablerateBestway => "tablerate",
            ShippingMethod::Freeshipping => "freeshipping",
        }
    }

    pub fn method_code(self) -> &'static str {
        match self {
            ShippingMethod::Flatrate => "flatrate",
            ShippingMethod::TablerateBestway => "bestway",
            ShippingMethod::Freeshipping => "freeshipping",
        }
    }

    pub fn carrier_title(self) -> &'static str {
        match self {
            ShippingMethod::Flatrate => "Flat Rate",
            ShippingMethod::TablerateBestway => "Best Way",
            ShippingMethod::Freeshipping => "Free Shipping",
        }
    }

    pub fn method_title(self) -> &'static str {
        match self {
            ShippingMethod::Flatrate => "Fixed",
            ShippingMethod::TablerateBestway => "Table Rate",
            ShippingMethod::Freeshipping => "Free",
        }
    }

    /// `carrier_method`, as in `shipping_assignments[].shipping.method`.
    pub fn code(self) -> String {
        format!("{}_{}", self.carrier_code(), self.method_code())
    }

    pub fn from_codes(carrier: &str, method: &str) -> Option<ShippingMethod> {
        Self::ALL
            .into_iter()
            .find(|m| m.carrier_code() == carrier && m.method_code() == method)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentMethod {
    Checkmo,
    Banktransfer,
    Cashondelivery,
    Purchaseorder,
    Free,
}

impl PaymentMethod {
    pub const OFFLINE: [PaymentMethod; 4] = [
        PaymentMethod::Checkmo,
        PaymentMethod::Banktransfer,
        PaymentMethod::Cashondelivery,
        PaymentMethod::Purchaseorder,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentMethod::Checkmo => "checkmo",
            PaymentMethod::Banktransfer => "banktransfer",
            PaymentMethod::Cashondelivery => "cashondelivery",
            PaymentMethod::Purchaseorder => "purchaseorder",
            PaymentMethod::Free => "free",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PaymentMethod::Checkmo => "Check / Money order",
            PaymentMethod::Banktransfer => "Bank Transfer Payment",
            PaymentMethod::Cashondelivery => "Cash On Delivery",
            PaymentMethod::Purchaseorder => "Purchase Order",
            PaymentMethod::Free => "No Payment Information Required",
        }
    }

    pub fn from_code(code: &str) -> Option<PaymentMethod> {
        Self::OFFLINE
            .into_iter()
            .chain([PaymentMethod::Free])
            .find(|m| m.code() == code)
    }
}

/// A quote address: billing or shipping of a cart.
#[derive(Clone, Debug, PartialEq)]
pub struct QuoteAddress {
    pub postal: Arc<Postal>,
    pub email: Option<Text>,
    pub customer_address_id: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CartItem {
    pub item_id: u32,
    /// The simple product (for configurables: the chosen child).
    pub product_id: u32,
    /// Set when the line was added through a configurable parent.
    pub parent_id: Option<u32>,
    pub qty: u32,
    pub price: Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cart {
    pub id: u32,
    pub store_id: u16,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub is_active: bool,
    pub customer_id: Option<u32>,
    pub customer_group_id: u16,
    /// Quote columns (not in CartInterface, but filterable); for guests the contact email.
    pub customer_email: Option<Text>,
    pub customer_firstname: Option<Text>,
    pub customer_lastname: Option<Text>,
    pub items: Vec<CartItem>,
    pub billing: Option<QuoteAddress>,
    pub shipping: Option<QuoteAddress>,
    pub shipping_method: Option<ShippingMethod>,
    pub payment_method: Option<PaymentMethod>,
    pub coupon_code: Option<Text>,
    /// The order placed from this cart; its increment id is the cart's `reserved_order_id`.
    pub order_id: Option<u32>,
    pub reserved_order_id: Option<Text>,
}

impl Cart {
    pub fn is_guest(&self) -> bool {
        self.customer_id.is_none()
    }

    pub fn items_qty(&self) -> u32 {
        self.items.iter().map(|i| i.qty).sum()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderState {
    New,
    PendingPayment,
    Processing,
    Complete,
    Closed,
    Canceled,
    Holded,
    PaymentReview,
}

impl OrderState {
    pub const ALL: [OrderState; 8] = [
        OrderState::New,
        OrderState::PendingPayment,
        OrderState::Processing,
        OrderState::Complete,
        OrderState::Closed,
        OrderState::Canceled,
        OrderState::Holded,
        OrderState::PaymentReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::New => "new",
            OrderState::PendingPayment => "pending_payment",
            OrderState::Processing => "processing",
            OrderState::Complete => "complete",
            OrderState::Closed => "closed",
            OrderState::Canceled => "canceled",
            OrderState::Holded => "holded",
            OrderState::PaymentReview => "payment_review",
        }
    }

    /// The default status label of the state.
    pub fn default_status(self) -> &'static str {
        match self {
            OrderState::New => "pending",
            other => other.as_str(),
        }
    }

    /// Whether money was captured (an invoice exists) in this state.
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            OrderState::Processing | OrderState::Complete | OrderState::Closed
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrderAddress {
    pub postal: Arc<Postal>,
    pub email: Text,
    pub customer_address_id: Option<u32>,
}

/// Row kind: configurable products are ordered as a priced parent row plus a zero-priced
/// child row pointing at it (`parent_item_id`), as Magento stores them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Simple,
    Parent,
    Child,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OrderItem {
    pub item_id: u32,
    /// The simple product shipped (the child for both rows of a configurable line).
    pub product_id: u32,
    pub kind: ItemKind,
    pub parent_item_id: Option<u32>,
    pub quote_item_id: u32,
    pub qty_ordered: u32,
    pub qty_invoiced: u32,
    pub qty_shipped: u32,
    pub qty_refunded: u32,
    pub qty_canceled: u32,
    pub price: Decimal,
    pub discount_amount: Decimal,
    pub tax_amount: Decimal,
    pub tax_percent: Decimal,
}

impl OrderItem {
    pub fn row_total(&self) -> Decimal {
        self.price * Decimal::from(self.qty_ordered)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub id: u32,
    pub store_id: u16,
    pub quote_id: u32,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub state: OrderState,
    pub status: &'static str,
    /// None for guests, and for customers deleted after ordering (FK `SET NULL`).
    pub customer_id: Option<u32>,
    pub customer_is_guest: bool,
    pub customer_group_id: u16,
    pub customer_email: Text,
    pub customer_firstname: Text,
    pub customer_lastname: Text,
    pub customer_gender: Option<u8>,
    pub customer_dob: Option<NaiveDate>,
    pub billing: OrderAddress,
    pub shipping: OrderAddress,
    pub items: Vec<OrderItem>,
    pub shipping_method: ShippingMethod,
    pub payment_method: PaymentMethod,
    pub coupon_code: Option<Text>,
    pub subtotal: Decimal,
    /// Negative, as Magento stores order discounts.
    pub discount_amount: Decimal,
    pub shipping_amount: Decimal,
    pub tax_amount: Decimal,
    pub grand_total: Decimal,
    pub total_paid: Decimal,
    pub total_invoiced: Decimal,
    pub total_refunded: Decimal,
    pub total_canceled: Decimal,
    pub email_sent: bool,
}

impl Order {
    pub fn total_qty_ordered(&self) -> u32 {
        self.items
            .iter()
            .filter(|i| i.kind != ItemKind::Child)
            .map(|i| i.qty_ordered)
            .sum()
    }

    pub fn total_due(&self) -> Decimal {
        if self.state == OrderState::Canceled {
            return Decimal::ZERO;
        }
        (self.grand_total - self.total_paid).max(Decimal::ZERO)
    }

    /// Derived ids of the two `sales_order_address` rows (shipping 2n-1, billing 2n).
    pub fn billing_address_id(&self) -> i64 {
        self.id as i64 * 2
    }

    pub fn shipping_address_id(&self) -> i64 {
        self.id as i64 * 2 - 1
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreditMemoItem {
    pub entity_id: u32,
    pub order_item_id: u32,
    pub product_id: u32,
    pub kind: ItemKind,
    pub qty: u32,
    pub price: Decimal,
    pub discount_amount: Decimal,
    pub tax_amount: Decimal,
}

impl CreditMemoItem {
    pub fn row_total(&self) -> Decimal {
        self.price * Decimal::from(self.qty)
    }
}

/// `state`: 1 open, 2 refunded, 3 canceled.
#[derive(Clone, Debug, PartialEq)]
pub struct CreditMemo {
    pub id: u32,
    pub order_id: u32,
    pub store_id: u16,
    pub state: u8,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub items: Vec<CreditMemoItem>,
    pub subtotal: Decimal,
    pub discount_amount: Decimal,
    pub tax_amount: Decimal,
    pub shipping_amount: Decimal,
    pub adjustment_positive: Decimal,
    pub adjustment_negative: Decimal,
    pub grand_total: Decimal,
    pub email_sent: bool,
}

impl CreditMemo {
    pub fn adjustment(&self) -> Decimal {
        self.adjustment_positive - self.adjustment_negative
    }
}
