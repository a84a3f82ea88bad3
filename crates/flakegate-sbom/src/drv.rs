//! What an SBOM reads from one parsed `.drv`: its name, `pname`/`version`,
//! outputs in their declared order, the fixed-output hash and the `urls` of
//! a fetcher, and its inputs. Derivations with `__structuredAttrs` keep their
//! attributes in JSON instead of the environment; both are read.

use std::collections::BTreeMap;

use flakegate_store::StoreDir;
use nix_derivation::{Derivation, HashAlgorithm, NixHash, Output};
use serde_json::Value;

use crate::SbomError;
use crate::model::{Hash, HashAlg};

/// The facts of one derivation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrvFacts {
    pub drv_path: String,
    /// The derivation's `name` (without `.drv`).
    pub name: String,
    pub pname: Option<String>,
    pub version: Option<String>,
    /// Output names in the order the derivation declares them (`${drv}` is
    /// the first one).
    pub output_order: Vec<String>,
    /// Output name → path (`None` when not known before the build).
    pub outputs: BTreeMap<String, Option<String>>,
    /// The expected hash of a fixed-output derivation, and whether it is a
    /// NAR hash (`outputHashMode = "recursive"`).
    pub fixed: Option<(Hash, bool)>,
    /// `urls` (or `url`) of a fetcher.
    pub urls: Vec<String>,
    pub input_drvs: Vec<String>,
    pub input_srcs: Vec<String>,
    /// `patches`: the store paths of the patches applied.
    pub patches: Vec<String>,
    /// `rev` of a version-control fetcher (fetchgit and friends).
    pub rev: Option<String>,
}

/// One attribute: an environment variable, or a structured attribute.
enum Attr {
    Text(String),
    List(Vec<String>),
}

fn attr(drv: &Derivation, key: &str) -> Option<Attr> {
    if let Some(attrs) = drv.structured_attrs() {
        return match attrs.get(key)? {
            Value::String(s) => Some(Attr::Text(s.clone())),
            Value::Array(items) => Some(Attr::List(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            )),
            Value::Number(n) => Some(Attr::Text(n.to_string())),
            _ => None,
        };
    }
    drv.environment()
        .get(key)
        .map(|v| Attr::Text(String::from_utf8_lossy(v).into_owned()))
}

fn text(drv: &Derivation, key: &str) -> Option<String> {
    match attr(drv, key)? {
        Attr::Text(s) => Some(s),
        Attr::List(items) => Some(items.join(" ")),
    }
    .filter(|s| !s.is_empty())
}

/// A list attribute; in the environment, lists are joined by spaces.
fn list(drv: &Derivation, key: &str) -> Vec<String> {
    match attr(drv, key) {
        Some(Attr::List(items)) => items,
        Some(Attr::Text(s)) => s.split_whitespace().map(str::to_owned).collect(),
        None => Vec::new(),
    }
}

/// Converts one of Nix's hashes (BLAKE3 has no name in either format).
#[must_use]
pub fn hash_of(hash: &NixHash) -> Option<Hash> {
    let alg = match hash.algorithm() {
        HashAlgorithm::Md5 => HashAlg::Md5,
        HashAlgorithm::Sha1 => HashAlg::Sha1,
        HashAlgorithm::Sha256 => HashAlg::Sha256,
        HashAlgorithm::Sha512 => HashAlg::Sha512,
        HashAlgorithm::Blake3 => return None,
    };
    let b16 = hash.to_nix_base16_string();
    let hex = b16.split_once(':').map_or(b16.as_str(), |(_, h)| h);
    Some(Hash {
        alg,
        hex: hex.to_owned(),
    })
}

/// A NAR hash in any of Nix's spellings (SRI from the store) as hex SHA-256.
pub fn nar_hash(path: &str, spelled: &str) -> Result<Hash, SbomError> {
    let parsed = NixHash::parse(spelled).map_err(|e| SbomError::BadHash {
        path: path.to_owned(),
        reason: format!("unreadable hash {spelled:?}: {e}"),
    })?;
    hash_of(&parsed).ok_or_else(|| SbomError::BadHash {
        path: path.to_owned(),
        reason: format!("unsupported hash algorithm in {spelled:?}"),
    })
}

impl DrvFacts {
    /// Reads the facts of `drv`, found at `drv_path`.
    pub fn read(drv_path: &str, drv: &Derivation, store_dir: &StoreDir) -> Result<Self, SbomError> {
        let bad = |reason: String| SbomError::BadDerivation {
            drv: drv_path.to_owned(),
            reason,
        };
        let outputs = flakegate_store::drv::output_paths(drv, drv_path, store_dir)
            .map_err(|e| bad(e.to_string()))?;
        let dir = store_dir.to_nix().map_err(|e| bad(e.to_string()))?;
        // `outputs` lists them in declaration order; the .drv sorts them.
        let mut output_order: Vec<String> = list(drv, "outputs")
            .into_iter()
            .filter(|o| outputs.contains_key(o))
            .collect();
        for name in outputs.keys() {
            if !output_order.contains(name) {
                output_order.push(name.clone());
            }
        }
        let fixed = match drv.outputs().get("out") {
            Some(Output::Fixed { ca }) if drv.outputs().len() == 1 => hash_of(&ca.hash())
                .map(|h| (h, ca.method() == nix_derivation::ContentAddressMethod::Nar)),
            _ => None,
        };
        let mut urls = list(drv, "urls");
        if urls.is_empty() {
            urls = text(drv, "url").into_iter().collect();
        }
        Ok(Self {
            drv_path: drv_path.to_owned(),
            name: drv.name().to_owned(),
            pname: text(drv, "pname"),
            version: text(drv, "version"),
            output_order,
            outputs,
            fixed,
            urls,
            input_drvs: drv
                .input_derivations()
                .keys()
                .map(|p| dir.render_path(p))
                .collect(),
            input_srcs: drv
                .input_sources()
                .iter()
                .map(|p| dir.render_path(p))
                .collect(),
            patches: list(drv, "patches")
                .into_iter()
                .filter(|p| p.starts_with(store_dir.as_str()))
                .collect(),
            rev: text(drv, "rev"),
        })
    }

    /// Reads every derivation of a graph (as `flakegate_store::drv::closure`
    /// returns it).
    pub fn read_all(
        drvs: &BTreeMap<String, Derivation>,
        store_dir: &StoreDir,
    ) -> Result<BTreeMap<String, Self>, SbomError> {
        drvs.iter()
            .map(|(path, drv)| Ok((path.clone(), Self::read(path, drv, store_dir)?)))
            .collect()
    }

    /// Whether this is a download: fixed-output, with a hash.
    #[must_use]
    pub fn is_source(&self) -> bool {
        self.fixed.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_in_every_spelling_become_hex() {
        let sri = "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=";
        let h = nar_hash("/nix/store/x", sri).expect("sri");
        assert_eq!(h.alg, HashAlg::Sha256);
        assert_eq!(h.hex.len(), 64);
        let again = nar_hash("/nix/store/x", &format!("sha256:{}", h.hex)).expect("base16");
        assert_eq!(h, again);
        assert!(nar_hash("/nix/store/x", "sha256:nope").is_err());
    }
}
