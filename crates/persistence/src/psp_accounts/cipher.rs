//! Secrets at rest: AES-256-GCM with the key of `KASA__SECRETS__KEY`.
//!
//! A sealed value is `v1.<base64 of nonce (12 bytes) ‖ ciphertext ‖ tag>`.
//! The associated data binds it to its row and column (`<account id>:<field>`),
//! so a sealed secret copied to another account or another column does not
//! open. Every seal draws a fresh random nonce.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};

use crate::error::{StoreError, StoreResult};

/// Version prefix of a sealed value.
const PREFIX: &str = "v1.";
/// AES-GCM nonce length.
const NONCE_LEN: usize = 12;
/// Key length: AES-256.
pub const KEY_LEN: usize = 32;

/// The key that seals secrets at rest. Never logged (its `Debug` is
/// redacted by `secrecy`).
#[derive(Debug)]
pub struct SecretsKey(SecretBox<[u8; KEY_LEN]>);

/// Why a configured key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretsKeyError {
    /// Not standard base64.
    #[error("KASA__SECRETS__KEY is not base64")]
    NotBase64,
    /// Not 32 bytes once decoded.
    #[error("KASA__SECRETS__KEY must decode to {KEY_LEN} bytes, not {0}")]
    WrongLength(usize),
}

impl SecretsKey {
    /// The key from its configured form: 32 random bytes in standard base64
    /// (`openssl rand -base64 32`).
    pub fn from_base64(raw: &SecretString) -> Result<SecretsKey, SecretsKeyError> {
        let bytes = STANDARD
            .decode(raw.expose_secret().trim())
            .map_err(|_| SecretsKeyError::NotBase64)?;
        let key: [u8; KEY_LEN] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| SecretsKeyError::WrongLength(bytes.len()))?;
        Ok(SecretsKey(SecretBox::new(Box::new(key))))
    }

    /// A key from raw bytes (tests, and `--dev`'s generated key).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> SecretsKey {
        SecretsKey(SecretBox::new(Box::new(bytes)))
    }

    /// A random key (`--dev` without a configured one).
    pub fn generate() -> SecretsKey {
        let mut bytes = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        SecretsKey::from_bytes(bytes)
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(self.0.expose_secret()))
    }

    /// Seals `secret` for the column `context` (`<row id>:<field>`).
    pub(crate) fn seal(&self, secret: &SecretString, context: &str) -> StoreResult<String> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: secret.expose_secret().as_bytes(),
            aad: context.as_bytes(),
        };
        let sealed = self
            .cipher()
            .encrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| StoreError::Corrupt("sealing a secret failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// Opens a value [`SecretsKey::seal`] made for `context`. A value sealed
    /// with another key, for another context, or altered is `Corrupt` (the
    /// message names neither the key nor the value).
    pub(crate) fn open(&self, sealed: &str, context: &str) -> StoreResult<SecretString> {
        let refused = || StoreError::Corrupt(format!("a sealed secret ({context}) does not open"));
        let body = sealed.strip_prefix(PREFIX).ok_or_else(refused)?;
        let bytes = STANDARD.decode(body).map_err(|_| refused())?;
        if bytes.len() <= NONCE_LEN {
            return Err(refused());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: context.as_bytes(),
        };
        let plain = self
            .cipher()
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| refused())?;
        let text = String::from_utf8(plain).map_err(|_| refused())?;
        Ok(SecretString::from(text))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretsKey {
        SecretsKey::from_bytes([byte; KEY_LEN])
    }

    fn secret(raw: &str) -> SecretString {
        SecretString::from(raw.to_owned())
    }

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_context_only() {
        let sealed = key(1).seal(&secret("whsec_abc"), "a:webhook").unwrap();
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("whsec_abc"));
        let opened = key(1).open(&sealed, "a:webhook").unwrap();
        assert_eq!(opened.expose_secret(), "whsec_abc");
        assert!(key(2).open(&sealed, "a:webhook").is_err(), "another key");
        assert!(key(1).open(&sealed, "b:webhook").is_err(), "another row");
        assert!(key(1).open(&sealed, "a:api_key").is_err(), "another column");
    }

    #[test]
    fn every_seal_uses_a_fresh_nonce() {
        let a = key(1).seal(&secret("same"), "x").unwrap();
        let b = key(1).seal(&secret("same"), "x").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn altered_or_malformed_values_do_not_open() {
        let sealed = key(1).seal(&secret("value"), "x").unwrap();
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let altered = format!("v1.{}", STANDARD.encode(bytes));
        for bad in [altered.as_str(), "v1.", "v1.!!!", "v2.abcd", "plain", ""] {
            assert!(key(1).open(bad, "x").is_err(), "{bad:?}");
        }
        let err = key(1).open("v1.AAAA", "x").err().map(|e| e.to_string());
        assert!(err.is_some_and(|m| !m.contains("AAAA")));
    }

    #[test]
    fn configured_keys_are_base64_of_32_bytes() {
        let good = STANDARD.encode([7u8; KEY_LEN]);
        assert!(SecretsKey::from_base64(&secret(&good)).is_ok());
        assert_eq!(
            SecretsKey::from_base64(&secret("not base64!")).err(),
            Some(SecretsKeyError::NotBase64)
        );
        let short = STANDARD.encode([7u8; 16]);
        assert_eq!(
            SecretsKey::from_base64(&secret(&short)).err(),
            Some(SecretsKeyError::WrongLength(16))
        );
    }
}
