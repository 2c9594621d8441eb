//! Links from a number to the grid listing the records behind it, in the grids' URL contract
//! (`/carts?status=open&abandoned=true&created_at_min=…`): dates are inclusive whole days in
//! the user's time zone, as the dashboard's.

use domain::metrics::DateRange;

/// Percent-encodes a query value (RFC 3986 unreserved characters and `,` stay as they are).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn link(path: &str, params: &[(&str, Option<String>)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", encode(v))))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

fn created(range: DateRange, channel: Option<i64>) -> [(&'static str, Option<String>); 3] {
    [
        ("created_at_min", Some(range.from_param())),
        ("created_at_max", Some(range.to_param())),
        ("channel", channel.map(|c| c.to_string())),
    ]
}

/// Carts created in the range, optionally of some statuses (comma-separated) or abandoned.
pub fn carts(
    range: DateRange,
    channel: Option<i64>,
    status: Option<&str>,
    abandoned: bool,
) -> String {
    let mut params = vec![("status", status.map(str::to_string))];
    if abandoned {
        params.push(("abandoned", Some("true".into())));
    }
    params.extend(created(range, channel));
    link("/carts", &params)
}

/// Orders created in the range.
pub fn orders(range: DateRange, channel: Option<i64>) -> String {
    link("/orders", &created(range, channel))
}

/// Customers created in the range.
pub fn customers(range: DateRange, channel: Option<i64>) -> String {
    link("/customers", &created(range, channel))
}

/// Refunded credit memos (state 2) created in the range.
pub fn refunds(range: DateRange, channel: Option<i64>) -> String {
    let mut params = vec![("state", Some("2".to_string()))];
    params.extend(created(range, channel));
    link("/credit-memos", &params)
}

/// A customer's record page.
pub fn customer(id: i64) -> String {
    format!("/customers/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn range() -> DateRange {
        DateRange::new(
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn abandoned_carts_link_follows_the_grid_contract() {
        assert_eq!(
            carts(range(), Some(2), Some("open"), true),
            "/carts?status=open&abandoned=true&created_at_min=2026-11-01&created_at_max=2026-11-30&channel=2"
        );
        assert_eq!(
            carts(range(), None, None, false),
            "/carts?created_at_min=2026-11-01&created_at_max=2026-11-30"
        );
    }

    #[test]
    fn refunds_link_to_refunded_credit_memos() {
        assert_eq!(
            refunds(range(), None),
            "/credit-memos?state=2&created_at_min=2026-11-01&created_at_max=2026-11-30"
        );
    }

    #[test]
    fn values_are_encoded() {
        assert_eq!(encode("a b&c,d"), "a%20b%26c,d");
    }
}
