//! Numbers for people: thousands separators, currency amounts, percentages, changes against the
//! previous period, and "—" wherever a number is undefined (a division by zero).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

/// The sign a dashboard shows for an undefined number.
pub const UNDEFINED: &str = "—";

/// `1234567` → `1,234,567`.
pub fn count(n: i64) -> String {
    group_digits(&n.unsigned_abs().to_string(), n < 0)
}

fn group_digits(digits: &str, negative: bool) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if negative {
        out.push('−');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Minor units shown for a currency (ISO 4217): none for yen and won, two otherwise.
fn decimals(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "HUF" => 0,
        _ => 2,
    }
}

/// An amount with its currency: `$1,234.50`, `€99.00`, `¥12,000`, `1,234.50 CHF`. Rounded half
/// away from zero to the currency's minor unit for display only; sums stay exact elsewhere.
pub fn money(amount: Decimal, currency: &str) -> String {
    let places = decimals(currency);
    let rounded =
        amount.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let text = rounded.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut number = group_digits(whole, false);
    if places > 0 {
        number.push('.');
        number.push_str(&format!("{fraction:0<width$}", width = places as usize));
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "−"
    } else {
        ""
    };
    match currency {
        "USD" => format!("{sign}${number}"),
        "EUR" => format!("{sign}€{number}"),
        "GBP" => format!("{sign}£{number}"),
        "JPY" => format!("{sign}¥{number}"),
        "" => format!("{sign}{number}"),
        other => format!("{sign}{number} {other}"),
    }
}

/// `part ÷ whole`, or `None` when `whole` is zero (shown as "—", never as 0 or NaN).
pub fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| part as f64 / whole as f64)
}

/// A share as `12.5%` (one decimal), or "—" when undefined.
pub fn percent(share: Option<f64>) -> String {
    match share {
        Some(s) if s.is_finite() => format!("{:.1}%", s * 100.0),
        _ => UNDEFINED.to_string(),
    }
}

/// Which way a number moved against the previous period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trend {
    Up,
    Down,
    Flat,
    /// No previous value to compare with.
    Unknown,
}

impl Trend {
    /// A CSS class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Flat => "flat",
            Trend::Unknown => "unknown",
        }
    }
}

/// The change of a number against the previous period, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// `+12.5%`, `−3.0%`, `±0%`, or "—" when the previous value was zero or undefined.
    pub text: String,
    pub trend: Trend,
}

/// Relative change of an amount or a count: `(current − previous) ÷ |previous|`.
pub fn delta(current: Decimal, previous: Decimal) -> Change {
    if previous.is_zero() {
        let trend = if current.is_zero() {
            Trend::Flat
        } else {
            Trend::Unknown
        };
        return Change {
            text: UNDEFINED.into(),
            trend,
        };
    }
    let change = ((current - previous) / previous.abs() * Decimal::ONE_HUNDRED)
        .to_f64()
        .unwrap_or(0.0);
    signed(change, "%")
}

/// Change of a share in percentage points: `+2.1 pts`; "—" when either side is undefined.
pub fn points_delta(current: Option<f64>, previous: Option<f64>) -> Change {
    match (current, previous) {
        (Some(c), Some(p)) => signed((c - p) * 100.0, " pts"),
        _ => Change {
            text: UNDEFINED.into(),
            trend: Trend::Unknown,
        },
    }
}

fn signed(value: f64, unit: &str) -> Change {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        return Change {
            text: format!("±0{unit}"),
            trend: Trend::Flat,
        };
    }
    let (sign, trend) = if rounded > 0.0 {
        ("+", Trend::Up)
    } else {
        ("−", Trend::Down)
    };
    Change {
        text: format!("{sign}{:.1}{unit}", rounded.abs()),
        trend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(-1200), "−1,200");
    }

    #[test]
    fn money_follows_the_currency() {
        assert_eq!(money(dec("1234.5"), "USD"), "$1,234.50");
        assert_eq!(money(dec("0.005"), "EUR"), "€0.01");
        assert_eq!(money(dec("120000.4"), "JPY"), "¥120,000");
        assert_eq!(money(dec("-12.3456"), "GBP"), "−£12.35");
        assert_eq!(money(dec("99"), "CHF"), "99.00 CHF");
        assert_eq!(money(dec("7"), ""), "7.00");
    }

    #[test]
    fn undefined_ratios_read_as_a_dash() {
        assert_eq!(ratio(3, 0), None);
        assert_eq!(percent(ratio(3, 0)), "—");
        assert_eq!(percent(ratio(1, 8)), "12.5%");
    }

    #[test]
    fn changes_are_signed_and_never_divide_by_zero() {
        assert_eq!(delta(dec("150"), dec("100")).text, "+50.0%");
        assert_eq!(delta(dec("50"), dec("100")).trend, Trend::Down);
        assert_eq!(delta(dec("50"), dec("100")).text, "−50.0%");
        assert_eq!(delta(dec("5"), dec("0")).text, "—");
        assert_eq!(delta(dec("0"), dec("0")).trend, Trend::Flat);
        assert_eq!(delta(dec("100"), dec("100")).text, "±0%");
        assert_eq!(points_delta(Some(0.25), Some(0.2)).text, "+5.0 pts");
        assert_eq!(points_delta(None, Some(0.2)).text, "—");
    }
}
