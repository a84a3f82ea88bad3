//! End-to-end tests: the `flakegate` binary against a real Nix and real fixture closures.

mod bench;
mod build;
mod build_log;
mod cache;
mod closure;
mod diff;
mod errors;
mod flake;
mod lint;
mod lock;
mod report;
mod sbom;
mod template;
mod usage;
mod util;
mod workflows;
