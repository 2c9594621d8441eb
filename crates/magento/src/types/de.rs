//! Tolerant field codecs for the wire types (`#[serde(with = "de::dec")]` and friends).
//!
//! Magento's JSON is loosely typed in practice: ids are strings on some objects and
//! numbers on others, booleans are `true`, `1` or `"1"`, money is a JSON number on one
//! store and a numeric string on another, PHP leaves `""` where a value is missing and
//! MySQL can return `0000-00-00 00:00:00`. Every codec here first reads the field as a
//! [`serde_json::Value`] (which keeps a number's exact text thanks to serde_json's
//! `arbitrary_precision`) and then interprets it, so a value is never routed through
//! `f64`. Empty strings and zero dates read as `None`; anything that cannot be
//! interpreted is an error naming what was expected, which serde_path_to_error turns
//! into a field path.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Magento's date-time format, always UTC (contract §1).
pub(crate) const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
const DATE_FORMAT: &str = "%Y-%m-%d";

type Parse<T> = fn(&Value) -> Result<Option<T>, String>;

fn read<'de, D: Deserializer<'de>, T>(d: D, parse: Parse<T>) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(d)?;
    parse(&value).map_err(D::Error::custom)
}

fn describe(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// Reads an integer from a number (`5`, `5.0`), a numeric string (`"5"`) or a boolean.
pub(crate) fn parse_i64(v: &Value) -> Result<Option<i64>, String> {
    let integral = |d: Decimal| -> Result<Option<i64>, String> {
        if d.fract().is_zero() {
            i64::try_from(d)
                .map(Some)
                .map_err(|_| format!("integer out of range: {d}"))
        } else {
            Err(format!("expected an integer, got {d}"))
        }
    };
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(Some(i)),
            None => integral(decimal_from_text(n.as_str())?),
        },
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(i) => Ok(Some(i)),
            Err(_) => integral(
                decimal_from_text(s).map_err(|_| format!("expected an integer, got {s:?}"))?,
            ),
        },
        Value::Bool(b) => Ok(Some(i64::from(*b))),
        other => Err(format!("expected an integer, got {}", describe(other))),
    }
}

fn decimal_from_text(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    Decimal::from_str_exact(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| format!("expected a decimal number, got {text:?}"))
}

/// Reads money or a quantity exactly from a JSON number's text or a numeric string.
pub(crate) fn parse_decimal(v: &Value) -> Result<Option<Decimal>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => decimal_from_text(n.as_str()).map(Some),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => decimal_from_text(s).map(Some),
        other => Err(format!(
            "expected a decimal number, got {}",
            describe(other)
        )),
    }
}

/// Reads a boolean from `true`/`false`, `0`/`1` (any non-zero number is true, as in PHP)
/// and the strings `"0"`, `"1"`, `"true"`, `"false"`.
pub(crate) fn parse_bool(v: &Value) -> Result<Option<bool>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) => decimal_from_text(n.as_str()).map(|d| Some(!d.is_zero())),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "1" | "true" | "yes" => Ok(Some(true)),
            "0" | "false" | "no" => Ok(Some(false)),
            other => decimal_from_text(other)
                .map(|d| Some(!d.is_zero()))
                .map_err(|_| format!("expected a boolean, got {s:?}")),
        },
        other => Err(format!("expected a boolean, got {}", describe(other))),
    }
}

/// Reads a string; numbers and booleans are accepted as their JSON text, because ids that
/// the contract types as strings (`quote_id`, `increment_id`, ...) are numbers on some stores.
pub(crate) fn parse_text(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.as_str().to_owned())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(format!("expected a string, got {}", describe(other))),
    }
}

