//! The period a dashboard or report covers: whole days in the user's time zone, a preset or a
//! custom range, and the previous period of equal length it is compared with.

use crate::AppError;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest range accepted (ten years): keeps a typo in a URL from asking for centuries.
const MAX_DAYS: i64 = 3660;

/// The range presets of the dashboard's picker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Preset {
    Today,
    Last7Days,
    #[default]
    Last30Days,
    Last90Days,
    ThisMonth,
    LastMonth,
    ThisYear,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 8] = [
        Preset::Today,
        Preset::Last7Days,
        Preset::Last30Days,
        Preset::Last90Days,
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::ThisYear,
        Preset::Custom,
    ];

    /// The value carried in URLs (`?range=30d`).
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Today => "today",
            Preset::Last7Days => "7d",
            Preset::Last30Days => "30d",
            Preset::Last90Days => "90d",
            Preset::ThisMonth => "this-month",
            Preset::LastMonth => "last-month",
            Preset::ThisYear => "this-year",
            Preset::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Today => "Today",
            Preset::Last7Days => "Last 7 days",
            Preset::Last30Days => "Last 30 days",
            Preset::Last90Days => "Last 90 days",
            Preset::ThisMonth => "This month",
            Preset::LastMonth => "Last month",
            Preset::ThisYear => "This year",
            Preset::Custom => "Custom",
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }

    /// The days this preset covers when the user's today is `today`; `None` for Custom.
    /// "Last N days" ends today (today included); "this month/year" run to today.
    pub fn range(self, today: NaiveDate) -> Option<DateRange> {
        let back = |days: i64| DateRange {
            from: today - Duration::days(days - 1),
            to: today,
        };
        let first_of_month = today.with_day(1)?;
        Some(match self {
            Preset::Today => back(1),
            Preset::Last7Days => back(7),
            Preset::Last30Days => back(30),
            Preset::Last90Days => back(90),
            Preset::ThisMonth => DateRange {
                from: first_of_month,
                to: today,
            },
            Preset::LastMonth => {
                let to = first_of_month - Duration::days(1);
                DateRange {
                    from: to.with_day(1)?,
                    to,
                }
            }
            Preset::ThisYear => DateRange {
                from: NaiveDate::from_ymd_opt(today.year(), 1, 1)?,
                to: today,
            },
            Preset::Custom => return None,
        })
    }
}

/// Whole days `from..=to` in the user's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateRange {
    #[serde(with = "crate::wire::time")]
    pub from: NaiveDate,
    #[serde(with = "crate::wire::time")]
    pub to: NaiveDate,
}

impl DateRange {
    /// A custom range; refuses an end before the start or more than ten years.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, AppError> {
        if to < from {
            return Err(AppError::invalid(
                "to",
                "The end date is before the start date.",
            ));
        }
        let range = DateRange { from, to };
        if range.days() > MAX_DAYS {
            return Err(AppError::invalid(
                "from",
                "Choose a range of ten years or less.",
            ));
        }
        Ok(range)
    }

    /// Number of days covered (at least 1).
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of equal length that ends the day before this one starts.
    pub fn previous(&self) -> DateRange {
        let to = self.from - Duration::days(1);
        DateRange {
            from: to - Duration::days(self.days() - 1),
            to,
        }
    }

    /// The bucket size a chart of this range reads best with: days up to about six weeks,
    /// weeks up to about a year, months beyond.
    pub fn granularity(&self) -> Granularity {
        match self.days() {
            0..=45 => Granularity::Day,
            46..=400 => Granularity::Week,
            _ => Granularity::Month,
        }
    }

    /// The start of every bucket that overlaps the range, in order. The first bucket of a week
    /// or month may start before `from` (it is the bucket's calendar start).
    pub fn buckets(&self, granularity: Granularity) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut start = granularity.truncate(self.from);
        while start <= self.to {
            out.push(start);
            start = granularity.next(start);
        }
        out
    }

    /// `2026-11-01` style bounds, as grid URLs take them.
    pub fn from_param(&self) -> String {
        crate::dates::iso(self.from)
    }

    pub fn to_param(&self) -> String {
        crate::dates::iso(self.to)
    }

    /// `1 Nov – 30 Nov 2026` (the year once when both ends share it).
    pub fn label(&self) -> String {
        if self.from == self.to {
            return crate::dates::day_month_year(self.from);
        }
        let from = if self.from.year() == self.to.year() {
            crate::dates::day_month(self.from)
        } else {
            crate::dates::day_month_year(self.from)
        };
        format!("{from} – {}", crate::dates::day_month_year(self.to))
    }
}

/// The bucket size of a time series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Granularity {
    #[default]
    Day,
    Week,
    Month,
}

impl Granularity {
    pub const ALL: [Granularity; 3] = [Granularity::Day, Granularity::Week, Granularity::Month];

