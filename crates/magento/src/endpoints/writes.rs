//! The writes the CRM makes (contract §6.5): building a cart for a customer, turning it into
//! an order, and saving customers.

use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::client::{Call, RetryMode};
use crate::page::decode_value;
use crate::types::de::parse_i64;
use crate::types::{
    CartItem, Customer, CustomerExtension, NewCartItem, PaymentMethod, QuoteAddress,
    ShippingInformation, ShippingInformationResult, ShippingMethod,
};
use crate::{Client, Error};

fn id_of(body: &Value, what: &str) -> Result<i64, Error> {
    parse_i64(body)
        .ok()
        .flatten()
        .ok_or_else(|| Error::decode(".", format!("expected {what} (an integer), got {body}")))
}

impl Client {
    async fn send(
        &self,
        method: Method,
        path: String,
        body: &Value,
        retry: RetryMode,
    ) -> Result<Value, Error> {
        self.call(&Call::with_body(method, path, body, retry))
            .await?
            .body()
    }

    /// `POST /V1/customers/{id}/carts`: the new cart's id. Magento returns the customer's
    /// **existing active cart** when there is one (contract §6.5), so check `items_count`
    /// before adding; this also makes the call safe to retry.
    pub async fn create_customer_cart(&self, customer_id: i64) -> Result<i64, Error> {
        let body = self
            .send(
                Method::POST,
                format!("customers/{customer_id}/carts"),
                &json!({}),
                RetryMode::Always,
            )
            .await?;
        id_of(&body, "a cart id")
    }

    /// `POST /V1/carts/{id}/items` `{cartItem: {sku, qty, quote_id}}`. Not idempotent: only
    /// retried when the store surely did not receive it.
    pub async fn add_cart_item(&self, cart_id: i64, item: &NewCartItem) -> Result<CartItem, Error> {
        let mut cart_item = json!({ "sku": item.sku, "qty": decimal_json(item.qty), "quote_id": cart_id.to_string() });
        if let (Some(option), Some(map)) = (&item.product_option, cart_item.as_object_mut()) {
            map.insert("product_option".to_owned(), option.clone());
        }
        let body = json!({ "cartItem": cart_item });
        let reply = self
            .send(
                Method::POST,
                format!("carts/{cart_id}/items"),
                &body,
                RetryMode::IfNotProcessed,
            )
            .await?;
        decode_value(&reply)
    }

    /// `PUT /V1/carts/{id}/items/{itemId}`: sets the quantity of a line.
    pub async fn update_cart_item(
        &self,
        cart_id: i64,
        item_id: i64,
        qty: Decimal,
    ) -> Result<CartItem, Error> {
        let body = json!({ "cartItem": { "item_id": item_id, "qty": decimal_json(qty), "quote_id": cart_id.to_string() } });
        let reply = self
            .send(
                Method::PUT,
                format!("carts/{cart_id}/items/{item_id}"),
                &body,
                RetryMode::Always,
            )
            .await?;
        decode_value(&reply)
    }

    /// `DELETE /V1/carts/{id}/items/{itemId}`.
    pub async fn remove_cart_item(&self, cart_id: i64, item_id: i64) -> Result<bool, Error> {
        let mut call = Call::get(format!("carts/{cart_id}/items/{item_id}"));
        call.method = Method::DELETE;
        let body = self.call(&call).await?.body()?;
        Ok(body.as_bool().unwrap_or(false))
    }

    /// `POST /V1/carts/{id}/estimate-shipping-methods` `{address}`.
    pub async fn estimate_shipping_methods(
        &self,
        cart_id: i64,
        address: &QuoteAddress,
    ) -> Result<Vec<ShippingMethod>, Error> {
        let body = json!({ "address": to_json(address)? });
        let reply = self
            .send(
                Method::POST,
                format!("carts/{cart_id}/estimate-shipping-methods"),
                &body,
                RetryMode::Always,
            )
            .await?;
        decode_value(&reply)
    }

    /// `POST /V1/carts/{id}/shipping-information` `{addressInformation}`: the payment methods
    /// now available and the totals.
    pub async fn set_shipping_information(
        &self,
        cart_id: i64,
        information: &ShippingInformation,
    ) -> Result<ShippingInformationResult, Error> {
        let body = json!({ "addressInformation": to_json(information)? });
        let reply = self
            .send(
                Method::POST,
                format!("carts/{cart_id}/shipping-information"),
                &body,
                RetryMode::Always,
            )
            .await?;
        decode_value(&reply)
    }

    /// `GET /V1/carts/{id}/payment-methods`.
    pub async fn payment_methods(&self, cart_id: i64) -> Result<Vec<PaymentMethod>, Error> {
        self.get_as(format!("carts/{cart_id}/payment-methods"))
            .await
    }

    /// `PUT /V1/carts/{id}/order` `{paymentMethod: {method}}`: the new order's `entity_id`.
    /// Never retried after the store may have acted on it (a retry could place it twice).
    pub async fn place_order(&self, cart_id: i64, payment_method: &str) -> Result<i64, Error> {
        let body = json!({ "paymentMethod": { "method": payment_method } });
        let reply = self
            .send(
                Method::PUT,
                format!("carts/{cart_id}/order"),
                &body,
                RetryMode::IfNotProcessed,
            )
            .await?;
        id_of(&reply, "an order id")
    }

    /// `PUT /V1/customers/{id}` `{customer}`: saves the customer as given and returns what the
    /// store saved. Send a full customer (read it first): Magento replaces the record, and
    /// a present `addresses` array replaces the address set.
    pub async fn update_customer(&self, id: i64, customer: &Customer) -> Result<Customer, Error> {
        let mut customer = customer.clone();
        customer.id = Some(id);
        let body = json!({ "customer": to_json(&customer)? });
        let reply = self
            .send(
                Method::PUT,
                format!("customers/{id}"),
                &body,
                RetryMode::Always,
            )
            .await?;
        decode_value(&reply)
    }

    /// Subscribes or unsubscribes a registered customer through
    /// `extension_attributes.is_subscribed` (read, modify, `PUT`).
    pub async fn set_customer_subscription(
        &self,
        id: i64,
        subscribed: bool,
    ) -> Result<Customer, Error> {
        let mut customer = self.get_customer(id).await?;
        customer
            .extension_attributes
            .get_or_insert_with(CustomerExtension::default)
            .is_subscribed = Some(subscribed);
        self.update_customer(id, &customer).await
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|e| Error::InvalidConfig(format!("cannot encode the request: {e}")))
}

/// An exact JSON number for a decimal (never through `f64`).
fn decimal_json(d: Decimal) -> Value {
    d.to_string()
        .parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or_else(|_| Value::String(d.to_string()))
}
