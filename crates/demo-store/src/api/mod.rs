//! HTTP: one entry point for everything under `/rest/` (so 404s, store codes, auth, faults
//! and `fields=` behave exactly like Magento's web API front controller), plus a small
//! control API under `/_demo/` for tests and demos.

mod attributes;
mod auth;
mod carts;
mod control;
mod customer_save;
mod customers;
mod dicts;
mod input;
mod oauth;
mod request;
mod routes;
mod sales;
mod search;
mod subscribers;

use std::cell::Cell;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::faults::{self, RequestFault};
use crate::json::FieldMask;
use crate::query::parse_query;
use crate::store::{Runtime, SharedStore};
use request::{AfterReply, Req};
use routes::{ANONYMOUS, Route, SELF, match_route};

pub use auth::ADMIN_TOKEN_SECS;

/// The demo store's HTTP app over a shared store.
pub fn router(store: SharedStore) -> Router {
    Router::new()
        .route(
            "/_demo/faults",
            post(control::set_faults).get(control::get_faults),
        )
        .route(
            "/_demo/checkout",
            post(control::set_checkout).get(control::get_checkout),
        )
        .route(
            "/_demo/customers",
            post(control::set_customers).get(control::get_customers),
        )
        .route("/_demo/paging", post(control::set_paging))
        .route("/_demo/live/tick", post(control::live_tick))
        .route("/_demo/live/checkout", post(control::live_checkout))
        .route("/_demo/purge", post(control::purge))
        .route("/_demo/stats", get(control::stats))
        .route("/_demo/malformed", get(control::malformed))
        .fallback(rest_entry)
        .with_state(store)
}

fn json_response(status: u16, body: Vec<u8>) -> Response {
    let mut resp = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

fn error_response(e: &ApiError) -> Response {
    json_response(e.status, serde_json::to_vec(&e.body()).unwrap_or_default())
}

/// Store id of a `/rest/{code}/V1` prefix; unknown codes are no store at all, so the path
/// then matches no route (Magento's `PathProcessor` leaves it untouched).
fn resolve_store<'p>(
    shared: &SharedStore,
    segments: &'p [&'p str],
) -> Option<(u16, &'p [&'p str])> {
    match segments {
        ["V1", rest @ ..] => Some((1, rest)),
        ["all", "V1", rest @ ..] => Some((0, rest)),
        [code, "V1", rest @ ..] => {
            let store = shared.read();
            let view = store
                .catalog
                .store_view_by_code(code)
                .filter(|v| v.id != 0)?;
            Some((view.id, rest))
        }
        _ => None,
    }
}

async fn rest_entry(
    State(shared): State<SharedStore>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let seq = shared.counters().requests.fetch_add(1, Ordering::Relaxed);
    let Some(rest) = uri.path().strip_prefix("/rest/") else {
        return error_response(&ApiError::no_route());
    };
    let rt = shared.runtime();
    match faults::request_fault(&rt.faults, seq) {
        None => {}
        Some(fault) => {
            shared
                .counters()
                .faults_injected
                .fetch_add(1, Ordering::Relaxed);
            match fault {
                RequestFault::Error500 => {
                    return error_response(&ApiError::internal(faults::mix(seq)));
                }
                RequestFault::Error503 => return unavailable(),
                RequestFault::Error429 => return too_many_requests(),
                RequestFault::Hang => tokio::time::sleep(rt.faults.hang_duration).await,
                RequestFault::Slow => tokio::time::sleep(rt.faults.slow_duration).await,
            }
        }
    }
    let decoded: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let after = Cell::new(AfterReply::Answer);
    let result = handle(
        &shared, &rt, &method, &uri, &headers, &body, &segments, seq, &after,
    );
    match after.get() {
        AfterReply::Answer => {}
        AfterReply::Delay(d) => tokio::time::sleep(d).await,
        // Unwinding out of the handler ends the connection's task: the socket closes
        // before a byte of the answer is written, so the client sees a transport error.
        // `resume_unwind` skips the panic hook: nothing is printed.
        AfterReply::Drop => std::panic::resume_unwind(Box::new("drop_after_place")),
    }
    match result {
        Ok(bytes) => json_response(200, bytes),
        Err(e) => error_response(&e),
    }
}

#[allow(clippy::too_many_arguments)]
fn handle(
    shared: &SharedStore,
    rt: &Runtime,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
    segments: &[&str],
    seq: u64,
    after: &Cell<AfterReply>,
) -> Result<Vec<u8>, ApiError> {
    let (store_id, rest) = resolve_store(shared, segments).ok_or_else(ApiError::no_route)?;
    let (route, resource) = match_route(method, rest).ok_or_else(ApiError::no_route)?;
    // The companion routes exist only on stores with the Cartwise module.
    let companion = matches!(route, Route::SubscribersSearch | Route::SubscriberPut(_));
    if companion && !rt.subscriber_route {
        return Err(ApiError::no_route());
    }
    // Only a customer token grants `self`, and the demo store issues none.
    if resource == SELF {
        return Err(ApiError::unauthorized(SELF));
    }
    if resource != ANONYMOUS {
        auth::authorize(shared, rt, method, uri, headers, resource)?;
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(serde_json::from_slice(body).map_err(|_| ApiError::bad_request("Decoding error."))?)
    };
    let query = parse_query(uri.query().unwrap_or(""));
    let mask = query
        .get("fields")
        .and_then(|n| n.as_str())
        .and_then(FieldMask::parse);
    let req = Req {
        shared,
        rt,
        store_id,
        query,
        body,
        mask,
        report: faults::mix(seq ^ 0x5eed),
        after,
    };
    dispatch(&req, route)
}

