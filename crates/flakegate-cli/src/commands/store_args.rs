//! The store options of every command that reads the store, declared once
//! and flattened into each command's arguments.

use clap::{Args, ValueEnum};
use flakegate_store::{BackendChoice, OpenOptions, Store, StoreUrl};

#[derive(Debug, Args)]
pub struct BackendArgs {
    /// Where path infos come from: the store database, `nix path-info`, or
    /// the database with a fallback to `nix` (default).
    #[arg(long, value_enum, default_value_t = BackendArg::Auto, help_heading = "Store")]
    pub backend: BackendArg,
    /// Open the store database as immutable even while Nix has it open (no
    /// locks; may read torn data while Nix writes). Without it, flakegate
    /// does so only when no Nix process has it open, and checks afterwards.
    #[arg(long, help_heading = "Store")]
    pub db_immutable: bool,
    /// Read a closure even when a reference points at a path the store does
    /// not list (a broken store); such references are left out.
    #[arg(long, help_heading = "Store")]
    pub allow_dangling: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BackendArg {
    Auto,
    Db,
    Cli,
}

impl BackendArgs {
    /// Opens the local store with the chosen backend; under `verbose`, says
    /// on stderr how the backend was chosen.
    pub fn open(&self, verbose: bool) -> anyhow::Result<Box<dyn Store>> {
        let opened = flakegate_store::open(&OpenOptions {
            url: StoreUrl::local_from_env(),
            backend: match self.backend {
                BackendArg::Auto => BackendChoice::Auto,
                BackendArg::Db => BackendChoice::Db,
                BackendArg::Cli => BackendChoice::Cli,
            },
            immutable_db: self.db_immutable,
            allow_dangling: self.allow_dangling,
        })?;
        if verbose {
            for note in &opened.notes {
                eprintln!("note: {note}");
            }
        }
        Ok(opened.store)
    }
}
