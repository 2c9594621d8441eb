//! One error type for everything that can go wrong talking to a store, classified so the
//! sync engine knows whether to retry and the UI can tell an admin what to fix.

mod classify;

use std::fmt;
use std::time::Duration;

pub(crate) use classify::{error_in_success, from_response, from_transport};

/// Why a connection could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectionKind {
    /// The host name does not resolve.
    Dns,
    /// The TLS handshake failed (untrusted or invalid certificate, not TLS at all, ...).
    Tls,
    /// Nothing listens on that host and port.
    Refused,
    /// Anything else: reset, broken pipe, protocol error.
    Other,
}

/// Where a timeout struck.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeoutPhase {
    /// Establishing the TCP/TLS connection (`connect_timeout`).
    Connect,
    /// Waiting for, or reading, the answer (`timeout`).
    Response,
}

/// Everything the client can fail with. `Display` is written for a store admin.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The connection settings are unusable (bad base URL, store code, header characters).
    #[error("invalid Magento connection settings: {0}")]
    InvalidConfig(String),

    /// HTTP 401 with any message other than a missing ACL resource: the token is rejected.
    #[error(
        "Magento rejected the access token (HTTP 401: {message}). Check the token, or \
         re-activate the integration in System > Extensions > Integrations."
    )]
    Unauthorized {
        /// Magento's message, parameters substituted.
        message: String,
    },

    /// The admin token route refused the username/password.
    #[error(
        "Magento rejected the admin username or password ({message}). Magento locks the \
         account for 30 minutes after 6 failed attempts."
    )]
    InvalidCredentials {
        /// Magento's message.
        message: String,
    },

    /// HTTP 401 `The consumer isn't authorized to access %resources.`
    #[error(
        "Magento refused access to {} (HTTP 401). Grant {} to the integration (System > \
         Extensions > Integrations > API) and re-activate it; an invalid, expired or revoked \
         token gets the same answer.",
        resource_list(.resources), if .resources.len() > 1 { "these resources" } else { "this resource" }
    )]
    MissingPermission {
        /// The ACL resources Magento named, e.g. `Magento_Sales::actions_view`.
        resources: Vec<String>,
        /// Magento's message, parameters substituted.
        message: String,
    },

    /// HTTP 403, usually a web server or firewall rule in front of Magento.
    #[error(
        "the store refused the request (HTTP 403: {message}); a web server or firewall rule blocks the REST API"
    )]
    Forbidden {
        /// The body's message or an excerpt.
        message: String,
    },

    /// The admin token route is blocked by Magento_TwoFactorAuth.
    #[error(
        "two-factor authentication is enabled for Magento admin users{}, so an admin username \
         and password cannot obtain an API token. Create an integration (System > Extensions > \
         Integrations) and use its access token instead.",
        providers_suffix(.providers)
    )]
    TwoFactorRequired {
        /// `parameters.active_providers` (e.g. `google`), when Magento sent them.
        providers: Vec<String>,
    },

    /// HTTP 404 for an entity (customer, cart, order, credit memo) that does not exist.
    #[error("not found in Magento: {message}")]
    NotFound {
        /// Magento's message, parameters substituted.
        message: String,
        /// The message as Magento sent it (placeholders and parameters), when it sent one.
        raw: Option<StoreMessage>,
    },

    /// HTTP 404 `Request does not match any route.`: this Magento has no such route
    /// (e.g. the Cartwise newsletter route without its companion module).
    #[error("the store has no REST route {path} (HTTP 404: Request does not match any route.)")]
    RouteNotFound {
        /// The request path.
        path: String,
    },

    /// The answer is not Magento JSON at all (an HTML page, a redirect, a login form).
    #[error(
        "no Magento REST API answered at this address (HTTP {status} for {path}: {detail}); check the base URL"
    )]
    NotMagento {
        /// HTTP status.
        status: u16,
        /// The request path.
        path: String,
        /// An excerpt of the body, or where a redirect pointed.
        detail: String,
    },

    /// The answer grew past the limit for its kind of call (decoded bytes, so after gzip):
    /// more than any real Magento store sends, so the client stopped reading. Never retried
    /// (a store that sent it once sends it again) and not a credentials problem.
    #[error(
        "the store's answer to {path} passed {} (counted after decompression), more than any \
         real Magento store sends for this call, so Cartwise stopped reading it. The store, or \
         a proxy or plugin in front of its REST API, is sending far too much",
        size_text(*.limit)
    )]
    TooLarge {
        /// The request path.
        path: String,
        /// The limit that was passed, in bytes (see [`BodyLimits`](crate::BodyLimits)).
        limit: usize,
    },

    /// A successful answer that cannot be used: JSON that does not parse (cut short, or with
    /// something printed into it), or a Magento error message where data was expected.
    #[error(
        "the store's answer to {path} (HTTP {status}) cannot be used: {detail}; the store, or a \
         proxy or plugin in front of its REST API, is misbehaving"
    )]
    UnusableAnswer {
        /// HTTP status (2xx).
        status: u16,
        /// The request path.
        path: String,
        /// What is wrong with it, with an excerpt.
        detail: String,
    },

    /// HTTP 400 (and other 4xx): Magento refused the input.
    #[error("Magento rejected the request (HTTP {status}): {}", with_errors(.message, .errors))]
    BadRequest {
        /// HTTP status.
        status: u16,
        /// Magento's message with `%name` / `%1` parameters substituted.
        message: String,
        /// The rendered entries of an aggregate `errors` array.
        errors: Vec<String>,
        /// The message as Magento sent it (placeholders and parameters), when it sent one.
        raw: Option<StoreMessage>,
    },

    /// HTTP 429.
    #[error("the store is rate limiting requests (HTTP 429){}", after(.retry_after))]
    RateLimited {
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
        /// The body's message.
        message: String,
    },

    /// HTTP 503: maintenance mode or overload.
    #[error("the store is temporarily unavailable (HTTP 503: {message}){}", after(.retry_after))]
    Unavailable {
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
        /// The body's message.
        message: String,
    },

    /// Any other 5xx.
    #[error("the store failed with HTTP {status}: {message}{}", report_hint(.report_id))]
    Server {
        /// HTTP status.
        status: u16,
        /// Magento's message (production mode hides details behind a report id).
        message: String,
        /// `webapi-…` report id to look up in the store's `var/report`.
        report_id: Option<String>,
    },

    /// No answer in time.
    #[error("{}", timeout_text(.phase, .after))]
    Timeout {
        /// Connecting or waiting for the answer.
        phase: TimeoutPhase,
        /// The configured limit that expired.
        after: Duration,
    },

    /// The connection failed.
    #[error("{}", connection_text(.kind, .host, .detail))]
    Connection {
        /// What failed.
        kind: ConnectionKind,
        /// `host:port` of the store.
        host: String,
        /// The underlying error.
        detail: String,
    },

    /// The answer is JSON but not the expected shape.
    #[error("could not read the store's answer at `{path}`: {message}")]
    Decode {
        /// Where in the JSON (`items[3].grand_total`, `.` for the root).
        path: String,
        /// What was wrong.
        message: String,
    },
}

