//! NAR hashes arrive as SRI (`sha256-<base64>`, path-info JSON), as
//! `sha256:<base32>` (`.attrs.json`) or as `sha256:<base16>` (the store
//! database). We normalise all of them to SRI so backends compare equal.

use nix_derivation::NixHash;

/// Parses any of Nix's hash spellings and returns it in SRI form.
pub fn to_sri(hash: &str) -> Result<String, String> {
    NixHash::parse(hash)
        .map(|h| h.to_sri_string())
        .map_err(|e| format!("unreadable hash {hash:?}: {e}"))
}

/// The hex digest (what SBOMs want) of a hash in any of Nix's spellings.
pub fn to_hex(hash: &str) -> Result<String, String> {
    let parsed = NixHash::parse(hash).map_err(|e| format!("unreadable hash {hash:?}: {e}"))?;
    let b16 = parsed.to_nix_base16_string();
    Ok(b16
        .split_once(':')
        .map_or(b16.clone(), |(_, hex)| hex.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_spellings_agree() {
        let sri = "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=";
        let hex = to_hex(sri).expect("sri");
        let b16 = format!("sha256:{hex}");
        assert_eq!(to_sri(&b16).expect("base16"), sri);
        let b32 = NixHash::parse(sri).expect("p").to_nix_nixbase32_string();
        assert!(b32.starts_with("sha256:"));
        assert_eq!(to_sri(&b32).expect("base32"), sri);
        assert!(to_sri("sha256:nonsense").is_err());
    }
}
