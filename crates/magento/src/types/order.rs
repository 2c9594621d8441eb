//! Orders (contract §3.5): the order itself and its extension attributes, where the
//! shipping address lives.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, OrderAddress, OrderItem, OrderPayment, StatusHistory, de};

/// An order (`OrderInterface`) from `GET /V1/orders/{id}` or `GET /V1/orders`.
///
/// Money is in the order currency; every `base_*` twin is in the base currency. The shipping
/// address is not a field: see [`Order::shipping_address`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Order id: what `PUT /V1/carts/{id}/order` returns.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    /// The human order number, e.g. `"000000003"`.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub increment_id: Option<String>,
    /// Source cart id: links the cart to its order.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<i64>,
    /// new, pending_payment, processing, complete, closed, canceled, holded, payment_review.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Configurable status code (pending, processing, ...).
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Absent for guest orders.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub customer_is_guest: Option<bool>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_firstname: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_lastname: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_middlename: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_prefix: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_suffix: Option<String>,
    #[serde(default, with = "de::date", skip_serializing_if = "Option::is_none")]
    pub customer_dob: Option<NaiveDate>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_taxvat: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_gender: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_group_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub customer_note: Option<String>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub customer_note_notify: Option<bool>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub store_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub store_name: Option<String>,
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
    pub total_paid: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_total_paid: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub total_due: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_total_due: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub total_invoiced: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_total_invoiced: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub total_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_total_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub total_canceled: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_total_canceled: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub total_offline_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_total_offline_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub total_online_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_total_online_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub total_qty_ordered: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub weight: Option<Decimal>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub total_item_count: Option<i64>,
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
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub discount_description: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub shipping_description: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub applied_rule_ids: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub remote_ip: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub protect_code: Option<String>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub billing_address_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub quote_address_id: Option<i64>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub email_sent: Option<bool>,
    #[serde(default, with = "de::flag01", skip_serializing_if = "Option::is_none")]
    pub is_virtual: Option<bool>,
    /// Parent and child rows (configurable/bundle children carry `parent_item_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<OrderItem>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<OrderAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<OrderPayment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_histories: Option<Vec<StatusHistory>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_attributes: Option<OrderExtension>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `order.extension_attributes`: core keys typed, the rest (taxes, gift options, Adobe
/// Commerce additions) kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderExtension {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_assignments: Option<Vec<OrderShippingAssignment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_additional_info: Option<Vec<PaymentAdditionalInfo>>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One shipping assignment of an order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderShippingAssignment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<OrderShipping>,
    /// Same rows as `order.items`, kept raw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Value>>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub stock_id: Option<i64>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `shipping_assignments[].shipping`: the only place the order's shipping address lives.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderShipping {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<OrderAddress>,
    /// `carrier_method`, e.g. `flatrate_flatrate`.
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<OrderShippingTotal>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `shipping_assignments[].shipping.total`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderShippingTotal {
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
    pub shipping_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_discount_amount: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_invoiced: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_invoiced: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_refunded: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub shipping_canceled: Option<Decimal>,
    #[serde(default, with = "de::dec", skip_serializing_if = "Option::is_none")]
    pub base_shipping_canceled: Option<Decimal>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `{key, value}` pair of `extension_attributes.payment_additional_info`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentAdditionalInfo {
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Order {
    /// The shipping address: `extension_attributes.shipping_assignments[0].shipping.address`.
    pub fn shipping_address(&self) -> Option<&OrderAddress> {
        self.first_shipping().and_then(|s| s.address.as_ref())
    }

    /// The shipping method code (`carrier_method`) of the first shipping assignment.
    pub fn shipping_method(&self) -> Option<&str> {
        self.first_shipping().and_then(|s| s.method.as_deref())
    }

    fn first_shipping(&self) -> Option<&OrderShipping> {
        self.extension_attributes
            .as_ref()?
            .shipping_assignments
            .as_ref()?
            .iter()
            .find_map(|a| a.shipping.as_ref())
    }
}
