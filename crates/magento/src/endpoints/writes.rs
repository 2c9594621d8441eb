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

/// An id answered as a number or a numeric string (`4`, `"4"`), as Magento does for new carts
/// and orders.
pub fn answered_id(body: &Value) -> Option<i64> {
    parse_i64(body).ok().flatten()
}

fn id_of(body: &Value, what: &str) -> Result<i64, Error> {
    parse_i64(body)
        .ok()
        .flatten()
        .ok_or_else(|| Error::decode(".", format!("expected {what} (an integer), got {body}")))
}

/// The HTTP method of a [`StoreWrite`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMethod {
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl WriteMethod {
    /// `POST`, `PUT` or `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            WriteMethod::Post => "POST",
            WriteMethod::Put => "PUT",
            WriteMethod::Delete => "DELETE",
        }
    }

    fn method(self) -> Method {
        match self {
            WriteMethod::Post => Method::POST,
            WriteMethod::Put => Method::PUT,
            WriteMethod::Delete => Method::DELETE,
        }
    }
}

/// One write into the store, described before it is sent: the CRM records exactly this (route
/// and body) in its action log, then sends it with [`Client::send_write`].
#[derive(Clone, Debug, PartialEq)]
pub struct StoreWrite {
    /// HTTP method.
    pub method: WriteMethod,
    /// Path under `/V1/`, e.g. `carts/12/items`.
    pub path: String,
    /// The store view whose REST root to use (`/rest/<code>/V1/`); `None` = the channel's.
    pub store_code: Option<String>,
    /// The JSON body; `None` for a `DELETE`.
    pub body: Option<Value>,
    /// Safe to send again after any transient failure. Otherwise it is only sent again when
    /// the store surely did not receive it (refused connection, 429, 503).
    pub idempotent: bool,
}

impl StoreWrite {
    fn new(method: WriteMethod, path: String, body: Option<Value>, idempotent: bool) -> Self {
        StoreWrite {
            method,
            path,
            store_code: None,
            body,
            idempotent,
        }
    }

    /// Sends to another store view's REST root (`/rest/<code>/V1/`).
    pub fn in_store(mut self, code: Option<String>) -> Self {
        self.store_code = code;
        self
    }

    /// `POST /V1/customers/{id}/carts`: the customer's active cart, or a new one in the store
    /// of the URL. Safe to repeat (it returns the same active cart).
    pub fn customer_cart(customer_id: i64) -> Self {
        Self::new(
            WriteMethod::Post,
            format!("customers/{customer_id}/carts"),
            Some(json!({})),
            true,
        )
    }

    /// `POST /V1/carts/` (admin): a new guest-type cart in the store of the URL.
    pub fn guest_cart() -> Self {
        Self::new(
            WriteMethod::Post,
            "carts/".to_owned(),
            Some(json!({})),
            false,
        )
    }

    /// `POST /V1/carts/{id}/items` `{cartItem: {sku, qty, quote_id[, product_option]}}`.
    pub fn add_cart_item(cart_id: i64, item: &NewCartItem) -> Self {
        let mut cart_item = json!({ "sku": item.sku, "qty": decimal_json(item.qty), "quote_id": cart_id.to_string() });
        if let (Some(option), Some(map)) = (&item.product_option, cart_item.as_object_mut()) {
            map.insert("product_option".to_owned(), option.clone());
        }
        Self::new(
            WriteMethod::Post,
            format!("carts/{cart_id}/items"),
            Some(json!({ "cartItem": cart_item })),
            false,
        )
    }

    /// `PUT /V1/carts/{id}/items/{itemId}` `{cartItem: {item_id, qty, quote_id}}`.
    pub fn update_cart_item(cart_id: i64, item_id: i64, qty: Decimal) -> Self {
        Self::new(
            WriteMethod::Put,
            format!("carts/{cart_id}/items/{item_id}"),
            Some(
                json!({ "cartItem": { "item_id": item_id, "qty": decimal_json(qty), "quote_id": cart_id.to_string() } }),
            ),
            true,
        )
    }

    /// `DELETE /V1/carts/{id}/items/{itemId}`.
    pub fn remove_cart_item(cart_id: i64, item_id: i64) -> Self {
        Self::new(
            WriteMethod::Delete,
            format!("carts/{cart_id}/items/{item_id}"),
            None,
            true,
        )
    }

    /// `POST /V1/carts/{id}/estimate-shipping-methods` `{address}` (a read, sent as a POST).
    pub fn estimate_shipping(cart_id: i64, address: &QuoteAddress) -> Result<Self, Error> {
        Ok(Self::new(
            WriteMethod::Post,
            format!("carts/{cart_id}/estimate-shipping-methods"),
            Some(json!({ "address": to_json(address)? })),
            true,
        ))
    }

    /// `POST /V1/carts/{id}/estimate-shipping-methods-by-address-id` `{addressId}`.
    pub fn estimate_shipping_by_address_id(cart_id: i64, address_id: i64) -> Self {
        Self::new(
            WriteMethod::Post,
            format!("carts/{cart_id}/estimate-shipping-methods-by-address-id"),
            Some(json!({ "addressId": address_id })),
            true,
        )
    }

