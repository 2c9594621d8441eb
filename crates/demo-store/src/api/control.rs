//! `/_demo/*`: runtime switches and inspection, outside Magento's `/rest` namespace.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::{CheckoutConfig, CustomerConfig, FaultConfig, PagingMode, PlaceOrderFaults};
use crate::model::{Entity, PaymentMethod, ShippingMethod};
use crate::store::{DemoStats, SharedStore};

/// Partial update of the fault settings; durations in milliseconds.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FaultPatch {
    pub seed: Option<u64>,
    pub error_500: Option<f64>,
    pub error_503: Option<f64>,
    pub error_429: Option<f64>,
    pub hang: Option<f64>,
    pub hang_duration_ms: Option<u64>,
    pub slow: Option<f64>,
    pub slow_duration_ms: Option<u64>,
    pub malformed_records: Option<f64>,
    pub poisoned_records: Option<f64>,
    /// Place-order faults: counts of the next placing calls, and a delay.
    pub cart_lock: Option<u32>,
    pub drop_after_place: Option<u32>,
    pub hang_after_place_ms: Option<u64>,
}

fn faults_json(f: &FaultConfig, p: &PlaceOrderFaults) -> Value {
    json!({
        "seed": f.seed,
        "error_500": f.error_500,
        "error_503": f.error_503,
        "error_429": f.error_429,
        "hang": f.hang,
        "hang_duration_ms": f.hang_duration.as_millis() as u64,
        "slow": f.slow,
        "slow_duration_ms": f.slow_duration.as_millis() as u64,
        "malformed_records": f.malformed_records,
        "poisoned_records": f.poisoned_records,
        "cart_lock": p.cart_lock,
        "drop_after_place": p.drop_after_place,
        "hang_after_place_ms": p.hang_after_place.as_millis() as u64,
    })
}

pub async fn get_faults(State(shared): State<SharedStore>) -> Json<Value> {
    Json(faults_json(&shared.faults(), &shared.place_order_faults()))
}

pub async fn set_faults(
    State(shared): State<SharedStore>,
    Json(p): Json<FaultPatch>,
) -> Json<Value> {
    let mut f = shared.faults();
    f.seed = p.seed.unwrap_or(f.seed);
    f.error_500 = p.error_500.unwrap_or(f.error_500);
    f.error_503 = p.error_503.unwrap_or(f.error_503);
    f.error_429 = p.error_429.unwrap_or(f.error_429);
    f.hang = p.hang.unwrap_or(f.hang);
    f.slow = p.slow.unwrap_or(f.slow);
    f.malformed_records = p.malformed_records.unwrap_or(f.malformed_records);
    f.poisoned_records = p.poisoned_records.unwrap_or(f.poisoned_records);
    if let Some(ms) = p.hang_duration_ms {
        f.hang_duration = Duration::from_millis(ms);
    }
    if let Some(ms) = p.slow_duration_ms {
        f.slow_duration = Duration::from_millis(ms);
    }
    shared.set_faults(f.clone());
    let mut place = shared.place_order_faults();
    place.cart_lock = p.cart_lock.unwrap_or(place.cart_lock);
    place.drop_after_place = p.drop_after_place.unwrap_or(place.drop_after_place);
    if let Some(ms) = p.hang_after_place_ms {
        place.hang_after_place = Duration::from_millis(ms);
    }
    shared.set_place_order_faults(place.clone());
    Json(faults_json(&f, &place))
}

/// Active methods by code: `{"payment_methods": ["checkmo"], "shipping_methods":
/// ["flatrate"]}` (carrier codes: flatrate, tablerate, freeshipping).
#[derive(Debug, Default, Deserialize)]
pub struct CheckoutPatch {
    pub payment_methods: Option<Vec<String>>,
    pub shipping_methods: Option<Vec<String>>,
}

fn checkout_json(c: &CheckoutConfig) -> Value {
    json!({
        "payment_methods": c.payment_methods.iter().map(|m| m.code()).collect::<Vec<_>>(),
        "shipping_methods": c.shipping_methods.iter().map(|m| m.carrier_code()).collect::<Vec<_>>(),
    })
}

pub async fn get_checkout(State(shared): State<SharedStore>) -> Json<Value> {
    Json(checkout_json(&shared.checkout()))
}

