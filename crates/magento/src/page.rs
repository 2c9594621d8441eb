//! Search results decoded record by record, so one malformed record never costs a page.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::Error;
use crate::types::de::parse_i64;

/// Keys tried, in order, to name a record in a [`RecordError`] when the resource is unknown.
pub(crate) const ID_KEYS: [&str; 4] = ["entity_id", "id", "subscriber_id", "item_id"];

/// One page of a search: every record decoded on its own.
#[derive(Clone, Debug)]
pub struct SearchPage<T> {
    /// The records in the store's order; a record that does not fit its type is an `Err`
    /// carrying its raw JSON.
    pub items: Vec<Result<T, RecordError>>,
    /// `total_count`: rows matching the filters, ignoring paging.
    pub total_count: Option<u64>,
    /// The `pageSize` that was requested.
    pub page_size: Option<u32>,
    /// The `currentPage` that was requested.
    pub current_page: Option<u32>,
    /// The store's clock (`Date` header) when it answered: bound sync windows with it.
    pub server_time: Option<DateTime<Utc>>,
    /// SHA-256 of each record's JSON text as the store sent it, in the order of `items`: a
    /// fingerprint that tells a changed record from an unchanged one when `updated_at` does
    /// not (hashing the received text costs a fraction of re-serializing the decoded record).
    pub digests: Vec<[u8; 32]>,
}

/// SHA-256 of a record's JSON text.
pub fn digest(json: &str) -> [u8; 32] {
    Sha256::digest(json.as_bytes()).into()
}

impl<T> SearchPage<T> {
    /// Number of records on the page (decoded or not).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when the page has no records.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The records that decoded.
    pub fn records(&self) -> impl Iterator<Item = &T> {
        self.items.iter().filter_map(|r| r.as_ref().ok())
    }

    /// The records that did not.
    pub fn errors(&self) -> impl Iterator<Item = &RecordError> {
        self.items.iter().filter_map(|r| r.as_ref().err())
    }

    /// Splits into decoded records and failures.
    pub fn into_parts(self) -> (Vec<T>, Vec<RecordError>) {
        let mut ok = Vec::with_capacity(self.items.len());
        let mut failed = Vec::new();
        for item in self.items {
            match item {
                Ok(t) => ok.push(t),
                Err(e) => failed.push(e),
            }
        }
        (ok, failed)
    }
}

/// A record that could not be decoded. Keep `raw` in the sync error log and retry later.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("record items[{index}]{} could not be read at `{path}`: {message}", id_text(.id))]
pub struct RecordError {
    /// Position on the page.
    pub index: usize,
    /// The record's Magento id, when it could be read from the raw JSON.
    pub id: Option<i64>,
    /// The failing field inside the record, e.g. `grand_total` or `items[0].price`
    /// (`.` when the record itself is not an object).
    pub path: String,
    /// What was wrong.
    pub message: String,
    /// The record exactly as the store sent it.
    pub raw: Value,
}

fn id_text(id: &Option<i64>) -> String {
    id.map(|id| format!(" (id {id})")).unwrap_or_default()
}

impl RecordError {
    /// The path from the page root, e.g. `items[3].grand_total`.
    pub fn page_path(&self) -> String {
        if self.path == "." {
            format!("items[{}]", self.index)
        } else {
            format!("items[{}].{}", self.index, self.path)
        }
    }
}

/// A search envelope before its records are decoded: each record is still its JSON text.
pub(crate) struct RawPage {
    pub items: Vec<Box<RawValue>>,
    pub total_count: Option<u64>,
    pub page_size: Option<u32>,
    pub current_page: Option<u32>,
    pub server_time: Option<DateTime<Utc>>,
}

/// The envelope's fields, read without decoding the records.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    items: Option<&'a RawValue>,
    #[serde(default)]
    total_count: Option<Value>,
}

