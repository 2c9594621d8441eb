//! Which key encrypts the stored credentials. The database keeps the key's fingerprint
//! (`Cipher::fingerprint`, never the key) in `secret_key_checks`, so a process started with
//! another key is told so before it fails to decrypt anything, or writes ciphertexts the other
//! processes cannot read. Checking, rotating and resetting hold one advisory lock exclusively;
//! writers of credentials hold it shared (`guard_write`), so no credential is written in a key
//! that is being replaced.

use crate::channels::{context, reseal_if_legacy};
use crate::secrets::Cipher;
use crate::{Error, Result};
use sqlx::{PgConnection, PgPool};

const LOCK: &str = "select pg_advisory_xact_lock(hashtext('cartwise.secret_key'))";
const LOCK_SHARED: &str = "select pg_advisory_xact_lock_shared(hashtext('cartwise.secret_key'))";

const KEY_CHANGED: &str = "the secret key was changed (cartwise key rotate or key reset) after this process started: restart it with the new key";

/// What checking a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It is the recorded key.
    Matches,
    /// No key was recorded (a first start, or an installation from before the check): it is
    /// recorded now, having decrypted what is stored.
    Recorded,
    /// Another key was recorded but nothing is encrypted with it: this one replaced it.
    Replaced,
    /// Not the key the credentials of these channels are encrypted with. Nothing was changed.
    WrongKey { channels: Vec<String> },
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// Every stored credential is now encrypted with the new key, and the check names it.
    Done { channels: usize },
    /// The old key given is not the recorded one. Nothing was changed.
    WrongKey,
    /// The credentials of these channels do not decrypt with the old key (re-enter them, or
    /// `reset`); nothing was changed.
    Undecryptable { channels: Vec<String> },
}

struct Sealed {
    id: i64,
    name: String,
    credentials: Vec<u8>,
}

/// Every stored credential, by channel name.
async fn sealed(tx: &mut PgConnection, for_update: bool) -> Result<Vec<Sealed>> {
    let rows = if for_update {
        sqlx::query_as!(
            Sealed,
            r#"select id, name, credentials as "credentials!" from channels
               where credentials is not null order by lower(name), id for update"#
        )
        .fetch_all(&mut *tx)
        .await?
    } else {
        sqlx::query_as!(
            Sealed,
            r#"select id, name, credentials as "credentials!" from channels
               where credentials is not null order by lower(name), id"#
        )
        .fetch_all(&mut *tx)
        .await?
    };
    Ok(rows)
}

fn opens(cipher: &Cipher, row: &Sealed) -> bool {
    cipher.decrypt(&row.credentials, &context(row.id)).is_ok()
}

fn names<'a>(rows: impl IntoIterator<Item = &'a Sealed>) -> Vec<String> {
    rows.into_iter().map(|r| r.name.clone()).collect()
}

async fn recorded(tx: &mut PgConnection) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar!("select fingerprint from secret_key_checks")
            .fetch_optional(&mut *tx)
            .await?,
    )
}