    /// `POST /V1/carts/{id}/shipping-information` `{addressInformation}`.
    pub fn shipping_information(
        cart_id: i64,
        information: &ShippingInformation,
    ) -> Result<Self, Error> {
        Ok(Self::new(
            WriteMethod::Post,
            format!("carts/{cart_id}/shipping-information"),
            Some(json!({ "addressInformation": to_json(information)? })),
            true,
        ))
    }

    /// `PUT /V1/carts/{id}/order` `{paymentMethod: {method}}`. Never sent twice blindly: a
    /// second order is worse than none (contract §1.7).
    pub fn place_order(cart_id: i64, payment_method: &str) -> Self {
        Self::new(
            WriteMethod::Put,
            format!("carts/{cart_id}/order"),
            Some(json!({ "paymentMethod": { "method": payment_method } })),
            false,
        )
    }

    /// `PUT /V1/customers/{id}` `{customer: {...}}`. On Magento 2.4.1+ only the top-level keys
    /// given are saved (`addresses`, when given, replaces the whole address book); older
    /// stores save the body as the whole customer. Safe to repeat unless it creates addresses
    /// (entries without an id), which a repeat would create twice.
    pub fn save_customer(id: i64, customer: Value) -> Self {
        let creates = customer
            .get("addresses")
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|a| a.get("id").is_none()));
        Self::new(
            WriteMethod::Put,
            format!("customers/{id}"),
            Some(json!({ "customer": customer })),
            !creates,
        )
    }

    /// `POST /V1/customers` `{customer: {...}}`: a new account (Magento e-mails the customer).
    /// Not idempotent: a repeat after a lost answer is refused as a duplicate email at best.
    pub fn create_customer(customer: Value) -> Self {
        Self::new(
            WriteMethod::Post,
            "customers".to_owned(),
            Some(json!({ "customer": customer })),
            false,
        )
    }

    /// `PUT /V1/cartwise/newsletter-subscribers/{id}` `{subscriber: {subscriber_status}}`:
    /// the companion module's route for guest subscribers (core Magento has none). Safe to
    /// repeat: it sets a status.
    pub fn set_subscriber_status(subscriber_id: i64, status: i64) -> Self {
        Self::new(
            WriteMethod::Put,
            format!("cartwise/newsletter-subscribers/{subscriber_id}"),
            Some(json!({ "subscriber": { "subscriber_status": status } })),
            true,
        )
    }
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

    /// Sends a described write and returns the store's JSON answer.
    pub async fn send_write(&self, write: &StoreWrite) -> Result<Value, Error> {
        let retry = if write.idempotent {
            RetryMode::Always
        } else {
            RetryMode::IfNotProcessed
        };
        let mut call = match &write.body {
            Some(body) => Call::with_body(write.method.method(), write.path.clone(), body, retry),
            None => {
                let mut call = Call::get(write.path.clone());
                call.method = write.method.method();
                call.retry = retry;
                call
            }
        };
        call.store_code = write.store_code.clone();
        self.call(&call).await?.body()
    }

    /// `POST /V1/customers/{id}/carts`: the new cart's id. Magento returns the customer's
    /// **existing active cart** when there is one (contract §6.5), so check `items_count`
    /// before adding; this also makes the call safe to retry.
    pub async fn create_customer_cart(&self, customer_id: i64) -> Result<i64, Error> {
        let body = self
            .send_write(&StoreWrite::customer_cart(customer_id))
            .await?;
        id_of(&body, "a cart id")
    }

    /// `POST /V1/carts/{id}/items` `{cartItem: {sku, qty, quote_id}}`. Not idempotent: only
    /// retried when the store surely did not receive it.
    pub async fn add_cart_item(&self, cart_id: i64, item: &NewCartItem) -> Result<CartItem, Error> {
        let reply = self
            .send_write(&StoreWrite::add_cart_item(cart_id, item))
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
        let reply = self
            .send_write(&StoreWrite::update_cart_item(cart_id, item_id, qty))
            .await?;
        decode_value(&reply)
    }

    /// `DELETE /V1/carts/{id}/items/{itemId}`.
    pub async fn remove_cart_item(&self, cart_id: i64, item_id: i64) -> Result<bool, Error> {
        let body = self
            .send_write(&StoreWrite::remove_cart_item(cart_id, item_id))
            .await?;
        Ok(body.as_bool().unwrap_or(false))
    }

    /// `POST /V1/carts/{id}/estimate-shipping-methods` `{address}`.
    pub async fn estimate_shipping_methods(
        &self,
        cart_id: i64,
        address: &QuoteAddress,
    ) -> Result<Vec<ShippingMethod>, Error> {
        let reply = self
            .send_write(&StoreWrite::estimate_shipping(cart_id, address)?)
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
        let reply = self
            .send_write(&StoreWrite::shipping_information(cart_id, information)?)
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
        let reply = self
            .send_write(&StoreWrite::place_order(cart_id, payment_method))
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
