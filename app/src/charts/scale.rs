//! Axis scales: round tick steps and compact tick labels.

use domain::metrics::money;
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

/// What the values of an axis are, for its tick labels.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Count,
    /// An amount in this currency.
    Money(String),
    /// A share between 0 and 1.
    Share,
}

impl ValueKind {
    /// A short label for an axis tick: `1.2k`, `$35k`, `¥1.2M`, `25%`.
    pub fn tick(&self, value: f64) -> String {
        match self {
            ValueKind::Share => format!("{:.0}%", value * 100.0),
            ValueKind::Count => compact(value),
            ValueKind::Money(currency) => {
                if value.abs() < 1000.0 {
                    let whole = Decimal::from_f64(value.round()).unwrap_or_default();
                    let text = money(whole, currency);
                    // Whole amounts read better on an axis than `$300.00`.
                    text.strip_suffix(".00").map(str::to_string).unwrap_or(text)
                } else {
                    let symbol = money(Decimal::ZERO, currency).replace(['0', '.'], "");
                    let symbol = symbol.trim();
                    if symbol.chars().all(|c| c.is_ascii_uppercase()) {
                        format!("{} {symbol}", compact(value))
                    } else {
                        format!("{symbol}{}", compact(value))
                    }
                }
            }
        }
    }
}

fn compact(value: f64) -> String {
    let abs = value.abs();
    let (scaled, suffix) = if abs >= 1e9 {
        (value / 1e9, "B")
    } else if abs >= 1e6 {
        (value / 1e6, "M")
    } else if abs >= 1e3 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    let text = if suffix.is_empty() || scaled.abs() >= 10.0 || scaled.fract() == 0.0 {
        format!("{scaled:.0}")
    } else {
        format!("{scaled:.1}")
    };
    format!("{text}{suffix}")
}

/// A round axis maximum at or above `max`, and the step between `ticks` ticks (1, 2, 2.5 or 5
/// times a power of ten).
pub fn nice_axis(max: f64, ticks: usize) -> (f64, f64) {
    let ticks = ticks.max(1) as f64;
    if !max.is_finite() || max <= 0.0 {
        return (ticks, 1.0);
    }
    let raw = max / ticks;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (step * ticks, step)
}

/// Like [`nice_axis`], with whole-number steps for counts (no tick at 2.5 orders).
pub fn axis_for(kind: &ValueKind, max: f64, ticks: usize) -> (f64, f64) {
    let (top, step) = nice_axis(max, ticks);
    if *kind == ValueKind::Count && step.fract() != 0.0 {
        let step = step.ceil();
        (step * ticks as f64, step)
    } else {
        (top, step)
    }
}

/// Which x labels to print so they do not collide: about `room` of them, evenly spaced, the
/// first and last always.
pub fn label_every(count: usize, room: usize) -> usize {
    count.div_ceil(room.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_axis(87.0, 4), (100.0, 25.0));
        assert_eq!(nice_axis(1234.0, 4), (2000.0, 500.0));
        assert_eq!(nice_axis(0.0, 4), (4.0, 1.0));
        assert_eq!(nice_axis(0.37, 4), (0.4, 0.1));
    }

    #[test]
    fn count_axes_step_by_whole_numbers() {
        assert_eq!(axis_for(&ValueKind::Count, 9.0, 4), (12.0, 3.0));
        assert_eq!(axis_for(&ValueKind::Share, 0.37, 4), (0.4, 0.1));
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(ValueKind::Count.tick(1500.0), "1.5k");
        assert_eq!(ValueKind::Count.tick(25000.0), "25k");
        assert_eq!(ValueKind::Money("USD".into()).tick(35000.0), "$35k");
        assert_eq!(ValueKind::Money("EUR".into()).tick(300.0), "€300");
        assert_eq!(ValueKind::Money("CHF".into()).tick(2_000_000.0), "2M CHF");
        assert_eq!(ValueKind::Share.tick(0.25), "25%");
    }

    #[test]
    fn long_axes_skip_labels() {
        assert_eq!(label_every(30, 8), 4);
        assert_eq!(label_every(5, 8), 1);
    }
}
