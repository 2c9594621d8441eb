//! One HTTP exchange: the call description, the concurrency permit, the log line, and the
//! classification of whatever came back.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use super::Client;
use crate::{Error, error, http};

/// When a failed request may be sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryMode {
    /// Reads and idempotent writes: any retryable failure.
    Always,
    /// Writes that must not happen twice: only when the store surely did not act.
    IfNotProcessed,
    /// One attempt (connection check).
    Never,
}

/// One API call, relative to the REST root.
pub(crate) struct Call {
    pub method: Method,
    pub path: String,
    /// Encoded query string, without `?`.
    pub query: String,
    pub body: Option<Vec<u8>>,
    /// `currentPage`, for the log line.
    pub page: Option<u32>,
    pub retry: RetryMode,
    /// Send to this store view's REST root instead of the channel's (`…/rest/<code>/V1/`).
    pub store_code: Option<String>,
}

impl Call {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            query: String::new(),
            body: None,
            page: None,
            retry: RetryMode::Always,
            store_code: None,
        }
    }

    pub fn with_body(
        method: Method,
        path: impl Into<String>,
        body: &Value,
        retry: RetryMode,
    ) -> Self {
        Self {
            method,
            body: Some(body.to_string().into_bytes()),
            retry,
            ..Self::get(path)
        }
    }
}

/// A successful answer: its body is JSON (checked), kept as text so that a search page can
/// be read record by record without building a tree of the whole page first.
pub(crate) struct Reply {
    pub raw: bytes::Bytes,
    pub server_time: Option<DateTime<Utc>>,
}

impl Reply {
    /// The body as a JSON value.
    pub fn body(&self) -> Result<Value, Error> {
        serde_json::from_slice(&self.raw).map_err(|e| Error::decode(".", e))
    }
}

impl Client {
    pub(super) async fn send_once(
        &self,
        call: &Call,
        url: &Url,
        auth: Option<HeaderValue>,
        attempt: u32,
    ) -> Result<Reply, Error> {
        let _permit = self
            .inner
            .limiter
            .acquire()
            .await
            .map_err(|_| Error::InvalidConfig("the client was shut down".to_owned()))?;
        let started = Instant::now();
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url.clone())
            .header(ACCEPT, "application/json");
        if let Some(value) = auth {
            request = request.header(AUTHORIZATION, value);
        }
        if let Some(body) = &call.body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let log = |status: Option<u16>, bytes: usize| {
            self.add_request_time(started.elapsed());
            tracing::debug!(
                method = %call.method,
                path = %url.path(),
                page = call.page,
                status,
                ms = started.elapsed().as_millis() as u64,
                bytes,
                attempt,
                "magento request"
            );
        };
        let timeout = self.inner.timeout;
        let transport =
            |e: reqwest::Error| error::from_transport(&e, url, timeout, self.inner.connect_timeout);
        let response = match request.send().await {
            Ok(response) => response,
            Err(e) => {
                log(None, 0);
                return Err(transport(e));
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => {
                log(Some(status.as_u16()), 0);
                return Err(transport(e));
            }
        };
        log(Some(status.as_u16()), body.len());
        let server_time = http::server_date(&headers);
        if status.is_redirection() {
            let location = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("?");
            return Err(Error::NotMagento {
                status: status.as_u16(),
                path: url.path().to_owned(),
                detail: format!("redirected to {location}; use that address as the store URL"),
            });
        }
        if !status.is_success() {
            return Err(error::from_response(
                status.as_u16(),
                &headers,
                &body,
                url.path(),
            ));
        }
        // Checked here, inside the retry loop, as before: a truncated or non-JSON answer is
        // the store misbehaving. Skipping over values builds nothing.
        match serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
            Ok(_) => Ok(Reply {
                raw: body,
                server_time,
            }),
            Err(_) => Err(Error::NotMagento {
                status: status.as_u16(),
                path: url.path().to_owned(),
                detail: if body.is_empty() {
                    "empty answer".to_owned()
                } else {
                    http::snippet(&body)
                },
            }),
        }
    }

    /// Fetches a plain-text URL outside the REST root (best effort, no auth, no retry).
    pub(crate) async fn get_text(&self, url: Url, timeout: Duration) -> Option<String> {
        let _permit = self.inner.limiter.acquire().await.ok()?;
        let response = self
            .inner
            .http
            .get(url)
            .timeout(timeout)
            .send()
            .await
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.text().await.ok()
    }
}

pub(super) fn sensitive(value: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidConfig(
            "the credentials contain characters not allowed in an HTTP header".to_owned(),
        )
    })?;
    header.set_sensitive(true);
    Ok(header)
}

pub(super) fn bearer(token: &SecretString) -> Result<HeaderValue, Error> {
    sensitive(&format!("Bearer {}", token.expose_secret().trim()))
}
