//! Users: the people who sign in to Cartwise.

use crate::error::OnConstraint;
use crate::{Error, Result};
use domain::{CurrentUser, Role, UserSummary};
use sqlx::PgPool;

/// What it takes to create a user. The password is hashed before it gets here.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

/// A user with the hash needed to check a sign-in. Never leaves the server.
pub struct UserCredentials {
    pub user: CurrentUser,
    pub password_hash: String,
    pub is_active: bool,
}

fn parse_role(role: &str) -> Result<Role> {
    role.parse().map_err(|e: String| Error::invalid("role", e))
}

/// Trims and checks an email address; the message is shown to whoever typed it.
pub fn normalise_email(email: &str) -> Result<String> {
    let email = email.trim();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, host)| {
            !local.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(email.to_string())
    } else {
        Err(Error::invalid(
            "email",
            "Enter a valid email address, like ann@example.com.",
        ))
    }
}

pub async fn create(pool: &PgPool, new: NewUser<'_>) -> Result<i64> {
    let email = normalise_email(new.email)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::invalid(
            "name",
            "Enter a name of 1 to 200 characters.",
        ));
    }
    let id = sqlx::query_scalar!(
        r#"insert into users (email, name, role, password_hash)
           values ($1, $2, $3, $4)
           returning id"#,
        email,
        name,
        new.role.as_str(),
        new.password_hash,
    )
    .fetch_one(pool)
    .await
    .on_constraint("users_email_key", "A user with this email already exists.")?;
    Ok(id)
}

pub async fn count(pool: &PgPool) -> Result<i64> {
    let n = sqlx::query_scalar!(r#"select count(*) as "n!" from users"#)
        .fetch_one(pool)
        .await?;
    Ok(n)
}

pub async fn find_credentials(pool: &PgPool, email: &str) -> Result<Option<UserCredentials>> {
    let row = sqlx::query!(
        r#"select id, email, name, role, password_hash, is_active, time_zone,
               must_change_password
           from users where lower(email) = lower($1)"#,
        email.trim(),
    )
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(UserCredentials {
            user: CurrentUser {
                id: r.id,
                email: r.email,
                name: r.name,
                role: parse_role(&r.role)?,
                time_zone: r.time_zone,
                must_change_password: r.must_change_password,
            },
            password_hash: r.password_hash,
            is_active: r.is_active,
        })
    })
    .transpose()
}

pub async fn password_hash(pool: &PgPool, user_id: i64) -> Result<String> {
    sqlx::query_scalar!("select password_hash from users where id = $1", user_id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn list(pool: &PgPool) -> Result<Vec<UserSummary>> {
    let rows = sqlx::query!(
        r#"select id, email, name, role, is_active, created_at
           from users order by lower(name), id"#
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(UserSummary {
                id: r.id,
                email: r.email,
                name: r.name,
                role: parse_role(&r.role)?,
                is_active: r.is_active,
                created_at: r.created_at,
            })
        })
        .collect()
}

/// Changes a user's role. Refuses to demote the last active administrator, which would lock
/// everyone out of user and channel administration.
pub async fn set_role(pool: &PgPool, user_id: i64, role: Role) -> Result<()> {
    let mut tx = pool.begin().await?;
    lock_administrators(&mut tx).await?;
    if role != Role::Administrator && is_last_active_admin(&mut tx, user_id).await? {
        return Err(Error::Conflict(
            "This is the last active administrator: make someone else an administrator first."
                .into(),
        ));
    }
    let done = sqlx::query!(
        "update users set role = $2, updated_at = now() where id = $1",
        user_id,
        role.as_str()
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Activates or deactivates a user. Deactivation ends their sessions at once.
pub async fn set_active(pool: &PgPool, user_id: i64, active: bool) -> Result<()> {
    let mut tx = pool.begin().await?;
    lock_administrators(&mut tx).await?;
    if !active && is_last_active_admin(&mut tx, user_id).await? {
        return Err(Error::Conflict(
            "This is the last active administrator: it cannot be deactivated.".into(),
        ));
    }
    let done = sqlx::query!(
        "update users set is_active = $2, updated_at = now() where id = $1",
        user_id,
        active
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    if !active {
        sqlx::query!("delete from sessions where user_id = $1", user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password hash and ends the user's other sessions (keeps `keep_session`).
/// Requires the user to change their password before doing anything else (a generated first
/// administrator's password, which was printed).
pub async fn require_password_change(pool: &PgPool, user_id: i64) -> Result<()> {
    sqlx::query!(
        "update users set must_change_password = true, updated_at = now() where id = $1",
        user_id
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn set_password(
    pool: &PgPool,
    user_id: i64,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query!(
        "update users set password_hash = $2, must_change_password = false, updated_at = now()
         where id = $1",
        user_id,
        password_hash
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    sqlx::query!(
        "delete from sessions where user_id = $1 and token_hash is distinct from $2",
        user_id,
        keep_session
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Serialises concurrent role changes so two demotions cannot both pass the last-admin check.
async fn lock_administrators(tx: &mut sqlx::PgConnection) -> Result<()> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('cartwise.users.administrators'))")
        .execute(tx)
        .await?;
    Ok(())
}

async fn is_last_active_admin(tx: &mut sqlx::PgConnection, user_id: i64) -> Result<bool> {
    let row = sqlx::query!(
        r#"select
             exists(select 1 from users where id = $1 and role = 'administrator' and is_active) as "is_admin!",
             (select count(*) from users where role = 'administrator' and is_active) as "admins!""#,
        user_id
    )
    .fetch_one(tx)
    .await?;
    Ok(row.is_admin && row.admins <= 1)
}

/// Sets (or clears, to follow the browser) the user's time zone. The name is checked by the
/// caller against the IANA database.
pub async fn set_time_zone(pool: &PgPool, user_id: i64, time_zone: Option<&str>) -> Result<()> {
    sqlx::query!(
        "update users set time_zone = $2, updated_at = now() where id = $1",
        user_id,
        time_zone
    )
    .execute(pool)
    .await?;
    Ok(())
}
