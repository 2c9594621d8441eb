//! The key that encrypts stored secrets: given by configuration, or kept in the data directory
//! (readable by its owner only). The database records which key it is (`store::key_check`), so
//! a process with another key, or with none (a fresh working directory against an external
//! `DATABASE_URL`), refuses to start and says how to recover, instead of making a new key that
//! cannot decrypt what is stored.
//!
//! `cartwise key rotate` writes the new key beside the old one (`secret.key.new`) while its
//! transaction is open and moves it over `secret.key` once committed. A process that finds that
//! file finishes the move if the database already names that key (the rotation committed), and
//! deletes it otherwise (it did not).

use crate::cli::GlobalArgs;
use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use std::path::{Path, PathBuf};
use store::PgPool;
use store::key_check::{self, Verdict};
use store::secrets::Cipher;

pub const KEY_LEN: usize = 32;
const FILE_NAME: &str = "secret.key";
const PENDING_NAME: &str = "secret.key.new";

/// Parses a base64 key of exactly 32 bytes.
pub fn parse(encoded: &str) -> Result<[u8; KEY_LEN]> {
    let bytes = STANDARD
        .decode(encoded.trim())
        .context("the secret key is not valid base64")?;
    let Ok(key) = <[u8; KEY_LEN]>::try_from(bytes.as_slice()) else {
        bail!(
            "the secret key must be {KEY_LEN} bytes (base64), got {}",
            bytes.len()
        );
    };
    Ok(key)
}

pub fn encode(key: &[u8; KEY_LEN]) -> String {
    STANDARD.encode(key)
}

/// A new random key.
pub fn generate() -> [u8; KEY_LEN] {
    let mut key = [0u8; KEY_LEN];
    rand::rngs::OsRng.fill_bytes(&mut key);
    key
}

/// Where the key came from: it decides where a rotated key goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `CARTWISE_SECRET_KEY` (or `--secret-key`).
    Configured,
    /// The data directory's key file.
    File(PathBuf),
}

pub struct Key {
    pub bytes: [u8; KEY_LEN],
    pub source: Source,
}

fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

fn pending_path(data_dir: &Path) -> PathBuf {
    data_dir.join(PENDING_NAME)
}

/// The configured key, or the one in the data directory; `None` when there is neither.
fn read(configured: Option<&str>, data_dir: &Path) -> Result<Option<Key>> {
    if let Some(encoded) = configured {
        let bytes = parse(encoded).context("CARTWISE_SECRET_KEY")?;
        return Ok(Some(Key {
            bytes,
            source: Source::Configured,
        }));
    }
    let path = key_path(data_dir);
    if !path.exists() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let bytes = parse(&text).with_context(|| format!("in {}", path.display()))?;
    Ok(Some(Key {
        bytes,
        source: Source::File(path),
    }))
}

/// Generates the data directory's key (an installation's first start).
fn create(data_dir: &Path) -> Result<Key> {
    let bytes = generate();
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let path = key_path(data_dir);
    write_private(&path, &encode(&bytes))?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(Key {
        bytes,
        source: Source::File(path),
    })
}

/// The key, checked against the database: the cipher every command that touches stored
/// credentials uses. Refuses (with what happened and how to recover) a key that is not the
/// one the stored credentials are encrypted with, or a missing key when credentials are stored.
pub async fn open_cipher(global: &GlobalArgs, pool: &PgPool) -> Result<Cipher> {
    let key = load_checked(global.secret_key(), &global.data_dir, pool).await?;
    Ok(Cipher::new(&key.bytes))
}

/// [`open_cipher`], keeping where the key came from (for `cartwise key rotate`).
pub async fn load_checked(configured: Option<&str>, data_dir: &Path, pool: &PgPool) -> Result<Key> {
    if configured.is_none() {
        finish_pending_rotation(data_dir, pool).await?;
    }
    let key = match read(configured, data_dir)? {
        Some(key) => key,
        None => {
            let channels = key_check::channels_with_credentials(pool).await?;
            if !channels.is_empty() {
                bail!(refusal(
                    &format!(
                        "no secret key: CARTWISE_SECRET_KEY is not set and {} does not exist, but the database holds the credentials of {} encrypted with a key.",
                        absolute(&key_path(data_dir)).display(),
                        channel_list(&channels)
                    ),
                    data_dir
                ));
            }
            create(data_dir)?
        }
    };
    match key_check::verify_or_record(pool, &Cipher::new(&key.bytes)).await? {
        Verdict::Matches => {}
        Verdict::Recorded => tracing::info!("secret key recorded in the database"),
        Verdict::Replaced => {
            tracing::info!(
                "secret key recorded in the database (nothing was encrypted with the previous one)"
            )
        }
        Verdict::WrongKey { channels } => {
            let from = match &key.source {
                Source::Configured => "from CARTWISE_SECRET_KEY".to_string(),
                Source::File(path) => format!("in {}", absolute(path).display()),
            };
            bail!(refusal(
                &format!(
                    "the secret key {from} is not the key that encrypted the stored credentials of {}.",
                    channel_list(&channels)
                ),
                data_dir
            ));
        }
    }
    Ok(key)
}

