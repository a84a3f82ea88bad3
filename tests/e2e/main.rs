//! End-to-end tests: the `flakegate` binary against a real Nix and real fixture closures.

mod bench;
mod closure;
mod diff;
mod flake;
mod lint;
mod report;
mod sbom;
mod usage;
mod util;