/// A message exactly as Magento sent it: the phrase with its `%name` / `%1` placeholders and
/// the `parameters` that fill them (an object or an array). Kept so that the CRM can record the
/// store's own words and show them next to the field they name.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreMessage {
    /// The raw phrase, e.g. `The most you may purchase is %1.`
    pub message: String,
    /// `parameters` as sent (`{"fieldName": "qty"}` or `[5]`), if any.
    pub parameters: Option<serde_json::Value>,
}

impl StoreMessage {
    /// The phrase with its placeholders filled in, as Magento renders it.
    pub fn rendered(&self) -> String {
        classify::substitute(&self.message, self.parameters.as_ref())
    }
}

fn resource_list(resources: &[String]) -> String {
    if resources.is_empty() {
        "the requested resource".to_owned()
    } else {
        resources.join(", ")
    }
}

fn providers_suffix(providers: &[String]) -> String {
    if providers.is_empty() {
        String::new()
    } else {
        format!(" (providers: {})", providers.join(", "))
    }
}

fn with_errors(message: &str, errors: &[String]) -> String {
    if errors.is_empty() {
        message.to_owned()
    } else {
        format!("{message}: {}", errors.join("; "))
    }
}

fn after(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("; retry after {} s", d.as_secs()),
        None => String::new(),
    }
}

fn report_hint(report_id: &Option<String>) -> String {
    match report_id {
        Some(id) => format!(" (the store's developer can find report {id} in var/report)"),
        None => String::new(),
    }
}

fn timeout_text(phase: &TimeoutPhase, after: &Duration) -> String {
    let after = *after;
    match phase {
        TimeoutPhase::Connect => format!(
            "could not connect to the store within {} (connect timeout)",
            secs(after)
        ),
        TimeoutPhase::Response => format!(
            "the store did not answer within {} (request timeout)",
            secs(after)
        ),
    }
}

/// A size for an admin: `64 KiB`, `4.9 MiB`.
fn size_text(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    let (value, unit) = if b >= KIB * KIB {
        (b / (KIB * KIB), "MiB")
    } else if b >= KIB {
        (b / KIB, "KiB")
    } else {
        return format!("{bytes} bytes");
    };
    let text = format!("{value:.1}");
    format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text))
}

