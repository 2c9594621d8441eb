//! Numbers, durations and times for people. Absolute times are formatted on the server, in the
//! user's time zone; the rest is pure and works on both sides.

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A duration in milliseconds as `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 10 min`.
pub fn duration_ms(ms: i64) -> String {
    let ms = ms.max(0);
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..=3_599_999 => format!("{} min {} s", ms / 60_000, (ms / 1000) % 60),
        _ => format!("{} h {} min", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

/// How long ago, coarsely: `just now`, `5 min ago`, `3 h ago`, `2 days ago`.
pub fn ago(seconds: i64) -> String {
    match seconds.max(0) {
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", seconds / 60),
        3600..=86_399 => format!("{} h ago", seconds / 3600),
        86_400..=172_799 => "1 day ago".into(),
        _ => format!("{} days ago", seconds / 86_400),
    }
}

/// A count of seconds as the wizard shows intervals: `30 s`, `5 min`, `1 h`, `1 h 30 min`.
pub fn interval(secs: i32) -> String {
    let secs = secs.max(0);
    match (secs / 3600, (secs % 3600) / 60, secs % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    use chrono::{DateTime, Utc};

    /// `26 Nov 2026, 21:42` in the request's time zone.
    pub fn datetime(t: DateTime<Utc>) -> String {
        let tz = crate::timezone::server::current();
        domain::dates::date_time(t.with_timezone(&tz).naive_local())
    }

    /// `26 Nov 2026, 21:42 (3 min ago)`.
    pub fn datetime_ago(t: DateTime<Utc>) -> String {
        format!(
            "{} ({})",
            datetime(t),
            super::ago((Utc::now() - t).num_seconds())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-12345), "-12,345");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(12_400), "12.4 s");
        assert_eq!(duration_ms(185_000), "3 min 5 s");
        assert_eq!(duration_ms(7_800_000), "2 h 10 min");
    }

    #[test]
    fn ages_and_intervals_read_naturally() {
        assert_eq!(ago(5), "just now");
        assert_eq!(ago(300), "5 min ago");
        assert_eq!(ago(3 * 86_400), "3 days ago");
        assert_eq!(interval(30), "30 s");
        assert_eq!(interval(300), "5 min");
        assert_eq!(interval(3600), "1 h");
        assert_eq!(interval(5400), "1 h 30 min");
        assert_eq!(interval(86_400), "24 h");
    }
}
