//! A small fake Magento for the tests: axum on 127.0.0.1:0 with `/rest[/code]/V1/...` routing,
//! per-test routes, in-memory searchable tables (its own searchCriteria parser, written
//! independently of the client's), 2.3/2.4 paging modes, Bearer/OAuth checks, and counters.

mod oauth;
mod search;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use magento::{Auth, Client, ClientConfig, RetryPolicy};
use serde_json::{Value, json};

use oauth::verify_oauth;
use search::search;

/// A request as the fake store saw it.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: Method,
    /// Path after `/V1/`, e.g. `customers/search`.
    pub path: String,
    pub store_code: Option<String>,
    /// Raw (encoded) query string.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    /// Decoded query pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    /// A decoded query parameter.
    pub fn param(&self, key: &str) -> Option<String> {
        self.pairs()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The JSON body.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

type Handler = Arc<dyn Fn(&Shared, &Req) -> Option<Response> + Send + Sync>;

struct Route {
    method: Method,
    path: String,
    delay: Duration,
    handler: Handler,
}

/// A searchable table: rows as JSON, `aliases` maps filter columns to JSON keys
/// (`entity_id` -> `id` for customers and carts).
pub struct Table {
    pub rows: Vec<Value>,
    pub aliases: HashMap<String, String>,
}

/// How the fake store authenticates.
#[derive(Clone, Debug, Default)]
pub enum AuthMode {
    #[default]
    Open,
    Bearer(HashSet<String>),
    OAuth {
        consumer_key: String,
        consumer_secret: String,
        token: String,
        token_secret: String,
    },
}

#[derive(Default)]
pub struct Shared {
    pub requests: Mutex<Vec<Req>>,
    routes: Mutex<Vec<Route>>,
    tables: Mutex<HashMap<String, Table>>,
    /// Emulate Magento <= 2.3: a page past the end repeats the last page.
    pub legacy_paging: AtomicBool,
    /// Added to `total_count` (a stale count, as when rows vanish mid-scan).
    pub total_count_bias: AtomicU64,
    pub auth: Mutex<AuthMode>,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub delay: Mutex<Duration>,
    nonces: Mutex<HashSet<String>>,
    pub oauth_failures: AtomicUsize,
}

impl Shared {
    /// Accepts a new Bearer token (admin login).
    pub fn grant(&self, token: &str) {
        let mut auth = self.auth.lock().unwrap();
        if let AuthMode::Bearer(tokens) = &mut *auth {
            tokens.insert(token.to_owned());
        } else {
            *auth = AuthMode::Bearer(HashSet::from([token.to_owned()]));
        }
    }

    /// Revokes every Bearer token.
    pub fn revoke_all(&self) {
        *self.auth.lock().unwrap() = AuthMode::Bearer(HashSet::new());
    }
}

pub struct FakeStore {
    pub base_url: String,
    pub state: Arc<Shared>,
}

impl FakeStore {
    pub async fn start() -> Self {
        let state = Arc::new(Shared::default());
        let app = Router::new().fallback(handle).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base_url: format!("http://{addr}"),
            state,
        }
    }

    /// Registers a route (exact path after `/V1/`); later registrations win. A handler
    /// returning `None` falls through to tables and then to the 404 route answer.
    pub fn on<F>(&self, method: Method, path: &str, handler: F)
    where
        F: Fn(&Shared, &Req) -> Option<Response> + Send + Sync + 'static,
    {
        self.on_delayed(method, path, Duration::ZERO, handler);
    }

    /// Like [`on`](Self::on) but sleeps first (a slow or hanging store).
    pub fn on_delayed<F>(&self, method: Method, path: &str, delay: Duration, handler: F)
    where
        F: Fn(&Shared, &Req) -> Option<Response> + Send + Sync + 'static,
    {
        self.state.routes.lock().unwrap().push(Route {
            method,
            path: path.to_owned(),
            delay,
            handler: Arc::new(handler),
        });
    }

    /// Serves `GET path` as a search over `rows`.
    pub fn table(&self, path: &str, rows: Vec<Value>, aliases: &[(&str, &str)]) {
        let aliases = aliases
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        self.state
            .tables
            .lock()
            .unwrap()
            .insert(path.to_owned(), Table { rows, aliases });
    }

    pub fn requests(&self) -> Vec<Req> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn count(&self, method: Method, path: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }

    pub fn set_auth(&self, mode: AuthMode) {
        *self.state.auth.lock().unwrap() = mode;
    }

    /// A client for this store with Bearer auth and fast retries.
    pub fn client(&self) -> Client {
        self.client_with(Auth::bearer("test-token"), |c| c)
    }

    pub fn client_with(
        &self,
        auth: Auth,
        adjust: impl FnOnce(ClientConfig) -> ClientConfig,
    ) -> Client {
        let config = ClientConfig::new(&self.base_url, auth).with_retry(fast_retry(4));
        Client::new(adjust(config)).unwrap()
    }
}

