//! flakegate's model of the Nix store.
//!
//! This is the only crate of flakegate that runs `nix` or reads the store. It
//! turns what Nix knows into plain data: store paths and their names
//! ([`name`]), path infos and closures ([`PathInfo`], [`Closure`]), the
//! derivation graph ([`drv`]), and what the user typed on the command line
//! ([`installable`]). Every tool (closure, diff, sbom, bench) reads through
//! the [`Store`] trait; none of them talks to Nix itself.

pub mod availability;
pub mod backend;
pub mod binary_cache;
pub mod build;
pub mod command;
pub mod drv;
mod error;
pub mod eval;
pub mod git;
pub mod hash;
pub mod installable;
pub mod meta_eval;
pub mod name;
pub mod nix;
pub mod nix_config;
pub mod nix_version;
mod path_info;
pub mod profile;
mod realise;
mod store;
pub mod store_dir;
mod url;

pub use error::StoreError;
pub use path_info::{Closure, Member, PathInfo};
pub use store::{BackendChoice, Detail, DrvSource, OpenOptions, Opened, Store, open};
pub use store_dir::StoreDir;
pub use url::StoreUrl;
