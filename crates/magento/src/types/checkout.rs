//! Checkout answers: shipping methods, payment methods and totals (contract §2.2, §6.5).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, de};

/// A shipping method offered for a cart (`estimate-shipping-methods`, `shipping-methods`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShippingMethod {
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub carrier_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub method_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub carrier_title: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub method_title: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_amount: Option<Decimal>,
    #[serde(default, with = "de::flag", skip_serializing_if = "Option::is_none")]
    pub available: Option<bool>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price_excl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price_incl_tax: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A payment method available for a cart (`{code, title}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethod {
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Cart totals (`GET /V1/carts/{id}/totals`, or inside the `shipping-information` answer).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub grand_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_grand_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub subtotal: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_subtotal: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub subtotal_with_discount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_subtotal_with_discount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub weee_tax_applied_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_tax_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub subtotal_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_subtotal_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub base_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub quote_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub items_qty: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<TotalsItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_segments: Option<Vec<TotalSegment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A line of [`Totals`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TotalsItem {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub item_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_price: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub row_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_row_total: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub row_total_with_discount: Option<Decimal>,
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
    pub price_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_price_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub row_total_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_row_total_incl_tax: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub weee_tax_applied_amount: Option<Decimal>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub weee_tax_applied: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `total_segments[]` entry of [`Totals`] (subtotal, shipping, tax, grand_total, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TotalSegment {
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub value: Option<Decimal>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `POST /V1/carts/{id}/shipping-information`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShippingInformationResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_methods: Option<Vec<PaymentMethod>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<Totals>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}
