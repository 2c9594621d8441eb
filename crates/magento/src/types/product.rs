//! Products, as listed by `GET /V1/products` to pick SKUs for CRM-created carts.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CustomAttribute, Extra, de};

/// A catalog product (`ProductInterface`), the fields the CRM needs to add it to a cart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Product {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub attribute_set_id: Option<i64>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub price: Option<Decimal>,
    /// 1 enabled, 2 disabled.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// 1 not visible individually ... 4 catalog and search.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub visibility: Option<i64>,
    /// simple, configurable, bundle, virtual, downloadable, grouped.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub type_id: Option<String>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub weight: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A product attribute (`GET /V1/products/attributes`), read for the labels of configurable
/// options: a configurable product names its options by attribute id and value index only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductAttribute {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub attribute_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub attribute_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub default_frontend_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<AttributeOption>>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One choice of a select attribute: `value` is what a cart item's
/// `configurable_item_options[].option_value` carries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AttributeOption {
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}
