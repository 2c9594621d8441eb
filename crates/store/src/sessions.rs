//! Sign-in sessions. The cookie holds a random token; the table holds its SHA-256.

use crate::Result;
use chrono::{DateTime, Duration, Utc};
use domain::CurrentUser;
use sqlx::PgPool;

/// A session ends this long after sign-in, whatever the activity.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(7);
/// A session also ends after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::hours(12);

pub async fn create(pool: &PgPool, token_hash: &str, user_id: i64) -> Result<DateTime<Utc>> {
    let expires_at = Utc::now() + ABSOLUTE_LIFETIME;
    sqlx::query!(
        "insert into sessions (token_hash, user_id, expires_at) values ($1, $2, $3)",
        token_hash,
        user_id,
        expires_at
    )
    .execute(pool)
    .await?;
    Ok(expires_at)
}

/// The user behind a live session, if any: not expired, not idle too long, user still active.
/// Refreshes `last_seen_at` at most once a minute so reads stay cheap.
pub async fn find_user(pool: &PgPool, token_hash: &str) -> Result<Option<CurrentUser>> {
    lookup(pool, token_hash, true).await
}

/// [`find_user`] without counting as activity: for a long-lived stream re-checking that its
/// session still holds, which must not keep an idle session alive by itself.
pub async fn peek_user(pool: &PgPool, token_hash: &str) -> Result<Option<CurrentUser>> {
    lookup(pool, token_hash, false).await
}

async fn lookup(pool: &PgPool, token_hash: &str, touch: bool) -> Result<Option<CurrentUser>> {
    let idle_cutoff = Utc::now() - IDLE_TIMEOUT;
    let row = sqlx::query!(
        r#"select u.id, u.email, u.name, u.role, u.time_zone, u.must_change_password,
               s.last_seen_at
           from sessions s join users u on u.id = s.user_id
           where s.token_hash = $1 and s.expires_at > now() and s.last_seen_at > $2
             and u.is_active"#,
        token_hash,
        idle_cutoff
    )
    .fetch_optional(pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    if touch && r.last_seen_at < Utc::now() - Duration::minutes(1) {
        sqlx::query!(
            "update sessions set last_seen_at = now(), updated_at = now() where token_hash = $1",
            token_hash
        )
        .execute(pool)
        .await?;
    }
    let Ok(role) = r.role.parse() else {
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        id: r.id,
        email: r.email,
        name: r.name,
        role,
        time_zone: r.time_zone,
        must_change_password: r.must_change_password,
    }))
}

pub async fn delete(pool: &PgPool, token_hash: &str) -> Result<()> {
    sqlx::query!("delete from sessions where token_hash = $1", token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Removes expired and idle sessions; run periodically.
pub async fn purge_expired(pool: &PgPool) -> Result<u64> {
    let idle_cutoff = Utc::now() - IDLE_TIMEOUT;
    let done = sqlx::query!(
        "delete from sessions where expires_at <= now() or last_seen_at <= $1",
        idle_cutoff
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