fn secs(d: Duration) -> String {
    if d.as_millis().is_multiple_of(1000) {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn connection_text(kind: &ConnectionKind, host: &str, detail: &str) -> String {
    match kind {
        ConnectionKind::Dns => {
            let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
            format!(
                "cannot resolve the store's host name {name} (DNS lookup failed: {detail}); check the base URL"
            )
        }
        ConnectionKind::Tls => format!(
            "TLS handshake with {host} failed ({detail}); the certificate is not trusted or the port does \
             not speak HTTPS. For a self-signed certificate, turn off TLS verification"
        ),
        ConnectionKind::Refused => format!(
            "{host} refused the connection; check the URL and port, and that the web server runs"
        ),
        ConnectionKind::Other => format!("the connection to {host} failed: {detail}"),
    }
}

impl Error {
    /// True for failures worth retrying with backoff: 429, 503, other 5xx (but 501/505),
    /// timeouts, refused or broken connections. Never 4xx, DNS or TLS failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Unavailable { .. } | Self::Timeout { .. } => true,
            Self::Server { status, .. } => !matches!(status, 501 | 505),
            Self::Connection { kind, .. } => {
                matches!(kind, ConnectionKind::Refused | ConnectionKind::Other)
            }
            _ => false,
        }
    }

    /// True when the store certainly did not act on the request, so even a non-idempotent
    /// write (add to cart, place order) may be sent again.
    pub fn request_not_processed(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Unavailable { .. }
                | Self::Timeout {
                    phase: TimeoutPhase::Connect,
                    ..
                }
                | Self::Connection {
                    kind: ConnectionKind::Refused | ConnectionKind::Dns,
                    ..
                }
        )
    }

    /// The store's `Retry-After`, if it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } | Self::Unavailable { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// True when the route does not exist: Magento's `Request does not match any route.` or
    /// a non-Magento 404 page (the caller falls back, e.g. to `is_subscribed`).
    pub fn is_missing_route(&self) -> bool {
        matches!(
            self,
            Self::RouteNotFound { .. } | Self::NotMagento { status: 404, .. }
        )
    }

    /// True for credential and permission problems, which stop a channel until an admin acts.
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            Self::Unauthorized { .. }
                | Self::InvalidCredentials { .. }
                | Self::MissingPermission { .. }
                | Self::Forbidden { .. }
                | Self::TwoFactorRequired { .. }
        )
    }

    /// The store's own message (raw phrase and parameters) behind a 4xx refusal.
    pub fn store_message(&self) -> Option<&StoreMessage> {
        match self {
            Self::BadRequest { raw, .. } | Self::NotFound { raw, .. } => raw.as_ref(),
            _ => None,
        }
    }

    /// True when the request may have reached the store and been acted on, but no usable
    /// answer came back (a timeout while waiting, a connection dropped after sending, an answer
    /// too large or unreadable). A non-idempotent write in this state must be checked in the
    /// store before it is sent again.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Timeout {
                phase: TimeoutPhase::Response,
                ..
            }
            | Self::TooLarge { .. }
            | Self::UnusableAnswer { .. } => true,
            Self::Connection { kind, .. } => matches!(kind, ConnectionKind::Other),
            _ => false,
        }
    }

    /// The HTTP status behind this error, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized { .. }
            | Self::InvalidCredentials { .. }
            | Self::MissingPermission { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } | Self::RouteNotFound { .. } => Some(404),
            Self::RateLimited { .. } => Some(429),
            Self::Unavailable { .. } => Some(503),
            Self::NotMagento { status, .. }
            | Self::UnusableAnswer { status, .. }
            | Self::BadRequest { status, .. }
            | Self::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub(crate) fn decode(path: impl Into<String>, message: impl fmt::Display) -> Self {
        Self::Decode {
            path: path.into(),
            message: message.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_an_admin_would_write_them() {
        assert_eq!(size_text(512), "512 bytes");
        assert_eq!(size_text(64 * 1024), "64 KiB");
        assert_eq!(size_text(2 * 1024 * 1024 + 30 * 100 * 1024), "4.9 MiB");
        assert_eq!(size_text(8 * 1024 * 1024), "8 MiB");
    }

    #[test]
    fn a_body_past_its_limit_is_final_and_its_outcome_unknown() {
        let e = Error::TooLarge {
            path: "/rest/V1/orders".to_owned(),
            limit: 32 * 1024 * 1024,
        };
        assert!(!e.is_retryable() && !e.is_auth() && !e.request_not_processed());
        assert!(e.outcome_unknown() && !e.is_missing_route());
        assert!(
            e.to_string()
                .starts_with("the store's answer to /rest/V1/orders passed 32 MiB"),
            "{e}"
        );
    }
}
