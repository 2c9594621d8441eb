//! Cartwise companion route, write side: `PUT /V1/cartwise/newsletter-subscribers/{id}`
//! `{"subscriber": {"subscriber_status": 1 | 3}}`. Core Magento has no REST route for
//! guest subscribers (magento-api.md §2.5), so the CRM's only way to (un)subscribe a guest
//! is this non-core route; it follows the same transitions as `is_subscribed` (see
//! `store/newsletter.rs`) and answers the row as the search route shows it.

use super::request::{Req, int_field, parse_id};
use crate::error::ApiError;
use crate::faults;
use crate::model::{Entity, SubscriberStatus};
use crate::render::{RecordRef, write_record};

pub fn put_subscriber(req: &Req<'_>, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let body = req.required("subscriber")?;
    let mut store = req.shared.write();
    // An unknown row is a 404 whatever the body asks, as for customers.
    if store.subscribers.get(id).is_none() {
        return Err(ApiError::no_such_entity("subscriberId", id));
    }
    let status = int_field(body, "subscriber_status")?
        .ok_or_else(|| ApiError::required("subscriber_status"))?;
    // Only the two states a client may ask for: 2 and 4 are the store's to give.
    let subscribe = match SubscriberStatus::from_code(status) {
        Some(SubscriberStatus::Subscribed) => true,
        Some(SubscriberStatus::Unsubscribed) => false,
        _ => return Err(ApiError::invalid_value("subscriber_status", status)),
    };
    store.set_subscription(id, subscribe)?;
    let row = store
        .subscribers
        .get(id)
        .ok_or_else(|| ApiError::no_such_entity("subscriberId", id))?;
    let mut w = req.writer();
    let malform = faults::malformation(&req.rt.faults, Entity::Subscriber, id);
    write_record(&mut w, &*store, RecordRef::Subscriber(row), malform);
    Ok(w.into_bytes())
}
