//! What users type: a store path, a symlink to one (`./result`,
//! `/run/current-system`, a profile generation), a `.drv` (its outputs), or a
//! flake reference (`.#attr`, `path:dir#attr`, `github:o/r#attr`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{Store, StoreDir, StoreError, drv, nix};

/// How to treat unrealised derivations.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    /// Build what is not realised instead of failing.
    pub build: bool,
}

/// An installable turned into store paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// What the user typed.
    pub input: String,
    /// The valid top-level store paths it stands for.
    pub paths: Vec<String>,
    /// The derivation behind it, when known (flake refs and `.drv` inputs).
    pub drv_path: Option<String>,
}

/// The kinds of installable we recognise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A filesystem path (which may be a symlink into the store).
    Path(PathBuf),
    /// A flake reference with an optional attribute (`.#x`, `github:o/r#x`).
    Flake(String),
}

const FLAKE_SCHEMES: &[&str] = &[
    "path:",
    "git+",
    "github:",
    "gitlab:",
    "sourcehut:",
    "flake:",
    "tarball+",
    "file+",
    "http:",
    "https:",
    "hg+",
];

/// Decides whether `input` is a flake reference or a filesystem path. A
/// fragment (`#`) or a flake URL scheme makes it a flake reference, unless a
/// file of that exact name exists.
#[must_use]
pub fn classify(input: &str) -> Kind {
    let looks_like_flake =
        input.contains('#') || FLAKE_SCHEMES.iter().any(|s| input.starts_with(s));
    if looks_like_flake && std::fs::symlink_metadata(input).is_err() {
        Kind::Flake(input.to_owned())
    } else {
        Kind::Path(PathBuf::from(input))
    }
}

/// `installable` as `nix build` (and the other new commands) must be given
/// it to build what the user means. Where the running Nix reads a bare
/// `.drv` path as the derivation file itself (`drv_means_the_file`, see
/// [`crate::nix_version::NixVersion::drv_means_the_file`]), building it
/// would do nothing, as the file is already there: it gets `^*`, all its
/// outputs, which is what Nix 2.8 builds for a bare `.drv`. A `.drv` with
/// an output selector, a flake reference or another path is left as typed.
#[must_use]
pub fn for_nix_build(installable: &str, drv_means_the_file: bool) -> String {
    let bare_drv = installable.ends_with(".drv") && matches!(classify(installable), Kind::Path(_));
    if drv_means_the_file && bare_drv {
        format!("{installable}^*")
    } else {
        installable.to_owned()
    }
}

/// Resolves one installable against `store`.
pub fn resolve(
    input: &str,
    store: &dyn Store,
    opts: ResolveOptions,
) -> Result<Resolved, StoreError> {
    match classify(input) {
        Kind::Path(p) => {
            let path = follow_to_store(input, &p, store.store_dir())?;
            if path.ends_with(".drv") {
                resolve_drv(input, &path, store, opts)
            } else {
                if !store.is_valid(&path)? {
                    return Err(StoreError::NotValid { path });
                }
                Ok(Resolved {
                    input: input.to_owned(),
                    paths: vec![path],
                    drv_path: None,
                })
            }
        }
        Kind::Flake(r) => resolve_flake(input, &r, store, opts),
    }
}

/// The derivation an installable stands for, without building anything: a
/// flake reference's `drvPath`, a `.drv` itself, or the deriver of a store
/// path (or of the store path a symlink points to).
pub fn derivation_of(input: &str, store: &dyn Store) -> Result<String, StoreError> {
    match classify(input) {
        Kind::Flake(r) => {
            let value = eval_flake(&r)?;
            value.drv_path.ok_or_else(|| StoreError::BadDerivation {
                input: input.to_owned(),
                reason: "it evaluates to a path, not a derivation".into(),
            })
        }
        Kind::Path(p) => {
            let path = follow_to_store(input, &p, store.store_dir())?;
            if path.ends_with(".drv") {
                if !store.is_valid(&path)? {
                    return Err(StoreError::NotValid { path });
                }
                return Ok(path);
            }
            if !store.is_valid(&path)? {
                return Err(StoreError::NotValid { path });
            }
            store.deriver(&path)?.ok_or_else(|| StoreError::BadDerivation {
                input: input.to_owned(),
                reason: format!("the store does not know the .drv that built {path} (or it was garbage-collected)"),
            })
        }
    }
}

