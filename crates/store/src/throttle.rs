//! Slows down password guessing: after a few failures for one email, each further attempt must
//! wait, doubling up to a cap. Kept in Postgres so several cartwise processes share the count.

use crate::Result;
use chrono::{Duration, Utc};
use sqlx::PgPool;

/// Failures counted within this window.
pub const WINDOW: Duration = Duration::minutes(15);
/// Attempts allowed before any delay.
pub const FREE_ATTEMPTS: i64 = 3;
/// The longest wait imposed.
pub const MAX_DELAY_SECS: i64 = 300;

/// The wait after `failures` failures in the window: 0 for the first few, then 2, 4, 8 … s.
pub fn delay_after(failures: i64) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::zero();
    }
    let exponent = (failures - FREE_ATTEMPTS).min(16) as u32;
    Duration::seconds((2_i64.pow(exponent + 1)).min(MAX_DELAY_SECS))
}

/// Starts a sign-in attempt for `email`, atomically: returns how long the caller must still
/// wait (nothing is recorded then), or zero after recording the attempt as a failure *before*
/// the password is checked. Parallel guesses take turns on a per-email lock, so a burst of
/// them cannot all pass the count before any is recorded; a successful sign-in clears them
/// ([`clear`]). Unknown emails are counted the same way (an attacker cannot tell them apart).
pub async fn begin_attempt(pool: &PgPool, email: &str) -> Result<Duration> {
    let email = email.trim().to_lowercase();
    let mut tx = pool.begin().await?;
    // (`void` result: the unchecked form.)
    sqlx::query("select pg_advisory_xact_lock(hashtext('cartwise.sign_in'), hashtext($1))")
        .bind(&email)
        .execute(&mut *tx)
        .await?;
    let since = Utc::now() - WINDOW;
    let row = sqlx::query!(
        r#"select count(*) as "failures!", max(created_at) as last
           from sign_in_failures where lower(email) = $1 and created_at > $2"#,
        email,
        since
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(last) = row.last {
        let wait = (last + delay_after(row.failures) - Utc::now()).max(Duration::zero());
        if wait > Duration::zero() {
            tx.commit().await?;
            return Ok(wait);
        }
    }
    sqlx::query!("insert into sign_in_failures (email) values ($1)", email)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Duration::zero())
}

/// Forgets failures older than the window counts (housekeeping).
pub async fn purge_old(pool: &PgPool) -> Result<u64> {
    let done = sqlx::query!(
        "delete from sign_in_failures where created_at < $1",
        Utc::now() - WINDOW * 4
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// How long the caller must still wait before trying `email` again (zero when free to try).
pub async fn wait_before_attempt(pool: &PgPool, email: &str) -> Result<Duration> {
    let since = Utc::now() - WINDOW;
    let row = sqlx::query!(
        r#"select count(*) as "failures!", max(created_at) as last
           from sign_in_failures where lower(email) = lower($1) and created_at > $2"#,
        email.trim(),
        since
    )
    .fetch_one(pool)
    .await?;
    let Some(last) = row.last else {
        return Ok(Duration::zero());
    };
    let free_at = last + delay_after(row.failures);
    Ok((free_at - Utc::now()).max(Duration::zero()))
}

pub async fn record_failure(pool: &PgPool, email: &str) -> Result<()> {
    sqlx::query!(
        "insert into sign_in_failures (email) values ($1)",
        email.trim()
    )
    .execute(pool)
    .await?;
    // Housekeeping: old failures no longer count.
    sqlx::query!(
        "delete from sign_in_failures where created_at < $1",
        Utc::now() - WINDOW * 4
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn clear(pool: &PgPool, email: &str) -> Result<()> {
    sqlx::query!(
        "delete from sign_in_failures where lower(email) = lower($1)",
        email.trim()
    )
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_attempts_are_free_then_the_wait_doubles_up_to_a_cap() {
        assert_eq!(delay_after(0), Duration::zero());
        assert_eq!(delay_after(2), Duration::zero());
        assert_eq!(delay_after(3), Duration::seconds(2));
        assert_eq!(delay_after(4), Duration::seconds(4));
        assert_eq!(delay_after(5), Duration::seconds(8));
        assert_eq!(delay_after(100), Duration::seconds(MAX_DELAY_SECS));
    }
}
