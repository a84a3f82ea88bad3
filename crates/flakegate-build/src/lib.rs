//! The build engine: a pure function from what `nix build` reported (its
//! timed internal-json events) and the derivation graph to a report.
//!
//! - [`profile`]: one [`Step`] per build or substitution, with its start,
//!   end, phases, machine and bytes.
//! - [`critical`]: the critical path, the longest chain of dependent
//!   builds, which bounds what more parallelism could gain.
//! - [`trace`]: the profile as Chrome trace-event JSON (Perfetto,
//!   `about:tracing`).
//! - [`analyse`]: the report, with the slowest builds, the baseline
//!   comparison and the gates.
//!
//! Nothing here runs `nix` or touches the disk.

mod analyse;
pub mod baseline;
pub mod critical;
pub mod profile;
mod report;
pub mod trace;

pub use analyse::{BuildInput, Limits, analyse};
pub use baseline::{Baseline, BaselineComparison, BuildChange};
pub use critical::{CriticalPath, critical_path};
pub use profile::{Phase, Profile, Step, StepKind, profile, seconds, step_name};
pub use report::{BuildReport, SCHEMA, StepSummary};
pub use trace::trace;
