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
use super::body::{ReadError, read_capped};
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

/// What a call asks for, which decides how large its answer may be ([`crate::BodyLimits`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// A search page of this many records.
    Search { page_size: u32 },
    /// One record, a dictionary, a write's answer.
    Single,
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
    /// What is asked for: bounds the answer.
    pub body_kind: BodyKind,
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
            body_kind: BodyKind::Single,
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
        let limit = self.inner.body_limits.of(call.body_kind);
        let body = match read_capped(response, limit).await {
            Ok(body) => body,
            Err(ReadError::TooLarge { read }) => {
                log(Some(status.as_u16()), read);
                tracing::warn!(
                    method = %call.method,
                    path = %url.path(),
                    limit,
                    "the store's answer passed its size limit; stopped reading it"
                );
                return Err(Error::TooLarge {
                    path: url.path().to_owned(),
                    limit,
                });
            }
            Err(ReadError::Transport { error, read }) => {
                log(Some(status.as_u16()), read);
                return Err(transport(error));
            }
        };
        log(Some(status.as_u16()), body.len());
        let server_time = http::server_date(&headers);
        if status.is_redirection() {
            return Err(Error::NotMagento {
                status: status.as_u16(),
                path: url.path().to_owned(),
                detail: redirect_detail(url, headers.get(LOCATION)),
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
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
            return Err(unreadable(status.as_u16(), url.path(), &body, &e));
        }
        if let Some(message) = error::error_in_success(&body) {
            return Err(Error::UnusableAnswer {
                status: status.as_u16(),
                path: url.path().to_owned(),
                detail: format!(
                    "it is a Magento error message where data was expected: \"{message}\""
                ),
            });
        }
        Ok(Reply {
            raw: body,
            server_time,
        })
    }

    /// Fetches a plain-text URL outside the REST root (best effort, no auth, no retry), up to
    /// the probe limit: anything longer is not the short text asked for.
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
        let body = read_capped(response, self.inner.body_limits.probe)
            .await
            .ok()?;
        Some(String::from_utf8_lossy(&body).into_owned())
    }
}

/// A successful answer that is not JSON: something that looks like JSON but does not parse is
/// a broken store (cut short, or a notice printed into it); anything else (an HTML page, a
/// login form) means no Magento REST API answered at all.
fn unreadable(status: u16, path: &str, body: &[u8], e: &serde_json::Error) -> Error {
    let looks_like_json = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['));
    if looks_like_json {
        return Error::UnusableAnswer {
            status,
            path: path.to_owned(),
            detail: format!("it is not valid JSON ({e}): {}", http::snippet(body)),
        };
    }
    Error::NotMagento {
        status,
        path: path.to_owned(),
        detail: if body.is_empty() {
            "empty answer".to_owned()
        } else {
            http::snippet(body)
        },
    }
}

/// Where a redirect pointed. The client never follows one: the credentials would go along.
fn redirect_detail(url: &Url, location: Option<&HeaderValue>) -> String {
    let Some(location) = location.and_then(|v| v.to_str().ok()) else {
        return "redirected without saying where".to_owned();
    };
    let target = url.join(location).ok();
    // The query of a redirected API call is long and says nothing about where the store is.
    let location = match location.split_once('?') {
        Some((address, _)) => format!("{address}?…"),
        None => location.to_owned(),
    };
    // Another port or scheme on the same host (http to https) is the same store moving.
    let same_host = target
        .as_ref()
        .is_some_and(|t| t.host_str() == url.host_str());
    if same_host {
        format!("redirected to {location}; use that address as the store URL")
    } else {
        format!(
            "redirected to {location}, another host; Cartwise does not follow redirects, which \
             would hand the credentials to that host: use that address as the store URL only if \
             it really is the store"
        )
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
