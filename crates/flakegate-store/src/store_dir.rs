//! Where the store lives. Nix reads `NIX_STORE_DIR` and `NIX_STATE_DIR`; so do we,
//! so that a private store (tests, a check inside a build) works unchanged.

use std::path::{Path, PathBuf};

use crate::StoreError;

/// The logical store directory, e.g. `/nix/store`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreDir {
    dir: String,
}

impl StoreDir {
    /// The store directory Nix would use: `$NIX_STORE_DIR`, else `/nix/store`.
    #[must_use]
    pub fn from_env() -> Self {
        let dir = std::env::var("NIX_STORE_DIR")
            .ok()
            .filter(|d| !d.is_empty())
            .map_or_else(
                || "/nix/store".to_owned(),
                |d| d.trim_end_matches('/').to_owned(),
            );
        Self { dir }
    }

    /// The store directory inside a build: Nix sets `NIX_STORE` to it.
    #[must_use]
    pub fn of_build() -> Self {
        std::env::var("NIX_STORE")
            .ok()
            .filter(|d| d.starts_with('/'))
            .map_or_else(Self::from_env, |d| Self::new(&d))
    }

    /// The same directory as `nix-derivation` spells it, for parsing and
    /// rendering the paths of a `.drv`.
    pub fn to_nix(&self) -> Result<nix_derivation::StoreDir, StoreError> {
        nix_derivation::StoreDir::new(self.as_str()).map_err(|e| StoreError::BadDerivation {
            input: self.dir.clone(),
            reason: e.to_string(),
        })
    }

    /// A store directory given explicitly (from `.attrs.json` or path-info JSON).
    #[must_use]
    pub fn new(dir: &str) -> Self {
        Self {
            dir: dir.trim_end_matches('/').to_owned(),
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.dir
    }

    /// The Nix state directory: `$NIX_STATE_DIR`, else `/nix/var/nix`.
    #[must_use]
    pub fn state_dir() -> PathBuf {
        std::env::var_os("NIX_STATE_DIR")
            .filter(|d| !d.is_empty())
            .map_or_else(|| PathBuf::from("/nix/var/nix"), PathBuf::from)
    }

    /// Validates `path` as a top-level store path of this store (no sub-path) and
    /// returns it unchanged.
    pub fn check_path(&self, path: &str) -> Result<(), StoreError> {
        let basename = self
            .basename_of(path)
            .ok_or_else(|| StoreError::OutsideStore {
                input: path.to_owned(),
                store_dir: self.dir.clone(),
            })?;
        // Nix's own reason ("no `-` separating digest from name") puzzles
        // for a name that has a dash: say what a store path looks like.
        nix_derivation::StorePath::from_basename(basename.as_bytes()).map_err(|_| {
            StoreError::InvalidStorePath {
                input: path.to_owned(),
                reason: format!(
                    "`{basename}` is not <hash>-<name> with a 32-character Nix base-32 hash"
                ),
            }
        })?;
        Ok(())
    }

    /// `"<hash>-<name>"` of a top-level store path, or `None` when `path` is not
    /// directly inside this store directory.
    #[must_use]
    pub fn basename_of<'a>(&self, path: &'a str) -> Option<&'a str> {
        let rest = path.strip_prefix(&self.dir)?.strip_prefix('/')?;
        (!rest.is_empty() && !rest.contains('/')).then_some(rest)
    }

    /// The top-level store path containing `path` (which may point inside a
    /// store path, like `/nix/store/…-hello/bin/hello`).
    #[must_use]
    pub fn top_level_of(&self, path: &str) -> Option<String> {
        let rest = path.strip_prefix(&self.dir)?.strip_prefix('/')?;
        let base = rest.split('/').next().filter(|b| !b.is_empty())?;
        Some(format!("{}/{}", self.dir, base))
    }

    /// Absolute path of a basename in this store.
    #[must_use]
    pub fn join(&self, basename: &str) -> String {
        format!("{}/{}", self.dir, basename)
    }
}

impl Default for StoreDir {
    fn default() -> Self {
        Self::from_env()
    }
}

/// Stops when `dir`, the store or state directory (named by `variable`),
/// is missing or unreadable. Nix would create a missing one, with a fresh
/// database, as a side effect of a query.
pub fn check_exists(dir: &Path, variable: &'static str) -> Result<(), StoreError> {
    let reason = match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => "not a directory".to_owned(),
        Err(e) => match e.kind() {
            std::io::ErrorKind::NotFound => "no such directory".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => e.to_string(),
        },
    };
    Err(StoreError::StoreMissing {
        dir: dir.display().to_string(),
        reason,
        variable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-hello-2.12.1";

    #[test]
    fn a_store_directory_must_be_a_directory_that_is_there() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(check_exists(dir.path(), "NIX_STATE_DIR").is_ok());
        let file = dir.path().join("file");
        std::fs::write(&file, "").expect("write");
        for (path, reason) in [
            (dir.path().join("missing"), "no such directory"),
            (file.clone(), "not a directory"),
            (file.join("below"), "Not a directory"),
        ] {
            let err = check_exists(&path, "NIX_STORE_DIR")
                .expect_err("refused")
                .to_string();
            assert!(
                err.starts_with(&format!("{}: {reason}", path.display()))
                    && err.contains("NIX_STORE_DIR"),
                "{err}"
            );
        }
    }

    #[test]
    fn accepts_top_level_paths_only() {
        let s = StoreDir::new("/nix/store");
        assert!(s.check_path(P).is_ok());
        assert!(matches!(
            s.check_path("/etc/passwd"),
            Err(StoreError::OutsideStore { .. })
        ));
        assert!(matches!(
            s.check_path("/nix/store/nothash-hello"),
            Err(StoreError::InvalidStorePath { .. })
        ));
        assert_eq!(s.basename_of(&format!("{P}/bin")), None);
        assert_eq!(
            s.top_level_of(&format!("{P}/bin/hello")).as_deref(),
            Some(P)
        );
    }

    #[test]
    fn custom_store_dir() {
        let s = StoreDir::new("/custom/store/");
        assert_eq!(s.as_str(), "/custom/store");
        assert!(
            s.check_path("/custom/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-x")
                .is_ok()
        );
        assert!(s.check_path(P).is_err());
    }
}
