//! Where path infos come from. Three sources give identical [`Closure`]s:
//! the store database (fast, read-only), `nix path-info --json` (any Nix, any
//! store URL) and the `.attrs.json` Nix writes inside a build.

pub mod attrs_json;
pub mod cli;
pub mod db;

use crate::{Closure, StoreDir, StoreError};

/// Which backend the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// The database when it can be read, else the CLI.
    #[default]
    Auto,
    Db,
    Cli,
}

/// An open backend.
pub enum Backend {
    Db(db::DbBackend),
    Cli(cli::CliBackend),
}

/// The store as flakegate sees it: one backend plus notes on how it was chosen
/// (shown under `--verbose`).
pub struct Store {
    backend: Backend,
    store_dir: StoreDir,
    notes: Vec<String>,
}

impl Store {
    /// Opens the store. `Auto` falls back from the database to the CLI when the
    /// database cannot be read (e.g. a non-root user without the WAL files).
    /// `immutable_db` opens the database without locking, which may read torn
    /// data while Nix writes: only behind an explicit flag.
    pub fn open(choice: BackendChoice, immutable_db: bool) -> Result<Self, StoreError> {
        let store_dir = StoreDir::from_env();
        let mut notes = Vec::new();
        let backend = match choice {
            BackendChoice::Cli => Backend::Cli(cli::CliBackend::new(store_dir.clone())),
            BackendChoice::Db => Backend::Db(db::DbBackend::open(
                &StoreDir::state_dir(),
                store_dir.clone(),
                immutable_db,
            )?),
            BackendChoice::Auto => {
                match db::DbBackend::open(&StoreDir::state_dir(), store_dir.clone(), immutable_db) {
                    Ok(db) => Backend::Db(db),
                    Err(e) => {
                        notes.push(format!(
                            "cannot read the store database ({e}); using `nix path-info` instead"
                        ));
                        Backend::Cli(cli::CliBackend::new(store_dir.clone()))
                    }
                }
            }
        };
        Ok(Self {
            backend,
            store_dir,
            notes,
        })
    }

    #[must_use]
    pub fn store_dir(&self) -> &StoreDir {
        &self.store_dir
    }

    /// How the backend was chosen, for `--verbose`.
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// `"db"` or `"cli"`.
    #[must_use]
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Db(_) => "db",
            Backend::Cli(_) => "cli",
        }
    }

    /// Whether `path` is a valid store path.
    pub fn is_valid(&self, path: &str) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Db(db) => db.is_valid(path),
            Backend::Cli(cli) => cli.is_valid(path),
        }
    }

    /// The `.drv` a valid path was built by, when the store knows it (and the
    /// file still exists).
    pub fn deriver(&self, path: &str) -> Result<Option<String>, StoreError> {
        let deriver = match &self.backend {
            Backend::Db(db) => db.deriver(path)?,
            Backend::Cli(cli) => cli.deriver(path)?,
        };
        Ok(deriver.filter(|d| std::path::Path::new(d).exists()))
    }

    /// The closure of `roots` (top-level store paths, which must be valid).
    pub fn closure(&self, roots: &[String]) -> Result<Closure, StoreError> {
        for root in roots {
            self.store_dir.check_path(root)?;
        }
        match &self.backend {
            Backend::Db(db) => db.closure(roots),
            Backend::Cli(cli) => cli.closure(roots),
        }
    }
}
