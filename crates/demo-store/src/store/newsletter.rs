//! Newsletter subscriptions with Magento 2.4's status transitions
//! (`Newsletter/Model/SubscriptionManager::getNewSubscriptionStatus`, NWS in store-actions.md).
//!
//! Subscribing never demotes an active subscription, and unsubscribing ends only an active
//! one: a pending double opt-in (2) or an account awaiting confirmation (4) is not
//! "subscribed", so `false` leaves it alone. A CRM that replays a stale `is_subscribed:
//! false` therefore cannot turn a pending row into Unsubscribed. The rows live in their own
//! table: nothing here touches the customer row or its `updated_at`.

use super::{Store, next_id};
use crate::error::ApiError;
use crate::model::{Subscriber, SubscriberStatus, Text, text};

/// The status a row moves to; `None` = there is no row and none is created (unsubscribing
/// someone who never subscribed). `confirm` is `newsletter/subscription/confirm`;
/// `account_unconfirmed` means the customer's own account still awaits e-mail confirmation,
/// which Magento checks first.
pub(crate) fn next_status(
    current: Option<SubscriberStatus>,
    subscribe: bool,
    confirm: bool,
    account_unconfirmed: bool,
) -> Option<SubscriberStatus> {
    use SubscriberStatus::*;
    match (current, subscribe) {
        (Some(Subscribed), true) => Some(Subscribed),
        (_, true) if account_unconfirmed => Some(Unconfirmed),
        (_, true) if confirm => Some(NotActivated),
        (_, true) => Some(Subscribed),
        (Some(Subscribed), false) => Some(Unsubscribed),
        (other, false) => other,
    }
}

impl Store {
    /// `extension_attributes.is_subscribed` on a customer save (2.4 `CustomerPlugin::afterSave`):
    /// `true` subscribes (1, 2 with confirmation, 4 for an unconfirmed account) and creates
    /// the row if needed; `false` moves only 1 to 3.
    pub fn set_subscribed(&mut self, customer_id: u32, subscribed: bool) -> Result<(), ApiError> {
        let customer = self
            .customers
            .get(customer_id)
            .ok_or_else(|| ApiError::no_such_entity("customerId", customer_id))?;
        let (store_id, email) = (customer.store_id, customer.email.clone());
        let unconfirmed = customer.confirmation.is_some();
        let row = self
            .subscriber_of_customer(customer_id)
            .map(|s| (s.id, s.status));
        let confirm = self.customer_config.newsletter_confirm;
        let Some(status) = next_status(row.map(|r| r.1), subscribed, confirm, unconfirmed) else {
            return Ok(());
        };
        match row {
            Some((id, _)) => self.set_subscriber_status(id, status),
            None => {
                self.insert_subscriber(store_id, customer_id, email, status);
                Ok(())
            }
        }
    }

    /// The companion route's write on an existing row (guests included): subscribe as
    /// `set_subscribed` does, or end an active subscription (1 to 3, anything else stays).
    pub fn set_subscription(
        &mut self,
        subscriber_id: u32,
        subscribe: bool,
    ) -> Result<(), ApiError> {
        let row = self
            .subscribers
            .get(subscriber_id)
            .ok_or_else(|| ApiError::no_such_entity("subscriberId", subscriber_id))?;
        let unconfirmed = row.customer_id != 0
            && self
                .customers
                .get(row.customer_id)
                .is_some_and(|c| c.confirmation.is_some());
        let confirm = self.customer_config.newsletter_confirm;
        let status =
            next_status(Some(row.status), subscribe, confirm, unconfirmed).unwrap_or(row.status);
        self.set_subscriber_status(subscriber_id, status)
    }

    /// Sets a status as is (tests, generated history); `change_status_at` moves only when
    /// the status does.
    pub fn set_subscriber_status(
        &mut self,
        subscriber_id: u32,
        status: SubscriberStatus,
    ) -> Result<(), ApiError> {
        let now = self.now();
        self.subscribers
            .update(subscriber_id, |s| {
                if s.status != status {
                    s.status = status;
                    s.change_status_at = Some(now);
                }
            })
            .ok_or_else(|| ApiError::no_such_entity("subscriberId", subscriber_id))
    }

    /// A guest (`customer_id` 0) newsletter signup.
    pub fn add_guest_subscriber(
        &mut self,
        email: &str,
        store_id: u16,
        status: SubscriberStatus,
    ) -> u32 {
        self.insert_subscriber(store_id, 0, text(email), status)
    }

    fn insert_subscriber(
        &mut self,
        store_id: u16,
        customer_id: u32,
        email: Text,
        status: SubscriberStatus,
    ) -> u32 {
        let id = next_id(&mut self.ids.subscriber);
        let now = self.now();
        self.subscribers.insert(Subscriber {
            id,
            store_id,
            customer_id,
            email,
            status,
            change_status_at: Some(now),
            confirm_code: None,
        });
        if customer_id != 0 {
            self.subscriber_by_customer.insert(customer_id, id);
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SubscriberStatus::*;

    const ALL: [Option<SubscriberStatus>; 5] = [
        None,
        Some(Subscribed),
        Some(NotActivated),
        Some(Unsubscribed),
        Some(Unconfirmed),
    ];

    #[test]
    fn subscribing_gives_1_or_2_with_confirmation_or_4_for_an_unconfirmed_account() {
        for current in [
            None,
            Some(NotActivated),
            Some(Unsubscribed),
            Some(Unconfirmed),
        ] {
            assert_eq!(
                next_status(current, true, false, false),
                Some(Subscribed),
                "{current:?}"
            );
            assert_eq!(
                next_status(current, true, true, false),
                Some(NotActivated),
                "{current:?}"
            );
            assert_eq!(
                next_status(current, true, true, true),
                Some(Unconfirmed),
                "{current:?}"
            );
            assert_eq!(
                next_status(current, true, false, true),
                Some(Unconfirmed),
                "{current:?}"
            );
        }
    }

    #[test]
    fn an_active_subscription_stays_active_whatever_the_config() {
        for (confirm, unconfirmed) in [(false, false), (true, false), (true, true)] {
            assert_eq!(
                next_status(Some(Subscribed), true, confirm, unconfirmed),
                Some(Subscribed)
            );
        }
    }

    #[test]
    fn unsubscribing_ends_only_an_active_subscription() {
        for current in ALL {
            let expected = match current {
                Some(Subscribed) => Some(Unsubscribed),
                other => other,
            };
            for confirm in [false, true] {
                assert_eq!(
                    next_status(current, false, confirm, false),
                    expected,
                    "{current:?}"
                );
            }
        }
    }
}
