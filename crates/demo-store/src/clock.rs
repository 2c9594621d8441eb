//! Second-resolution UTC timestamps, as Magento stores them, and the store's clock.
//!
//! Records keep `Ts` (4 bytes) rather than `DateTime<Utc>` (12 bytes): at a million orders
//! every byte per field counts, and Magento has no sub-second precision anyway.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Seconds since the Unix epoch, UTC. Rendered as Magento's `Y-m-d H:i:s`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub u32);

impl Ts {
    pub fn from_datetime(dt: DateTime<Utc>) -> Ts {
        Ts(dt.timestamp().clamp(0, u32::MAX as i64) as u32)
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0 as i64, 0).unwrap_or_default()
    }

    pub fn plus(self, secs: i64) -> Ts {
        Ts((self.0 as i64 + secs).clamp(0, u32::MAX as i64) as u32)
    }

    /// Writes `Y-m-d H:i:s` into `out` without allocating (the hot path of every page).
    pub fn write_to(self, out: &mut Vec<u8>) {
        let secs = self.0 as i64;
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let (h, mi, s) = (rem / 3600, (rem / 60) % 60, rem % 60);
        push_num(out, y, 4);
        out.push(b'-');
        push_num(out, m, 2);
        out.push(b'-');
        push_num(out, d, 2);
        out.push(b' ');
        push_num(out, h, 2);
        out.push(b':');
        push_num(out, mi, 2);
        out.push(b':');
        push_num(out, s, 2);
    }

    /// Parses what MySQL accepts for a DATETIME literal in practice: `Y-m-d`, `Y-m-d H:i`,
    /// `Y-m-d H:i:s` (space or `T` separator, optional fraction/`Z`). None if it is no date.
    pub fn parse(text: &str) -> Option<Ts> {
        let t = text.trim();
        let t = t.strip_suffix('Z').unwrap_or(t);
        let t = t.split('.').next().unwrap_or(t);
        let formats = [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M",
        ];
        for f in formats {
            if let Ok(dt) = NaiveDateTime::parse_from_str(t, f) {
                return Some(Ts::from_datetime(dt.and_utc()));
            }
        }
        let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
        Some(Ts::from_datetime(date.and_hms_opt(0, 0, 0)?.and_utc()))
    }
}

impl fmt::Display for Ts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = Vec::with_capacity(19);
        self.write_to(&mut buf);
        f.write_str(std::str::from_utf8(&buf).unwrap_or(""))
    }
}

fn push_num(out: &mut Vec<u8>, v: i64, width: usize) {
    let mut digits = [b'0'; 8];
    let mut v = v.max(0);
    for i in (0..width).rev() {
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&digits[..width]);
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Wall clock plus an offset tests can move forward (token expiry, quote lifetime, live ids).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Ts {
        Ts::from_datetime(Utc::now()).plus(self.offset_secs.load(Ordering::Relaxed))
    }

    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_magento() {
        let ts = Ts::parse("2017-08-21 22:22:19").unwrap();
        assert_eq!(ts.to_string(), "2017-08-21 22:22:19");
        assert_eq!(Ts(0).to_string(), "1970-01-01 00:00:00");
        assert_eq!(
            Ts::parse("2024-02-29").unwrap().to_string(),
            "2024-02-29 00:00:00"
        );
        assert_eq!(
            Ts::parse("2024-02-29T10:11:12Z").unwrap().to_string(),
            "2024-02-29 10:11:12"
        );
        assert!(Ts::parse("not a date").is_none());
    }

    #[test]
    fn formatting_agrees_with_chrono_over_many_days() {
        for day in (0..30_000i64).step_by(37) {
            let ts = Ts((day * 86_400 + 3_723) as u32);
            let expected = ts.to_datetime().format("%Y-%m-%d %H:%M:%S").to_string();
            assert_eq!(ts.to_string(), expected);
        }
    }
}
