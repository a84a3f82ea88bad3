//! What `flakegate diff` reports: the package view, the derivation view, or
//! both (`--explain`), as one value every renderer reads.

use flakegate_report::{Gate, Report, Status};
use serde::{Deserialize, Serialize};

use crate::{ClosureDiff, DrvDiffReport};

/// Version 2: derivation pairs say `consequence` and name their causes
/// (`because`), inner schema `flakegate.diff.drv/2`.
pub const SCHEMA: &str = "flakegate.diff/2";

#[derive(Debug, Serialize, Deserialize)]
pub struct DiffReport {
    pub closure: Option<ClosureDiff>,
    /// The derivation view, or the `--explain` drill-downs of the package view.
    pub derivations: Vec<Explained>,
    /// Show every compared derivation and whole values (`--full`); a
    /// rendering choice, not part of the JSON.
    #[serde(skip)]
    pub full: bool,
    /// List every rebuilt package (`--rebuilt`), not one line for them all.
    #[serde(skip)]
    pub rebuilt: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Explained {
    /// The package asked about with --explain, or null for a derivation view.
    pub package: Option<String>,
    pub report: DrvDiffReport,
}

impl DiffReport {
    /// Whether the two sides differ at all (`--exit-code`).
    #[must_use]
    pub fn differs(&self) -> bool {
        self.closure.as_ref().is_some_and(|c| {
            !c.packages.is_empty() || c.summary.paths_added + c.summary.paths_removed > 0
        }) || self
            .derivations
            .iter()
            .any(|d| d.package.is_none() && d.report.before != d.report.after)
    }
}

impl Report for DiffReport {
    const TOOL: &'static str = "diff";
    const SCHEMA: &'static str = SCHEMA;

    /// A diff has no gates: it informs. `--exit-code` is the command's.
    fn status(&self) -> Status {
        Status::Pass
    }

    fn gates(&self) -> &[Gate] {
        &[]
    }
}