    /// The unit Postgres' `date_trunc` takes, and the value carried in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Granularity::Day => "Daily",
            Granularity::Week => "Weekly",
            Granularity::Month => "Monthly",
        }
    }

    pub fn parse(s: &str) -> Option<Granularity> {
        Granularity::ALL
            .into_iter()
            .find(|g| g.as_str() == s.trim())
    }

    /// The calendar start of the bucket holding `date` (weeks start on Monday, as in ISO 8601
    /// and Postgres' `date_trunc('week', …)`).
    pub fn truncate(self, date: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => date,
            Granularity::Week => {
                date - Duration::days(date.weekday().num_days_from_monday() as i64)
            }
            Granularity::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// The start of the bucket after the one starting at `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => start + Duration::days(1),
            Granularity::Week => start + Duration::days(7),
            Granularity::Month => start
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(start + Duration::days(31)),
        }
    }

    /// How a bucket is named on an axis: `3 Nov`, `w/c 3 Nov`, `Nov 2026`.
    pub fn bucket_label(self, start: NaiveDate) -> String {
        match self {
            Granularity::Day => crate::dates::day_month(start),
            Granularity::Week => format!("w/c {}", crate::dates::day_month(start)),
            Granularity::Month => crate::dates::month_year(start),
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
    fn presets_end_today_and_count_today_in() {
        let today = d(2026, 3, 15);
        assert_eq!(
            Preset::Today.range(today),
            Some(DateRange {
                from: today,
                to: today
            })
        );
        let week = Preset::Last7Days.range(today).unwrap();
        assert_eq!((week.from, week.days()), (d(2026, 3, 9), 7));
        assert_eq!(Preset::Last30Days.range(today).unwrap().days(), 30);
        assert_eq!(Preset::Last90Days.range(today).unwrap().days(), 90);
        assert_eq!(Preset::ThisMonth.range(today).unwrap().from, d(2026, 3, 1));
        assert_eq!(
            Preset::LastMonth.range(today),
            Some(DateRange {
                from: d(2026, 2, 1),
                to: d(2026, 2, 28)
            })
        );
        assert_eq!(Preset::ThisYear.range(today).unwrap().from, d(2026, 1, 1));
        assert_eq!(Preset::Custom.range(today), None);
    }

    #[test]
    fn last_month_in_january_is_last_december() {
        let range = Preset::LastMonth.range(d(2027, 1, 10)).unwrap();
        assert_eq!((range.from, range.to), (d(2026, 12, 1), d(2026, 12, 31)));
    }

    #[test]
    fn the_previous_period_has_the_same_length_and_ends_the_day_before() {
        let range = DateRange::new(d(2026, 3, 1), d(2026, 3, 31)).unwrap();
        let previous = range.previous();
        assert_eq!(previous.to, d(2026, 2, 28));
        assert_eq!(previous.days(), 31);
        assert_eq!(previous.from, d(2026, 1, 29));
    }

    #[test]
    fn custom_ranges_are_checked() {
        assert!(DateRange::new(d(2026, 3, 2), d(2026, 3, 1)).is_err());
        assert!(DateRange::new(d(2000, 1, 1), d(2026, 1, 1)).is_err());
        assert_eq!(
            DateRange::new(d(2026, 3, 1), d(2026, 3, 1)).unwrap().days(),
            1
        );
    }

    #[test]
    fn granularity_follows_the_length() {
        let from = d(2026, 1, 1);
        let of = |days: i64| {
            DateRange {
                from,
                to: from + Duration::days(days - 1),
            }
            .granularity()
        };
        assert_eq!(of(1), Granularity::Day);
        assert_eq!(of(45), Granularity::Day);
        assert_eq!(of(90), Granularity::Week);
        assert_eq!(of(365), Granularity::Week);
        assert_eq!(of(730), Granularity::Month);
    }

    #[test]
    fn buckets_cover_the_range_from_their_calendar_start() {
        // Wednesday 4 March to Tuesday 17 March: three ISO weeks, starting Monday 2 March.
        let range = DateRange::new(d(2026, 3, 4), d(2026, 3, 17)).unwrap();
        assert_eq!(
            range.buckets(Granularity::Week),
            vec![d(2026, 3, 2), d(2026, 3, 9), d(2026, 3, 16)]
        );
        assert_eq!(range.buckets(Granularity::Day).len(), 14);
        let months = DateRange::new(d(2026, 1, 31), d(2026, 3, 1)).unwrap();
        assert_eq!(
            months.buckets(Granularity::Month),
            vec![d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 1)]
        );
    }

    #[test]
    fn presets_and_granularities_round_trip_through_urls() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.as_str()), Some(p));
        }
        for g in Granularity::ALL {
            assert_eq!(Granularity::parse(g.as_str()), Some(g));
        }
        assert_eq!(Preset::parse("yesterday"), None);
    }

    #[test]
    fn labels_read_naturally() {
        let range = DateRange::new(d(2026, 11, 1), d(2026, 11, 30)).unwrap();
        assert_eq!(range.label(), "1 Nov – 30 Nov 2026");
        let across = DateRange::new(d(2025, 12, 20), d(2026, 1, 5)).unwrap();
        assert_eq!(across.label(), "20 Dec 2025 – 5 Jan 2026");
        assert_eq!(Granularity::Week.bucket_label(d(2026, 3, 2)), "w/c 2 Mar");
    }
}