fn dispatch(req: &Req<'_>, route: Route) -> Result<Vec<u8>, ApiError> {
    use Route::*;
    match route {
        AdminToken => auth::admin_token(req.shared, req.rt, req.body.as_ref()),
        TfaGoogle => auth::tfa_google(req.shared, req.rt, req.body.as_ref()),
        CustomersSearch => customers::search_customers(req),
        CustomerGet(id) => customers::get_customer(req, &id),
        CustomerCreate => customers::create_customer(req),
        CustomerPut(id) => customers::put_customer(req, &id),
        CustomerDelete(id) => customers::delete_customer(req, &id),
        CustomerAddressGet(id) => customers::get_address(req, &id),
        CustomerDefaultAddress(id, billing) => customers::default_address(req, &id, billing),
        AddressDelete(id) => customers::delete_address(req, &id),
        IsEmailAvailable => customers::is_email_available(req),
        CartsSearch => carts::search_carts(req),
        CartsMine => carts::mine(),
        CartGet(c) => carts::get_cart(req, &c),
        CartCreate => carts::create_cart(req, None),
        GuestCartCreate => carts::create_guest_cart(req),
        CustomerCartCreate(id) => carts::create_cart(req, Some(&id)),
        CartAssign(id) => carts::assign_cart(req, &id),
        CartItems(c) => carts::get_items(req, &c),
        CartItemAdd(c) => carts::add_item(req, &c),
        CartItemUpdate(c, item) => carts::update_item(req, &c, &item),
        CartItemDelete(c, item) => carts::delete_item(req, &c, &item),
        BillingAddressGet(c) => carts::get_billing_address(req, &c),
        BillingAddressSet(c) => carts::set_billing_address(req, &c),
        EstimateShipping(c) => carts::estimate_shipping(req, &c),
        EstimateShippingByAddressId(id) => carts::estimate_shipping_by_address_id(req, &id),
        ShippingMethods(c) => carts::shipping_methods(req, &c),
        ShippingInformation(c) => carts::shipping_information(req, &c),
        TotalsInformation(c) => carts::totals_information(req, &c),
        PaymentMethods(c) => carts::payment_methods(req, &c),
        SelectedPaymentGet(c) => carts::selected_payment(req, &c),
        SelectedPaymentSet(c) => carts::set_selected_payment(req, &c),
        PaymentInformation(c) => carts::payment_information(req, &c),
        CouponGet(id) => carts::get_coupon(req, &id),
        CouponSet(id, code) => carts::set_coupon(req, &id, &code),
        CouponDelete(id) => carts::delete_coupon(req, &id),
        Totals(c) => carts::totals(req, &c),
        PlaceOrder(c) => carts::place_order(req, &c),
        OrdersSearch => sales::search_orders(req),
        OrderGet(id) => sales::get_order(req, &id),
        OrderComments(id) => sales::order_comments(req, &id),
        OrderCancel(id) => sales::order_action(req, &id, "cancel"),
        OrderHold(id) => sales::order_action(req, &id, "hold"),
        OrderUnhold(id) => sales::order_action(req, &id, "unhold"),
        OrderRefund(id) => sales::refund(req, &id),
        CreditMemosSearch => sales::search_memos(req),
        CreditMemoGet(id) => sales::get_memo(req, &id),
        CreditMemoComments(id) => sales::memo_comments(req, &id),
        Websites => dicts::websites(req),
        StoreGroups => dicts::store_groups(req),
        StoreViews => dicts::store_views(req),
        StoreConfigs => dicts::store_configs(req),
        CustomerGroupsSearch => dicts::customer_groups_search(req),
        CustomerGroupDefault => dicts::customer_group(req, None),
        CustomerGroupGet(id) => dicts::customer_group(req, Some(&id)),
        Countries => dicts::countries(req),
        CountryGet(id) => dicts::country(req, &id),
        Currency => dicts::currency(req),
        ProductsSearch => dicts::search_products(req),
        ProductGet(sku) => dicts::product(req, &sku),
        AttributesSearch => attributes::search_attributes(req),
        AttributeGet(code) => attributes::attribute(req, &code),
        AttributeOptions(code) => attributes::attribute_options(req, &code),
        SubscribersSearch => dicts::search_subscribers(req),
        SubscriberPut(id) => subscribers::put_subscriber(req, &id),
    }
}

/// Maintenance mode / overloaded PHP-FPM: an HTML page, not JSON.
fn unavailable() -> Response {
    let mut resp = (StatusCode::SERVICE_UNAVAILABLE, "<!doctype html><title>503 Service Unavailable</title><h1>Service Temporarily Unavailable</h1>").into_response();
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

fn too_many_requests() -> Response {
    let mut resp = json_response(
        429,
        br#"{"message":"Too Many Requests","trace":null}"#.to_vec(),
    );
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    resp
}
