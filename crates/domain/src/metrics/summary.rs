//! What the dashboard shows: each widget's numbers for the chosen period and the previous one.
//!
//! Money is never added across currencies: amounts carry their currency and the dashboard shows
//! one currency at a time (a multi-website store may sell in USD, EUR and JPY).

use super::range::{DateRange, Granularity};
use crate::CartStatus;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An exact amount in one currency (ISO code; empty when the store sent none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub currency: String,
    #[serde(with = "crate::wire::decimal")]
    pub amount: Decimal,
}

/// A widget's value for the chosen period and for the previous period of equal length.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Period<T> {
    pub current: T,
    pub previous: T,
}

/// Orders and revenue of one currency. Canceled orders are excluded from both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrencySales {
    pub currency: String,
    pub orders: i64,
    /// Σ (subtotal − |discount|).
    #[serde(with = "crate::wire::decimal")]
    pub revenue: Decimal,
}

impl CurrencySales {
    /// Average order value: revenue ÷ orders, `None` without orders.
    pub fn aov(&self) -> Option<Decimal> {
        (self.orders > 0).then(|| self.revenue / Decimal::from(self.orders))
    }
}

/// Orders created in a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesSummary {
    /// Orders placed, canceled ones excluded (state or status `canceled`).
    pub orders: i64,
    /// Canceled orders, shown beside the count so nothing is hidden.
    pub canceled: i64,
    /// Non-canceled orders with a discount ≠ 0.
    pub discounted: i64,
    /// Revenue and orders per currency, most orders first.
    pub by_currency: Vec<CurrencySales>,
}

impl SalesSummary {
    /// The figures of one currency (zero when it sold nothing).
    pub fn currency(&self, code: &str) -> CurrencySales {
        self.by_currency
            .iter()
            .find(|c| c.currency == code)
            .cloned()
            .unwrap_or_else(|| CurrencySales {
                currency: code.to_string(),
                ..CurrencySales::default()
            })
    }

    /// Discounted orders ÷ orders.
    pub fn discounted_share(&self) -> Option<f64> {
        super::ratio(self.discounted, self.orders)
    }
}

/// One bucket of the revenue and orders chart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// The bucket's calendar start, in the user's time zone.
    #[serde(with = "crate::wire::time")]
    pub start: NaiveDate,
    /// Non-canceled orders, every currency.
    pub orders: i64,
    /// Revenue per currency.
    pub revenue: Vec<Money>,
}

impl SeriesPoint {
    pub fn revenue_in(&self, currency: &str) -> Decimal {
        self.revenue
            .iter()
            .filter(|m| m.currency == currency)
            .map(|m| m.amount)
            .sum()
    }
}

/// Carts created in a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartSummary {
    /// Every status, in `CartStatus::ALL` order (zero included).
    pub by_status: Vec<(CartStatus, i64)>,
    /// The funnel: created ⊇ with items ⊇ checkout reached ⊇ purchased. A purchased cart went
    /// through every stage, and a cart at checkout had items, even if the store no longer
    /// reports them; the stages are counted that way so the funnel never widens.
    pub created: i64,
    pub with_items: i64,
    pub checkout: i64,
    pub purchased: i64,
    /// Open, with items and a contact email, past the channel's abandonment threshold.
    pub abandoned: i64,
    /// Σ grand total of the abandoned carts, per currency.
    pub abandoned_value: Vec<Money>,
}

impl CartSummary {
    /// Abandoned ÷ (abandoned + purchased): a count over a count (product.md §3).
    pub fn abandon_rate(&self) -> Option<f64> {
        super::ratio(self.abandoned, self.abandoned + self.purchased)
    }

    pub fn status(&self, status: CartStatus) -> i64 {
        self.by_status
            .iter()
            .find(|(s, _)| *s == status)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    pub fn abandoned_value_in(&self, currency: &str) -> Decimal {
        sum_in(&self.abandoned_value, currency)
    }
}

/// Customers who placed a (non-canceled) order in a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    /// Created in the period (guests: first seen in it).
    pub new: i64,
    /// Created before the period.
    pub returning: i64,
}

/// Credit memos in the refunded state created in a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundSummary {
    pub count: i64,
    /// Σ grand total, per currency.
    pub totals: Vec<Money>,
}

impl RefundSummary {
    pub fn total_in(&self, currency: &str) -> Decimal {
        sum_in(&self.totals, currency)
    }
}

fn sum_in(amounts: &[Money], currency: &str) -> Decimal {
    amounts
        .iter()
        .filter(|m| m.currency == currency)
        .map(|m| m.amount)
        .sum()
}

/// A customer of the top-customers list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopCustomer {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_guest: bool,
    pub orders: i32,
    /// Σ (subtotal − |discount|) of every non-canceled order.
    pub lifetime_sales: Money,
    #[serde(with = "crate::wire::time_option")]
    pub last_order_at: Option<DateTime<Utc>>,
}

/// A channel the filter offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelOption {
    pub id: i64,
    pub name: String,
}

/// Everything the dashboard draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub range: DateRange,
    pub previous: DateRange,
    pub granularity: Granularity,
    /// The channel filter (`None`: all channels).
    pub channel: Option<i64>,
    /// Currencies sold in either period, most orders first; money widgets show `currency`.
    pub currencies: Vec<String>,
    pub currency: String,
    pub sales: Period<SalesSummary>,
    /// Buckets of both periods, aligned by position for the comparison line.
    pub series: Period<Vec<SeriesPoint>>,
    pub carts: Period<CartSummary>,
    pub customers: Period<CustomerSummary>,
    pub refunds: Period<RefundSummary>,
    /// By lifetime sales in `currency`, highest first.
    pub top_customers: Vec<TopCustomer>,
}

impl Dashboard {
    /// Whether anything at all happened in either period (else the page says so).
    pub fn is_empty(&self) -> bool {
        let quiet = |s: &SalesSummary, c: &CartSummary, r: &RefundSummary| {
            s.orders + s.canceled == 0 && c.created == 0 && r.count == 0
        };
        quiet(
            &self.sales.current,
            &self.carts.current,
            &self.refunds.current,
        ) && quiet(
            &self.sales.previous,
            &self.carts.previous,
            &self.refunds.previous,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_and_rates_are_undefined_without_a_denominator() {
        let none = CurrencySales::default();
        assert_eq!(none.aov(), None);
        let some = CurrencySales {
            currency: "USD".into(),
            orders: 3,
            revenue: Decimal::new(10000, 2),
        };
        assert_eq!(
            some.aov().map(|a| a.round_dp(4)),
            Some(Decimal::new(333333, 4))
        );
        assert_eq!(CartSummary::default().abandon_rate(), None);
        let carts = CartSummary {
            abandoned: 1,
            purchased: 3,
            ..CartSummary::default()
        };
        assert_eq!(carts.abandon_rate(), Some(0.25));
        assert_eq!(SalesSummary::default().discounted_share(), None);
    }
}