/// Parses Magento's `Y-m-d H:i:s` (UTC), tolerating a `T` separator, fractional seconds,
/// a `Z` or numeric offset, and a bare date (midnight).
pub(crate) fn datetime_from_text(text: &str) -> Result<Option<DateTime<Utc>>, String> {
    let t = text.trim();
    if t.is_empty() || t.starts_with("0000-00-00") {
        return Ok(None);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(Some(dt.with_timezone(&Utc)));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(t, format) {
            return Ok(Some(dt.with_timezone(&Utc)));
        }
    }
    let naive = t.strip_suffix('Z').unwrap_or(t);
    for format in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, format) {
            return Ok(Some(dt.and_utc()));
        }
    }
    match NaiveDate::parse_from_str(naive, DATE_FORMAT) {
        Ok(d) => Ok(d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc())),
        Err(_) => Err(format!(
            "expected a date-time like \"2024-05-01 13:45:00\", got {text:?}"
        )),
    }
}

/// Reads a UTC date-time string (see [`datetime_from_text`]).
pub(crate) fn parse_datetime(v: &Value) -> Result<Option<DateTime<Utc>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => datetime_from_text(s),
        other => Err(format!(
            "expected a date-time string, got {}",
            describe(other)
        )),
    }
}

/// Reads a calendar date (`dob`); a full date-time keeps its date part.
pub(crate) fn parse_date(v: &Value) -> Result<Option<NaiveDate>, String> {
    match v {
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() || t.starts_with("0000-00-00") {
                return Ok(None);
            }
            if let Ok(d) = NaiveDate::parse_from_str(t, DATE_FORMAT) {
                return Ok(Some(d));
            }
            datetime_from_text(t)
                .map(|dt| dt.map(|dt| dt.date_naive()))
                .map_err(|_| format!("expected a date like \"1973-12-15\", got {s:?}"))
        }
        Value::Null => Ok(None),
        other => Err(format!("expected a date string, got {}", describe(other))),
    }
}

/// Reads a list of strings (`street`); a single string becomes a one-line list.
pub(crate) fn parse_strings(v: &Value) -> Result<Option<Vec<String>>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter(|(_, item)| !item.is_null())
            .map(|(i, item)| match parse_text(item) {
                Ok(Some(s)) => Ok(s),
                Ok(None) => Ok(String::new()),
                Err(e) => Err(format!("[{i}]: {e}")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Value::String(s) => Ok(Some(vec![s.clone()])),
        other => Err(format!(
            "expected a list of strings, got {}",
            describe(other)
        )),
    }
}

/// Writes a decimal as a JSON number with its exact digits (never via `f64`).
fn write_decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    match serde_json::Number::from_str(&d.to_string()) {
        Ok(n) => n.serialize(s),
        Err(_) => s.serialize_str(&d.to_string()),
    }
}

macro_rules! codec {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $parse:path, |$v:ident, $s:ident| $write:expr) => {
        $(#[$doc])*
        pub(crate) mod $name {
            use super::*;

            pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
                read(d, $parse)
            }

            pub(crate) fn serialize<S: Serializer>(value: &Option<$ty>, $s: S) -> Result<S::Ok, S::Error> {
                match value {
                    Some($v) => $write,
                    None => $s.serialize_none(),
                }
            }
        }
    };
}

