//! The build engine: a pure function from what `nix build` reported (its
//! timed internal-json events) and the derivation graph to a profile.
//!
//! - [`profile`]: one [`Step`] per build or substitution, with its start,
//!   end, phases, machine and bytes.
//! - [`critical`]: the critical path, the longest chain of dependent
//!   builds, which bounds what more parallelism could gain.
//! - [`trace`]: the profile as Chrome trace-event JSON (Perfetto,
//!   `about:tracing`).
//!
//! Nothing here runs `nix` or touches the disk.

pub mod critical;
pub mod profile;
pub mod trace;

pub use critical::{CriticalPath, critical_path};
pub use profile::{Phase, Profile, Step, StepKind, profile, seconds, step_name};
pub use trace::trace;
