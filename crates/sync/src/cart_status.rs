//! Cart status rules of product.md §3, in order. Purchased, Lost and Converted are sticky and
//! kept by the store layer (the cart upsert in `store::sync_write::carts`, which also makes a
//! cart with an order Purchased); this decides between Open and Expired from the cart itself.

use chrono::{DateTime, Duration, Utc};
use domain::CartStatus;

/// The status a cart's payload implies at `now`.
///
/// * Expired: deactivated without an order (an order, if any, makes it Purchased later), or not
///   updated for longer than the cart lifetime.
/// * Open: otherwise.
pub fn from_payload(
    is_active: bool,
    updated_at: Option<DateTime<Utc>>,
    lifetime: Duration,
    now: DateTime<Utc>,
) -> CartStatus {
    if !is_active {
        return CartStatus::Expired;
    }
    match updated_at {
        Some(t) if now - t > lifetime => CartStatus::Expired,
        _ => CartStatus::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CartStatus::*;

    fn at(hours_ago: i64) -> Option<DateTime<Utc>> {
        Some(now() - Duration::hours(hours_ago))
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z")
            .unwrap()
            .to_utc()
    }

    #[test]
    fn a_payload_is_open_unless_deactivated_or_older_than_the_lifetime() {
        let lifetime = Duration::days(30);
        // (is_active, hours since update) -> status; what a stored status and an order make
        // of it is the store layer's (crates/store/tests/sync_links.rs, the rules table).
        let table = [
            (true, 1, Open),
            (true, 24 * 30, Open),
            (true, 24 * 30 + 1, Expired),
            (true, 24 * 31, Expired),
            (false, 1, Expired),
            (false, 24 * 90, Expired),
        ];
        for (active, hours, expected) in table {
            assert_eq!(
                from_payload(active, at(hours), lifetime, now()),
                expected,
                "active {active}, {hours} h"
            );
        }
        assert_eq!(
            from_payload(true, None, lifetime, now()),
            Open,
            "no update time"
        );
    }
}