codec!(
    /// `Option<i64>`: numbers, numeric strings; written as a number.
    int, i64, parse_i64, |v, s| s.serialize_i64(*v)
);
codec!(
    /// `Option<String>`: strings, or numbers kept as their text; written as a string.
    text, String, parse_text, |v, s| s.serialize_str(v)
);
codec!(
    /// `Option<bool>` that the contract sends as a JSON boolean; written as `true`/`false`.
    flag, bool, parse_bool, |v, s| s.serialize_bool(*v)
);
codec!(
    /// `Option<bool>` that the contract sends as an integer 0/1; written as `0`/`1`.
    flag01, bool, parse_bool, |v, s| s.serialize_i64(i64::from(*v))
);
codec!(
    /// `Option<Decimal>`: money and quantities; written as an exact JSON number.
    dec, Decimal, parse_decimal, |v, s| write_decimal(v, s)
);
codec!(
    /// `Option<DateTime<Utc>>`: written as `Y-m-d H:i:s`.
    time, DateTime<Utc>, parse_datetime, |v, s| s.serialize_str(&v.format(DATETIME_FORMAT).to_string())
);
codec!(
    /// `Option<NaiveDate>`: written as `Y-m-d`.
    date, NaiveDate, parse_date, |v, s| s.serialize_str(&v.format(DATE_FORMAT).to_string())
);
codec!(
    /// `Option<Vec<String>>`: a list, or one string; written as a list.
    strings, Vec<String>, parse_strings, |v, s| v.serialize(s)
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn num(text: &str) -> Value {
        serde_json::from_str(text).expect("json")
    }

    #[test]
    fn money_is_parsed_from_the_number_text_not_through_f64() {
        assert_eq!(
            parse_decimal(&num("19.99")).unwrap(),
            Some(Decimal::new(1999, 2))
        );
        assert_eq!(
            parse_decimal(&num("0.1")).unwrap().unwrap().to_string(),
            "0.1"
        );
        assert_eq!(
            parse_decimal(&num("12345678901234567.8901"))
                .unwrap()
                .unwrap()
                .to_string(),
            "12345678901234567.8901"
        );
        assert_eq!(
            parse_decimal(&json!("165.0000"))
                .unwrap()
                .unwrap()
                .to_string(),
            "165.0000"
        );
        assert_eq!(
            parse_decimal(&num("1.5e2")).unwrap(),
            Some(Decimal::new(150, 0))
        );
        assert_eq!(parse_decimal(&json!("")).unwrap(), None);
        assert!(parse_decimal(&json!("abc")).is_err());
        assert!(parse_decimal(&json!(true)).is_err());
    }

    #[test]
    fn booleans_accept_every_shape_magento_uses() {
        for (v, expected) in [
            (json!(true), true),
            (json!(0), false),
            (json!(1), true),
            (json!("1"), true),
            (json!("0"), false),
            (json!("false"), false),
        ] {
            assert_eq!(parse_bool(&v).unwrap(), Some(expected), "{v}");
        }
        assert!(parse_bool(&json!("maybe")).is_err());
        assert_eq!(parse_bool(&json!(null)).unwrap(), None);
    }

    #[test]
    fn ids_read_from_numbers_or_strings() {
        assert_eq!(parse_i64(&json!("4")).unwrap(), Some(4));
        assert_eq!(parse_i64(&num("4.0")).unwrap(), Some(4));
        assert_eq!(parse_i64(&json!("")).unwrap(), None);
        assert!(parse_i64(&json!("4.5")).is_err());
        assert_eq!(parse_text(&json!(4)).unwrap().as_deref(), Some("4"));
        assert_eq!(
            parse_text(&json!("000000003")).unwrap().as_deref(),
            Some("000000003")
        );
    }

    #[test]
    fn dates_tolerate_t_fractions_offsets_and_zero_dates() {
        let want = NaiveDate::from_ymd_opt(2017, 8, 21)
            .and_then(|d| d.and_hms_opt(22, 22, 19))
            .map(|dt| dt.and_utc());
        for text in [
            "2017-08-21 22:22:19",
            "2017-08-21T22:22:19",
            "2017-08-21T22:22:19Z",
            "2017-08-21 22:22:19.000000",
            "2017-08-22T00:22:19+02:00",
        ] {
            assert_eq!(datetime_from_text(text).unwrap(), want, "{text}");
        }
        assert_eq!(datetime_from_text("0000-00-00 00:00:00").unwrap(), None);
        assert!(datetime_from_text("yesterday").is_err());
        assert_eq!(
            parse_date(&json!("1973-12-15")).unwrap(),
            NaiveDate::from_ymd_opt(1973, 12, 15)
        );
    }

    #[test]
    fn street_accepts_a_list_or_one_string() {
        assert_eq!(
            parse_strings(&json!(["a", 12])).unwrap(),
            Some(vec!["a".to_owned(), "12".to_owned()])
        );
        assert_eq!(
            parse_strings(&json!("a")).unwrap(),
            Some(vec!["a".to_owned()])
        );
        assert!(parse_strings(&json!([{"x": 1}])).is_err());
    }
}
