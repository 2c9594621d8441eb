//! Encryption at rest for store credentials: AES-256-GCM under the server's secret key, a fresh
//! random nonce per value. Stored as `nonce (12 bytes) || ciphertext+tag`.

use crate::{Error, Result};
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;

const NONCE_LEN: usize = 12;

/// Encrypts and decrypts secrets with the configured key. Cheap to clone.
#[derive(Clone)]
pub struct Cipher {
    aead: Aes256Gcm,
}

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(..)")
    }
}

impl Cipher {
    pub fn new(key: &[u8; 32]) -> Self {
        Cipher {
            aead: Aes256Gcm::new(key.into()),
        }
    }

    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .map_err(|_| Error::Credential("encryption failed".into()))?;
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    pub fn decrypt(&self, stored: &[u8]) -> Result<Vec<u8>> {
        if stored.len() <= NONCE_LEN {
            return Err(Error::Credential("stored secret is truncated".into()));
        }
        let (nonce, ciphertext) = stored.split_at(NONCE_LEN);
        self.aead
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| {
                Error::Credential(
                    "stored secret cannot be decrypted: was CARTWISE_SECRET_KEY changed?".into(),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_round_trips_and_never_appears_in_clear() {
        let cipher = Cipher::new(&[3u8; 32]);
        let stored = cipher.encrypt(b"integration-token-123").unwrap();
        assert!(!stored.windows(5).any(|w| w == b"token"));
        assert_eq!(cipher.decrypt(&stored).unwrap(), b"integration-token-123");
    }

    #[test]
    fn each_encryption_uses_a_fresh_nonce() {
        let cipher = Cipher::new(&[3u8; 32]);
        assert_ne!(
            cipher.encrypt(b"same").unwrap(),
            cipher.encrypt(b"same").unwrap()
        );
    }

    #[test]
    fn another_key_or_a_tampered_value_fails_clearly() {
        let stored = Cipher::new(&[3u8; 32]).encrypt(b"secret").unwrap();
        assert!(Cipher::new(&[4u8; 32]).decrypt(&stored).is_err());
        let mut tampered = stored.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(Cipher::new(&[3u8; 32]).decrypt(&tampered).is_err());
        assert!(Cipher::new(&[3u8; 32]).decrypt(&[1, 2, 3]).is_err());
    }
}
