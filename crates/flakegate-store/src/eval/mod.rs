//! Evaluation under measurement, for `flakegate bench`.
//!
//! - [`EvalCommand`]: one fixed frontend per benchmark — `nix eval
//!   --no-eval-cache REF#ATTR.drvPath` for flakes, `nix-instantiate FILE -A
//!   ATTR` otherwise — as an argument vector.
//! - [`measure`]: runs it once as a fresh process with `NIX_SHOW_STATS`,
//!   and returns the child's wall time, user and system CPU time and peak
//!   RSS (from `wait4`) with the evaluator's counters.
//! - [`EvalStats`]: the stats JSON of every Nix version, flattened.
//! - [`identity`], [`current_system`], [`default_flake_attrs`]: what a
//!   result is stamped with and what is measured by default.
//! - [`revision`]: a git revision and the working tree as two plain
//!   directories, for A/B comparisons.

mod command;
mod identity;
mod measure;
pub mod revision;
mod stats;

pub use command::{EvalCommand, Frontend, shell_quote};
pub use identity::{NixIdentity, current_system, default_flake_attrs, identity};
pub use measure::{Measurement, measure};
pub use stats::{EvalStats, StatValue};