async fn record(tx: &mut PgConnection, cipher: &Cipher) -> Result<()> {
    sqlx::query!(
        r#"insert into secret_key_checks (fingerprint) values ($1)
           on conflict (id) do update set fingerprint = excluded.fingerprint, updated_at = now()"#,
        cipher.fingerprint().as_slice()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Seals the rows still in the legacy format (no associated data) again, bound to their
/// channel. A row the key cannot open is left alone (and logged).
async fn upgrade_legacy(tx: &mut PgConnection, cipher: &Cipher, rows: &[Sealed]) -> Result<()> {
    for row in rows {
        match reseal_if_legacy(&mut *tx, cipher, row.id, &row.credentials).await {
            Ok(true) => tracing::info!(channel = %row.name, "credentials sealed for their channel"),
            Ok(false) => {}
            Err(Error::Credential(e)) => {
                tracing::warn!(channel = %row.name, error = %e, "stored credentials do not decrypt")
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Checks that `cipher` is the key the stored credentials are encrypted with (every start does
/// this), recording it when no key is recorded yet, and seals legacy rows for their channel.
pub async fn verify_or_record(pool: &PgPool, cipher: &Cipher) -> Result<Verdict> {
    let mut tx = pool.begin().await?;
    sqlx::query(LOCK).execute(&mut *tx).await?;
    let rows = sealed(&mut tx, false).await?;
    let verdict = match recorded(&mut tx).await? {
        Some(fp) if fp == cipher.fingerprint() => Verdict::Matches,
        // Nothing is encrypted: whichever key this is loses nothing.
        stored if rows.is_empty() => {
            record(&mut tx, cipher).await?;
            if stored.is_some() {
                Verdict::Replaced
            } else {
                Verdict::Recorded
            }
        }
        Some(_) => {
            return Ok(Verdict::WrongKey {
                channels: names(&rows),
            });
        }
        // Credentials stored before the check existed: the key is right if it opens any of
        // them (one that no longer opens was lost before, and stays so either way).
        None if rows.iter().any(|r| opens(cipher, r)) => {
            record(&mut tx, cipher).await?;
            Verdict::Recorded
        }
        None => {
            return Ok(Verdict::WrongKey {
                channels: names(&rows),
            });
        }
    };
    upgrade_legacy(&mut tx, cipher, &rows).await?;
    tx.commit().await?;
    Ok(verdict)
}

/// Names of the channels holding stored credentials.
pub async fn channels_with_credentials(pool: &PgPool) -> Result<Vec<String>> {
    let mut conn = pool.acquire().await?;
    Ok(names(&sealed(&mut conn, false).await?))
}

/// Refuses a credentials write by a process whose key is no longer the recorded one (a rotation
/// happened since it started); holds the key lock shared until the caller's transaction ends.
pub(crate) async fn guard_write(tx: &mut PgConnection, cipher: &Cipher) -> Result<()> {
    sqlx::query(LOCK_SHARED).execute(&mut *tx).await?;
    match recorded(tx).await? {
        Some(fp) if fp != cipher.fingerprint() => Err(Error::Credential(KEY_CHANGED.into())),
        _ => Ok(()),
    }
}

/// Whether `cipher`'s key is the recorded one. Waits for a rotation in progress.
pub async fn is_recorded(pool: &PgPool, cipher: &Cipher) -> Result<bool> {
    let mut tx = pool.begin().await?;
    sqlx::query(LOCK).execute(&mut *tx).await?;
    let recorded = recorded(&mut tx).await?;
    tx.commit().await?;
    Ok(recorded.is_some_and(|fp| fp == cipher.fingerprint()))
}

/// Re-encrypts every stored credential from `old` to `new` and records `new`, in one
/// transaction: if it dies midway, everything is still in the old key.
pub async fn rotate(pool: &PgPool, old: &Cipher, new: &Cipher) -> Result<Rotation> {
    Ok(match prepare_rotation(pool, old, new).await? {
        Prepared::Ready(rotation) => Rotation::Done {
            channels: rotation.commit().await?,
        },
        Prepared::WrongKey => Rotation::WrongKey,
        Prepared::Undecryptable { channels } => Rotation::Undecryptable { channels },
    })
}

/// A rotation done but not committed yet, holding the key lock: the caller keeps the new key
/// safe (a file) before committing, and nobody can check or change the key meanwhile.
pub struct PendingRotation {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    channels: usize,
}

impl PendingRotation {
    /// Commits the rotation; returns the number of channels re-encrypted.
    pub async fn commit(self) -> Result<usize> {
        self.tx.commit().await?;
        Ok(self.channels)
    }
}

/// A rotation ready to commit, or why not (as in [`Rotation`]; nothing was changed).
pub enum Prepared {
    Ready(PendingRotation),
    WrongKey,
    Undecryptable { channels: Vec<String> },
}

/// [`rotate`] up to its commit.
pub async fn prepare_rotation(pool: &PgPool, old: &Cipher, new: &Cipher) -> Result<Prepared> {
    let mut tx = pool.begin().await?;
    sqlx::query(LOCK).execute(&mut *tx).await?;
    if recorded(&mut tx)
        .await?
        .is_some_and(|fp| fp != old.fingerprint())
    {
        return Ok(Prepared::WrongKey);
    }
    let rows = sealed(&mut tx, true).await?;
    let mut resealed = Vec::with_capacity(rows.len());
    let mut undecryptable = Vec::new();
    for row in &rows {
        match old.decrypt(&row.credentials, &context(row.id)) {
            Ok(opened) => {
                resealed.push((row.id, new.encrypt(&opened.plaintext, &context(row.id))?))
            }
            Err(_) => undecryptable.push(row),
        }
    }
    if !undecryptable.is_empty() {
        return Ok(Prepared::Undecryptable {
            channels: names(undecryptable),
        });
    }
    for (id, sealed) in &resealed {
        sqlx::query!(
            "update channels set credentials = $2, updated_at = now() where id = $1",
            id,
            sealed
        )
        .execute(&mut *tx)
        .await?;
    }
    record(&mut tx, new).await?;
    Ok(Prepared::Ready(PendingRotation {
        tx,
        channels: resealed.len(),
    }))
}

/// Names of the channels whose stored credentials `cipher` cannot decrypt: what `reset` would
/// discard.
pub async fn undecryptable(pool: &PgPool, cipher: &Cipher) -> Result<Vec<String>> {
    let mut conn = pool.acquire().await?;
    let rows = sealed(&mut conn, false).await?;
    Ok(names(rows.iter().filter(|r| !opens(cipher, r))))
}

const DISCARDED: &str = "The secret key that encrypted this channel's credentials was lost: edit the channel and enter them again.";

/// Recovers from a lost key: discards the stored credentials `cipher` cannot decrypt (their
/// channels stop syncing, marked access rejected, until they are entered again), keeps the
/// rest, and records `cipher` as the key. Returns the names of the channels whose credentials
/// were discarded.
pub async fn reset(pool: &PgPool, cipher: &Cipher) -> Result<Vec<String>> {
    let mut tx = pool.begin().await?;
    sqlx::query(LOCK).execute(&mut *tx).await?;
    let rows = sealed(&mut tx, true).await?;
    let (kept, lost): (Vec<Sealed>, Vec<Sealed>) = rows.into_iter().partition(|r| opens(cipher, r));
    for row in &lost {
        sqlx::query!(
            r#"update channels set credentials = null, status = 'access_rejected',
                   status_message = $2, updated_at = now()
               where id = $1"#,
            row.id,
            DISCARDED
        )
        .execute(&mut *tx)
        .await?;
    }
    record(&mut tx, cipher).await?;
    upgrade_legacy(&mut tx, cipher, &kept).await?;
    tx.commit().await?;
    Ok(names(&lost))
}