/// Partial update; an unknown code is a 400 naming it.
pub async fn set_checkout(
    State(shared): State<SharedStore>,
    Json(p): Json<CheckoutPatch>,
) -> Result<Json<Value>, (axum::http::StatusCode, Json<Value>)> {
    let bad = |code: &str| {
        (
            axum::http::StatusCode::BAD_REQUEST,
            Json(json!({ "error": format!("unknown method code {code:?}") })),
        )
    };
    let mut c = shared.checkout();
    if let Some(codes) = p.payment_methods {
        c.payment_methods = codes
            .iter()
            .map(|code| {
                PaymentMethod::OFFLINE
                    .into_iter()
                    .find(|m| m.code() == code)
                    .ok_or_else(|| bad(code))
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(codes) = p.shipping_methods {
        c.shipping_methods = codes
            .iter()
            .map(|code| {
                ShippingMethod::ALL
                    .into_iter()
                    .find(|m| m.carrier_code() == code || m.code() == *code)
                    .ok_or_else(|| bad(code))
            })
            .collect::<Result<_, _>>()?;
    }
    shared.set_checkout(c.clone());
    Ok(Json(checkout_json(&c)))
}

/// Partial update of the customer-save switches: `{"full_put": true}` makes `PUT
/// /V1/customers/{id}` behave as Magento <= 2.4.0, `{"newsletter_confirm": true}` turns on
/// `newsletter/subscription/confirm`. Absent keys keep their value.
#[derive(Debug, Default, Deserialize)]
pub struct CustomersPatch {
    pub full_put: Option<bool>,
    pub newsletter_confirm: Option<bool>,
    pub reject_address_default_flags: Option<bool>,
}

pub async fn get_customers(State(shared): State<SharedStore>) -> Json<CustomerConfig> {
    Json(shared.customer_config())
}

pub async fn set_customers(
    State(shared): State<SharedStore>,
    Json(p): Json<CustomersPatch>,
) -> Json<CustomerConfig> {
    // One write lock: a concurrent patch of the other key is not lost.
    let mut store = shared.write();
    let c = &mut store.customer_config;
    c.full_put = p.full_put.unwrap_or(c.full_put);
    c.newsletter_confirm = p.newsletter_confirm.unwrap_or(c.newsletter_confirm);
    c.reject_address_default_flags = p
        .reject_address_default_flags
        .unwrap_or(c.reject_address_default_flags);
    Json(*c)
}

/// `{"mode": "2.3"}` or `{"mode": "2.4"}`.
pub async fn set_paging(State(shared): State<SharedStore>, Json(body): Json<Value>) -> Json<Value> {
    let mode = match body.get("mode").and_then(Value::as_str) {
        Some("2.3") | Some("V23") => PagingMode::V23,
        _ => PagingMode::V24,
    };
    shared.set_paging(mode);
    Json(json!({ "paging": mode }))
}

/// Forces `n` (default 1) live events now.
pub async fn live_tick(
    State(shared): State<SharedStore>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let n = q
        .get("n")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1usize)
        .min(100_000);
    let events = shared.live_tick(n);
    Json(json!({ "events": events }))
}

/// `?cart=N`: a live shopper checks out cart N (cheapest rate, the first payment method the
/// store offers) — what a test needs to see a followed-up cart bought.
pub async fn live_checkout(
    State(shared): State<SharedStore>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(cart) = q.get("cart").and_then(|c| c.parse::<u32>().ok()) else {
        return (StatusCode::BAD_REQUEST, "cart=N is required").into_response();
    };
    let placed = shared.write().checkout_with_payment(cart, None);
    match placed {
        Ok(order) => Json(json!({ "order": order })).into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST),
            Json(e.body()),
        )
            .into_response(),
    }
}

pub async fn purge(State(shared): State<SharedStore>) -> Json<Value> {
    Json(json!({ "purged": shared.purge_quotes() }))
}

pub async fn stats(State(shared): State<SharedStore>) -> Json<DemoStats> {
    Json(shared.stats())
}

/// `?entity=orders`: ids currently served malformed.
pub async fn malformed(
    State(shared): State<SharedStore>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let wanted = q.get("entity").map(String::as_str).unwrap_or("orders");
    let entity = Entity::ALL
        .into_iter()
        .find(|e| e.name() == wanted)
        .unwrap_or(Entity::Order);
    Json(json!({ "entity": entity.name(), "ids": shared.malformed_ids(entity) }))
}
