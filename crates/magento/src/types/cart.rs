//! Carts (quotes), their items and addresses (contract §3.3, §3.4).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CustomAttribute, Customer, Extra, de};

/// A cart (`CartInterface`) from `GET /V1/carts/{id}` or `/V1/carts/search`.
///
/// Inactive carts come without `items` and `extension_attributes` (contract §7.2); totals are
/// not part of this object (see [`Totals`](super::Totals)).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cart {
    /// Cart id (`entity_id` in filters).
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Usually null on Magento 2.
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub converted_at: Option<DateTime<Utc>>,
    /// False once converted to an order (or deactivated).
    #[serde(default, with = "de::flag", skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default, with = "de::flag", skip_serializing_if = "Option::is_none")]
    pub is_virtual: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<CartItem>>,
    /// Number of distinct lines.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub items_count: Option<i64>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub items_qty: Option<Decimal>,
    /// Embedded; email and names are null for guest carts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<QuoteAddress>,
    /// Increment id reserved at order placement (a string by contract).
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub reserved_order_id: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub orig_order_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<CartCurrency>,
    #[serde(default, with = "de::flag", skip_serializing_if = "Option::is_none")]
    pub customer_is_guest: Option<bool>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_note: Option<String>,
    #[serde(default, with = "de::flag", skip_serializing_if = "Option::is_none")]
    pub customer_note_notify: Option<bool>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_tax_class_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub store_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<CartExtension>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A cart line (`CartItemInterface`); returned by `POST /V1/carts/{id}/items` too.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CartItem {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub item_id: Option<i64>,
    /// For configurables, the child SKU after the add.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub qty: Option<Decimal>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price: Option<Decimal>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub product_type: Option<String>,
    /// The cart id, a string by contract.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_option: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A cart address (`quote-data-address-interface`): `region` is a flat string here.
/// Also the address sent to `estimate-shipping-methods` and `shipping-information`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuoteAddress {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub country_id: Option<String>,
    #[serde(default, with = "de::strings", skip_serializing_if = "Option::is_none")]
    pub street: Option<Vec<String>>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub firstname: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub lastname: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub middlename: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub same_as_billing: Option<bool>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_address_id: Option<i64>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub save_in_address_book: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `cart.currency`: currency codes and conversion rates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CartCurrency {
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub global_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub base_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub store_currency_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub quote_currency_code: Option<String>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub store_to_base_rate: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub store_to_quote_rate: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_to_global_rate: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_to_quote_rate: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `cart.extension_attributes` (active carts only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CartExtension {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_assignments: Option<Vec<CartShippingAssignment>>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One shipping assignment of a cart: where and how its items ship.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CartShippingAssignment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<CartShipping>,
    /// Same lines as `cart.items`, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Value>>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `shipping_assignments[].shipping` of a cart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CartShipping {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<QuoteAddress>,
    /// `carrier_method`, e.g. `tablerate_bestway`.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}
