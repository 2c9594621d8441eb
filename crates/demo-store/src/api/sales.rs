//! Orders and credit memos: search, get (note the singular `creditmemo/{id}`), comments,
//! cancel/hold/unhold and offline refunds.

use rust_decimal::Decimal;
use serde_json::Value;

use super::request::{Req, field, int_field, parse_id};
use super::search::search;
use crate::error::ApiError;
use crate::faults;
use crate::model::Entity;
use crate::render::{RecordRef, write_record};
use crate::store::RefundRequest;

pub fn search_orders(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    search(
        req,
        &store.orders,
        &store.catalog,
        Some(Entity::Order),
        |w, o, m| write_record(w, &*store, RecordRef::Order(o), m),
    )
}

pub fn get_order(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let order = store.orders.get(id).ok_or_else(ApiError::entity_missing)?;
    let mut w = req.writer();
    write_record(
        &mut w,
        &*store,
        RecordRef::Order(order),
        faults::malformation(&req.rt.faults, Entity::Order, id),
    );
    Ok(w.into_bytes())
}

/// `GET /V1/orders/{id}/comments`: the status history as a search result.
pub fn order_comments(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let order = store.orders.get(id).ok_or_else(ApiError::entity_missing)?;
    let full = store.json(RecordRef::Order(order));
    let items = full["status_histories"].clone();
    let count = items.as_array().map(Vec::len).unwrap_or(0);
    let body = serde_json::json!({ "items": items, "total_count": count });
    Ok(serde_json::to_vec(&body).unwrap_or_default())
}

pub fn order_action(req: &Req<'_>, id: &str, action: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let mut store = req.shared.write();
    let done = match action {
        "cancel" => store.cancel_order(id)?,
        "hold" => store.hold_order(id)?,
        _ => store.unhold_order(id)?,
    };
    Ok(if done {
        b"true".to_vec()
    } else {
        b"false".to_vec()
    })
}

fn money(obj: &Value, name: &str) -> Option<Decimal> {
    match field(obj, name)? {
        Value::Number(n) => n.to_string().parse().ok(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// `POST /V1/order/{id}/refund` {items: [{order_item_id, qty}], arguments: {...}} -> memo id.
pub fn refund(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let mut request = RefundRequest::default();
    if let Some(Value::Array(items)) = req.param("items") {
        for item in items {
            let order_item = int_field(item, "order_item_id")?
                .ok_or_else(|| ApiError::required("order_item_id"))?;
            let qty = money(item, "qty").unwrap_or_default();
            request
                .items
                .push((order_item as u32, qty.trunc().try_into().unwrap_or(0)));
        }
    }
    if let Some(args) = req.param("arguments") {
        request.shipping_amount = money(args, "shipping_amount");
        request.adjustment_positive = money(args, "adjustment_positive").unwrap_or_default();
        request.adjustment_negative = money(args, "adjustment_negative").unwrap_or_default();
    }
    let memo = req.shared.write().refund(id, request)?;
    Ok(serde_json::to_vec(&memo).unwrap_or_default())
}

pub fn search_memos(req: &Req<'_>) -> Result<Vec<u8>, ApiError> {
    let store = req.shared.read();
    search(
        req,
        &store.credit_memos,
        &store.catalog,
        Some(Entity::CreditMemo),
        |w, m, f| write_record(w, &*store, RecordRef::CreditMemo(m), f),
    )
}

pub fn get_memo(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let store = req.shared.read();
    let memo = store
        .credit_memos
        .get(id)
        .ok_or_else(ApiError::entity_missing)?;
    let mut w = req.writer();
    write_record(
        &mut w,
        &*store,
        RecordRef::CreditMemo(memo),
        faults::malformation(&req.rt.faults, Entity::CreditMemo, id),
    );
    Ok(w.into_bytes())
}

pub fn memo_comments(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    if req.shared.read().credit_memos.get(id).is_none() {
        return Err(ApiError::entity_missing());
    }
    Ok(br#"{"items":[],"total_count":0}"#.to_vec())
}
