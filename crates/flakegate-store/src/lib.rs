//! flakegate's model of the Nix store.
//!
//! This is the only crate of flakegate that runs `nix` or reads the store. It
//! turns what Nix knows into plain data: store paths and their names
//! ([`name`]), path infos and closures ([`PathInfo`], [`Closure`]), the
//! derivation graph ([`drv`]), and what the user typed on the command line
//! ([`installable`]). Every later tool (closure, diff, sbom, bench) consumes
//! these values; none of them talks to Nix itself.

pub mod availability;
pub mod backend;
pub mod binary_cache;
pub mod build;
pub mod drv;
mod error;
pub mod eval;
pub mod git;
pub mod hash;
pub mod installable;
pub mod members;
pub mod meta_eval;
pub mod name;
pub mod nix;
pub mod nix_config;
mod path_info;
pub mod profile;
pub mod store_dir;

pub use backend::{Backend, BackendChoice, Store};
pub use error::StoreError;
pub use path_info::{Closure, PathInfo};
pub use store_dir::StoreDir;
