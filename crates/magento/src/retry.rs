//! Retry policy: bounded attempts, exponential backoff with full jitter, `Retry-After`.

use std::time::Duration;

use rand::Rng;

use crate::Error;

/// How failed requests are retried. Only [`Error::is_retryable`] failures are retried,
/// and writes that are not idempotent (adding a cart item, placing an order) only when
/// [`Error::request_not_processed`] says the store never acted on them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first one (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before retry n is a random delay in `[0, min(max_delay, base_delay * 2^(n-1))]`
    /// ("full jitter", so many clients hitting one store spread out).
    pub base_delay: Duration,
    /// Upper bound of the exponential backoff.
    pub max_delay: Duration,
    /// Upper bound applied to a store's `Retry-After`, so a bogus header cannot park a sync.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries (the connection check uses it to answer quickly).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before retry number `retry` (1 for the first retry) after `error`: the
    /// store's `Retry-After` (capped) when given, else full-jitter exponential backoff.
    pub fn delay(&self, retry: u32, error: &Error) -> Duration {
        if let Some(after) = error.retry_after() {
            return after.min(self.max_retry_after);
        }
        let exp = 2u32.saturating_pow(retry.saturating_sub(1).min(31));
        let ceiling = self.base_delay.saturating_mul(exp).min(self.max_delay);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::thread_rng().gen_range(0..=ceiling_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnectionKind, TimeoutPhase};

    #[test]
    fn backoff_grows_exponentially_within_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(5),
        };
        let err = Error::Timeout {
            phase: TimeoutPhase::Response,
            after: Duration::from_secs(1),
        };
        for _ in 0..200 {
            assert!(policy.delay(1, &err) <= Duration::from_millis(100));
            assert!(policy.delay(3, &err) <= Duration::from_millis(400));
            assert!(policy.delay(30, &err) <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retry_after_is_honoured_but_capped() {
        let policy = RetryPolicy {
            max_retry_after: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        let limited = |secs| Error::RateLimited {
            retry_after: Some(Duration::from_secs(secs)),
            message: String::new(),
        };
        assert_eq!(policy.delay(1, &limited(2)), Duration::from_secs(2));
        assert_eq!(policy.delay(1, &limited(600)), Duration::from_secs(5));
        let refused = Error::Connection {
            kind: ConnectionKind::Refused,
            host: "h".into(),
            detail: String::new(),
        };
        assert!(refused.is_retryable() && refused.request_not_processed());
    }
}
