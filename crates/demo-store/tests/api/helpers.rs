//! Spawning stores and talking to them over real HTTP.

use chrono::{DateTime, TimeZone, Utc};
use demo_store::{DEMO_BEARER_TOKEN, DemoStoreConfig, DemoStoreHandle};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A fixed anchor so generated data does not depend on the day the tests run.
pub fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0)
        .single()
        .expect("valid anchor")
}

pub fn config(scale: usize) -> DemoStoreConfig {
    DemoStoreConfig {
        seed: 42,
        scale,
        anchor: Some(anchor()),
        ..DemoStoreConfig::default()
    }
}

pub struct TestStore {
    pub handle: DemoStoreHandle,
    pub http: reqwest::Client,
    pub token: String,
}

pub async fn spawn(config: DemoStoreConfig) -> TestStore {
    let handle = demo_store::spawn(config, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("store starts");
    TestStore {
        handle,
        http: reqwest::Client::new(),
        token: DEMO_BEARER_TOKEN.to_string(),
    }
}

pub async fn spawn_scale(scale: usize) -> TestStore {
    spawn(config(scale)).await
}

impl TestStore {
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}/rest/V1/{}",
            self.handle.base_url(),
            path.trim_start_matches('/')
        )
    }

    /// Any request with the test's bearer token; returns status and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.expect("body read");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    /// GET that must succeed.
    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(body)).await
    }

    /// A request without any credentials (anonymous routes), at `/rest/V1/{path}`.
    pub async fn anon(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(body) = body {
            req = req.json(&body);
        }
        read(req.send().await.expect("request sent")).await
    }

    /// A request with the token under a store code: `/rest/{code}/V1/{path}`.
    pub async fn at_store(
        &self,
        code: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let url = format!("{}/rest/{code}/V1/{path}", self.handle.base_url());
        let mut req = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        read(req.send().await.expect("request sent")).await
    }

    /// `POST /_demo/{path}` (control routes), returning the JSON answer.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/_demo/{path}", self.handle.base_url());
        let resp = self.http.post(url).json(&body).send().await.expect("sent");
        assert!(resp.status().is_success(), "control {path}");
        resp.json().await.expect("json")
    }

    /// `GET /_demo/{path}` (control routes), returning the JSON answer.
    pub async fn control_get(&self, path: &str) -> Value {
        let url = format!("{}/_demo/{path}", self.handle.base_url());
        let resp = self.http.get(url).send().await.expect("sent");
        assert!(resp.status().is_success(), "control {path}");
        resp.json().await.expect("json")
    }

    /// A new admin cart (`POST /V1/carts/`) in the default store.
    pub async fn new_cart(&self) -> u64 {
        let (status, id) = self.post("carts/", serde_json::json!({})).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        id.as_u64().expect("cart id")
    }

    /// Adds an item that must be accepted.
    pub async fn add_item(&self, cart: u64, sku: &str, qty: u32) -> Value {
        let (status, body) = self
            .post(
                &format!("carts/{cart}/items"),
                serde_json::json!({"cartItem": {"sku": sku, "qty": qty, "quote_id": cart.to_string()}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{sku}: {body}");
        body
    }
}

async fn read(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.expect("body read");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A complete quote address in the US (Texas) with an e-mail.
pub fn us_address(email: &str) -> Value {
    serde_json::json!({
        "firstname": "Veronica", "lastname": "Costello", "street": ["6146 Honey Bluff Parkway"],
        "city": "Austin", "postcode": "78701", "telephone": "(555) 229-3326", "country_id": "US",
        "region_id": 57, "region_code": "TX", "email": email
    })
}

/// shipping-information's body for an address and a method.
pub fn shipping_info(
    shipping: Value,
    billing: Option<Value>,
    carrier: &str,
    method: &str,
) -> Value {
    let mut info = serde_json::json!({
        "shipping_address": shipping,
        "shipping_carrier_code": carrier,
        "shipping_method_code": method
    });
    if let Some(billing) = billing {
        info["billing_address"] = billing;
    }
    serde_json::json!({ "addressInformation": info })
}

/// Builds `searchCriteria` query strings.
#[derive(Default, Clone)]
pub struct Criteria {
    parts: Vec<String>,
    groups: usize,
}

fn enc(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

impl Criteria {
    pub fn new() -> Self {
        Criteria::default()
    }

    /// A group of OR-ed filters `(field, value, condition)`; condition "" = omitted.
    pub fn group(mut self, filters: &[(&str, &str, &str)]) -> Self {
        let g = self.groups;
        for (i, (field, value, cond)) in filters.iter().enumerate() {
            let p = format!("searchCriteria[filter_groups][{g}][filters][{i}]");
            self.parts.push(format!("{p}[field]={}", enc(field)));
            self.parts.push(format!("{p}[value]={}", enc(value)));
            if !cond.is_empty() {
                self.parts.push(format!("{p}[condition_type]={cond}"));
            }
        }
        self.groups += 1;
        self
    }

    pub fn filter(self, field: &str, value: &str, cond: &str) -> Self {
        self.group(&[(field, value, cond)])
    }

    /// Sort orders; direction "" = omitted.
    pub fn sort(mut self, orders: &[(&str, &str)]) -> Self {
        for (i, (field, dir)) in orders.iter().enumerate() {
            self.parts
                .push(format!("searchCriteria[sortOrders][{i}][field]={field}"));
            if !dir.is_empty() {
                self.parts
                    .push(format!("searchCriteria[sortOrders][{i}][direction]={dir}"));
            }
        }
        self
    }

    pub fn page(mut self, size: usize, current: i64) -> Self {
        self.parts.push(format!("searchCriteria[pageSize]={size}"));
        self.parts
            .push(format!("searchCriteria[currentPage]={current}"));
        self
    }

    pub fn size(mut self, size: usize) -> Self {
        self.parts.push(format!("searchCriteria[pageSize]={size}"));
        self
    }

    pub fn query(&self) -> String {
        if self.parts.is_empty() {
            // An empty criteria object still counts as given.
            return "searchCriteria=".to_string();
        }
        self.parts.join("&")
    }
}

/// Ids of a search result's items under `key`.
pub fn ids(body: &Value, key: &str) -> Vec<u64> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i[key].as_u64().expect("numeric id"))
        .collect()
}

pub fn total(body: &Value) -> u64 {
    body["total_count"].as_u64().expect("total_count")
}
