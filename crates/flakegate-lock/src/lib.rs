//! The flake.lock engine: a pure function from lock files to reports.
//!
//! - [`LockGraph::parse`]: versions 5, 6 and 7; every node's inputs resolved
//!   (through `follows`), its paths from the root and its owner path.
//! - [`analyse`]: duplicates with the `follows` lines that remove them, ages
//!   against a reference time, pinning findings.
//! - [`diff()`]: what an update moved, for the body of an update PR.
//!
//! Nothing here runs `nix` or `git`, reads a clock or touches the disk.

pub mod diff;
pub mod duplicates;
mod error;
pub mod gates;
pub mod graph;
pub mod health;
pub mod pinning;
mod source;
pub mod time;

pub use diff::{LockDiff, diff};
pub use duplicates::{Duplicate, DuplicateNode, FollowsLine};
pub use error::LockError;
pub use gates::{LockGates, PinningGate};
pub use graph::{InputPath, LockGraph, Node, NodeId, Revision};
pub use health::{HealthOptions, HealthReport, InputEntry, SCHEMA, analyse, newest};
pub use pinning::{PinningFinding, PinningKind};
pub use source::{Forge, ForgeKind, InputType, Source};
