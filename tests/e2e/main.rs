//! End-to-end tests: the `flakegate` binary against a real Nix and real fixture closures.

// The tests run fixed commands on their own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

mod bench;
mod build;
mod build_log;
mod cache;
mod closure;
mod diff;
mod errors;
mod flake;
mod injection;
mod lint;
mod lock;
mod report;
mod sbom;
mod template;
mod trend;
mod usage;
mod util;
mod workflows;
