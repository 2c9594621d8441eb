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
