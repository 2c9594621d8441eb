//! `/_demo/*`: runtime switches and inspection, outside Magento's `/rest` namespace.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::{FaultConfig, PagingMode};
use crate::model::Entity;
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
}

fn faults_json(f: &FaultConfig) -> Value {
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
    })
}

pub async fn get_faults(State(shared): State<SharedStore>) -> Json<Value> {
    Json(faults_json(&shared.faults()))
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
    Json(faults_json(&f))
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
