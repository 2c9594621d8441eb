//! Registered customers, their addresses and newsletter subscribers.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Postal, Text};
use crate::clock::Ts;

#[derive(Clone, Debug, PartialEq)]
pub struct CustomerAddress {
    pub id: u32,
    pub postal: Arc<Postal>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Customer {
    pub id: u32,
    pub website_id: u16,
    pub store_id: u16,
    pub group_id: u16,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub email: Text,
    pub firstname: Text,
    pub lastname: Text,
    pub middlename: Option<Text>,
    pub prefix: Option<Text>,
    pub suffix: Option<Text>,
    pub dob: Option<NaiveDate>,
    /// 1 male, 2 female, 3 not specified.
    pub gender: Option<u8>,
    pub taxvat: Option<Text>,
    /// Non-null = account not confirmed yet.
    pub confirmation: Option<Text>,
    pub default_billing: Option<u32>,
    pub default_shipping: Option<u32>,
    pub addresses: Vec<CustomerAddress>,
    pub disable_auto_group_change: bool,
}

impl Customer {
    pub fn address(&self, id: u32) -> Option<&CustomerAddress> {
        self.addresses.iter().find(|a| a.id == id)
    }

    pub fn default_billing_address(&self) -> Option<&CustomerAddress> {
        self.default_billing.and_then(|id| self.address(id))
    }

    pub fn default_shipping_address(&self) -> Option<&CustomerAddress> {
        self.default_shipping.and_then(|id| self.address(id))
    }
}

/// `newsletter_subscriber.subscriber_status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriberStatus {
    Subscribed = 1,
    NotActivated = 2,
    Unsubscribed = 3,
    Unconfirmed = 4,
}

impl SubscriberStatus {
    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<SubscriberStatus> {
        Some(match code {
            1 => SubscriberStatus::Subscribed,
            2 => SubscriberStatus::NotActivated,
            3 => SubscriberStatus::Unsubscribed,
            4 => SubscriberStatus::Unconfirmed,
            _ => return None,
        })
    }
}

/// A `newsletter_subscriber` row; `customer_id` 0 is a guest.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscriber {
    pub id: u32,
    pub store_id: u16,
    pub customer_id: u32,
    pub email: Text,
    pub status: SubscriberStatus,
    /// Historically not always set (Magento issue 4004).
    pub change_status_at: Option<Ts>,
    pub confirm_code: Option<Text>,
}
