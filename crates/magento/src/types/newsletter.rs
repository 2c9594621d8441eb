//! Newsletter subscribers served by the Cartwise companion route (contract §11).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Extra, de};

/// A row of `newsletter_subscriber` from `GET /V1/cartwise/newsletter-subscribers/search`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewsletterSubscriber {
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub subscriber_id: Option<i64>,
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub store_id: Option<i64>,
    /// 0 for a guest subscriber.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<i64>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub subscriber_email: Option<String>,
    /// 1 Subscribed, 2 Not Activated, 3 Unsubscribed, 4 Unconfirmed.
    #[serde(default, with = "de::int", skip_serializing_if = "Option::is_none")]
    pub subscriber_status: Option<i64>,
    /// Often null: not usable as a sync cursor.
    #[serde(default, with = "de::time", skip_serializing_if = "Option::is_none")]
    pub change_status_at: Option<DateTime<Utc>>,
    #[serde(default, with = "de::text", skip_serializing_if = "Option::is_none")]
    pub subscriber_confirm_code: Option<String>,
    /// Every field this type does not name, kept verbatim so nothing is lost.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `subscriber_status` of a [`NewsletterSubscriber`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubscriberStatus {
    /// 1: subscribed.
    Subscribed,
    /// 2: not activated.
    NotActivated,
    /// 3: unsubscribed.
    Unsubscribed,
    /// 4: unconfirmed (waiting for the double opt-in).
    Unconfirmed,
}

impl SubscriberStatus {
    /// Maps Magento's numeric status; `None` for codes outside 1-4.
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Subscribed),
            2 => Some(Self::NotActivated),
            3 => Some(Self::Unsubscribed),
            4 => Some(Self::Unconfirmed),
            _ => None,
        }
    }

    /// Magento's numeric code.
    pub fn code(self) -> i64 {
        match self {
            Self::Subscribed => 1,
            Self::NotActivated => 2,
            Self::Unsubscribed => 3,
            Self::Unconfirmed => 4,
        }
    }
}

impl NewsletterSubscriber {
    /// The typed status, if the code is one Magento defines.
    pub fn status(&self) -> Option<SubscriberStatus> {
        self.subscriber_status.and_then(SubscriberStatus::from_code)
    }

    /// True for guest subscribers (`customer_id` 0 or absent).
    pub fn is_guest(&self) -> bool {
        self.customer_id.unwrap_or(0) == 0
    }
}
