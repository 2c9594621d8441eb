//! Turning HTTP answers and transport failures into [`Error`]s.

use std::error::Error as StdError;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;
use url::Url;

use super::{ConnectionKind, Error, TimeoutPhase};
use crate::http;

/// `{"message", "parameters", "errors"}` as Magento renders exceptions (contract §5.2).
struct MagentoMessage {
    raw: String,
    parameters: Option<Value>,
    errors: Vec<String>,
}

/// Magento's error answers are a few kilobytes (a developer-mode trace included); a larger
/// one is not read as a tree, which could take tens of times its size in memory.
const MAX_MESSAGE_BODY: usize = 1024 * 1024;

impl MagentoMessage {
    fn parse(body: &[u8]) -> Option<Self> {
        if body.len() > MAX_MESSAGE_BODY {
            return None;
        }
        let value: Value = serde_json::from_slice(body).ok()?;
        let raw = value.get("message")?.as_str()?.to_owned();
        let errors = value
            .get("errors")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|e| {
                        Some(substitute(e.get("message")?.as_str()?, e.get("parameters")))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Self {
            parameters: value.get("parameters").cloned(),
            raw,
            errors,
        })
    }

    fn text(&self) -> String {
        substitute(&self.raw, self.parameters.as_ref())
    }

    fn store_message(&self) -> super::StoreMessage {
        super::StoreMessage {
            message: self.raw.clone(),
            parameters: self.parameters.clone(),
        }
    }
}

/// Replaces `%name` (object parameters) and `%1`, `%2`… (array parameters, 1-based) the way
/// Magento's phrase renderer does; unknown placeholders stay as they are.
pub(crate) fn substitute(message: &str, parameters: Option<&Value>) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        let found = match parameters {
            _ if name.is_empty() => None,
            Some(Value::Object(map)) => map.get(name),
            Some(Value::Array(list)) => name
                .parse::<usize>()
                .ok()
                .and_then(|i| list.get(i.checked_sub(1)?)),
            _ => None,
        };
        match found {
            Some(Value::String(s)) => out.push_str(s),
            Some(Value::Number(n)) => out.push_str(n.as_str()),
            Some(other) => out.push_str(&other.to_string()),
            None => {
                out.push('%');
                out.push_str(name);
            }
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// The keys of a Magento exception as the REST API renders it.
const ERROR_KEYS: [&str; 5] = ["message", "parameters", "errors", "trace", "code"];

/// The message of a successful answer that is really a Magento error object (`{"message":
/// …}` and nothing but the other keys of an exception): no route the client calls answers
/// that with success, but a plugin or proxy may, and a record type (every field optional)
/// would read it as an empty record.
pub(crate) fn error_in_success(body: &[u8]) -> Option<String> {
    // Records and pages are larger than any error object; skip building a tree of them.
    const SMALL: usize = 16 * 1024;
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' || body.len() > SMALL {
        return None;
    }
    let object: serde_json::Map<String, Value> = serde_json::from_slice(body).ok()?;
    let message = object.get("message")?.as_str()?;
    if !object.keys().all(|k| ERROR_KEYS.contains(&k.as_str())) {
        return None;
    }
    Some(substitute(message, object.get("parameters")))
}

const ROUTE_MISSING: &str = "Request does not match any route.";
const TWO_FACTOR: &str = "2fa provider-specific endpoints";

