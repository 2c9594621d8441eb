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

/// Orders created in the range, canceled ones left out (as every sales figure leaves them);
/// only the discounted ones when `discounted`.
pub fn orders(range: DateRange, channel: Option<i64>, discounted: bool) -> String {
    let mut params = vec![("canceled", Some("false".to_string()))];
    if discounted {
        params.push(("discounted", Some("true".into())));
    }
    params.extend(created(range, channel));
    link("/orders", &params)
}

/// The customers who placed a non-canceled order in the range: the new ones (created in the
/// range) or the returning ones (created before it).
pub fn buyers(range: DateRange, channel: Option<i64>, new: bool) -> String {
    let created = if new {
        [
            ("created_at_min", Some(range.from_param())),
            ("created_at_max", Some(range.to_param())),
        ]
    } else {
        let day_before = range.from.pred_opt().unwrap_or(range.from);
        [
            ("created_at_min", None),
            ("created_at_max", Some(domain::dates::iso(day_before))),
        ]
    };
    let mut params = created.to_vec();
    params.extend([
        ("ordered_at_min", Some(range.from_param())),
        ("ordered_at_max", Some(range.to_param())),
        ("channel", channel.map(|c| c.to_string())),
    ]);
    link("/customers", &params)
}

/// Carts created in the range that reached a funnel stage: `with_items` or `checkout`.
pub fn funnel(range: DateRange, channel: Option<i64>, stage: &str) -> String {
    let mut params = vec![(stage, Some("true".to_string()))];
    params.extend(created(range, channel));
    link("/carts", &params)
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
    fn buyer_links_split_new_from_returning_by_creation() {
        assert_eq!(
            buyers(range(), None, true),
            "/customers?created_at_min=2026-11-01&created_at_max=2026-11-30&ordered_at_min=2026-11-01&ordered_at_max=2026-11-30"
        );
        assert_eq!(
            buyers(range(), Some(3), false),
            "/customers?created_at_max=2026-10-31&ordered_at_min=2026-11-01&ordered_at_max=2026-11-30&channel=3"
        );
        assert_eq!(
            orders(range(), None, true),
            "/orders?canceled=false&discounted=true&created_at_min=2026-11-01&created_at_max=2026-11-30"
        );
    }

    #[test]
    fn values_are_encoded() {
        assert_eq!(encode("a b&c,d"), "a%20b%26c,d");
    }
}
