//! Cart status rules of product.md §3, in order. Purchased, Lost and Converted are sticky and
//! kept by the store layer; this decides between Open and Expired from the cart itself.

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

/// Whether a stored cart is abandoned (a filter and a metric, not a status): open, with items,
/// with a contact email, and untouched for longer than the channel's threshold.
pub fn is_abandoned(
    status: CartStatus,
    items_count: i32,
    email: Option<&str>,
    updated_at: Option<DateTime<Utc>>,
    threshold: Duration,
    now: DateTime<Utc>,
) -> bool {
    status == CartStatus::Open
        && items_count > 0
        && email.is_some_and(|e| !e.trim().is_empty())
        && updated_at.is_some_and(|t| now - t > threshold)
}

/// The status after a sync, given the stored one: sticky statuses win.
pub fn merge(stored: Option<CartStatus>, from_payload: CartStatus, has_order: bool) -> CartStatus {
    if has_order {
        return CartStatus::Purchased;
    }
    match stored {
        Some(s) if s.is_sticky() => s,
        _ => from_payload,
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
    fn status_rules_in_order() {
        let lifetime = Duration::days(30);
        // (stored, is_active, hours since update, has order) -> expected
        let table = [
            (None, true, 1, false, Open),
            (None, true, 24 * 31, false, Expired),
            (None, false, 1, false, Expired),
            (None, false, 1, true, Purchased),
            (Some(Open), true, 1, true, Purchased),
            (Some(Lost), true, 1, false, Lost),
            (Some(Lost), false, 1, false, Lost),
            (Some(Lost), true, 1, true, Purchased),
            (
                Some(ConvertedToOpportunity),
                true,
                24 * 40,
                false,
                ConvertedToOpportunity,
            ),
            (Some(Purchased), true, 1, false, Purchased),
            (Some(Purchased), false, 24 * 90, false, Purchased),
            (Some(Expired), true, 1, false, Open),
            (Some(Open), true, 24 * 30 + 1, false, Expired),
        ];
        for (stored, active, hours, has_order, expected) in table {
            let payload = from_payload(active, at(hours), lifetime, now());
            assert_eq!(
                merge(stored, payload, has_order),
                expected,
                "stored {stored:?}, active {active}, {hours} h, order {has_order}"
            );
        }
    }

    #[test]
    fn abandoned_needs_open_items_email_and_age() {
        let threshold = Duration::hours(1);
        assert!(is_abandoned(
            Open,
            2,
            Some("a@b.co"),
            at(2),
            threshold,
            now()
        ));
        assert!(
            !is_abandoned(Open, 0, Some("a@b.co"), at(2), threshold, now()),
            "empty cart"
        );
        assert!(
            !is_abandoned(Open, 2, None, at(2), threshold, now()),
            "no contact"
        );
        assert!(
            !is_abandoned(Open, 2, Some(" "), at(2), threshold, now()),
            "blank contact"
        );
        assert!(
            !is_abandoned(Open, 2, Some("a@b.co"), Some(now()), threshold, now()),
            "recent"
        );
        assert!(!is_abandoned(
            Purchased,
            2,
            Some("a@b.co"),
            at(2),
            threshold,
            now()
        ));
        assert!(!is_abandoned(
            Lost,
            2,
            Some("a@b.co"),
            at(2),
            threshold,
            now()
        ));
    }
}