fn list_of_names(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => ["code", "name"]
                    .iter()
                    .find_map(|k| o.get(*k)?.as_str().map(str::to_owned)),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// Classifies a non-2xx, non-3xx answer.
pub(crate) fn from_response(status: u16, headers: &HeaderMap, body: &[u8], path: &str) -> Error {
    let magento = MagentoMessage::parse(body);
    let message = magento
        .as_ref()
        .map(MagentoMessage::text)
        .unwrap_or_else(|| {
            let s = http::snippet(body);
            if s.is_empty() {
                format!("HTTP {status} with an empty body")
            } else {
                s
            }
        });
    if let Some(m) = &magento
        && (status == 400 || status == 401)
        && m.raw.contains(TWO_FACTOR)
    {
        let providers = list_of_names(
            m.parameters
                .as_ref()
                .and_then(|p| p.get("active_providers")),
        );
        return Error::TwoFactorRequired { providers };
    }
    match status {
        401 => match &magento {
            Some(m)
                if m.raw.contains("%resources") || m.raw.contains("isn't authorized to access") =>
            {
                let resources =
                    list_of_names(m.parameters.as_ref().and_then(|p| p.get("resources")));
                Error::MissingPermission { resources, message }
            }
            _ => Error::Unauthorized { message },
        },
        403 => Error::Forbidden { message },
        404 => match &magento {
            Some(m) if m.raw.trim() == ROUTE_MISSING => Error::RouteNotFound {
                path: path.to_owned(),
            },
            Some(m) => Error::NotFound {
                raw: Some(m.store_message()),
                message,
            },
            None => Error::NotMagento {
                status,
                path: path.to_owned(),
                detail: message,
            },
        },
        429 => Error::RateLimited {
            retry_after: http::retry_after(headers),
            message,
        },
        503 => Error::Unavailable {
            retry_after: http::retry_after(headers),
            message,
        },
        500..=599 => {
            let report_id = message
                .split("Report ID:")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .map(|r| r.trim_end_matches('.').to_owned());
            Error::Server {
                status,
                message,
                report_id,
            }
        }
        _ => Error::BadRequest {
            status,
            message,
            raw: magento.as_ref().map(MagentoMessage::store_message),
            errors: magento.map(|m| m.errors).unwrap_or_default(),
        },
    }
}

/// Classifies a transport failure by walking the error's source chain (reqwest wraps
/// hyper-util, which wraps io and rustls errors; their texts are the stable part).
pub(crate) fn from_transport(
    err: &reqwest::Error,
    url: &Url,
    timeout: Duration,
    connect_timeout: Duration,
) -> Error {
    let host = match (url.host_str(), url.port_or_known_default()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => url.as_str().to_owned(),
    };
    if err.is_timeout() {
        let connect = err.is_connect();
        return Error::Timeout {
            phase: if connect {
                TimeoutPhase::Connect
            } else {
                TimeoutPhase::Response
            },
            after: if connect { connect_timeout } else { timeout },
        };
    }
    let mut texts = Vec::new();
    let mut io_kind = None;
    let mut source: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        texts.push(e.to_string());
        source = e.source();
    }
    let all = texts.join(": ").to_lowercase();
    let detail = texts.last().cloned().unwrap_or_default();
    let has = |needles: &[&str]| needles.iter().any(|n| all.contains(n));
    let kind = if has(&[
        "dns error",
        "failed to lookup address",
        "name or service not known",
        "no such host",
        "nodename nor servname",
        "name resolution",
    ]) {
        ConnectionKind::Dns
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused) || has(&["connection refused"])
    {
        ConnectionKind::Refused
    } else if has(&[
        "certificate",
        "tls",
        "ssl",
        "handshake",
        "corrupt message",
        "peer sent",
        "alert",
    ]) || (url.scheme() == "https"
        && err.is_connect()
        && io_kind == Some(std::io::ErrorKind::InvalidData))
    {
        ConnectionKind::Tls
    } else {
        ConnectionKind::Other
    };
    Error::Connection { kind, host, detail }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn classify(status: u16, body: Value) -> Error {
        from_response(
            status,
            &HeaderMap::new(),
            body.to_string().as_bytes(),
            "/rest/V1/x",
        )
    }

    #[test]
    fn named_and_positional_parameters_are_substituted() {
        let p = json!({"fieldName": "customerId", "fieldValue": 999});
        assert_eq!(
            substitute("No such entity with %fieldName = %fieldValue", Some(&p)),
            "No such entity with customerId = 999"
        );
        assert_eq!(
            substitute("Invalid product data: %1 and %2", Some(&json!(["a", 2]))),
            "Invalid product data: a and 2"
        );
        assert_eq!(substitute("100% sure %missing", None), "100% sure %missing");
    }

    #[test]
    fn missing_acl_resources_are_named() {
        let e = classify(
            401,
            json!({"message": "The consumer isn't authorized to access %resources.",
                   "parameters": {"resources": "Magento_Sales::actions_view, Magento_Cart::manage"}}),
        );
        let Error::MissingPermission { resources, message } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(
            resources,
            &["Magento_Sales::actions_view", "Magento_Cart::manage"]
        );
        assert!(message.contains("Magento_Sales::actions_view"));
        assert!(
            e.to_string()
                .contains("Magento_Sales::actions_view, Magento_Cart::manage")
        );
    }

    #[test]
    fn bad_request_renders_aggregate_errors() {
        let e = classify(
            400,
            json!({"message": "One or more input exceptions have occurred.",
                   "errors": [{"message": "\"%fieldName\" is required.", "parameters": {"fieldName": "email"}},
                              {"message": "Invalid value of \"%value\" provided for the %fieldName field.",
                               "parameters": {"value": "x", "fieldName": "gender"}}]}),
        );
        assert_eq!(
            e.to_string(),
            "Magento rejected the request (HTTP 400): One or more input exceptions have occurred.: \
             \"email\" is required.; Invalid value of \"x\" provided for the gender field."
        );
    }

    #[test]
    fn report_ids_are_extracted_from_500s() {
        let e = classify(
            500,
            json!({"message": "Internal Error. Details are available in Magento log file. Report ID: webapi-65f0c1a2b3c4d"}),
        );
        let Error::Server { report_id, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(report_id.as_deref(), Some("webapi-65f0c1a2b3c4d"));
        assert!(e.is_retryable());
    }

    #[test]
    fn two_factor_rejection_is_its_own_error_with_400_or_401() {
        for status in [400, 401] {
            let e = classify(
                status,
                json!({"message": "Please use the 2fa provider-specific endpoints to obtain a token.",
                       "parameters": {"active_providers": ["google", "duo_security"]}}),
            );
            let Error::TwoFactorRequired { providers } = &e else {
                panic!("{e:?}")
            };
            assert_eq!(providers, &["google", "duo_security"]);
        }
    }

    #[test]
    fn a_huge_error_answer_is_excerpted_not_parsed() {
        let pad = "0,".repeat(MAX_MESSAGE_BODY);
        let body = format!(r#"{{"message": "Boom", "parameters": [{pad}0]}}"#);
        let e = from_response(500, &HeaderMap::new(), body.as_bytes(), "/rest/V1/x");
        let Error::Server { message, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(message.starts_with(r#"{"message": "Boom""#) && message.ends_with('…'));
    }

    #[test]
    fn error_objects_in_successful_answers_are_recognised() {
        let found = |v: Value| error_in_success(v.to_string().as_bytes());
        assert_eq!(
            found(json!({"message": "No such entity with %1", "parameters": ["id"]})).as_deref(),
            Some("No such entity with id")
        );
        assert_eq!(
            found(json!({"message": "x", "trace": null, "code": 0})).as_deref(),
            Some("x")
        );
        // Records, pages and lists are data, even with a `message` field.
        for data in [
            json!({"message": "Hi", "entity_id": 4}),
            json!({"items": [], "total_count": 0}),
            json!([{"message": "x"}]),
            json!({"message": 5}),
            json!("message"),
        ] {
            assert_eq!(found(data.clone()), None, "{data}");
        }
    }

    #[test]
    fn html_404_is_not_magento_and_json_404s_are_split_by_message() {
        let e = from_response(
            404,
            &HeaderMap::new(),
            b"<html><h1>Not Found</h1></html>",
            "/rest/V1/x",
        );
        assert!(matches!(e, Error::NotMagento { status: 404, .. }) && e.is_missing_route());
        assert!(matches!(
            classify(404, json!({"message": ROUTE_MISSING})),
            Error::RouteNotFound { .. }
        ));
        assert!(matches!(
            classify(
                404,
                json!({"message": "The entity that was requested doesn't exist. Verify the entity and try again."})
            ),
            Error::NotFound { .. }
        ));
    }
}
