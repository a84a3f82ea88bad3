//! The closure engine: a pure function from a [`Closure`] to numbers.
//!
//! Definitions (also in the README):
//! - **self size**: a path's NAR size.
//! - **closure size**: the sum of the self sizes of everything a path
//!   references, directly or not, itself included (each path once).
//! - **added size**: the bytes that would leave the closure if this path were
//!   no longer referenced: the path and everything only reachable through it.
//!   It is the retained size in the dominator tree of the reference graph,
//!   with a virtual root above all roots.
//! - **exclusive size**: added − self: what it drags in that nothing else needs.
//!
//! Nothing here runs `nix` or touches the disk.

mod added;
mod analyse;
pub mod baseline;
pub mod budget;
mod closure_sizes;
mod duplicates;
mod graph;
mod order;
mod report;
mod why;

pub use analyse::{AnalyseOptions, analyse};
pub use baseline::{Baseline, BaselineComparison, GrowthCause};
pub use budget::Budget;
pub use flakegate_store::Closure;
pub use graph::Graph;
pub use report::{
    ClosureReport, DependencyEntry, Duplicate, DuplicateInstance, PathEntry, RootReport, SCHEMA,
    WhyChain,
};
