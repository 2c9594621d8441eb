//! The wire format of everything the server sends the browser: server function replies, the
//! values a server-rendered page hands over for hydration, and live events.
//!
//! Why postcard and not JSON: the browser's WASM holds one deserializer per type it receives,
//! and a self-describing format such as JSON makes each one large (field names matched as
//! strings, maps and sequences both accepted, whitespace and escapes handled inline). Postcard
//! reads fields in order, so each type's decoder is a few reads. The price: a value must be
//! decoded by the same type that encoded it (both sides share these types, so they always are),
//! and no type on the wire may ask the format what comes next (`deserialize_any`: untagged or
//! internally tagged enums, `flatten`, `serde_json::Value`, or `Decimal`'s default impl; money
//! fields use [`decimal`] and [`decimal_option`]). Dates and times use [`time`] and
//! [`time_option`]: numbers here, so the browser needs no date parser, and unchanged (ISO 8601
//! strings) in JSON.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    #[error("not a value of the expected type: {0}")]
    Postcard(#[from] postcard::Error),
}

pub fn to_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, WireError> {
    Ok(postcard::to_allocvec(value)?)
}

pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WireError> {
    Ok(postcard::from_bytes(bytes)?)
}

/// As text, for places that carry strings only (an HTML page, an event stream).
pub fn to_text<T: Serialize + ?Sized>(value: &T) -> Result<String, WireError> {
    Ok(STANDARD_NO_PAD.encode(to_bytes(value)?))
}

pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, WireError> {
    from_bytes(&STANDARD_NO_PAD.decode(text.trim())?)
}

/// `#[serde(with = "crate::wire::decimal")]`: an amount as its exact decimal string.
pub use rust_decimal::serde::str as decimal;
/// `#[serde(with = "crate::wire::decimal_option")]`: an optional amount as its decimal string.
pub use rust_decimal::serde::str_option as decimal_option;

/// A date or time as a number: microseconds since 1970 (times), days since 1 January of year 1
/// (dates).
pub trait CompactTime: Sized {
    type Number: Serialize + DeserializeOwned;
    fn to_number(&self) -> Self::Number;
    fn from_number(number: Self::Number) -> Option<Self>;
}

impl CompactTime for DateTime<Utc> {
    type Number = i64;
    fn to_number(&self) -> i64 {
        self.timestamp_micros()
    }
    fn from_number(micros: i64) -> Option<Self> {
        DateTime::from_timestamp_micros(micros)
    }
}

impl CompactTime for NaiveDateTime {
    type Number = i64;
    fn to_number(&self) -> i64 {
        self.and_utc().timestamp_micros()
    }
    fn from_number(micros: i64) -> Option<Self> {
        DateTime::from_timestamp_micros(micros).map(|t| t.naive_utc())
    }
}

impl CompactTime for NaiveDate {
    type Number = i32;
    fn to_number(&self) -> i32 {
        self.num_days_from_ce()
    }
    fn from_number(days: i32) -> Option<Self> {
        NaiveDate::from_num_days_from_ce_opt(days)
    }
}

/// `#[serde(with = "crate::wire::time")]`: a [`CompactTime`] on the wire, chrono's own form in
/// human-readable formats.
pub mod time {
    use super::CompactTime;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
    where
        T: CompactTime + Serialize,
        S: Serializer,
    {
        if serializer.is_human_readable() {
            value.serialize(serializer)
        } else {
            value.to_number().serialize(serializer)
        }
    }

    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
    where
        T: CompactTime + Deserialize<'de>,
        D: Deserializer<'de>,
    {
        if deserializer.is_human_readable() {
            T::deserialize(deserializer)
        } else {
            let number = T::Number::deserialize(deserializer)?;
            T::from_number(number).ok_or_else(|| D::Error::custom("date or time out of range"))
        }
    }
}

/// `#[serde(with = "crate::wire::time_option")]`: as [`time`], for an optional value.
pub mod time_option {
    use super::CompactTime;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    struct Out<'a, T>(&'a T);

    impl<T: CompactTime + Serialize> Serialize for Out<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::time::serialize(self.0, serializer)
        }
    }

    struct In<T>(T);

    impl<'de, T: CompactTime + Deserialize<'de>> Deserialize<'de> for In<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::time::deserialize(deserializer).map(In)
        }
    }

    pub fn serialize<T, S>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error>
    where
        T: CompactTime + Serialize,
        S: Serializer,
    {
        value.as_ref().map(Out).serialize(serializer)
    }

    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        T: CompactTime + Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Option::<In<T>>::deserialize(deserializer)?.map(|v| v.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Amounts {
        #[serde(with = "decimal")]
        total: Decimal,
        #[serde(with = "decimal_option")]
        paid: Option<Decimal>,
        #[serde(with = "decimal_option")]
        refunded: Option<Decimal>,
        note: Option<String>,
    }

    #[test]
    fn amounts_keep_every_digit_through_text() {
        let value = Amounts {
            total: "12345678901234567.8901".parse().unwrap(),
            paid: Some("-0.10".parse().unwrap()),
            refunded: None,
            note: Some("a\"b\né".into()),
        };
        let text = to_text(&value).unwrap();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        );
        let back: Amounts = from_text(&text).unwrap();
        assert_eq!(back, value);
        assert_eq!(back.paid.unwrap().to_string(), "-0.10");
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Times {
        #[serde(with = "time")]
        at: DateTime<Utc>,
        #[serde(with = "time_option")]
        seen: Option<NaiveDateTime>,
        #[serde(with = "time_option")]
        never: Option<DateTime<Utc>>,
        #[serde(with = "time")]
        day: NaiveDate,
    }

    #[test]
    fn times_are_numbers_on_the_wire_and_iso_strings_in_json() {
        let value = Times {
            at: "2026-11-27T10:22:33.123456Z".parse().unwrap(),
            seen: Some("1969-07-20T20:17:40.5".parse().unwrap()),
            never: None,
            day: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        };
        let back: Times = from_text(&to_text(&value).unwrap()).unwrap();
        assert_eq!(back, value);
        // Three numbers and two option tags, where ISO strings would take over 60 bytes.
        assert!(to_bytes(&value).unwrap().len() < 30);
        let json = serde_json::to_value(&value).unwrap();
        assert_eq!(json["at"], "2026-11-27T10:22:33.123456Z");
        assert_eq!(json["seen"], "1969-07-20T20:17:40.500");
        assert_eq!(json["day"], "2024-02-29");
        assert_eq!(serde_json::from_value::<Times>(json).unwrap(), value);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(from_text::<Amounts>("not base64!").is_err());
        assert!(from_text::<Amounts>("AAAA").is_err());
        assert!(from_bytes::<Vec<String>>(&[5, 1]).is_err());
    }
}
