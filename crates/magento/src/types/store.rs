//! Dictionaries (contract §3.9): websites, store groups, store views, customer groups,
//! countries and their regions.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, de};

/// A website from `GET /V1/store/websites` (id 0 is the `admin` website).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Website {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub default_group_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A store (group) from `GET /V1/store/storeGroups`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoreGroup {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub website_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub root_category_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub default_store_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A store view from `GET /V1/store/storeViews` (includes the admin store view, id 0).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoreView {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub website_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub store_group_id: Option<i64>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A customer group from `GET /V1/customerGroups/search`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerGroup {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub tax_class_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub tax_class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A country from `GET /V1/directory/countries`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166 alpha-2, e.g. `US`.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub two_letter_abbreviation: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub three_letter_abbreviation: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub full_name_locale: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub full_name_english: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_regions: Option<Vec<Region>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A region of a [`Country`]; its `id` is a string by contract.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Region {
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}