impl RawPage {
    /// Reads `{"items": [...], "total_count": N, ...}` from a body already known to be JSON;
    /// `items` missing or `null` is empty.
    pub fn from_json(body: &[u8]) -> Result<Self, Error> {
        let not_a_page = || {
            Error::decode(
                ".",
                "expected a search result with `items` and `total_count`",
            )
        };
        let starts_as_object = body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{');
        if !starts_as_object {
            return Err(Error::decode(
                ".",
                "expected a search result object with `items`",
            ));
        }
        let envelope: Envelope = serde_json::from_slice(body).map_err(|_| not_a_page())?;
        if envelope.items.is_none() && envelope.total_count.is_none() {
            // `{}` or an error-like object: an empty page here would silently hide data.
            return Err(not_a_page());
        }
        let items = match envelope.items {
            None => Vec::new(),
            Some(raw) if raw.get() == "null" => Vec::new(),
            Some(raw) => serde_json::from_str::<Vec<Box<RawValue>>>(raw.get())
                .map_err(|_| Error::decode("items", "expected an array"))?,
        };
        Ok(Self {
            items,
            total_count: Self::count(envelope.total_count.as_ref())?,
            page_size: None,
            current_page: None,
            server_time: None,
        })
    }

    /// Reads an envelope that is already a JSON value.
    #[cfg(test)]
    pub fn from_envelope(body: Value) -> Result<Self, Error> {
        Self::from_json(body.to_string().as_bytes())
    }

    fn count(total: Option<&Value>) -> Result<Option<u64>, Error> {
        match total {
            None => Ok(None),
            Some(v) => Ok(parse_i64(v)
                .map_err(|e| Error::decode("total_count", e))?
                .map(|n| u64::try_from(n).unwrap_or(0))),
        }
    }

    /// Decodes every record on its own; `id_keys` name the record in failures.
    pub fn decode<T: DeserializeOwned>(self, id_keys: &[&str]) -> SearchPage<T> {
        let digests = self.items.iter().map(|raw| digest(raw.get())).collect();
        let items = self
            .items
            .into_iter()
            .enumerate()
            .map(|(index, raw)| decode_text(index, &raw, id_keys))
            .collect();
        SearchPage {
            items,
            total_count: self.total_count,
            page_size: self.page_size,
            current_page: self.current_page,
            server_time: self.server_time,
            digests,
        }
    }
}

/// Decodes one record straight from its text; only a record that fails is read again as a
/// value, to report it exactly as [`decode_record`] does (path, message, raw payload).
fn decode_text<T: DeserializeOwned>(
    index: usize,
    raw: &RawValue,
    id_keys: &[&str],
) -> Result<T, RecordError> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    if let Ok(record) = serde_path_to_error::deserialize::<_, T>(&mut de) {
        return Ok(record);
    }
    let value: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
    decode_at(index, value, id_keys)
}

/// Reads the first of `keys` that holds an integer.
pub(crate) fn record_id(raw: &Value, keys: &[&str]) -> Option<i64> {
    keys.iter()
        .find_map(|k| parse_i64(raw.get(*k)?).ok().flatten())
}

/// [`record_id`] of a record still in its JSON text.
pub(crate) fn raw_record_id(raw: &RawValue, keys: &[&str]) -> Option<i64> {
    pick_fields(raw, keys)
        .iter()
        .find_map(|v| parse_i64(v.as_ref()?).ok().flatten())
}

/// The values of a few top-level fields of a record still in its JSON text, in the order of
/// `keys` (`None` when absent, or when the record is not an object). Every other value is
/// skipped without being built.
pub(crate) fn pick_fields(raw: &RawValue, keys: &[&str]) -> Vec<Option<Value>> {
    struct Picker<'k>(&'k [&'k str]);
    impl<'de> serde::de::Visitor<'de> for Picker<'_> {
        type Value = Vec<Option<Value>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = vec![None; self.0.len()];
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match self.0.iter().position(|k| *k == key) {
                    Some(i) => out[i] = Some(map.next_value::<Value>()?),
                    None => {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
            }
            Ok(out)
        }
    }
    impl<'de> serde::de::DeserializeSeed<'de> for Picker<'_> {
        type Value = Vec<Option<Value>>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde::de::DeserializeSeed::deserialize(Picker(keys), &mut de)
        .unwrap_or_else(|_| vec![None; keys.len()])
}

/// Decodes a record still in its JSON text, with the failing path (like [`decode_value`]).
pub(crate) fn decode_raw<T: DeserializeOwned>(raw: &RawValue) -> Result<T, Error> {
    let value: Value = serde_json::from_str(raw.get()).map_err(|e| Error::decode(".", e))?;
    decode_value(&value)
}

/// Decodes one stored record again (e.g. a [`RecordError::raw`] kept in the sync error log,
/// retried after a fix), with the same error reporting as a page.
pub fn decode_record<T: DeserializeOwned>(raw: Value) -> Result<T, RecordError> {
    decode_at(0, raw, &ID_KEYS)
}

