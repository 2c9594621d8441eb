//! What the tests that run the `cartwise` binary share.

use sqlx::postgres::PgConnectOptions;
use store::PgPool;

/// The URL of this test's own database (sqlx::test made it), for a child process.
pub fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let options: std::sync::Arc<PgConnectOptions> = pool.connect_options();
    let db = options.get_database().expect("database name").to_string();
    let (before, after) = base
        .split_once('?')
        .map(|(a, b)| (a, Some(b)))
        .unwrap_or((&base, None));
    let root = before.rsplit_once('/').map(|(r, _)| r).unwrap_or(before);
    match after {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}
