//! The one interface every tool reads the store through. A backend answers
//! questions about valid paths (path infos, references, derivers, closures)
//! and reads `.drv` files; which backend answers is chosen once, by
//! [`open`], from a [`StoreUrl`] and the user's `--backend`.

use std::path::Path;

use nix_derivation::Derivation;

use crate::backend::{cli::CliBackend, db::DbBackend};
use crate::{Closure, PathInfo, StoreDir, StoreError, StoreUrl, drv};

/// How much of each closure member a caller needs. Asking for less lets a
/// backend skip columns and edges it would otherwise read and allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detail {
    /// Paths and NAR sizes only (a package diff); no references.
    Sizes,
    /// Also references and derivers (the closure report's graph).
    Graph,
    /// Everything the store knows: NAR hashes and registration times too.
    Full,
}

/// Where `.drv` files and small store files come from. Every [`Store`] is
/// one; a test can give the derivation engine files without a store.
/// `Sync`: derivations are read on several threads at once.
pub trait DrvSource: Sync {
    /// The store directory the paths live in.
    fn store_dir(&self) -> &StoreDir;

    /// Reads and parses a `.drv` file.
    fn read_drv(&self, drv_path: &str) -> Result<Derivation, StoreError> {
        drv::read(drv_path, self.store_dir())
    }

    /// The contents of a small UTF-8 text file in the store, if it is one
    /// (for showing how an input source changed).
    fn read_small_text(&self, path: &str, limit: u64) -> Option<String> {
        drv::read_small_text(path, limit)
    }
}

/// A Nix store as flakegate reads it. Implemented by the store database, by
/// `nix path-info`, and by a build's `.attrs.json`; a binary cache is one
/// more implementation of the same questions.
pub trait Store: DrvSource + Send {
    /// Which store this reads.
    fn url(&self) -> &StoreUrl;

    /// A short name of the backend for `--verbose` (`db`, `cli`, `attrs-json`).
    fn kind(&self) -> &'static str;

    /// Whether `path` is a valid store path.
    fn is_valid(&self, path: &str) -> Result<bool, StoreError>;

    /// What the store knows about `path`, or `None` when it is not valid.
    fn path_info(&self, path: &str) -> Result<Option<PathInfo>, StoreError>;

    /// The direct references of `path`, without itself, sorted (empty when
    /// it is not valid).
    fn references(&self, path: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .path_info(path)?
            .map(|info| info.references)
            .unwrap_or_default())
    }

    /// The `.drv` recorded as having built `path`, if any.
    fn recorded_deriver(&self, path: &str) -> Result<Option<String>, StoreError> {
        Ok(self.path_info(path)?.and_then(|info| info.deriver))
    }

    /// The `.drv` that built `path`, when the store knows it and the file
    /// can still be read.
    fn deriver(&self, path: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .recorded_deriver(path)?
            .filter(|d| std::path::Path::new(d).exists()))
    }

    /// The closure of `roots` (valid top-level store paths) with `detail`.
    fn closure_with(&self, roots: &[String], detail: Detail) -> Result<Closure, StoreError>;

    /// The closure of `roots` with everything the store knows.
    fn closure(&self, roots: &[String]) -> Result<Closure, StoreError> {
        self.closure_with(roots, Detail::Full)
    }

    /// Several closures at once, in order. A backend that can read them in
    /// parallel (the database, one connection per closure) does.
    fn closures(&self, roots: &[&[String]], detail: Detail) -> Result<Vec<Closure>, StoreError> {
        roots.iter().map(|r| self.closure_with(r, detail)).collect()
    }
}

/// Which backend the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// The database when it can be read, else the CLI.
    #[default]
    Auto,
    Db,
    Cli,
}

/// How to open a store.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    pub url: StoreUrl,
    pub backend: BackendChoice,
    /// Open the database without locking (`immutable=1`), which may read
    /// torn data while Nix writes: only behind an explicit flag.
    pub immutable_db: bool,
    /// Read closures with references to paths the store does not list
    /// (a broken store) instead of failing.
    pub allow_dangling: bool,
}

/// An open store and notes on how its backend was chosen (for `--verbose`).
pub struct Opened {
    pub store: Box<dyn Store>,
    pub notes: Vec<String>,
}

/// Opens the store `opts` names. `Auto` falls back from the database to the
/// CLI when the database cannot be read. A store or state directory that
/// is not there stops it first, whatever the backend: `nix-store` would
/// create a fresh, empty store in its place and call every path "not valid".
pub fn open(opts: &OpenOptions) -> Result<Opened, StoreError> {
    let mut notes = Vec::new();
    let StoreUrl::Local {
        store_dir,
        state_dir,
    } = &opts.url;
    crate::store_dir::check_exists(Path::new(store_dir.as_str()), "NIX_STORE_DIR")?;
    crate::store_dir::check_exists(state_dir, "NIX_STATE_DIR")?;
    let cli = || {
        Box::new(CliBackend::new(store_dir.clone()).allowing_dangling(opts.allow_dangling))
            as Box<dyn Store>
    };
    let store: Box<dyn Store> = match opts.backend {
        BackendChoice::Cli => cli(),
        BackendChoice::Db => Box::new(
            DbBackend::open(state_dir, store_dir.clone(), opts.immutable_db)?
                .allowing_dangling(opts.allow_dangling),
        ),
        BackendChoice::Auto => {
            match DbBackend::open(state_dir, store_dir.clone(), opts.immutable_db) {
                Ok(db) => Box::new(db.allowing_dangling(opts.allow_dangling)),
                // A state directory without a database is a mistyped one:
                // `nix` would create a store in it.
                Err(e) if no_such_file(&DbBackend::file_in(state_dir)) => return Err(e),
                Err(e) => {
                    notes.push(format!(
                        "cannot read the store database ({e}); using `nix path-info` instead"
                    ));
                    cli()
                }
            }
        }
    };
    Ok(Opened { store, notes })
}

/// Whether `path` is certainly not there (not merely unreadable: a reader
/// without permission falls back to `nix`, which asks the daemon).
fn no_such_file(path: &Path) -> bool {
    matches!(std::fs::metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}
