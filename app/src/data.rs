//! Resources: data a page loads from a server function, rendered on the server and handed to
//! the browser inside the HTML.
//!
//! Why not `Resource::new`: its codec decodes the server-rendered value with
//! `serde_json::from_str`, while a server function's reply is decoded with
//! `serde_json::from_slice`. serde monomorphises every deserializer per reader, so each type
//! the browser receives was compiled twice, once per reader — about a fifth of the WASM bundle.
//! [`JsonCodec`] reads the embedded value as bytes, so both paths share one instance.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// JSON, decoded through the same reader (`from_slice`) as server function replies.
pub struct JsonCodec;

impl<T: Serialize> Encoder<T> for JsonCodec {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, Self::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for JsonCodec {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, Self::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// A resource of `T`, carried from the server-rendered page to the browser as JSON. (A
/// blocking one: `Data::new_with_options(source, fetcher, true)`.)
pub type Data<T> = Resource<T, JsonCodec>;

/// Loads `fetcher(source())` and reloads it whenever `source` changes (see `Resource::new`).
#[track_caller]
pub fn data<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Data<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_the_codec() {
        let value: Result<Vec<(String, i64)>, String> = Ok(vec![("a\"b".into(), -3)]);
        let encoded = <JsonCodec as Encoder<_>>::encode(&value).unwrap();
        let decoded: Result<Vec<(String, i64)>, String> =
            <JsonCodec as Decoder<_>>::decode(encoded.as_str()).unwrap();
        assert_eq!(decoded, value);
        assert!(<JsonCodec as Decoder<Vec<i64>>>::decode("{").is_err());
    }
}
