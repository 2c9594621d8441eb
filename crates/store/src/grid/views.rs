//! Saved views: a user's named grid states. Each user sees and edits only their own; a view id
//! in a shared link still opens (it holds filters, nothing private), read-only.

use crate::{Error, Result};
use domain::grid::view::SavedView;
use sqlx::PgPool;

/// A user's views of one grid, by name.
pub async fn list(pool: &PgPool, user_id: i64, grid: &str) -> Result<Vec<SavedView>> {
    let views = sqlx::query_as!(
        SavedView,
        r#"select id, name, query from grid_views
           where user_id = $1 and grid = $2 order by lower(name), id"#,
        user_id,
        grid
    )
    .fetch_all(pool)
    .await?;
    Ok(views)
}

/// Saves a view; a view of the same grid with the same name (any case) is replaced.
pub async fn save(pool: &PgPool, user_id: i64, grid: &str, name: &str, query: &str) -> Result<i64> {
    let id = sqlx::query_scalar!(
        r#"insert into grid_views (user_id, grid, name, query) values ($1, $2, $3, $4)
           on conflict (user_id, grid, lower(name))
           do update set name = excluded.name, query = excluded.query, updated_at = now()
           returning id"#,
        user_id,
        grid,
        name,
        query
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// Deletes one of the user's views.
pub async fn delete(pool: &PgPool, user_id: i64, id: i64) -> Result<()> {
    let done = sqlx::query!(
        "delete from grid_views where id = $1 and user_id = $2",
        id,
        user_id
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// A view's grid and state, whoever saved it (to open a shared link).
pub async fn find(pool: &PgPool, id: i64) -> Result<Option<(String, String)>> {
    let row = sqlx::query!("select grid, query from grid_views where id = $1", id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| (r.grid, r.query)))
}
