//! Subcommands other than `serve`.

pub mod bench;
pub mod cart;
pub mod channel;
pub mod customer;
pub mod db;
pub mod demo_store;
pub mod export;
pub mod key;
pub mod sync;
pub mod user;

use crate::cli::GlobalArgs;
use crate::database::Database;
use anyhow::Result;
use store::secrets::Cipher;

/// The database and the cipher for stored secrets, as every data command needs them. Refuses a
/// key that is not the one the stored credentials are encrypted with (`secret_key`).
pub async fn open(global: &GlobalArgs) -> Result<(Database, Cipher)> {
    let db = Database::open(global).await?;
    match crate::secret_key::open_cipher(global, &db.pool).await {
        Ok(cipher) => Ok((db, cipher)),
        Err(e) => {
            // Stops the embedded cluster, if this process started it.
            if let Err(close) = db.close().await {
                tracing::error!(error = %close, "stopping the database");
            }
            Err(e)
        }
    }
}

/// Finds a channel by name, with a clear error listing the ones that exist.
pub async fn channel_by_name(pool: &store::PgPool, name: &str) -> Result<domain::ChannelSummary> {
    if let Some(c) = store::channels::find_by_name(pool, name).await? {
        return Ok(c);
    }
    let names: Vec<String> = store::channels::list(pool)
        .await?
        .into_iter()
        .map(|c| c.settings.name)
        .collect();
    if names.is_empty() {
        anyhow::bail!(
            "no channel named {name:?}: there are no channels yet (cartwise channel add ...)"
        );
    }
    anyhow::bail!("no channel named {name:?}; channels: {}", names.join(", "))
}