/// Follows symlinks until the path lies inside the store, then returns the
/// top-level store path that contains it.
fn follow_to_store(input: &str, start: &Path, store_dir: &StoreDir) -> Result<String, StoreError> {
    let mut current = if start.is_absolute() {
        start.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| StoreError::io(input, e))?
            .join(start)
    };
    // Profiles are chains of links (system → system-42-link → /nix/store/…);
    // 40 is the kernel's own limit.
    for _ in 0..40 {
        if let Some(top) = current.to_str().and_then(|s| store_dir.top_level_of(s)) {
            store_dir.check_path(&top).map_err(|e| match e {
                StoreError::InvalidStorePath { reason, .. } => StoreError::InvalidStorePath {
                    input: input.to_owned(),
                    reason,
                },
                other => other,
            })?;
            return Ok(top);
        }
        let meta = std::fs::symlink_metadata(&current).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::Missing {
                input: input.to_owned(),
            },
            _ => StoreError::io(input, e),
        })?;
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&current).map_err(|e| StoreError::io(input, e))?;
            let next = match current.parent() {
                Some(parent) if target.is_relative() => parent.join(&target),
                _ => target.clone(),
            };
            if std::fs::symlink_metadata(&next).is_err()
                && next
                    .to_str()
                    .and_then(|s| store_dir.top_level_of(s))
                    .is_none()
            {
                return Err(StoreError::BrokenSymlink {
                    input: input.to_owned(),
                    target,
                });
            }
            current = next;
        } else {
            // A real file or directory: resolve symlinks in its parents once.
            let canonical =
                std::fs::canonicalize(&current).map_err(|e| StoreError::io(input, e))?;
            if canonical == current {
                break;
            }
            current = canonical;
        }
    }
    Err(StoreError::OutsideStore {
        input: input.to_owned(),
        store_dir: store_dir.as_str().to_owned(),
    })
}

fn resolve_drv(
    input: &str,
    drv_path: &str,
    store: &dyn Store,
    opts: ResolveOptions,
) -> Result<Resolved, StoreError> {
    if !store.is_valid(drv_path)? {
        return Err(StoreError::NotValid {
            path: drv_path.to_owned(),
        });
    }
    let parsed = store.read_drv(drv_path)?;
    let outputs = drv::output_paths(&parsed, drv_path, store.store_dir())?;
    let mut paths = Vec::new();
    let mut missing = None;
    for path in outputs.values() {
        match path {
            Some(p) if store.is_valid(p)? => paths.push(p.clone()),
            Some(p) => missing = Some(p.clone()),
            None => missing = Some(format!("{drv_path}^*")),
        }
    }
    if let Some(path) = missing {
        if !opts.build {
            return Err(StoreError::NotRealised {
                input: input.to_owned(),
                path,
                drv: drv_path.to_owned(),
            });
        }
        paths = realise(drv_path)?;
    }
    Ok(Resolved {
        input: input.to_owned(),
        paths,
        drv_path: Some(drv_path.to_owned()),
    })
}

/// Builds a derivation and returns its output paths; the build's log goes to
/// stderr as it comes (see [`crate::realise`]).
pub(crate) fn realise(drv_path: &str) -> Result<Vec<String>, StoreError> {
    crate::realise::realise(drv_path)
}

/// Evaluates a flake attribute without the eval cache (a stale cache would
/// hide the working tree's changes) and without building anything.
/// The keys are not `drvPath`/`outPath`: Nix prints any attribute set with an
/// `outPath` as that string.
const FLAKE_APPLY: &str = r#"v:
  if builtins.isAttrs v && v ? drvPath then { drv = v.drvPath; out = v.outPath; }
  else { drv = null; out = builtins.toString v; }"#;

#[derive(Deserialize)]
struct FlakeValue {
    #[serde(rename = "drv")]
    drv_path: Option<String>,
    #[serde(rename = "out")]
    out_path: String,
}

fn eval_flake(reference: &str) -> Result<FlakeValue, StoreError> {
    // The error names what the user typed, not the internal `--apply`.
    let out = nix::eval_apply(reference, FLAKE_APPLY).map_err(|e| match e {
        StoreError::Nix { message, .. } => StoreError::Nix {
            command: format!("nix eval {reference}"),
            message,
        },
        other => other,
    })?;
    serde_json::from_slice(&out).map_err(|e| StoreError::BadNixJson {
        command: format!("nix eval {reference}"),
        reason: e.to_string(),
    })
}

fn resolve_flake(
    input: &str,
    reference: &str,
    store: &dyn Store,
    opts: ResolveOptions,
) -> Result<Resolved, StoreError> {
    let value = eval_flake(reference)?;
    let store_dir = store.store_dir();
    let top = store_dir
        .top_level_of(&value.out_path)
        .ok_or_else(|| StoreError::OutsideStore {
            input: format!("{input} (evaluates to {})", value.out_path),
            store_dir: store_dir.as_str().to_owned(),
        })?;
    if !store.is_valid(&top)? {
        match (&value.drv_path, opts.build) {
            (Some(drv), true) => {
                realise(drv)?;
            }
            (Some(drv), false) => {
                return Err(StoreError::NotRealised {
                    input: input.to_owned(),
                    path: top,
                    drv: drv.clone(),
                });
            }
            (None, _) => return Err(StoreError::NotValid { path: top }),
        }
    }
    Ok(Resolved {
        input: input.to_owned(),
        paths: vec![top],
        drv_path: value.drv_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_flake_refs_and_paths() {
        assert_eq!(classify(".#foo"), Kind::Flake(".#foo".into()));
        assert_eq!(classify("github:o/r#x"), Kind::Flake("github:o/r#x".into()));
        assert_eq!(
            classify("path:/some/dir"),
            Kind::Flake("path:/some/dir".into())
        );
        assert_eq!(classify("./result"), Kind::Path("./result".into()));
        assert_eq!(
            classify("/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-hello-2.12.1"),
            Kind::Path("/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-hello-2.12.1".into())
        );
    }
}