/// Millisecond backoff so retry tests run fast.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(2),
    }
}

pub fn json_response(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap();
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

pub fn html_response(status: u16, body: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap();
    (
        status,
        [(header::CONTENT_TYPE, "text/html")],
        body.to_owned(),
    )
        .into_response()
}

pub fn ok(body: Value) -> Option<Response> {
    Some(json_response(200, body))
}

struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> Self {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        Self(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let _in_flight = InFlight::enter(&shared);
    let delay = *shared.delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let Some(rest) = uri.path().strip_prefix("/rest/") else {
        return html_response(404, "<html><body><h1>404 Not Found</h1></body></html>");
    };
    let (store_code, path) = match rest.split_once('/') {
        Some(("V1", path)) => (None, path.to_owned()),
        Some((code, tail)) => match tail.strip_prefix("V1/") {
            Some(path) => (Some(code.to_owned()), path.to_owned()),
            None => return html_response(404, "<html>Not Found</html>"),
        },
        None => return html_response(404, "<html>Not Found</html>"),
    };
    let req = Req {
        method: method.clone(),
        path,
        store_code,
        query: uri.query().unwrap_or_default().to_owned(),
        headers,
        body,
    };
    shared.requests.lock().unwrap().push(req.clone());
    if req.path != "integration/admin/token"
        && let Some(resp) = auth_failure(&shared, &req)
    {
        return resp;
    }
    let route = {
        let routes = shared.routes.lock().unwrap();
        routes
            .iter()
            .rev()
            .find(|r| r.method == req.method && r.path == req.path)
            .map(|r| (r.delay, r.handler.clone()))
    };
    if let Some((delay, handler)) = route {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if let Some(resp) = handler(&shared, &req) {
            return resp;
        }
    }
    if req.method == Method::GET
        && let Some(resp) = search(&shared, &req)
    {
        return resp;
    }
    json_response(404, json!({"message": "Request does not match any route."}))
}

fn denied() -> Response {
    json_response(
        401,
        json!({"message": "The consumer isn't authorized to access %resources.",
               "parameters": {"resources": "Magento_Backend::store"}}),
    )
}

/// The 401 answer for a request that fails the store's auth mode, if it does.
fn auth_failure(shared: &Shared, req: &Req) -> Option<Response> {
    let mode = shared.auth.lock().unwrap().clone();
    let header = req.header("authorization").unwrap_or_default();
    match mode {
        AuthMode::Open => None,
        AuthMode::Bearer(tokens) => match header.strip_prefix("Bearer ") {
            Some(token) if tokens.contains(token) => None,
            _ => Some(denied()),
        },
        AuthMode::OAuth {
            consumer_key,
            consumer_secret,
            token,
            token_secret,
        } => {
            match verify_oauth(
                shared,
                req,
                &header,
                &consumer_key,
                &consumer_secret,
                &token,
                &token_secret,
            ) {
                Ok(()) => None,
                Err(problem) => {
                    shared.oauth_failures.fetch_add(1, Ordering::SeqCst);
                    Some(json_response(
                        401,
                        json!({ "message": format!("oauth_problem={problem}") }),
                    ))
                }
            }
        }
    }
}
