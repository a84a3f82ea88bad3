//! Which store flakegate reads. Today the local store, located the way Nix
//! locates it (`NIX_STORE_DIR`, `NIX_STATE_DIR`); a binary cache
//! (`file://…`, `https://…`) will be one more variant with its own [`Store`]
//! implementation.
//!
//! [`Store`]: crate::Store

use std::fmt;
use std::path::PathBuf;

use crate::StoreDir;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// The local store: its directory and Nix's state directory, which holds
    /// the database.
    Local {
        store_dir: StoreDir,
        state_dir: PathBuf,
    },
}

impl StoreUrl {
    /// The local store Nix itself would use here.
    #[must_use]
    pub fn local_from_env() -> Self {
        Self::Local {
            store_dir: StoreDir::from_env(),
            state_dir: StoreDir::state_dir(),
        }
    }

    /// The store directory paths of this store live in.
    #[must_use]
    pub fn store_dir(&self) -> &StoreDir {
        match self {
            Self::Local { store_dir, .. } => store_dir,
        }
    }
}

impl Default for StoreUrl {
    fn default() -> Self {
        Self::local_from_env()
    }
}

impl fmt::Display for StoreUrl {
    /// Nix's own spelling: `local?store=…&state=…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local {
                store_dir,
                state_dir,
            } => write!(
                f,
                "local?store={}&state={}",
                store_dir.as_str(),
                state_dir.display()
            ),
        }
    }
}
