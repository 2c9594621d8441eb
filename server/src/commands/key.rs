//! `cartwise key rotate|reset`: the key that encrypts stored credentials (README.md, "Secret
//! key"; `crate::secret_key` for where it lives).

use crate::cli::{GlobalArgs, KeyCommand};
use crate::database::Database;
use crate::secret_key::{self, Source};
use anyhow::{Context, Result, bail};
use store::key_check::{self, Prepared};
use store::secrets::Cipher;

pub async fn run(global: GlobalArgs, cmd: KeyCommand) -> Result<()> {
    let db = Database::open(&global).await?;
    let result = match cmd {
        KeyCommand::Rotate { new_key } => rotate(&global, &db.pool, new_key.as_deref()).await,
        KeyCommand::Reset { yes } => reset(&global, &db.pool, yes).await,
    };
    db.close().await?;
    result
}

/// Re-encrypts every stored credential with a new key in one transaction. A file key: the new
/// key is written beside the old one before the commit and moved over it after (a process that
/// starts after a crash finishes or forgets the move). A configured key: the new one is printed
/// before the commit, for the operator to put in CARTWISE_SECRET_KEY.
async fn rotate(global: &GlobalArgs, pool: &store::PgPool, new_key: Option<&str>) -> Result<()> {
    let current = secret_key::load_checked(global.secret_key(), &global.data_dir, pool).await?;
    let new = match new_key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(encoded) => secret_key::parse(encoded).context("--new-key")?,
        None => secret_key::generate(),
    };
    if new == current.bytes {
        bail!("the new key is the current key: nothing to rotate");
    }
    let (old_cipher, new_cipher) = (Cipher::new(&current.bytes), Cipher::new(&new));
    let pending = match key_check::prepare_rotation(pool, &old_cipher, &new_cipher).await? {
        Prepared::Ready(pending) => pending,
        Prepared::WrongKey => {
            bail!(
                "the current key changed while rotating (another cartwise key command?): run it again"
            )
        }
        Prepared::Undecryptable { channels } => bail!(
            "the stored credentials of {} do not decrypt with the current key, so they cannot be re-encrypted; nothing was changed. Enter them again (System › Channels › the channel › Edit), or discard them with `cartwise key reset --yes`, then rotate.",
            quoted(&channels)
        ),
    };
    match &current.source {
        Source::File(_) => {
            secret_key::write_pending(&global.data_dir, &new)?;
            let channels = pending.commit().await?;
            let path = secret_key::install(&global.data_dir, &new)?;
            println!(
                "Rotated the secret key: {channels} channel(s) re-encrypted; the new key is in {}.",
                path.display()
            );
        }
        Source::Configured => {
            if new_key.is_none() {
                println!(
                    "New key: {}\n(Set CARTWISE_SECRET_KEY to it once this command reports success.)",
                    secret_key::encode(&new)
                );
            }
            let channels = pending.commit().await?;
            println!(
                "Rotated the secret key: {channels} channel(s) re-encrypted. Set CARTWISE_SECRET_KEY to the new key wherever cartwise runs."
            );
        }
    }
    println!("Restart every running cartwise process with the new key.");
    Ok(())
}

/// The key is lost: discards what the current key cannot decrypt (after `--yes`) and records it.
async fn reset(global: &GlobalArgs, pool: &store::PgPool, yes: bool) -> Result<()> {
    let key = secret_key::load_unchecked(global.secret_key(), &global.data_dir, pool).await?;
    let cipher = Cipher::new(&key);
    let lost = key_check::undecryptable(pool, &cipher).await?;
    if !lost.is_empty() && !yes {
        bail!(
            "`cartwise key reset` would discard the stored credentials of {}, which this key cannot decrypt, and make this key the one Cartwise uses. Run it again with --yes to do so.",
            quoted(&lost)
        );
    }
    let discarded = key_check::reset(pool, &cipher).await?;
    if discarded.is_empty() {
        println!("This key decrypts every stored credential; it is now the recorded key.");
    } else {
        println!(
            "Discarded the stored credentials of {}; this key is now the recorded key.\nEnter each channel's credentials again: System › Channels › the channel › Edit. Until then they do not sync.",
            quoted(&discarded)
        );
    }
    Ok(())
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
