//! Package metadata from evaluation (licenses, homepages, descriptions,
//! CPEs), collected by one `nix eval` of a walker expression that ships in
//! the binary (`meta_eval.nix`), not by one `nix` process per package.
//!
//! The walker starts at a derivation and follows every derivation it was
//! given as an attribute (`src`, `buildInputs`, …). It discards string
//! context, so nothing it mentions has to be built; nix/lib.nix's `sbom`
//! imports the same file, so the CLI and the builder see the same data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::installable::{self, Kind, ResolveOptions, Resolved};
use crate::{Store, StoreError, nix};

/// The walker: a function from a derivation to [`EvalMeta`]'s JSON.
pub const WALKER: &str = include_str!("meta_eval.nix");

/// What evaluation knows about a derivation and those reachable from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalMeta {
    /// The `.drv` of the evaluated value.
    pub root_drv: String,
    /// Its default output.
    pub root_out: String,
    /// Every derivation reached, the root first.
    pub packages: Vec<EvalPackage>,
}

/// One derivation as evaluation sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalPackage {
    pub drv_path: String,
    pub name: Option<String>,
    pub pname: Option<String>,
    pub version: Option<String>,
    /// Output name → output path.
    #[serde(default)]
    pub outputs: BTreeMap<String, String>,
    #[serde(default)]
    pub meta: PackageMeta,
}

/// The `meta` fields an SBOM reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageMeta {
    pub description: Option<String>,
    #[serde(default)]
    pub homepage: Vec<String>,
    #[serde(default)]
    pub license: Vec<LicenseItem>,
    /// `meta.identifiers.cpe`.
    pub cpe: Option<String>,
    /// `meta.identifiers.possibleCPEs[].cpe`.
    #[serde(default, rename = "possibleCPEs")]
    pub possible_cpes: Vec<String>,
    /// `meta.identifiers.purl`, else the first of `meta.identifiers.purls`.
    #[serde(default)]
    pub purl: Option<String>,
    /// `meta.identifiers.purls`.
    #[serde(default)]
    pub purls: Vec<String>,
    /// Set when `meta.position` lies in a nixpkgs source tree: its
    /// `.version` (`24.05`), or an empty string when it has none.
    #[serde(default)]
    pub nixpkgs: Option<String>,
}

/// One entry of `meta.license`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LicenseItem {
    /// A free-form string (old expressions).
    Text(String),
    /// A nixpkgs license attribute set.
    Attrs {
        #[serde(rename = "spdxId")]
        spdx_id: Option<String>,
        /// `fullName`.
        name: Option<String>,
        /// `shortName`: the `lib.licenses` attribute name.
        #[serde(default, rename = "shortName")]
        short_name: Option<String>,
        #[serde(default)]
        free: Option<bool>,
    },
}

impl EvalMeta {
    /// Parses the walker's JSON (from `nix eval --json` or from a builder's
    /// attribute).
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }

    /// Packages by `.drv` path.
    #[must_use]
    pub fn by_drv(&self) -> BTreeMap<&str, &EvalPackage> {
        self.packages
            .iter()
            .map(|p| (p.drv_path.as_str(), p))
            .collect()
    }
}

/// Evaluates the walker on a flake reference (`.#pkg`, `path:dir#x`).
pub fn evaluate(reference: &str) -> Result<EvalMeta, StoreError> {
    let command = || format!("nix eval {reference} --apply <metadata walker>");
    // The error names what the user typed, not the walker's source.
    let out = nix::eval_apply(reference, WALKER).map_err(|e| match e {
        StoreError::Nix { message, .. } => StoreError::Nix {
            command: command(),
            message,
        },
        other => other,
    })?;
    EvalMeta::from_json(&out).map_err(|reason| StoreError::BadNixJson {
        command: command(),
        reason,
    })
}

/// An installable resolved for an SBOM, with evaluation metadata when it is
/// a flake reference (evaluated once, by the walker).
#[derive(Debug, Clone)]
pub struct ResolvedWithMeta {
    pub resolved: Resolved,
    pub meta: Option<EvalMeta>,
}

/// Like [`installable::resolve`], but a flake reference is evaluated by the
/// walker, which also yields its `.drv` and output: one evaluation instead of
/// two. With `need_outputs` false (build-time SBOMs) an unrealised flake
/// reference is fine: only its `.drv` is needed.
pub fn resolve(
    input: &str,
    store: &dyn Store,
    opts: ResolveOptions,
    need_outputs: bool,
) -> Result<ResolvedWithMeta, StoreError> {
    let Kind::Flake(reference) = installable::classify(input) else {
        return Ok(ResolvedWithMeta {
            resolved: installable::resolve(input, store, opts)?,
            meta: None,
        });
    };
    let meta = evaluate(&reference)?;
    let out = store
        .store_dir()
        .top_level_of(&meta.root_out)
        .ok_or_else(|| StoreError::OutsideStore {
            input: format!("{input} (evaluates to {})", meta.root_out),
            store_dir: store.store_dir().as_str().to_owned(),
        })?;
    if need_outputs && !store.is_valid(&out)? {
        if !opts.build {
            return Err(StoreError::NotRealised {
                input: input.to_owned(),
                path: out,
                drv: meta.root_drv.clone(),
            });
        }
        installable::realise(&meta.root_drv)?;
    }
    Ok(ResolvedWithMeta {
        resolved: Resolved {
            input: input.to_owned(),
            paths: vec![out],
            drv_path: Some(meta.root_drv.clone()),
        },
        meta: Some(meta),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_walker_output() {
        let json = br#"{"rootDrv":"/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a-1.drv",
            "rootOut":"/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-a-1",
            "packages":[{"drvPath":"/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a-1.drv",
              "name":"a-1","pname":"a","version":"1",
              "outputs":{"out":"/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-a-1"},
              "meta":{"description":null,"homepage":[],"cpe":null,"possibleCPEs":["cpe:2.3:a:x:a:1:*:*:*:*:*:*:*"],
                "license":["Custom",{"spdxId":"MIT","name":"MIT License"},{"spdxId":null,"name":"Unfree","shortName":"unfree","free":false}]}}]}"#;
        let meta = EvalMeta::from_json(json).expect("parses");
        let p = &meta.packages[0];
        assert_eq!(p.meta.possible_cpes.len(), 1);
        assert_eq!(
            p.meta.license,
            vec![
                LicenseItem::Text("Custom".into()),
                LicenseItem::Attrs {
                    spdx_id: Some("MIT".into()),
                    name: Some("MIT License".into()),
                    short_name: None,
                    free: None,
                },
                LicenseItem::Attrs {
                    spdx_id: None,
                    name: Some("Unfree".into()),
                    short_name: Some("unfree".into()),
                    free: Some(false),
                },
            ]
        );
        assert!(EvalMeta::from_json(b"{}").is_err());
    }
}
