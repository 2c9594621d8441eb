//! Credit memos and invoices (contract §3.8).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, de};

/// A credit memo (`CreditmemoInterface`) from `GET /V1/creditmemo/{id}` (singular) or
/// `GET /V1/creditmemos`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CreditMemo {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub increment_id: Option<String>,
    /// Joins to `Order::entity_id`.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub order_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<i64>,
    /// 1 open, 2 refunded, 3 canceled.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub state: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub creditmemo_status: Option<i64>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub store_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub billing_address_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub shipping_address_id: Option<i64>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub email_sent: Option<bool>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub order_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub base_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub store_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub global_currency_code: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_to_order_rate: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_to_global_rate: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub store_to_base_rate: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub store_to_order_rate: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub grand_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_grand_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub subtotal: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_subtotal: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub subtotal_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_subtotal_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub adjustment: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_adjustment: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub adjustment_positive: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_adjustment_positive: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub adjustment_negative: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_adjustment_negative: Option<Decimal>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub discount_description: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_note: Option<String>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub customer_note_notify: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<CreditMemoItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<SalesComment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A credit memo line (`CreditmemoItemInterface`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CreditMemoItem {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    /// The credit memo id.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub order_item_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_cost: Option<Decimal>,
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
    pub discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_discount_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A comment on a credit memo or invoice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SalesComment {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub is_customer_notified: Option<bool>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub is_visible_on_front: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An invoice (`InvoiceInterface`) from `GET /V1/invoices/{id}` or `GET /V1/invoices`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub increment_id: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub order_id: Option<i64>,
    /// 1 open, 2 paid, 3 canceled.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub state: Option<i64>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub total_qty: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub grand_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_grand_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub subtotal: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_subtotal: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub subtotal_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_subtotal_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub order_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub base_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub store_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub global_currency_code: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub store_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub billing_address_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub shipping_address_id: Option<i64>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub email_sent: Option<bool>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub can_void_flag: Option<bool>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<InvoiceItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<SalesComment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An invoice line.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InvoiceItem {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub order_item_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_price: Option<Decimal>,
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
    pub discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_cost: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}
