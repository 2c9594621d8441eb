//! A parsed request as handlers see it, and Magento's input conventions: body keys in
//! snake_case or camelCase, integer path parameters with typed errors.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::error::ApiError;
use crate::json::{FieldMask, JsonWriter};
use crate::query::{Node, SearchCriteria};
use crate::store::{Runtime, SharedStore};

/// What the HTTP layer does after a handler answered (place-order faults).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum AfterReply {
    #[default]
    Answer,
    /// Drop the connection without an answer.
    Drop,
    /// Answer after this long.
    Delay(Duration),
}

pub struct Req<'a> {
    pub shared: &'a SharedStore,
    pub rt: &'a Runtime,
    /// Store of the URL's store code (`default` and `/rest/V1` = 1, `all` = 0).
    pub store_id: u16,
    pub query: BTreeMap<String, Node>,
    pub body: Option<Value>,
    pub mask: Option<FieldMask>,
    /// Report id for a 500 of this request.
    pub report: u64,
    pub after: &'a Cell<AfterReply>,
}

impl<'a> Req<'a> {
    pub fn criteria(&self) -> Result<SearchCriteria, ApiError> {
        SearchCriteria::from_node(self.query.get("searchCriteria"))
    }

    pub fn writer(&self) -> JsonWriter<'_> {
        JsonWriter::new(self.mask.as_ref())
    }

    /// A top-level body parameter (`cartItem` or `cart_item`).
    pub fn param(&self, name: &str) -> Option<&Value> {
        self.body.as_ref().and_then(|b| field(b, name))
    }

    /// A required top-level body parameter.
    pub fn required(&self, name: &str) -> Result<&Value, ApiError> {
        self.param(name)
            .filter(|v| !v.is_null())
            .ok_or_else(|| ApiError::required(name))
    }

    /// The store to create carts in: the URL's store, or the default view for `all`.
    pub fn sales_store(&self) -> u16 {
        if self.store_id == 0 { 1 } else { self.store_id }
    }
}

fn normalise(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Looks a key up the way ServiceInputProcessor maps keys to setters (case and underscores
/// do not matter).
pub fn field<'v>(obj: &'v Value, name: &str) -> Option<&'v Value> {
    let map = obj.as_object()?;
    if let Some(v) = map.get(name) {
        return Some(v);
    }
    let wanted = normalise(name);
    map.iter()
        .find(|(k, _)| normalise(k) == wanted)
        .map(|(_, v)| v)
}

pub fn str_field<'v>(obj: &'v Value, name: &str) -> Option<&'v str> {
    field(obj, name).and_then(Value::as_str)
}

/// Integers arrive as JSON numbers or numeric strings.
pub fn int_field(obj: &Value, name: &str) -> Result<Option<i64>, ApiError> {
    match field(obj, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| type_error(&n.to_string(), "int")),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| type_error(s, "int")),
        Some(Value::Bool(b)) => Ok(Some(*b as i64)),
        Some(other) => Err(type_error(&other.to_string(), "int")),
    }
}

pub fn bool_field(obj: &Value, name: &str) -> Option<bool> {
    match field(obj, name)? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => Some(n.as_i64() != Some(0)),
        Value::String(s) => Some(!matches!(s.as_str(), "" | "0" | "false")),
        _ => None,
    }
}

pub fn type_error(value: &str, ty: &str) -> ApiError {
    ApiError::bad_request("The \"%value\" value's type is invalid. The \"%type\" type was expected. Verify and try again.")
        .named("value", value)
        .named("type", ty)
}

/// A `{param}` path segment that must be an integer.
pub fn parse_id(text: &str) -> Result<u32, ApiError> {
    text.parse::<u32>().map_err(|_| type_error(text, "int"))
}