fn decode_at<T: DeserializeOwned>(
    index: usize,
    raw: Value,
    id_keys: &[&str],
) -> Result<T, RecordError> {
    match serde_path_to_error::deserialize::<_, T>(&raw) {
        Ok(record) => Ok(record),
        Err(err) => Err(RecordError {
            index,
            id: record_id(&raw, id_keys),
            path: err.path().to_string(),
            message: err.into_inner().to_string(),
            raw,
        }),
    }
}

/// Decodes a whole JSON value (a single entity, a plain list) with the failing path.
pub(crate) fn decode_value<T: DeserializeOwned>(value: &Value) -> Result<T, Error> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map_err(|e| Error::decode(e.path().to_string(), e.inner()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Order;
    use serde_json::json;

    #[test]
    fn a_malformed_record_fails_alone_with_its_path_id_and_payload() {
        let body = json!({"items": [
            {"entity_id": 1, "grand_total": 10.5},
            {"entity_id": 2, "grand_total": "ten"},
            {"entity_id": 3, "items": [{"item_id": 9, "price": {"x": 1}}]},
            "not an object",
            {"entity_id": 5, "grand_total": "19.99"}
        ], "total_count": 5});
        let page: SearchPage<Order> = RawPage::from_envelope(body).unwrap().decode(&ID_KEYS);
        assert_eq!(page.len(), 5);
        assert_eq!(page.records().count(), 2);
        let errors: Vec<_> = page.errors().collect();
        assert_eq!(errors[0].page_path(), "items[1].grand_total");
        assert_eq!(errors[0].id, Some(2));
        assert_eq!(errors[0].raw, json!({"entity_id": 2, "grand_total": "ten"}));
        assert_eq!(errors[1].page_path(), "items[2].items[0].price");
        assert_eq!(errors[2].page_path(), "items[3]");
        assert_eq!(errors[2].id, None);
        assert!(
            errors[0].to_string().contains("items[1] (id 2)"),
            "{}",
            errors[0]
        );
        assert_eq!(page.total_count, Some(5));
    }

    #[test]
    fn records_read_from_text_equal_records_read_from_values_and_carry_their_digest() {
        let body = r#"{"items": [
            {"entity_id": "7", "grand_total": 1.10, "subtotal": "0.30", "x_vendor": {"a": [1, 2.50]},
             "items": [{"item_id": 1, "price": 12.3456, "qty_ordered": "2"}]},
            {"entity_id": 8, "grand_total": 1e2, "created_at": "2026-01-02 03:04:05"}
        ], "total_count": "2"}"#;
        let page: SearchPage<Order> = RawPage::from_json(body.as_bytes())
            .unwrap()
            .decode(&ID_KEYS);
        let values: Value = serde_json::from_str(body).unwrap();
        for (i, raw) in values["items"].as_array().unwrap().iter().enumerate() {
            let from_value: Order = decode_record(raw.clone()).unwrap();
            let from_text = page.items[i].as_ref().unwrap();
            assert_eq!(format!("{from_text:?}"), format!("{from_value:?}"));
        }
        assert_eq!(page.total_count, Some(2));
        let first_text = r#"{"entity_id": "7", "grand_total": 1.10, "subtotal": "0.30", "x_vendor": {"a": [1, 2.50]},
             "items": [{"item_id": 1, "price": 12.3456, "qty_ordered": "2"}]}"#;
        assert_eq!(page.digests[0], digest(first_text));
        assert_ne!(page.digests[0], page.digests[1]);
    }

    #[test]
    fn stored_payloads_can_be_decoded_again() {
        let failed =
            decode_record::<Order>(json!({"entity_id": 8, "grand_total": "x"})).unwrap_err();
        assert_eq!((failed.id, failed.path.as_str()), (Some(8), "grand_total"));
        let fixed: Order = decode_record(json!({"entity_id": 8, "grand_total": "1.50"})).unwrap();
        assert_eq!(
            fixed.grand_total.map(|d| d.to_string()).as_deref(),
            Some("1.50")
        );
    }

    #[test]
    fn envelopes_without_items_are_empty_and_non_objects_fail() {
        let page = RawPage::from_envelope(json!({"items": null, "total_count": 0})).unwrap();
        assert!(page.items.is_empty());
        assert!(RawPage::from_envelope(json!([1, 2])).is_err());
        assert!(RawPage::from_envelope(json!({"items": {}})).is_err());
        assert!(RawPage::from_envelope(json!({"message": "maintenance"})).is_err());
        assert!(
            RawPage::from_envelope(json!({"total_count": 3}))
                .unwrap()
                .items
                .is_empty()
        );
    }
}
