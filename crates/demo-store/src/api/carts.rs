//! Cart routes: search, get, create, items, addresses, shipping, payment, coupons, totals and
//! order placement.

use serde_json::Value;

use super::input;
use super::request::{Req, bool_field, field, int_field, parse_id, str_field, type_error};
use super::search::search;
use crate::error::ApiError;
use crate::faults;
use crate::json::JsonWriter;
use crate::model::{Cart, Entity, PaymentMethod, ShippingMethod};
use crate::render::{RecordRef, write_cart_item, write_record, write_totals};

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

pub fn search_carts(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    search(
        req,
        &store.carts,
        &store.catalog,
        Some(Entity::Cart),
        |w, c, m| write_record(w, &*store, RecordRef::Cart(c), m),
    )
}

pub fn get_cart(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let cart = store
        .carts
        .get(id)
        .ok_or_else(|| ApiError::no_such_entity("cartId", id))?;
    let mut w = req.writer();
    write_record(
        &mut w,
        &*store,
        RecordRef::Cart(cart),
        faults::malformation(&req.rt.faults, Entity::Cart, id),
    );
    Ok(w.into_bytes())
}

pub fn create_cart(req: &Req<'_>, customer: Option<&str>) -> Result<Vec<u8>, ApiError> {
    let customer = customer.map(parse_id).transpose()?;
    let id = req
        .shared
        .write()
        .create_cart(req.sales_store(), customer)?;
    Ok(json(&id))
}

/// `PUT /V1/carts/{id}` {customerId, storeId}.
pub fn assign_cart(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let body = req
        .body
        .as_ref()
        .ok_or_else(|| ApiError::required("customerId"))?;
    let customer =
        int_field(body, "customerId")?.ok_or_else(|| ApiError::required("customerId"))?;
    let store_id = int_field(body, "storeId")?.ok_or_else(|| ApiError::required("storeId"))?;
    req.shared
        .write()
        .assign_customer(id, customer as u32, store_id as u16)?;
    Ok(b"true".to_vec())
}

/// Items of an active cart; an inactive cart is a 404 (`getActive`).
pub fn get_items(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let cart = store.active_cart(id)?;
    let mut w = req.writer();
    w.begin_array();
    for item in &cart.items {
        write_cart_item(&mut w, &store.catalog, id, item);
    }
    w.end_array();
    Ok(w.into_bytes())
}

fn render_item(req: &Req<'_>, cart_id: u32, item: &crate::model::CartItem) -> Vec<u8> {
    let store = req.shared.read();
    let mut w = req.writer();
    write_cart_item(&mut w, &store.catalog, cart_id, item);
    w.into_bytes()
}

/// `quote_id` in the body must match the URL's cart (Magento reads the item's quote id).
fn check_quote_id(item: &Value, cart_id: u32) -> Result<(), ApiError> {
    if let Some(q) = int_field(item, "quote_id")?
        && q != cart_id as i64
    {
        return Err(ApiError::no_such_entity("cartId", q));
    }
    Ok(())
}

fn qty(item: &Value) -> Result<i64, ApiError> {
    match field(item, "qty") {
        Some(Value::Number(n)) => Ok(n.as_f64().unwrap_or(0.0).round() as i64),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .map(|q| q.round() as i64)
            .map_err(|_| type_error(s, "float")),
        _ => Err(ApiError::invalid_value("qty", Value::Null)),
    }
}

/// Configurable choices: `product_option.extension_attributes.configurable_item_options`.
fn options(item: &Value) -> Result<Vec<(u32, u32)>, ApiError> {
    let list = field(item, "product_option")
        .and_then(|p| field(p, "extension_attributes"))
        .and_then(|e| field(e, "configurable_item_options"))
        .and_then(Value::as_array);
    let mut out = Vec::new();
    for o in list.into_iter().flatten() {
        if let (Some(id), Some(value)) = (int_field(o, "option_id")?, int_field(o, "option_value")?)
        {
            out.push((id as u32, value as u32));
        }
    }
    Ok(out)
}

