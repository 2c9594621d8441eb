//! What the reports show (Reports menu): each is a table the chart is drawn from, exported as
//! CSV as it stands.

use super::range::{DateRange, Granularity};
use super::summary::Money;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Carts created per bucket, channel and website, counted by status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartStatusRow {
    #[serde(with = "crate::wire::time")]
    pub start: NaiveDate,
    pub channel: String,
    pub website: String,
    /// In `CartStatus::ALL` order.
    pub counts: [i64; 5],
}

/// Report: carts by status over time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartsByStatusReport {
    pub range: DateRange,
    pub granularity: Granularity,
    pub rows: Vec<CartStatusRow>,
}

/// Abandoned and purchased carts created in one week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbandonedWeek {
    #[serde(with = "crate::wire::time")]
    pub start: NaiveDate,
    pub abandoned: i64,
    pub purchased: i64,
    pub value: Vec<Money>,
}

impl AbandonedWeek {
    /// Abandoned ÷ (abandoned + purchased).
    pub fn rate(&self) -> Option<f64> {
        super::ratio(self.abandoned, self.abandoned + self.purchased)
    }
}

/// One abandoned cart of the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbandonedCartRow {
    pub id: i64,
    pub magento_id: i64,
    pub channel: String,
    pub email: String,
    pub name: String,
    pub items_count: i32,
    pub grand_total: Money,
    #[serde(with = "crate::wire::time_option")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::wire::time_option")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// Report: abandoned carts, their value and the abandon rate by week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbandonedReport {
    pub range: DateRange,
    /// The instant "abandoned" was evaluated at.
    #[serde(with = "crate::wire::time")]
    pub as_of: DateTime<Utc>,
    pub weeks: Vec<AbandonedWeek>,
    /// The most valuable abandoned carts first (at most `LIST_LIMIT`).
    pub carts: Vec<AbandonedCartRow>,
    /// Every abandoned cart of the range (the list may show fewer).
    pub total: i64,
}

impl AbandonedReport {
    /// The list's length limit; the grid link lists them all.
    pub const LIST_LIMIT: i64 = 500;
}

/// Sales of one bucket in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesRow {
    #[serde(with = "crate::wire::time")]
    pub start: NaiveDate,
    pub currency: String,
    /// Non-canceled orders.
    pub orders: i64,
    #[serde(with = "crate::wire::decimal")]
    pub revenue: Decimal,
    /// Σ grand total of refunded credit memos created in the bucket.
    #[serde(with = "crate::wire::decimal")]
    pub refunds: Decimal,
    pub refund_count: i64,
}

impl SalesRow {
    pub fn aov(&self) -> Option<Decimal> {
        (self.orders > 0).then(|| self.revenue / Decimal::from(self.orders))
    }
}

/// Report: sales by period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesReport {
    pub range: DateRange,
    pub granularity: Granularity,
    /// Every bucket of the range for every currency sold in it (zero rows included).
    pub rows: Vec<SalesRow>,
}

/// A customer with lifetime value and RFM scores (1 = lowest fifth of the channel, 5 = highest).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmRow {
    pub customer_id: i64,
    pub channel: String,
    pub name: String,
    pub email: String,
    pub is_guest: bool,
    /// Σ (subtotal − |discount|) of every non-canceled order (in the customer's currency).
    pub lifetime: Money,
    #[serde(with = "crate::wire::time")]
    pub last_order_at: DateTime<Utc>,
    /// Whole days since the last non-canceled order.
    pub recency_days: i64,
    /// Non-canceled orders in the last 365 days.
    pub frequency: i64,
    pub r: i16,
    pub f: i16,
    pub m: i16,
}

impl RfmRow {
    /// `545`-style segment code.
    pub fn code(&self) -> String {
        format!("{}{}{}", self.r, self.f, self.m)
    }
}

/// Report: customers by lifetime value, with RFM scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmReport {
    /// The instant recency and frequency are measured from.
    #[serde(with = "crate::wire::time")]
    pub as_of: DateTime<Utc>,
    pub rows: Vec<RfmRow>,
    /// Customers with at least one non-canceled order (the list may show fewer).
    pub total: i64,
}

impl RfmReport {
    pub const LIST_LIMIT: i64 = 1000;
}
