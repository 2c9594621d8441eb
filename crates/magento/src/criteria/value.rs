//! Condition types and how filter values are rendered.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;

use crate::types::de::DATETIME_FORMAT;

/// A `condition_type` (contract §4.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Condition {
    /// `eq`: equals.
    Eq,
    /// `neq`: not equal.
    Neq,
    /// `gt`: greater than.
    Gt,
    /// `gteq`: greater than or equal.
    Gteq,
    /// `lt`: less than.
    Lt,
    /// `lteq`: less than or equal.
    Lteq,
    /// `moreq`: more or equal (same as `gteq`).
    Moreq,
    /// `like`: SQL LIKE; `%` is the wildcard.
    Like,
    /// `nlike`: SQL NOT LIKE.
    Nlike,
    /// `in`: value is a comma-separated list.
    In,
    /// `nin`: not in a comma-separated list.
    Nin,
    /// `null`: IS NULL (the value is ignored but must be sent).
    Null,
    /// `notnull`: IS NOT NULL (the value is ignored but must be sent).
    NotNull,
    /// `finset`: FIND_IN_SET.
    Finset,
    /// `nfinset`: NOT FIND_IN_SET.
    Nfinset,
    /// `from`: range start; put it in its own filter group.
    From,
    /// `to`: range end; put it in its own filter group.
    To,
    /// `fulltext`: rewritten by Magento to `like %value%`.
    Fulltext,
}

impl Condition {
    /// Every condition type, in the contract's order.
    pub const ALL: [Condition; 18] = [
        Self::Eq,
        Self::Neq,
        Self::Gt,
        Self::Gteq,
        Self::Lt,
        Self::Lteq,
        Self::Moreq,
        Self::Like,
        Self::Nlike,
        Self::In,
        Self::Nin,
        Self::Null,
        Self::NotNull,
        Self::Finset,
        Self::Nfinset,
        Self::From,
        Self::To,
        Self::Fulltext,
    ];

    /// The wire name (`eq`, `notnull`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Neq => "neq",
            Self::Gt => "gt",
            Self::Gteq => "gteq",
            Self::Lt => "lt",
            Self::Lteq => "lteq",
            Self::Moreq => "moreq",
            Self::Like => "like",
            Self::Nlike => "nlike",
            Self::In => "in",
            Self::Nin => "nin",
            Self::Null => "null",
            Self::NotNull => "notnull",
            Self::Finset => "finset",
            Self::Nfinset => "nfinset",
            Self::From => "from",
            Self::To => "to",
            Self::Fulltext => "fulltext",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Formats a UTC instant the way Magento compares dates: `Y-m-d H:i:s`, no zone.
pub fn magento_datetime(at: DateTime<Utc>) -> String {
    at.format(DATETIME_FORMAT).to_string()
}

/// A value usable in a filter, rendered the way Magento compares it: booleans as `1`/`0`
/// (`true` would be cast to 0 by MySQL, contract §4.2) and dates as `Y-m-d H:i:s` UTC.
pub trait FilterValue {
    /// The text sent as `[value]`.
    fn to_filter_value(&self) -> String;
}

impl<T: FilterValue + ?Sized> FilterValue for &T {
    fn to_filter_value(&self) -> String {
        (**self).to_filter_value()
    }
}

impl FilterValue for str {
    fn to_filter_value(&self) -> String {
        self.to_owned()
    }
}

impl FilterValue for String {
    fn to_filter_value(&self) -> String {
        self.clone()
    }
}

impl FilterValue for bool {
    fn to_filter_value(&self) -> String {
        if *self { "1" } else { "0" }.to_owned()
    }
}

macro_rules! display_value {
    ($($ty:ty),*) => {$(
        impl FilterValue for $ty {
            fn to_filter_value(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_value!(i32, i64, u32, u64, usize, Decimal);

impl FilterValue for DateTime<Utc> {
    fn to_filter_value(&self) -> String {
        magento_datetime(*self)
    }
}

impl FilterValue for NaiveDateTime {
    fn to_filter_value(&self) -> String {
        self.format(DATETIME_FORMAT).to_string()
    }
}

impl FilterValue for NaiveDate {
    fn to_filter_value(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}
