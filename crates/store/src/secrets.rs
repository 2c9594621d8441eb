//! Encryption at rest for store credentials: AES-256-GCM under the server's secret key, a fresh
//! random nonce per value, and associated data naming what the value belongs to (a channel's
//! id), so a ciphertext copied onto another row does not decrypt.
//!
//! Stored format: `0x01 || nonce (12 bytes) || ciphertext+tag`, authenticated with the caller's
//! context as associated data. Values written before the version byte existed are
//! `nonce || ciphertext+tag` without associated data: they still decrypt (reported as
//! [`Format::Legacy`], so callers seal them again), and their first byte is random, so a value
//! starting with 0x01 is tried both ways (a wrong reading fails its tag check).

use crate::{Error, Result};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

const NONCE_LEN: usize = 12;
const VERSION_1: u8 = 0x01;
/// Prefixes the key in its fingerprint, so the fingerprint is good for nothing else.
const FINGERPRINT_LABEL: &[u8] = b"cartwise secret key check v1\0";

/// Which format a stored value was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Versioned and bound to its context.
    Current,
    /// Written before associated data: bound to nothing, to be sealed again.
    Legacy,
}

/// A decrypted value and the format it was stored in.
#[derive(Debug)]
pub struct Decrypted {
    pub plaintext: Vec<u8>,
    pub format: Format,
}

/// Encrypts and decrypts secrets with the configured key. Cheap to clone.
#[derive(Clone)]
pub struct Cipher {
    aead: Aes256Gcm,
    fingerprint: [u8; 32],
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(..)")
    }
}

impl Cipher {
    pub fn new(key: &[u8; 32]) -> Self {
        let fingerprint = Sha256::new()
            .chain_update(FINGERPRINT_LABEL)
            .chain_update(key)
            .finalize()
            .into();
        Cipher {
            aead: Aes256Gcm::new(key.into()),
            fingerprint,
        }
    }

    /// Identifies the key without revealing it (SHA-256 of a fixed label and the key): what the
    /// database keeps to tell whether a process has the key its credentials are encrypted with.
    pub fn fingerprint(&self) -> &[u8; 32] {
        &self.fingerprint
    }

    /// Seals `plaintext` for `context` (e.g. the row it is stored in) in the current format.
    pub fn encrypt(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: context,
        };
        let ciphertext = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| Error::Credential("encryption failed".into()))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(VERSION_1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Opens a value sealed for `context`, or written in the legacy format.
    pub fn decrypt(&self, stored: &[u8], context: &[u8]) -> Result<Decrypted> {
        if stored.first() == Some(&VERSION_1)
            && let Some(plaintext) = self.open(&stored[1..], context)
        {
            return Ok(Decrypted {
                plaintext,
                format: Format::Current,
            });
        }
        if let Some(plaintext) = self.open(stored, b"") {
            return Ok(Decrypted {
                plaintext,
                format: Format::Legacy,
            });
        }
        Err(Error::Credential(
            "the stored credentials cannot be decrypted: they were encrypted with another key, or for another channel".into(),
        ))
    }

    fn open(&self, sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad,
        };
        self.aead.decrypt(Nonce::from_slice(nonce), payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_round_trips_and_never_appears_in_clear() {
        let cipher = Cipher::new(&[3u8; 32]);
        let stored = cipher.encrypt(b"integration-token-123", b"row 1").unwrap();
        assert!(!stored.windows(5).any(|w| w == b"token"));
        assert_eq!(stored[0], VERSION_1);
        let opened = cipher.decrypt(&stored, b"row 1").unwrap();
        assert_eq!(opened.plaintext, b"integration-token-123");
        assert_eq!(opened.format, Format::Current);
    }

    #[test]
    fn each_encryption_uses_a_fresh_nonce() {
        let cipher = Cipher::new(&[3u8; 32]);
        assert_ne!(
            cipher.encrypt(b"same", b"c").unwrap(),
            cipher.encrypt(b"same", b"c").unwrap()
        );
    }

    #[test]
    fn another_key_context_or_a_tampered_value_fails_clearly() {
        let stored = Cipher::new(&[3u8; 32])
            .encrypt(b"secret", b"row 1")
            .unwrap();
        assert!(Cipher::new(&[4u8; 32]).decrypt(&stored, b"row 1").is_err());
        assert!(Cipher::new(&[3u8; 32]).decrypt(&stored, b"row 2").is_err());
        assert!(Cipher::new(&[3u8; 32]).decrypt(&stored, b"").is_err());
        let mut tampered = stored.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(
            Cipher::new(&[3u8; 32])
                .decrypt(&tampered, b"row 1")
                .is_err()
        );
        assert!(Cipher::new(&[3u8; 32]).decrypt(&[1, 2, 3], b"").is_err());
        assert!(Cipher::new(&[3u8; 32]).decrypt(&[], b"").is_err());
    }

    #[test]
    fn a_legacy_value_opens_in_any_context_and_says_so() {
        let key = [3u8; 32];
        let nonce = [VERSION_1; NONCE_LEN];
        let sealed = Aes256Gcm::new((&key).into())
            .encrypt(Nonce::from_slice(&nonce), b"old secret".as_slice())
            .unwrap();
        let legacy = [nonce.as_slice(), &sealed].concat();
        let opened = Cipher::new(&key).decrypt(&legacy, b"row 9").unwrap();
        assert_eq!(opened.plaintext, b"old secret");
        assert_eq!(opened.format, Format::Legacy);
    }

    #[test]
    fn the_fingerprint_tells_keys_apart_and_is_not_the_key() {
        let a = Cipher::new(&[3u8; 32]);
        assert_eq!(a.fingerprint(), Cipher::new(&[3u8; 32]).fingerprint());
        assert_ne!(a.fingerprint(), Cipher::new(&[4u8; 32]).fingerprint());
        assert_ne!(a.fingerprint(), &[3u8; 32]);
    }
}
