//! Narinfo signatures: Nix signs the fingerprint
//! `1;<store path>;<nar hash as sha256:base32>;<nar size>;<references, comma-separated full paths>`
//! with ed25519, and writes `Sig: <key name>:<base64 signature>`. Trusted
//! keys are `<key name>:<base64 public key>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use nix_derivation::NixHash;

use super::narinfo::NarInfo;

/// A trusted public key.
#[derive(Debug, Clone)]
pub struct PublicKey {
    pub name: String,
    key: VerifyingKey,
}

impl PublicKey {
    /// Parses `name:base64`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (name, key) = text
            .split_once(':')
            .ok_or_else(|| format!("public key {text:?} is not name:base64"))?;
        let bytes = STANDARD
            .decode(key)
            .map_err(|e| format!("public key {name}: {e}"))?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| format!("public key {name}: not 32 bytes"))?;
        let key =
            VerifyingKey::from_bytes(&bytes).map_err(|e| format!("public key {name}: {e}"))?;
        Ok(Self {
            name: name.to_owned(),
            key,
        })
    }
}

/// The string Nix signs for a narinfo.
pub fn fingerprint(info: &NarInfo) -> Result<String, String> {
    let hash = NixHash::parse(&info.nar_hash)
        .map_err(|e| format!("NarHash {:?}: {e}", info.nar_hash))?
        .to_nix_nixbase32_string();
    Ok(format!(
        "1;{};{};{};{}",
        info.store_path,
        hash,
        info.nar_size,
        info.references.join(",")
    ))
}

/// Whether one of the narinfo's signatures verifies against one of `keys`.
#[must_use]
pub fn is_signed_by(info: &NarInfo, keys: &[PublicKey]) -> bool {
    let Ok(message) = fingerprint(info) else {
        return false;
    };
    info.signatures.iter().any(|sig| {
        let Some((name, b64)) = sig.split_once(':') else {
            return false;
        };
        let Some(key) = keys.iter().find(|k| k.name == name) else {
            return false;
        };
        let Ok(bytes) = STANDARD.decode(b64) else {
            return false;
        };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else {
            return false;
        };
        key.key
            .verify(message.as_bytes(), &Signature::from_bytes(&bytes))
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_keys_are_named() {
        assert!(PublicKey::parse("nocolon").is_err());
        assert!(
            PublicKey::parse("k-1:!!!")
                .expect_err("b64")
                .starts_with("public key k-1")
        );
        assert!(
            PublicKey::parse("k-1:AAAA")
                .expect_err("len")
                .contains("32 bytes")
        );
    }
}
