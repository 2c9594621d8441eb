//! Order items, addresses, payment and status history (contract §3.6, §3.7).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, de};

/// An order line (`OrderItemInterface`). Configurable and bundle products appear as a
/// parent row plus child rows; a child has `parent_item_id` and often an embedded `parent_item`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderItem {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub item_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub order_id: Option<i64>,
    /// Set on child rows of configurable/bundle products.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub parent_item_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub quote_item_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub store_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub product_type: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub applied_rule_ids: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty_ordered: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty_invoiced: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty_shipped: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty_canceled: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty_returned: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty_backordered: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub original_price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_original_price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_price_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub row_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_row_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub row_total_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_row_total_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub tax_percent: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub discount_percent: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub amount_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_amount_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub row_invoiced: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_row_invoiced: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub weight: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub row_weight: Option<Decimal>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub is_virtual: Option<bool>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub is_qty_decimal: Option<bool>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub free_shipping: Option<bool>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub no_discount: Option<bool>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// The parent row, embedded in child rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_item: Option<Box<OrderItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_option: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An order address (`OrderAddressInterface`): billing on the order, shipping in its
/// shipping assignments.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderAddress {
    /// `billing` or `shipping`.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub country_id: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_address_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub firstname: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub lastname: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub middlename: Option<String>,
    /// The order id.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<i64>,
    #[serde(default, with = "de::strings", skip_serializing_if = "Option::is_none")]
    pub street: Option<Vec<String>>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub vat_is_valid: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub vat_request_date: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub vat_request_id: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub vat_request_success: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `order.payment` (`OrderPaymentInterface`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderPayment {
    /// e.g. `checkmo`, `banktransfer`.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub account_status: Option<String>,
    #[serde(default, with = "de::strings", skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<Vec<String>>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub cc_last4: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub cc_type: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub cc_exp_month: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub cc_exp_year: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub cc_owner: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub last_trans_id: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub po_number: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub amount_ordered: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_amount_ordered: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub amount_paid: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_amount_paid: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub amount_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_amount_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub amount_authorized: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_amount_authorized: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub amount_canceled: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_amount_canceled: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_captured: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_refunded: Option<Decimal>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `order.status_histories`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusHistory {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub is_customer_notified: Option<bool>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub is_visible_on_front: Option<bool>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}
