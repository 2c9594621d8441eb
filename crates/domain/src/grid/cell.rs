//! Rows and cells: what a grid shows, and what its CSV export writes, from one description.

use super::field::GridField;
use super::query::GridQuery;
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;

/// An amount of money in a currency (Magento's order or quote currency).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "crate::wire::decimal")]
    pub amount: Decimal,
    /// ISO 4217 code; `None` when the store did not say.
    pub currency: Option<String>,
}

impl Money {
    pub fn new(amount: Decimal, currency: Option<&str>) -> Self {
        Money {
            amount,
            currency: currency.map(str::to_string),
        }
    }

    /// `$1,234.50`, `€9.99`, `¥12,000`, `1,234.50 CHF`: the same rendering as dashboards
    /// (`metrics::money`), so one amount reads the same everywhere.
    pub fn display(&self) -> String {
        crate::metrics::money(self.amount, self.currency.as_deref().unwrap_or(""))
    }

    /// Amounts in different currencies, side by side (`€270.00 + $20.00`): they do not add up.
    pub fn list(amounts: &[Money]) -> String {
        let shown: Vec<String> = amounts.iter().map(Money::display).collect();
        shown.join(" + ")
    }

    /// The exact amount for a CSV: `1234.5` as `1234.50`, never grouped.
    pub fn plain(&self) -> String {
        let mut amount = self.amount.normalize();
        if amount.scale() < 2 {
            amount.rescale(2);
        }
        amount.to_string()
    }
}

/// `1234567.891` with 2 places as `1,234,567.89` (half away from zero).
pub fn format_decimal(value: Decimal, places: u32) -> String {
    let rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    let text = format!("{:.*}", places as usize, rounded.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::with_capacity(text.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A quantity without useless zeros: `2`, `1.5`.
pub fn format_qty(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A moment and its wall-clock time in the reader's zone (known to the server only: the
/// browser cannot convert zones it was not told about, so rows carry both).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    #[serde(with = "crate::wire::time")]
    pub utc: DateTime<Utc>,
    #[serde(with = "crate::wire::time")]
    pub local: NaiveDateTime,
}

impl LocalTime {
    /// `26 Nov 2026, 21:42`.
    pub fn display(&self) -> String {
        crate::dates::date_time(self.local)
    }

    /// `26 Nov 2026`.
    pub fn date(&self) -> String {
        crate::dates::day_month_year(self.local.date())
    }

    /// `2026-11-26 21:42:05`: sortable, what spreadsheets read as a date.
    pub fn plain(&self) -> String {
        crate::dates::iso_seconds(self.local)
    }
}

/// The colour of a status badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Neutral,
    Info,
    Success,
    Warning,
    Danger,
}

impl Tone {
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Neutral => "neutral",
            Tone::Info => "info",
            Tone::Success => "success",
            Tone::Warning => "warning",
            Tone::Danger => "danger",
        }
    }
}

/// One cell of a grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    Empty,
    Text(String),
    /// A link to a record page.
    Link {
        text: String,
        href: String,
    },
    Int(i64),
    /// A quantity.
    Number(#[serde(with = "crate::wire::decimal")] Decimal),
    Money(Money),
    Time(LocalTime),
    Flag(bool),
    Badge {
        text: String,
        tone: Tone,
    },
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    /// Text, or empty when there is none.
    pub fn opt_text(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            Some(v) if !v.is_empty() => Cell::Text(v.to_string()),
            _ => Cell::Empty,
        }
    }

    pub fn money(amount: Option<Decimal>, currency: Option<&str>) -> Self {
        amount.map_or(Cell::Empty, |a| Cell::Money(Money::new(a, currency)))
    }

    pub fn time(value: &Option<LocalTime>) -> Self {
        value.clone().map_or(Cell::Empty, Cell::Time)
    }

    /// What the grid shows.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Link { text, .. } => text.clone(),
            Cell::Int(n) => format_decimal(Decimal::from(*n), 0),
            Cell::Number(n) => format_qty(*n),
            Cell::Money(m) => m.display(),
            Cell::Time(t) => t.display(),
            Cell::Flag(true) => "Yes".into(),
            Cell::Flag(false) => "No".into(),
            Cell::Badge { text, .. } => text.clone(),
        }
    }

    /// What the CSV export writes: exact numbers, sortable times, no grouping.
    pub fn plain(&self) -> String {
        match self {
            Cell::Int(n) => n.to_string(),
            Cell::Money(m) => m.plain(),
            Cell::Time(t) => t.plain(),
            Cell::Flag(true) => "yes".into(),
            Cell::Flag(false) => "no".into(),
            other => other.display(),
        }
    }

    /// Whether the CSV writes a number (never guarded against spreadsheet formulas).
    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Number(_) | Cell::Money(_))
    }
}

/// A grid row type: its fields, its cells, its record page.
pub trait GridRecord:
    Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static
{
    type Field: GridField;

    /// The CRM row id.
    fn id(&self) -> i64;

    fn cell(&self, field: Self::Field) -> Cell;

    /// Whether rows carry money (CSV exports then add a currency column).
    const HAS_CURRENCY: bool = false;

    /// The currency of the row's money cells, written beside them in CSV exports.
    fn currency(&self) -> Option<&str> {
        None
    }
}

/// One page of a grid: the rows, the exact number of matching rows, and the state the server
/// applied (a saved view merged in, presets resolved): what the grid draws its controls from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound = "R: GridRecord")]
pub struct GridPage<R: GridRecord> {
    pub rows: Vec<R>,
    pub total: i64,
    pub query: GridQuery<R::Field>,
}
