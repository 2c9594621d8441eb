//! What the sync engine hands to the store: records already mapped from Magento's payloads.
//! Money is exact (`Decimal`), times are UTC.

use chrono::{DateTime, NaiveDate, Utc};
use domain::CartStatus;
use rust_decimal::Decimal;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerRecord {
    pub magento_id: i64,
    pub website_id: i64,
    pub store_id: Option<i64>,
    pub group_id: Option<i64>,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub gender: Option<i16>,
    pub dob: Option<NaiveDate>,
    pub taxvat: Option<String>,
    pub created_in: Option<String>,
    pub confirmed: Option<bool>,
    pub is_subscribed: Option<bool>,
    pub default_billing: Option<i64>,
    pub default_shipping: Option<i64>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub addresses: Vec<AddressRecord>,
    pub payload_hash: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AddressRecord {
    pub magento_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    /// Street lines joined with newlines.
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub region_code: Option<String>,
    pub region_id: Option<i64>,
    pub postcode: Option<String>,
    pub country_id: Option<String>,
    pub telephone: Option<String>,
    pub vat_id: Option<String>,
    pub is_default_billing: bool,
    pub is_default_shipping: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CartRecord {
    pub magento_id: i64,
    pub customer_magento_id: Option<i64>,
    pub is_guest: bool,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub store_id: Option<i64>,
    pub is_active: bool,
    pub is_virtual: Option<bool>,
    pub items_count: i32,
    pub items_qty: Decimal,
    pub subtotal: Option<Decimal>,
    pub grand_total: Option<Decimal>,
    pub totals_from_store: bool,
    pub base_currency_code: Option<String>,
    pub quote_currency_code: Option<String>,
    pub reserved_order_id: Option<String>,
    pub billing_country: Option<String>,
    pub has_billing_address: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub converted_at: Option<DateTime<Utc>>,
    /// The status the payload implies (Open or Expired); sticky statuses are kept by the store.
    pub status: CartStatus,
    /// `None` when the store sent no items (inactive carts): the stored items are left alone.
    pub items: Option<Vec<CartItemRecord>>,
    pub payload_hash: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CartItemRecord {
    pub magento_id: i64,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub product_type: Option<String>,
    pub qty: Option<Decimal>,
    pub price: Option<Decimal>,
    pub row_total: Option<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderRecord {
    pub magento_id: i64,
    pub increment_id: Option<String>,
    pub quote_magento_id: Option<i64>,
    pub customer_magento_id: Option<i64>,
    pub is_guest: bool,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub store_id: Option<i64>,
    pub state: Option<String>,
    pub status: Option<String>,
    pub subtotal: Option<Decimal>,
    pub discount_amount: Option<Decimal>,
    pub shipping_amount: Option<Decimal>,
    pub tax_amount: Option<Decimal>,
    pub grand_total: Option<Decimal>,
    pub total_paid: Option<Decimal>,
    pub total_invoiced: Option<Decimal>,
    pub total_refunded: Option<Decimal>,
    pub total_canceled: Option<Decimal>,
    pub total_due: Option<Decimal>,
    pub base_subtotal: Option<Decimal>,
    pub base_discount_amount: Option<Decimal>,
    pub base_grand_total: Option<Decimal>,
    pub order_currency_code: Option<String>,
    pub base_currency_code: Option<String>,
    pub total_qty_ordered: Option<Decimal>,
    pub total_item_count: Option<i32>,
    pub payment_method: Option<String>,
    pub shipping_method: Option<String>,
    pub shipping_description: Option<String>,
    pub coupon_code: Option<String>,
    pub billing_country: Option<String>,
    pub shipping_country: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub items: Vec<OrderItemRecord>,
    pub addresses: Vec<OrderAddressRecord>,
    pub history: Vec<StatusHistoryRecord>,
    pub payload_hash: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderItemRecord {
    pub magento_id: i64,
    pub parent_magento_id: Option<i64>,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub product_type: Option<String>,
    pub qty_ordered: Option<Decimal>,
    pub qty_invoiced: Option<Decimal>,
    pub qty_refunded: Option<Decimal>,
    pub qty_canceled: Option<Decimal>,
    pub price: Option<Decimal>,
    pub original_price: Option<Decimal>,
    pub row_total: Option<Decimal>,
    pub tax_amount: Option<Decimal>,
    pub discount_amount: Option<Decimal>,
    pub amount_refunded: Option<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderAddressRecord {
    pub address_type: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub region_code: Option<String>,
    pub postcode: Option<String>,
    pub country_id: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusHistoryRecord {
    pub magento_id: i64,
    pub status: Option<String>,
    pub comment: Option<String>,
    pub is_customer_notified: Option<bool>,
    pub created_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreditMemoRecord {
    pub magento_id: i64,
    pub increment_id: Option<String>,
    pub order_magento_id: i64,
    pub store_id: Option<i64>,
    pub state: Option<i16>,
    pub subtotal: Option<Decimal>,
    pub shipping_amount: Option<Decimal>,
    pub adjustment: Option<Decimal>,
    pub adjustment_positive: Option<Decimal>,
    pub adjustment_negative: Option<Decimal>,
    pub tax_amount: Option<Decimal>,
    pub discount_amount: Option<Decimal>,
    pub grand_total: Option<Decimal>,
    pub order_currency_code: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub items: Vec<CreditMemoItemRecord>,
    pub payload_hash: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreditMemoItemRecord {
    pub magento_id: i64,
    pub order_item_magento_id: Option<i64>,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub qty: Option<Decimal>,
    pub price: Option<Decimal>,
    pub row_total: Option<Decimal>,
    pub tax_amount: Option<Decimal>,
    pub discount_amount: Option<Decimal>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubscriberRecord {
    /// `subscriber_id` from the companion route; `None` when read from a customer's flag.
    pub magento_id: Option<i64>,
    pub email: String,
    /// `None` (or 0 in Magento) for guests.
    pub customer_magento_id: Option<i64>,
    pub store_id: Option<i64>,
    pub status: i16,
    pub status_changed_at: Option<DateTime<Utc>>,
    pub payload_hash: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProductRecord {
    pub magento_id: i64,
    pub sku: String,
    pub name: Option<String>,
    pub type_id: Option<String>,
    pub status: Option<i16>,
    pub visibility: Option<i16>,
    pub price: Option<Decimal>,
    pub website_ids: Vec<i64>,
    /// A configurable's options as JSON: `[{attribute_id, label, values: [value index]}]`.
    pub options: Option<serde_json::Value>,
    pub children: Option<Vec<i64>>,
    pub stock_qty: Option<Decimal>,
    pub is_in_stock: Option<bool>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub payload_hash: Vec<u8>,
}

/// The labels of a select attribute's values (a configurable's color or size).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeOptionsRecord {
    pub attribute_id: i64,
    pub code: Option<String>,
    pub label: Option<String>,
    /// `[{value, label}]`
    pub options: serde_json::Value,
}
