//! The state of a dashboard or report, carried in its URL (`?range=30d&channel=2`): links and
//! the back button work, and the server renders the right numbers on the first request.

use chrono::NaiveDate;
use domain::AppError;
use domain::metrics::{DateRange, Granularity, Preset};
use leptos_router::params::ParamsMap;
use serde::{Deserialize, Serialize};

/// Filters of a dashboard or report, as the URL spells them (unparsed values are dropped).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    /// `Preset::as_str`; empty = the default (last 30 days).
    pub range: Option<String>,
    /// Custom range, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub channel: Option<i64>,
    pub currency: Option<String>,
    /// Reports with a time axis: `day`, `week` or `month`.
    pub granularity: Option<String>,
}

impl ReportQuery {
    pub fn from_map(map: &ParamsMap) -> ReportQuery {
        let text = |key: &str| {
            map.get(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        ReportQuery {
            range: text("range"),
            from: text("from"),
            to: text("to"),
            channel: text("channel").and_then(|c| c.parse().ok()),
            currency: text("currency"),
            granularity: text("granularity"),
        }
    }

    /// The preset named in the URL; a custom `from`/`to` without one means Custom.
    pub fn preset(&self) -> Preset {
        match self.range.as_deref().and_then(Preset::parse) {
            Some(p) => p,
            None if self.from.is_some() || self.to.is_some() => Preset::Custom,
            None => Preset::default(),
        }
    }

    /// The days covered, given the user's today.
    pub fn resolve(&self, today: NaiveDate) -> Result<DateRange, AppError> {
        let preset = self.preset();
        if let Some(range) = preset.range(today) {
            return Ok(range);
        }
        let date = |field: &str, value: &Option<String>| {
            value
                .as_deref()
                .and_then(domain::dates::parse_iso)
                .ok_or_else(|| AppError::invalid(field, "Pick a start and an end date."))
        };
        DateRange::new(date("from", &self.from)?, date("to", &self.to)?)
    }

    pub fn granularity_or(&self, fallback: Granularity) -> Granularity {
        self.granularity
            .as_deref()
            .and_then(Granularity::parse)
            .unwrap_or(fallback)
    }

    /// This query as a URL query string (`?range=7d&channel=2`), empty values left out.
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        let mut push = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", super::links::encode(&v)));
            }
        };
        push("range", self.range.clone());
        if self.preset() == Preset::Custom {
            push("from", self.from.clone());
            push("to", self.to.clone());
        }
        push("channel", self.channel.map(|c| c.to_string()));
        push("currency", self.currency.clone());
        push("granularity", self.granularity.clone());
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_default_is_the_last_30_days() {
        let q = ReportQuery::default();
        assert_eq!(q.preset(), Preset::Last30Days);
        assert_eq!(q.resolve(d(2026, 3, 30)).unwrap().from, d(2026, 3, 1));
    }

    #[test]
    fn custom_ranges_need_both_dates() {
        let mut q = ReportQuery {
            from: Some("2026-01-05".into()),
            ..ReportQuery::default()
        };
        assert_eq!(q.preset(), Preset::Custom);
        assert!(q.resolve(d(2026, 3, 30)).is_err());
        q.to = Some("2026-01-10".into());
        assert_eq!(q.resolve(d(2026, 3, 30)).unwrap().days(), 6);
    }

    #[test]
    fn query_strings_keep_only_what_is_set() {
        let q = ReportQuery {
            range: Some("7d".into()),
            from: Some("2026-01-01".into()),
            channel: Some(3),
            ..ReportQuery::default()
        };
        assert_eq!(q.to_query_string(), "?range=7d&channel=3");
        assert_eq!(ReportQuery::default().to_query_string(), "");
    }
}
