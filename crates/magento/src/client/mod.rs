//! The client: one request path for everything (auth, retries, concurrency cap, logging).

mod body;
mod request;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

pub(crate) use request::{BodyKind, Call, Reply, RetryMode};

use crate::auth::{AdminLogin, AuthState, CachedToken};
use crate::config::{Roots, normalise};
use crate::{Auth, BodyLimits, ClientConfig, Error, RetryPolicy, oauth};
use request::{bearer, sensitive};

/// A Magento REST client for one store. Cheap to clone (an `Arc` inside); clones share the
/// connection pool, the admin-token cache and the concurrency cap.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    roots: Roots,
    auth: AuthState,
    retry: RetryPolicy,
    limiter: Semaphore,
    timeout: Duration,
    connect_timeout: Duration,
    /// How much of an answer is read, per kind of call.
    body_limits: BodyLimits,
    /// Nanoseconds spent waiting for the store (sending and reading), summed over every
    /// request: what a caller subtracts from its own time to see what it adds.
    busy_nanos: std::sync::atomic::AtomicU64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.inner.auth {
            AuthState::Bearer(_) => "bearer",
            AuthState::OAuth1(_) => "oauth1",
            AuthState::Admin(_) => "admin_password",
        };
        f.debug_struct("Client")
            .field("rest_root", &self.inner.roots.rest.as_str())
            .field("auth", &auth)
            .finish()
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl Client {
    /// Builds a client. Fails with [`Error::InvalidConfig`] for an unusable URL or store code.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let roots = normalise(&config.base_url, config.store_code.as_deref())?;
        let max = config.max_concurrent_requests.max(1);
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .danger_accept_invalid_certs(!config.verify_tls)
            .user_agent(config.user_agent.clone())
            // Following a redirect would drop or invalidate the credentials (and turn a POST
            // into a GET); NotMagento tells the admin where the store actually lives.
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(max)
            .build()
            .map_err(|e| Error::InvalidConfig(format!("cannot build the HTTP client: {e}")))?;
        let auth = match config.auth {
            Auth::Bearer { token } => AuthState::Bearer(token),
            Auth::OAuth1 {
                consumer_key,
                consumer_secret,
                access_token,
                access_token_secret,
            } => AuthState::OAuth1(oauth::Credentials {
                consumer_key,
                consumer_secret,
                token: access_token,
                token_secret: access_token_secret,
            }),
            Auth::AdminPassword { username, password } => AuthState::Admin(AdminLogin::new(
                username,
                password,
                config.admin_token_renew_after,
            )),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                roots,
                auth,
                retry: config.retry,
                limiter: Semaphore::new(max),
                timeout: config.timeout,
                connect_timeout: config.connect_timeout,
                body_limits: config.body_limits,
                busy_nanos: std::sync::atomic::AtomicU64::new(0),
            }),
        })
    }

    /// The time spent waiting for the store so far, over every request of this client and its
    /// clones (from sending a request to having read its whole answer).
    pub fn time_in_requests(&self) -> Duration {
        Duration::from_nanos(
            self.inner
                .busy_nanos
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    pub(crate) fn add_request_time(&self, spent: Duration) {
        self.inner.busy_nanos.fetch_add(
            spent.as_nanos().min(u64::MAX as u128) as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    /// The normalised REST root every path is joined to, e.g. `https://shop/rest/default/V1/`.
    pub fn rest_root(&self) -> &str {
        self.inner.roots.rest.as_str()
    }

    pub(crate) fn site_root(&self) -> &Url {
        &self.inner.roots.site
    }

    fn url(&self, path: &str, query: &str) -> Result<Url, Error> {
        self.url_in(None, path, query)
    }

    /// The URL of `path` under the REST root, or under another store view's root
    /// (`…/rest/<code>/V1/`) when `store_code` names one: Magento takes the store of some
    /// writes (a new cart) from the URL.
    fn url_in(&self, store_code: Option<&str>, path: &str, query: &str) -> Result<Url, Error> {
        let scoped;
        let root = match store_code {
            None => &self.inner.roots.rest,
            Some(code) => {
                if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(Error::InvalidConfig(format!(
                        "`{code}` is not a valid store code (letters, digits and _ only)"
                    )));
                }
                scoped = self
                    .inner
                    .roots
                    .site
                    .join(&format!("rest/{code}/V1/"))
                    .map_err(|e| Error::InvalidConfig(format!("bad store code {code}: {e}")))?;
                &scoped
            }
        };
        let mut url = root
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::InvalidConfig(format!("bad API path {path}: {e}")))?;
        url.set_query(if query.is_empty() { None } else { Some(query) });
        Ok(url)
    }

    /// Sends a call: authenticates, retries per policy and, with an admin password, logs in
    /// again once when the store rejects the cached token.
    pub(crate) async fn call(&self, call: &Call) -> Result<Reply, Error> {
        let url = self.url_in(call.store_code.as_deref(), &call.path, &call.query)?;
        let (result, generation) = self.attempts(call, &url, true).await;
        match (result, generation, &self.inner.auth) {
            (
                Err(e @ (Error::Unauthorized { .. } | Error::MissingPermission { .. })),
                Some(generation),
                AuthState::Admin(admin),
            ) => {
                // An expired or revoked admin token gets the same 401 as a missing permission.
                tracing::debug!(error = %e, "admin token rejected; logging in again");
                admin.invalidate(generation).await;
                self.attempts(call, &url, true).await.0
            }
            (result, _, _) => result,
        }
    }

    /// The retry loop. Returns the admin-token generation used by the last attempt.
    async fn attempts(
        &self,
        call: &Call,
        url: &Url,
        authenticated: bool,
    ) -> (Result<Reply, Error>, Option<u64>) {
        let policy = match call.retry {
            RetryMode::Never => RetryPolicy::none(),
            _ => self.inner.retry.clone(),
        };
        let mut attempt = 1;
        loop {
            let (header, generation) = if authenticated {
                match self.authorization(call, url).await {
                    Ok(auth) => auth,
                    Err(e) => return (Err(e), None),
                }
            } else {
                (None, None)
            };
            let err = match self.send_once(call, url, header, attempt).await {
                Ok(reply) => return (Ok(reply), generation),
                Err(err) => err,
            };
            let allowed = match call.retry {
                RetryMode::Always => err.is_retryable(),
                RetryMode::IfNotProcessed => err.is_retryable() && err.request_not_processed(),
                RetryMode::Never => false,
            };
            if !allowed || attempt >= policy.max_attempts {
                return (Err(err), generation);
            }
            let delay = policy.delay(attempt, &err);
            tracing::debug!(
                path = %url.path(),
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %err,
                "retrying Magento request"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The `Authorization` header for `call`, and the admin-token generation it carries.
    async fn authorization(
        &self,
        call: &Call,
        url: &Url,
    ) -> Result<(Option<HeaderValue>, Option<u64>), Error> {
        match &self.inner.auth {
            AuthState::Bearer(token) => Ok((Some(bearer(token)?), None)),
            AuthState::OAuth1(creds) => {
                let value = oauth::authorization(creds, call.method.as_str(), url);
                Ok((Some(sensitive(&value)?), None))
            }
            AuthState::Admin(admin) => {
                let mut cache = admin.cache.lock().await;
                if let Some(cached) = cache
                    .as_ref()
                    .filter(|c| c.obtained.elapsed() < admin.renew_after)
                {
                    return Ok((Some(bearer(&cached.token)?), Some(cached.generation)));
                }
                // The login follows the caller's retry mode (the connection check must not wait).
                let token = self.admin_login(admin, call.retry).await?;
                let generation = admin.next_generation();
                let header = bearer(&token)?;
                *cache = Some(CachedToken {
                    token,
                    obtained: Instant::now(),
                    generation,
                });
                Ok((Some(header), Some(generation)))
            }
        }
    }

    /// `POST /V1/integration/admin/token`. Boxed: it re-enters the retry loop, which is
    /// what called it.
    fn admin_login<'a>(
        &'a self,
        admin: &'a AdminLogin,
        retry: RetryMode,
    ) -> BoxFuture<'a, Result<SecretString, Error>> {
        Box::pin(async move {
            let body = serde_json::json!({
                "username": admin.username,
                "password": admin.password.expose_secret(),
            });
            let retry = if retry == RetryMode::Never {
                RetryMode::Never
            } else {
                RetryMode::Always
            };
            let call = Call::with_body(Method::POST, "integration/admin/token", &body, retry);
            let url = self.url(&call.path, "")?;
            let reply = match self.attempts(&call, &url, false).await.0 {
                Ok(reply) => reply,
                Err(Error::Unauthorized { message } | Error::MissingPermission { message, .. }) => {
                    return Err(Error::InvalidCredentials { message });
                }
                Err(e) => return Err(e),
            };
            match reply.body()? {
                Value::String(token) if !token.is_empty() => Ok(SecretString::from(token)),
                _ => Err(Error::decode(
                    ".",
                    "the admin token route did not return a token string",
                )),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{Customers, Orders};
    use crate::{KeysetCursor, SearchCriteria};
    use chrono::Utc;

    fn send<T: Send>(_: &T) {}
    fn send_sync<T: Send + Sync + Clone + 'static>() {}

    /// The sync engine spawns these futures on a multi-threaded runtime.
    #[test]
    fn the_client_and_its_futures_can_cross_threads() {
        send_sync::<Client>();
        let client = Client::new(ClientConfig::new(
            "https://shop.example.com",
            Auth::bearer("t"),
        ))
        .expect("valid config");
        let criteria = SearchCriteria::new();
        send(&client.search_orders(&criteria));
        send(&client.check_connection());
        send(&client.place_order(1, "checkmo"));
        let mut keyset =
            client.keyset_pager::<Orders>(KeysetCursor::start(Utc::now()), Utc::now(), 10);
        send(&keyset.next_page());
        let mut offset = client.offset_pager::<Customers>(criteria.clone());
        send(&offset.next_page());
        let mut scan = client.id_scan::<Customers>(10);
        send(&scan.next_page());
    }
}
