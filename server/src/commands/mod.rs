//! Subcommands other than `serve`.

pub mod bench;
pub mod cart;
pub mod channel;
pub mod db;
pub mod demo_store;
pub mod export;
pub mod sync;
pub mod user;

use crate::cli::GlobalArgs;
use crate::database::Database;
use anyhow::Result;
use store::secrets::Cipher;

/// The database and the cipher for stored secrets, as every data command needs them.
pub async fn open(global: &GlobalArgs) -> Result<(Database, Cipher)> {
    let db = Database::open(global).await?;
    let key = crate::secret_key::load_or_create(global.secret_key(), &global.data_dir)?;
    Ok((db, Cipher::new(&key)))
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
