//! Dates and times in the few shapes the app writes them. chrono's `format` would compile its
//! format-string interpreter into the browser bundle for these; this is a few lines instead.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month(d: NaiveDate) -> &'static str {
    MONTHS[d.month0() as usize]
}

/// `2026-11-03`: what URLs and date inputs take.
pub fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Reads `2026-11-03` (what [`iso`] writes; as chrono's `%Y-%m-%d`, parts need no padding).
pub fn parse_iso(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let year = parts.next()?.parse::<i32>().ok()?;
    let month = parts.next()?.parse::<u32>().ok()?;
    let day = parts.next()?.parse::<u32>().ok()?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `3 Nov`.
pub fn day_month(d: NaiveDate) -> String {
    format!("{} {}", d.day(), month(d))
}

/// `3 Nov 2026`.
pub fn day_month_year(d: NaiveDate) -> String {
    format!("{} {} {:04}", d.day(), month(d), d.year())
}

/// `Nov 2026`.
pub fn month_year(d: NaiveDate) -> String {
    format!("{} {:04}", month(d), d.year())
}

/// `3 Nov 2026, 21:42`.
pub fn date_time(t: NaiveDateTime) -> String {
    format!(
        "{}, {:02}:{:02}",
        day_month_year(t.date()),
        t.hour(),
        t.minute()
    )
}

/// `2026-11-03 21:42:05`: sortable, what spreadsheets read as a date and time.
pub fn iso_seconds(t: NaiveDateTime) -> String {
    format!(
        "{} {:02}:{:02}:{:02}",
        iso(t.date()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    /// chrono's own formatting is the reference, over every day of several years and times
    /// with sub-second parts.
    #[test]
    fn each_shape_matches_chronos_format() {
        let mut d = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        let end = NaiveDate::from_ymd_opt(2031, 1, 5).unwrap();
        let mut n = 0_i64;
        while d <= end {
            assert_eq!(iso(d), d.format("%Y-%m-%d").to_string());
            assert_eq!(day_month(d), d.format("%-d %b").to_string());
            assert_eq!(day_month_year(d), d.format("%-d %b %Y").to_string());
            assert_eq!(month_year(d), d.format("%b %Y").to_string());
            let t = d
                .and_hms_milli_opt(
                    (n % 24) as u32,
                    (n * 7 % 60) as u32,
                    (n * 13 % 60) as u32,
                    250,
                )
                .unwrap();
            assert_eq!(date_time(t), t.format("%-d %b %Y, %H:%M").to_string());
            assert_eq!(iso_seconds(t), t.format("%Y-%m-%d %H:%M:%S").to_string());
            d += Duration::days(1);
            n += 1;
        }
        for text in [
            "2026-11-03",
            "2024-02-29",
            "2026-1-3",
            "2023-02-29",
            "2026-13-01",
            "2026-11",
            "2026-11-03-1",
            "",
            "x-1-1",
            "2026-11-03 ",
            "+2026-11-03",
        ] {
            assert_eq!(
                parse_iso(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text}"
            );
        }
        let early = NaiveDate::from_ymd_opt(812, 3, 1).unwrap();
        assert_eq!(iso(early), early.format("%Y-%m-%d").to_string());
        assert_eq!(day_month_year(early), early.format("%-d %b %Y").to_string());
    }
}
