//! Magento wire types → store records. Mapping never panics: a record missing what the CRM
//! cannot do without (its id, an email for a customer) fails alone with the field named.

pub mod carts;
pub mod credit_memos;
pub mod customers;
pub mod dictionaries;
pub mod orders;
pub mod products;
pub mod subscribers;

use chrono::{DateTime, Duration, Utc};

/// Why one record could not be mapped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct MapError {
    pub path: String,
    pub message: String,
}

impl MapError {
    pub fn missing(path: &str) -> Self {
        MapError {
            path: path.to_string(),
            message: "required field is missing".into(),
        }
    }

    pub fn invalid(path: &str, message: impl Into<String>) -> Self {
        MapError {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

/// What mapping needs to know about the channel.
#[derive(Clone, Debug)]
pub struct MapContext {
    pub now: DateTime<Utc>,
    pub cart_lifetime: Duration,
}

/// SHA-256 of a record's JSON text as the store sent it ([`magento::SearchPage::digests`]):
/// stored as the payload hash, it detects changes Magento does not stamp in `updated_at`.
pub type Digest = [u8; 32];

/// Trims and drops empty strings (Magento sends "" for unset fields as often as null).
pub fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Street lines joined with newlines, blanks dropped.
pub fn street(lines: &Option<Vec<String>>) -> Option<String> {
    let joined = lines
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (!joined.is_empty()).then_some(joined)
}

/// Positive ids only: Magento uses 0 for "none" (a guest's customer id, a missing parent).
pub fn id(value: Option<i64>) -> Option<i64> {
    value.filter(|v| *v > 0)
}
