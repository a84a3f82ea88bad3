//! flakegate's report model, shared by every tool.
//!
//! - [`Status`]: pass, warn, fail or skipped, and how a run's status follows
//!   from its gates.
//! - [`Gate`]: one check of a measured value against a limit, named by a
//!   [`GateId`] that knows its label, unit, direction and severity.
//! - [`Envelope`] and [`Document`]: the versioned header (schema, tool,
//!   flakegate and Nix versions, git revision, reproducible date) that every
//!   `--json` report, baseline and history line carries.
//! - [`Report`]: what a tool's report offers to the renderers and to
//!   `flakegate report`.
//! - [`baseline`]: the one schema-checked baseline reader and writer.
//! - [`write`]: output files that are never half-written nor clobbered.
//! - [`history`]: one line per run, appended, for `flakegate trend`.
//!
//! Nothing here runs `nix`; the CLI fills the envelope from the store crate.

pub mod baseline;
mod envelope;
mod gate;
pub mod history;
mod status;
pub mod units;
pub mod write;

pub use envelope::{Document, Envelope, GitState, format_epoch};
pub use gate::{Bound, Gate, GateId, Unit};
pub use history::{Figure, HistoryLine, KeyFigures};
pub use status::Status;

/// A tool's report, as every renderer and `flakegate report` sees it.
pub trait Report: serde::Serialize {
    /// The tool's name (`closure`), as in `flakegate closure`.
    const TOOL: &'static str;
    /// The schema of its JSON, bumped on incompatible changes
    /// (`flakegate.closure/1`).
    const SCHEMA: &'static str;

    /// The worst outcome of its gates; decides the exit status.
    fn status(&self) -> Status;

    /// Every gate that was checked, in the order the user reads them.
    fn gates(&self) -> &[Gate];
}

/// Implements [`Report`] for a report type with `status: Status` and
/// `gates: Vec<Gate>` fields, the shape every tool's report has:
/// `flakegate_report::impl_report!(ClosureReport, "closure", SCHEMA);`
#[macro_export]
macro_rules! impl_report {
    ($type:ty, $tool:expr, $schema:expr) => {
        impl $crate::Report for $type {
            const TOOL: &'static str = $tool;
            const SCHEMA: &'static str = $schema;

            fn status(&self) -> $crate::Status {
                self.status
            }

            fn gates(&self) -> &[$crate::Gate] {
                &self.gates
            }
        }
    };
}

/// A file format with a schema of its own (a baseline, a history line).
pub trait Schema {
    /// The schema identifier written into and checked on every file.
    const SCHEMA: &'static str;

    /// Checks what the types cannot say (positive times, say); the reader
    /// reports a failure as an invalid file.
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}