pub fn add_item(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let item = req.required("cartItem")?;
    check_quote_id(item, id)?;
    let sku = str_field(item, "sku").ok_or_else(|| ApiError::required("sku"))?;
    let line = req
        .shared
        .write()
        .add_cart_item(id, sku, qty(item)?, &options(item)?)?;
    Ok(render_item(req, id, &line))
}

pub fn update_item(req: &Req<'_>, id: &str, item_id: &str) -> Result<Vec<u8>, ApiError> {
    let (id, item_id) = (parse_id(id)?, parse_id(item_id)?);
    let item = req.required("cartItem")?;
    check_quote_id(item, id)?;
    let line = req
        .shared
        .write()
        .update_cart_item(id, item_id, qty(item)?)?;
    Ok(render_item(req, id, &line))
}

pub fn delete_item(req: &Req<'_>, id: &str, item_id: &str) -> Result<Vec<u8>, ApiError> {
    req.shared
        .write()
        .remove_cart_item(parse_id(id)?, parse_id(item_id)?)?;
    Ok(b"true".to_vec())
}

pub fn get_billing_address(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let cart = store
        .carts
        .get(id)
        .ok_or_else(|| ApiError::no_such_entity("cartId", id))?;
    // The cart JSON renders its billing address; reuse it and cut that part out.
    let full = store.json(RecordRef::Cart(cart));
    Ok(serde_json::to_vec(&full["billing_address"]).unwrap_or_default())
}

pub fn set_billing_address(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let catalog = req.shared.read().catalog.clone();
    let address = input::quote_address(&catalog, req.required("address")?)?;
    let same = req
        .param("useForShipping")
        .and_then(|_| bool_field(req.body.as_ref()?, "useForShipping"))
        .unwrap_or(false);
    let address_id = req.shared.write().set_billing_address(id, address, same)?;
    Ok(json(&address_id))
}

fn write_rates(w: &mut JsonWriter<'_>, rates: &[(ShippingMethod, rust_decimal::Decimal)]) {
    w.begin_array();
    for (m, amount) in rates {
        w.begin_object();
        w.f_str("carrier_code", m.carrier_code());
        w.f_str("method_code", m.method_code());
        w.f_str("carrier_title", m.carrier_title());
        w.f_str("method_title", m.method_title());
        w.f_dec("amount", *amount);
        w.f_dec("base_amount", *amount);
        w.f_bool("available", true);
        w.f_str("error_message", "");
        w.f_dec("price_excl_tax", *amount);
        w.f_dec("price_incl_tax", *amount);
        w.end_object();
    }
    w.end_array();
}

/// Estimates for an address (or a saved address id): the cart's rates.
pub fn estimate_shipping(
    req: &Req<'_>,
    id: &str,
    by_address_id: bool,
) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    if by_address_id {
        let address_id = req
            .body
            .as_ref()
            .map(|b| int_field(b, "addressId"))
            .transpose()?
            .flatten();
        let address_id = address_id.ok_or_else(|| ApiError::required("addressId"))?;
        if store.address_owner(address_id as u32).is_none() {
            return Err(ApiError::no_such_entity("addressId", address_id));
        }
    } else {
        input::quote_address(&store.catalog, req.required("address")?)?;
    }
    let rates = store.shipping_rates(id)?;
    let mut w = req.writer();
    write_rates(&mut w, &rates);
    Ok(w.into_bytes())
}

pub fn shipping_methods(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let cart = store.active_cart(id)?;
    if cart.shipping.is_none() {
        return Err(ApiError::bad_request(
            "The shipping address is missing. Set the address and try again.",
        ));
    }
    let rates = store.shipping_rates(id)?;
    let mut w = req.writer();
    write_rates(&mut w, &rates);
    Ok(w.into_bytes())
}

