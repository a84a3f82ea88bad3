//! The build report: one value every renderer reads; its JSON form is
//! versioned by [`SCHEMA`] (in the envelope).

use flakegate_report::{Gate, Status};
use serde::{Deserialize, Serialize};

use crate::baseline::BaselineComparison;
use crate::critical::CriticalPath;
use crate::profile::{Step, StepKind};

/// The JSON schema identifier; bumped on incompatible changes.
pub const SCHEMA: &str = "flakegate.build/1";

/// A step as the "slowest" list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepSummary {
    pub name: String,
    pub path: String,
    pub kind: StepKind,
    pub duration: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildReport {
    pub installables: Vec<String>,
    /// Whether `nix build` exited 0.
    pub success: bool,
    /// Nix's error messages when it failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Wall time of `nix build`, in seconds.
    pub wall: f64,
    /// Derivations built, and paths substituted.
    pub built: usize,
    pub substituted: usize,
    pub failed: usize,
    /// Sum of the build durations (CPU-agnostic: time each build ran).
    pub build_time: f64,
    /// Bytes downloaded (narinfos and NARs).
    pub downloaded_bytes: u64,
    pub critical_path: CriticalPath,
    /// The slowest builds, slowest first.
    pub slowest: Vec<StepSummary>,
    pub baseline: Option<BaselineComparison>,
    pub gates: Vec<Gate>,
    pub status: Status,
    /// Every build and substitution, in start order.
    pub steps: Vec<Step>,
}

flakegate_report::impl_report!(BuildReport, "build", SCHEMA);

/// A history line's figures: the build's wall time, the derivations built
/// and failed, the paths substituted.
impl flakegate_report::KeyFigures for BuildReport {
    fn figures(&self) -> Vec<flakegate_report::Figure> {
        use flakegate_report::{Figure, GateId, Unit};
        #[allow(clippy::cast_precision_loss)]
        let n = |v: usize| v as f64;
        // As the gate counts failures: a failed `nix build` with no failed
        // derivation (an evaluation error) counts one.
        let failed = self
            .gates
            .iter()
            .find(|g| g.gate == GateId::BuildFailures)
            .and_then(|g| g.actual)
            .unwrap_or(n(self.failed));
        vec![
            Figure::new("buildTime", "build time", Unit::Seconds, self.wall)
                .judged_by(&[GateId::MaxBuildTime, GateId::WarnBuildTime]),
            Figure::new("built", "built", Unit::Derivations, n(self.built))
                .judged_by(&[GateId::MaxBuilt]),
            Figure::new("failed", "failed", Unit::Derivations, failed)
                .judged_by(&[GateId::BuildFailures]),
            Figure::new(
                "substituted",
                "substituted",
                Unit::Paths,
                n(self.substituted),
            ),
        ]
    }
}
