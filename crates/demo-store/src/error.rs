//! Magento web API errors: HTTP status plus the raw message with `%placeholders` and its
//! `parameters` (an object for named placeholders, an array for positional ones).

use std::fmt;

use serde_json::{Map, Value, json};

#[derive(Clone, Debug, PartialEq)]
pub enum Params {
    None,
    Named(Map<String, Value>),
    Positional(Vec<Value>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    pub parameters: Params,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            parameters: Params::None,
        }
    }

    pub fn named(mut self, key: &str, value: impl Into<Value>) -> Self {
        let mut map = match self.parameters {
            Params::Named(map) => map,
            _ => Map::new(),
        };
        map.insert(key.to_string(), value.into());
        self.parameters = Params::Named(map);
        self
    }

    pub fn positional(mut self, values: Vec<Value>) -> Self {
        self.parameters = Params::Positional(values);
        self
    }

    pub fn no_route() -> Self {
        ApiError::new(404, "Request does not match any route.")
    }

    /// Customer, cart, address not found.
    pub fn no_such_entity(field: &str, value: impl Into<Value>) -> Self {
        ApiError::new(404, "No such entity with %fieldName = %fieldValue")
            .named("fieldName", field)
            .named("fieldValue", value)
    }

    /// Order, order item, credit memo not found.
    pub fn entity_missing() -> Self {
        ApiError::new(
            404,
            "The entity that was requested doesn't exist. Verify the entity and try again.",
        )
    }

    pub fn unauthorized(resource: &str) -> Self {
        ApiError::new(401, "The consumer isn't authorized to access %resources.")
            .named("resources", resource)
    }

    pub fn required(field: &str) -> Self {
        ApiError::new(400, "\"%fieldName\" is required. Enter and try again.")
            .named("fieldName", field)
    }

    pub fn invalid_value(field: &str, value: impl Into<Value>) -> Self {
        ApiError::new(
            400,
            "Invalid value of \"%value\" provided for the %fieldName field.",
        )
        .named("fieldName", field)
        .named("value", value)
    }

    pub fn bad_request(message: &str) -> Self {
        ApiError::new(400, message)
    }

    /// What production mode shows for any unexpected exception.
    pub fn internal(report: u64) -> Self {
        ApiError::new(
            500,
            format!(
                "Internal Error. Details are available in Magento log file. Report ID: webapi-{report:013x}"
            ),
        )
    }

    pub fn product_missing() -> Self {
        ApiError::new(
            404,
            "The product that was requested doesn't exist. Verify the product and try again.",
        )
    }

    pub fn body(&self) -> Value {
        let mut body = json!({ "message": self.message });
        match &self.parameters {
            Params::None => {}
            Params::Named(map) if map.is_empty() => {}
            Params::Named(map) => body["parameters"] = Value::Object(map.clone()),
            Params::Positional(values) => body["parameters"] = Value::Array(values.clone()),
        }
        body
    }

    /// The message with its placeholders filled in, for logs and test failures.
    pub fn rendered(&self) -> String {
        let mut text = self.message.clone();
        match &self.parameters {
            Params::Named(map) => {
                for (k, v) in map {
                    let v = v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string());
                    text = text.replace(&format!("%{k}"), &v);
                }
            }
            Params::Positional(values) => {
                for (i, v) in values.iter().enumerate() {
                    let v = v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string());
                    text = text.replace(&format!("%{}", i + 1), &v);
                }
            }
            Params::None => {}
        }
        text
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.rendered())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_raw_messages_and_parameters() {
        let e = ApiError::no_such_entity("customerId", 999);
        assert_eq!(
            e.body(),
            json!({"message": "No such entity with %fieldName = %fieldValue",
                   "parameters": {"fieldName": "customerId", "fieldValue": 999}})
        );
        assert_eq!(e.rendered(), "No such entity with customerId = 999");
        assert_eq!(
            ApiError::no_route().body(),
            json!({"message": "Request does not match any route."})
        );
    }
}
