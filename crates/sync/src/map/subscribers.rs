use super::{Digest, MapError, id, text};
use magento::types::NewsletterSubscriber;
use store::sync_write::SubscriberRecord;

pub fn subscriber(s: &NewsletterSubscriber, digest: &Digest) -> Result<SubscriberRecord, MapError> {
    let magento_id = s
        .subscriber_id
        .filter(|id| *id > 0)
        .ok_or_else(|| MapError::missing("subscriber_id"))?;
    let email = text(&s.subscriber_email).ok_or_else(|| MapError::missing("subscriber_email"))?;
    let status = match s.subscriber_status {
        Some(v @ 1..=4) => v as i16,
        Some(other) => {
            return Err(MapError::invalid(
                "subscriber_status",
                format!("unknown status {other} (expected 1 to 4)"),
            ));
        }
        None => return Err(MapError::missing("subscriber_status")),
    };
    Ok(SubscriberRecord {
        magento_id: Some(magento_id),
        email,
        customer_magento_id: id(s.customer_id),
        store_id: s.store_id,
        status,
        status_changed_at: s.change_status_at,
        payload_hash: digest.to_vec(),
    })
}