fn write_payment_methods(w: &mut JsonWriter<'_>, methods: &[PaymentMethod]) {
    w.begin_array();
    for m in methods {
        w.begin_object();
        w.f_str("code", m.code());
        w.f_str("title", m.title());
        w.end_object();
    }
    w.end_array();
}

/// `shipping-information` -> `{payment_methods, totals}`.
pub fn shipping_information(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let info = req.required("addressInformation")?;
    let catalog = req.shared.read().catalog.clone();
    let parse = |key: &str| {
        field(info, key)
            .filter(|v| v.is_object())
            .map(|a| input::quote_address(&catalog, a))
            .transpose()
    };
    let (shipping, billing) = (parse("shipping_address")?, parse("billing_address")?);
    let carrier = str_field(info, "shipping_carrier_code").unwrap_or("");
    let method = str_field(info, "shipping_method_code").unwrap_or("");
    let mut store = req.shared.write();
    store.set_shipping_information(id, shipping, billing, carrier, method)?;
    let methods = store.payment_methods(id)?;
    let cart = store.active_cart(id)?;
    let mut w = req.writer();
    w.begin_object();
    w.key("payment_methods");
    write_payment_methods(&mut w, &methods);
    w.key("totals");
    write_totals(&mut w, &store.catalog, cart);
    w.end_object();
    Ok(w.into_bytes())
}

/// `totals-information`: totals for a hypothetical address/method, without saving.
pub fn totals_information(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let mut cart: Cart = store.active_cart(id)?.clone();
    if let Some(info) = req.param("addressInformation") {
        let carrier = str_field(info, "shipping_carrier_code").unwrap_or("");
        let method = str_field(info, "shipping_method_code").unwrap_or("");
        if let Some(m) = ShippingMethod::from_codes(carrier, method) {
            cart.shipping_method = Some(m);
        }
    }
    let mut w = req.writer();
    write_totals(&mut w, &store.catalog, &cart);
    Ok(w.into_bytes())
}

pub fn totals(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let cart = store.active_cart(id)?;
    let mut w = req.writer();
    write_totals(&mut w, &store.catalog, cart);
    Ok(w.into_bytes())
}

pub fn payment_methods(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let methods = req.shared.read().payment_methods(parse_id(id)?)?;
    let mut w = req.writer();
    write_payment_methods(&mut w, &methods);
    Ok(w.into_bytes())
}

pub fn selected_payment(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let cart = store.active_cart(id)?;
    let mut w = req.writer();
    w.begin_object();
    match cart.payment_method {
        Some(m) => w.f_str("method", m.code()),
        None => w.f_null("method"),
    }
    w.end_object();
    Ok(w.into_bytes())
}

/// PUT `{method: {method: "checkmo"}}` -> the payment id (as a string).
pub fn set_selected_payment(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let method = str_field(req.required("method")?, "method")
        .ok_or_else(|| ApiError::required("method"))?
        .to_string();
    req.shared.write().set_payment_method(id, &method)?;
    Ok(json(&id.to_string()))
}

pub fn get_coupon(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let cart = store.active_cart(id)?;
    Ok(json(&cart.coupon_code.as_deref()))
}

pub fn set_coupon(req: &Req<'_>, id: &str, code: &str) -> Result<Vec<u8>, ApiError> {
    req.shared.write().apply_coupon(parse_id(id)?, code)?;
    Ok(b"true".to_vec())
}

pub fn delete_coupon(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    req.shared.write().remove_coupon(parse_id(id)?)?;
    Ok(b"true".to_vec())
}

/// `PUT /V1/carts/{id}/order` {paymentMethod?: {method}} -> order entity id.
pub fn place_order(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let method = req
        .param("paymentMethod")
        .and_then(|p| str_field(p, "method"))
        .map(str::to_string);
    let order_id = req.shared.write().place_order(id, method.as_deref())?;
    Ok(json(&order_id))
}
