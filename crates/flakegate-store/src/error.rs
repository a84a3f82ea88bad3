//! The one error type of the store crate. Every variant names the input it is
//! about, so the CLI can print it as a single line.

use std::path::PathBuf;

/// Why a store query or an installable failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{input}: no such file or directory")]
    Missing { input: String },

    #[error("{input}: symlink target {target} does not exist (broken symlink)")]
    BrokenSymlink { input: String, target: PathBuf },

    #[error("{input}: not in the Nix store ({store_dir})")]
    OutsideStore { input: String, store_dir: String },

    #[error("{input}: not a valid store path: {reason}")]
    InvalidStorePath { input: String, reason: String },

    #[error("{input}: not a profile: no generations ({name}-N-link) next to it")]
    NotAProfile { input: String, name: String },

    #[error("{path}: not valid in the Nix store (not built or garbage-collected)")]
    NotValid { path: String },

    #[error(
        "{input}: not realised ({path} is not in the store); pass --build to build it, or run `nix-store --realise {drv}`"
    )]
    NotRealised {
        input: String,
        path: String,
        drv: String,
    },

    #[error("{input}: cannot read derivation: {reason}")]
    BadDerivation { input: String, reason: String },

    #[error(
        "{operand}: {program} would read it as an option, not as a path (write ./{operand} for a file of that name)"
    )]
    OptionLikeOperand {
        operand: String,
        program: &'static str,
    },

    #[error("`{command}` failed: {message}")]
    Nix { command: String, message: String },

    #[error("`{command}` printed JSON flakegate cannot read: {reason}")]
    BadNixJson { command: String, reason: String },

    #[error("{file}: {reason}")]
    BadAttrsJson { file: String, reason: String },

    #[error("{path}: asked of the store but missing from its answer")]
    MissingRoot { path: String },

    #[error(
        "{from} refers to {to}, which the store does not list (a broken store? --allow-dangling reads it anyway)"
    )]
    Dangling { from: String, to: String },

    #[error("{what}: more bytes than 64 bits can count; the store's sizes are corrupt")]
    Overflow { what: String },

    #[error(
        "{dir}: {reason} (the directory {variable} names, or its default); flakegate stops rather than let nix create a store there"
    )]
    StoreMissing {
        dir: String,
        reason: String,
        variable: &'static str,
    },

    #[error("store database {file}: {reason}")]
    Database { file: String, reason: String },

    /// SQLite's `SQLITE_READONLY` (and its extended codes `_RECOVERY`,
    /// `_CANTINIT`) on a read-only connection: the WAL index is being
    /// rebuilt by a writer and this user cannot write it.
    #[error("store database {file}: {reason}")]
    ReadOnlyIndex { file: String, reason: String },

    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    pub(crate) fn io(file: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            file: file.into(),
            source,
        }
    }
}
