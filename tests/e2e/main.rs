//! End-to-end tests: the `flakegate` binary against a real Nix and real fixture closures.

mod bench;
mod build;
mod cache;
mod closure;
mod diff;
mod flake;
mod sbom;
mod util;
