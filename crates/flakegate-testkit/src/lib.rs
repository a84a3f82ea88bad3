//! Real Nix fixtures for flakegate's tests (a dev-dependency of every crate).
//!
//! The fixtures live in `tests/fixtures/*.nix` and need no nixpkgs and no
//! network: `builtins.derivation` with builder `/bin/sh`, and
//! `builtins.toFile`. Each helper builds what it returns (or evaluates it, for
//! `toFile` closures), is fast when things are already in the store, and
//! panics with Nix's stderr when Nix fails. Known answers (closure members,
//! sizes, the generation diff) are in `tests/fixtures/README.md`.
//!
//! ```no_run
//! let set = flakegate_testkit::package_set();
//! let closure = flakegate_testkit::requisites(&set.toplevel);
//! assert_eq!(closure.len(), 52);
//! ```

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

pub mod arb;
mod binary_cache;
mod fixtures;
mod nix;
mod path_info;
pub mod picture;

pub use binary_cache::{CacheFixture, CacheServer, Fault, cache_fixture, dry_run, serve};
pub use fixtures::{
    Generations, PackageSet, attrs_json_of, fixture, generations, package_set, repo_root,
    synthetic_closure, synthetic_closure_seeded, unrealised_drv,
};
pub use nix::{
    current_system, eval_json, instantiate, is_valid, nix_build, nix_build_str, nonce, references,
    requisites, store_name,
};
pub use path_info::{entries as path_info_entries, path_info};
