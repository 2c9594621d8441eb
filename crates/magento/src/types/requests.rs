//! Bodies the CRM sends (the parts that are not plain wire types).

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::QuoteAddress;

/// A product to add to a cart: `POST /V1/carts/{id}/items` `{cartItem: {sku, qty, quote_id}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCartItem {
    /// The SKU (for configurables the parent SKU plus `product_option`, or the child SKU).
    pub sku: String,
    /// Quantity to add.
    pub qty: Decimal,
    /// `product_option` for configurable/bundle/custom options, sent as given.
    pub product_option: Option<Value>,
}

impl NewCartItem {
    /// A simple product line.
    pub fn new(sku: impl Into<String>, qty: Decimal) -> Self {
        Self {
            sku: sku.into(),
            qty,
            product_option: None,
        }
    }
}

/// `addressInformation` of `POST /V1/carts/{id}/shipping-information`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShippingInformation {
    /// Where the order ships.
    pub shipping_address: QuoteAddress,
    /// Billing address; Magento copies the shipping address when omitted on some versions,
    /// so send it explicitly when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<QuoteAddress>,
    /// Carrier code of the chosen [`ShippingMethod`](super::ShippingMethod).
    pub shipping_carrier_code: String,
    /// Method code of the chosen [`ShippingMethod`](super::ShippingMethod).
    pub shipping_method_code: String,
    /// Extension attributes some checkouts require, sent as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
}
