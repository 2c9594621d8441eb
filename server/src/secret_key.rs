//! The key that encrypts stored secrets. Given by configuration, or generated once into the data
//! directory (readable by its owner only) so restarts can decrypt what was stored.

use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use std::path::Path;

pub const KEY_LEN: usize = 32;
const FILE_NAME: &str = "secret.key";

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

/// The configured key, or the one in `data_dir/secret.key`, created on first use.
pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> Result<[u8; KEY_LEN]> {
    if let Some(encoded) = configured {
        return parse(encoded).context("CARTWISE_SECRET_KEY");
    }
    let path = data_dir.join(FILE_NAME);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return parse(&text).with_context(|| format!("in {}", path.display()));
    }
    let mut key = [0u8; KEY_LEN];
    rand::rngs::OsRng.fill_bytes(&mut key);
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    write_private(&path, &STANDARD.encode(key))?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(key)
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_kept_for_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(None, dir.path()).unwrap();
        let second = load_or_create(None, dir.path()).unwrap();
        assert_eq!(first, second);
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
        let encoded = STANDARD.encode([7u8; 32]);
        assert_eq!(
            load_or_create(Some(&encoded), dir.path()).unwrap(),
            [7u8; 32]
        );
        assert!(load_or_create(Some("c2hvcnQ="), dir.path()).is_err());
        assert!(load_or_create(Some("not base64!"), dir.path()).is_err());
        assert!(!dir.path().join(FILE_NAME).exists());
    }
}