/// The key as configured or kept, created when there is none, without checking it against the
/// database: for `cartwise key reset`, which makes it the key.
pub async fn load_unchecked(
    configured: Option<&str>,
    data_dir: &Path,
    pool: &PgPool,
) -> Result<[u8; KEY_LEN]> {
    if configured.is_none() {
        finish_pending_rotation(data_dir, pool).await?;
    }
    let key = match read(configured, data_dir)? {
        Some(key) => key,
        None => create(data_dir)?,
    };
    Ok(key.bytes)
}

fn channel_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let noun = if names.len() == 1 {
        "channel"
    } else {
        "channels"
    };
    format!("{} {noun} ({})", names.len(), quoted.join(", "))
}

/// What happened, then how to recover (README.md, "Secret key").
fn refusal(what: &str, data_dir: &Path) -> String {
    format!(
        "{what}\n\
         Cartwise refuses to start rather than make them unreadable. To recover:\n  \
         - put the key they were encrypted with in CARTWISE_SECRET_KEY, or in {} (with CARTWISE_SECRET_KEY unset), and start again;\n  \
         - or, if that key is lost for good: run `cartwise key reset --yes` with the key you mean to keep (it discards the stored credentials that key cannot decrypt and records it), then enter each channel's credentials again (System › Channels › the channel › Edit).\n\
         See \"Secret key\" in README.md.",
        absolute(&key_path(data_dir)).display()
    )
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Finishes or forgets a rotation cut short (see the module comment). Waits for a rotation in
/// progress: the database's key lock is held while the pending file may change.
async fn finish_pending_rotation(data_dir: &Path, pool: &PgPool) -> Result<()> {
    let pending = pending_path(data_dir);
    if !pending.exists() {
        return Ok(());
    }
    let committed = match std::fs::read_to_string(&pending)
        .ok()
        .and_then(|text| parse(&text).ok())
    {
        Some(bytes) => key_check::is_recorded(pool, &Cipher::new(&bytes)).await?,
        // Written only in part: its rotation never reached its commit.
        None => false,
    };
    if committed {
        std::fs::rename(&pending, key_path(data_dir))
            .with_context(|| format!("moving {} into place", pending.display()))?;
        sync_dir(data_dir)?;
        tracing::warn!(path = %pending.display(), "finished a key rotation that was cut short: the new key is in place");
    } else {
        std::fs::remove_file(&pending)
            .with_context(|| format!("removing {}", pending.display()))?;
        tracing::warn!(path = %pending.display(), "removed the key of a rotation that did not complete (the stored credentials are still in the current key)");
    }
    Ok(())
}

/// Writes the next key beside the current one, durably, before the rotation commits.
pub fn write_pending(data_dir: &Path, key: &[u8; KEY_LEN]) -> Result<()> {
    let pending = pending_path(data_dir);
    match std::fs::remove_file(&pending) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("removing {}", pending.display())),
    }
    write_private(&pending, &encode(key))?;
    sync_dir(data_dir)
}

/// Puts the next key in place of the current one (after the rotation committed).
pub fn install(data_dir: &Path, key: &[u8; KEY_LEN]) -> Result<PathBuf> {
    // Written again: a process that started meanwhile may have moved it already.
    write_pending(data_dir, key)?;
    let path = key_path(data_dir);
    std::fs::rename(pending_path(data_dir), &path)
        .with_context(|| format!("moving the new key into {}", path.display()))?;
    sync_dir(data_dir)?;
    Ok(path)
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Makes a file's creation or renaming in `dir` durable.
fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("syncing {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_is_read_back_and_private() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(None, dir.path()).unwrap().is_none());
        let created = create(dir.path()).unwrap();
        let again = read(None, dir.path()).unwrap().unwrap();
        assert_eq!(created.bytes, again.bytes);
        assert_eq!(again.source, Source::File(dir.path().join(FILE_NAME)));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(FILE_NAME))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_configured_key_wins_and_must_be_32_bytes() {
        let dir = tempfile::tempdir().unwrap();
        create(dir.path()).unwrap();
        let configured = read(Some(&encode(&[7u8; 32])), dir.path())
            .unwrap()
            .unwrap();
        assert_eq!(configured.bytes, [7u8; 32]);
        assert_eq!(configured.source, Source::Configured);
        assert!(read(Some("c2hvcnQ="), dir.path()).is_err());
        assert!(read(Some("not base64!"), dir.path()).is_err());
    }

    #[test]
    fn installing_a_key_replaces_the_file_and_leaves_no_pending_one() {
        let dir = tempfile::tempdir().unwrap();
        create(dir.path()).unwrap();
        write_pending(dir.path(), &[8u8; 32]).unwrap();
        write_pending(dir.path(), &[9u8; 32]).unwrap();
        install(dir.path(), &[9u8; 32]).unwrap();
        assert_eq!(read(None, dir.path()).unwrap().unwrap().bytes, [9u8; 32]);
        assert!(!pending_path(dir.path()).exists());
    }

    #[test]
    fn the_refusal_says_what_happened_and_how_to_recover() {
        let message = refusal(
            &format!(
                "the secret key from CARTWISE_SECRET_KEY is not the key that encrypted the stored credentials of {}.",
                channel_list(&["Main".into(), "EU".into()])
            ),
            Path::new("/srv/cartwise"),
        );
        for part in [
            "2 channels (\"Main\", \"EU\")",
            "Cartwise refuses to start",
            "CARTWISE_SECRET_KEY",
            "/srv/cartwise/secret.key",
            "cartwise key reset --yes",
            "README.md",
        ] {
            assert!(message.contains(part), "no {part:?} in {message}");
        }
    }
}
