//! Cart routes, admin (`carts/{id}`) and guest (`guest-carts/{mask}`): search, get, create,
//! assign, items, addresses, shipping, payment, coupons, totals and order placement.

use serde_json::Value;

use super::input;
use super::request::{AfterReply, Req, bool_field, field, int_field, parse_id, str_field};
use super::routes::CartRef;
use super::search::search;
use crate::error::ApiError;
use crate::faults;
use crate::json::JsonWriter;
use crate::model::{Cart, Entity, PaymentMethod, ShippingMethod, text};
use crate::render::{RecordRef, write_cart_item, write_record, write_totals};
use crate::store::PaymentInput;

fn json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

impl CartRef {
    /// The cart's entity id. An unknown mask is Magento's `cartId` 404 naming the mask.
    fn resolve(&self, req: &Req<'_>) -> Result<u32, ApiError> {
        match self {
            CartRef::Id(id) => parse_id(id),
            CartRef::Mask(mask) => req
                .shared
                .read()
                .cart_by_mask(mask)
                .ok_or_else(|| ApiError::no_such_entity("cartId", mask.as_str())),
        }
    }

    fn is_guest(&self) -> bool {
        matches!(self, CartRef::Mask(_))
    }
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

/// `carts/mine/*` need a customer token; admin, integration and Bearer tokens are refused.
pub fn mine() -> Result<Vec<u8>, ApiError> {
    Err(ApiError::unauthorized(super::routes::SELF))
}

pub fn get_cart(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
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

/// `POST /V1/guest-carts` -> the masked id.
pub fn create_guest_cart(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let (_, mask) = req.shared.write().create_guest_cart(req.sales_store());
    Ok(json(&mask))
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
    req.shared.write().assign_customer(
        id,
        customer as u32,
        store_id.clamp(0, u16::MAX as i64) as u16,
    )?;
    Ok(b"true".to_vec())
}

/// Items of an active cart; an inactive cart is a 404 (`getActive`).
pub fn get_items(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
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

/// The cart an item body acts on. Admin routes: 2.4's `Repository::save` reads the item's
/// `quote_id` and requires it (`quoteId`); one naming another cart than the URL is refused
/// as that cart. Guest routes copy the URL's cart into the item (`UpdateCartId`).
fn item_cart(req: &Req<'_>, cart: &CartRef, item: &Value) -> Result<u32, ApiError> {
    if cart.is_guest() {
        return cart.resolve(req);
    }
    let id = cart.resolve(req)?;
    let quote = int_field(item, "quote_id")?
        .filter(|q| *q != 0)
        .ok_or_else(|| ApiError::required("quoteId"))?;
    if quote != id as i64 {
        return Err(ApiError::no_such_entity("cartId", quote));
    }
    Ok(id)
}

/// `qty` must be a number above zero (`CartItemPersister`: `InputException::invalidFieldValue`
/// with the value as sent). Fractions round like the non-decimal quantities they are.
fn qty(item: &Value) -> Result<i64, ApiError> {
    let raw = field(item, "qty").cloned().unwrap_or(Value::Null);
    let number = match &raw {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match number.map(f64::round) {
        Some(q) if q >= 1.0 => Ok(q as i64),
        _ => Err(ApiError::invalid_value("qty", raw)),
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

pub fn add_item(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let item = req.required("cartItem")?;
    let id = item_cart(req, cart, item)?;
    req.shared.read().active_cart(id)?;
    let qty = qty(item)?;
    let sku = str_field(item, "sku").ok_or_else(ApiError::product_missing)?;
    let line = req
        .shared
        .write()
        .add_cart_item(id, sku, qty, &options(item)?)?;
    Ok(render_item(req, id, &line))
}

pub fn update_item(req: &Req<'_>, cart: &CartRef, item_id: &str) -> Result<Vec<u8>, ApiError> {
    let item_id = parse_id(item_id)?;
    let item = req.required("cartItem")?;
    let id = item_cart(req, cart, item)?;
    req.shared.read().active_cart(id)?;
    let line = req
        .shared
        .write()
        .update_cart_item(id, item_id, qty(item)?)?;
    Ok(render_item(req, id, &line))
}

pub fn delete_item(req: &Req<'_>, cart: &CartRef, item_id: &str) -> Result<Vec<u8>, ApiError> {
    let item_id = parse_id(item_id)?;
    // Resolved before the write lock: resolving a mask reads the store.
    let id = cart.resolve(req)?;
    req.shared.write().remove_cart_item(id, item_id)?;
    Ok(b"true".to_vec())
}

pub fn get_billing_address(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
    let store = req.shared.read();
    let cart = store
        .carts
        .get(id)
        .ok_or_else(|| ApiError::no_such_entity("cartId", id))?;
    // The cart JSON renders its billing address; reuse it and cut that part out.
    let full = store.json(RecordRef::Cart(cart));
    Ok(serde_json::to_vec(&full["billing_address"]).unwrap_or_default())
}

pub fn set_billing_address(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
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

/// Estimates for an address: the cart's active rates (`[]` for an empty or virtual cart).
pub fn estimate_shipping(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
    let store = req.shared.read();
    input::quote_address(&store.catalog, req.required("address")?)?;
    let rates = store.shipping_rates(id)?;
    let mut w = req.writer();
    write_rates(&mut w, &rates);
    Ok(w.into_bytes())
}

/// Estimates for a saved address of the customer.
pub fn estimate_shipping_by_address_id(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let address_id = req
        .body
        .as_ref()
        .map(|b| int_field(b, "addressId"))
        .transpose()?
        .flatten()
        .ok_or_else(|| ApiError::required("addressId"))?;
    if store.address_owner(address_id as u32).is_none() {
        return Err(ApiError::no_such_entity("addressId", address_id));
    }
    let rates = store.shipping_rates(id)?;
    let mut w = req.writer();
    write_rates(&mut w, &rates);
    Ok(w.into_bytes())
}

pub fn shipping_methods(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
    let store = req.shared.read();
    let cart = store.active_cart(id)?;
    let shippable = !cart.items.is_empty() && !store.is_virtual_cart(cart);
    if shippable && cart.shipping.is_none() {
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
pub fn shipping_information(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
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
pub fn totals_information(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
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

pub fn totals(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
    let store = req.shared.read();
    let cart = store.active_cart(id)?;
    let mut w = req.writer();
    write_totals(&mut w, &store.catalog, cart);
    Ok(w.into_bytes())
}

pub fn payment_methods(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
    let methods = req.shared.read().payment_methods(id)?;
    let mut w = req.writer();
    write_payment_methods(&mut w, &methods);
    Ok(w.into_bytes())
}

pub fn selected_payment(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
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

/// A `paymentMethod` / `method` body object.
fn payment_input(v: &Value) -> PaymentInput {
    PaymentInput {
        method: str_field(v, "method").unwrap_or("").to_string(),
        po_number: str_field(v, "po_number").map(str::to_string),
    }
}

/// PUT `{method: {method: "checkmo"}}` -> the payment id (as a string).
pub fn set_selected_payment(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
    let body = req.required("method")?;
    if str_field(body, "method").is_none() {
        return Err(ApiError::required("method"));
    }
    req.shared.write().set_payment(id, &payment_input(body))?;
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

/// 2.4.7's `CartMutex`: another request is placing this cart.
fn cart_locked() -> ApiError {
    ApiError::bad_request("The cart is locked for processing. Please try again later.")
}

/// After an order exists: the place-order faults decide how (and whether) it is answered.
fn placed(req: &Req<'_>) {
    let after = if req.shared.take_drop_after_place() {
        AfterReply::Drop
    } else {
        match req.shared.place_order_faults().hang_after_place {
            d if d.is_zero() => AfterReply::Answer,
            d => AfterReply::Delay(d),
        }
    };
    req.after.set(after);
}

/// `PUT …/order` {paymentMethod?: {method}} -> order entity id. The lock comes first: the
/// mutex wraps the whole placing.
pub fn place_order(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let id = cart.resolve(req)?;
    if req.shared.take_cart_lock() {
        return Err(cart_locked());
    }
    let payment = req
        .param("paymentMethod")
        .filter(|p| p.is_object())
        .map(payment_input);
    let order_id = req.shared.write().place_order_with(id, payment.as_ref())?;
    placed(req);
    Ok(json(&order_id))
}

/// `POST guest-carts/{mask}/payment-information` {email, paymentMethod, billingAddress?}:
/// `savePaymentInformation` (billing address with the e-mail, payment method), then
/// `placeOrder` inside a try that rethrows every error as `CouldNotSaveException` with the
/// message already rendered: those come back without `parameters`.
pub fn payment_information(req: &Req<'_>, cart: &CartRef) -> Result<Vec<u8>, ApiError> {
    let email = req.required("email")?.as_str().unwrap_or("").to_string();
    let payment = payment_input(req.required("paymentMethod")?);
    let id = cart.resolve(req)?;
    let catalog = req.shared.read().catalog.clone();
    let billing = req
        .param("billingAddress")
        .filter(|a| a.is_object())
        .map(|a| input::quote_address(&catalog, a))
        .transpose()?;
    {
        let mut store = req.shared.write();
        store.active_cart(id)?;
        store.set_payment(id, &payment)?;
        if let Some(mut billing) = billing {
            billing.email = Some(text(&email));
            store.set_billing_address(id, billing, false)?;
        }
        store.set_guest_email(id, &email)?;
    }
    let rendered = |e: ApiError| ApiError::new(400, e.rendered());
    if req.shared.take_cart_lock() {
        return Err(rendered(cart_locked()));
    }
    let order_id = req
        .shared
        .write()
        .place_order_with(id, None)
        .map_err(rendered)?;
    placed(req);
    Ok(json(&order_id))
}
