//! Customers and their addresses (contract §3.1, §3.2).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{CustomAttribute, Extra, de};

/// A registered customer (`CustomerInterface`), as read from `GET /V1/customers/{id}` or
/// `/V1/customers/search`, and as sent back with `PUT /V1/customers/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// Customer id (`entity_id` in filters).
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Customer group: 0 NOT LOGGED IN, 1 General, 2 Wholesale, 3 Retailer on a fresh install.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub group_id: Option<i64>,
    /// Address id as a string by contract.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub default_billing: Option<String>,
    /// Address id as a string by contract.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub default_shipping: Option<String>,
    /// Non-null means the account is not confirmed yet.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<String>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// Not bumped by address-only edits (contract §7.2).
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Store view name.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub created_in: Option<String>,
    #[serde(default, with = "de::date", skip_serializing_if = "Option::is_none")]
    pub dob: Option<NaiveDate>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
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
    pub taxvat: Option<String>,
    /// 1 Male, 2 Female, 3 Not specified.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub gender: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub store_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub website_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<CustomerAddress>>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub disable_auto_group_change: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<CustomerExtension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `customer.extension_attributes`: the newsletter flag plus whatever modules add.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerExtension {
    /// Set by Magento_Newsletter (true only for status 1 Subscribed); writable through `PUT`.
    #[serde(default, with = "de::flag", skip_serializing_if = "Option::is_none")]
    pub is_subscribed: Option<bool>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An address in `customer.addresses[]`; `region` is an object here, unlike cart and order addresses.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerAddress {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<CustomerRegion>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<i64>,
    /// ISO 3166 alpha-2.
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
    #[serde(default, with = "de::flag", skip_serializing_if = "Option::is_none")]
    pub default_shipping: Option<bool>,
    #[serde(default, with = "de::flag", skip_serializing_if = "Option::is_none")]
    pub default_billing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `customer.addresses[].region`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerRegion {
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub region_id: Option<i64>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}
