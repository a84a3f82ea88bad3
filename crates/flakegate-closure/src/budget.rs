//! Gates: size and path-count budgets, and growth against a baseline.

use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::report::ClosureReport;

/// What the user asked to enforce.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// Fail when the total closure size exceeds this many bytes.
    pub max_size: Option<u64>,
    /// Warn (exit 0) when the total exceeds this many bytes.
    pub warn_size: Option<u64>,
    /// Fail when the closure has more paths than this.
    pub max_paths: Option<u64>,
    /// Compare with this baseline (reported even without `max_growth`).
    pub baseline: Option<Baseline>,
    /// Fail when the total grew by more than this percentage of the baseline.
    pub max_growth_percent: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GateStatus {
    Pass,
    Warn,
    Fail,
}

/// The verdict of one gate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GateOutcome {
    /// `maxSize`, `warnSize`, `maxPaths` or `maxGrowth`.
    pub gate: String,
    pub status: GateStatus,
    /// The measured value: bytes, paths, or percent for `maxGrowth`.
    pub actual: f64,
    /// The limit it was held to, in the same unit.
    pub limit: f64,
}

impl Budget {
    /// Evaluates every configured gate on `report`, recording the outcomes,
    /// the baseline comparison and the overall status in it.
    pub fn apply(&self, report: &mut ClosureReport) {
        // Sizes are far below 2^53, so f64 holds them exactly.
        #[allow(clippy::cast_precision_loss)]
        let as_f = |v: u64| v as f64;
        let mut gates = Vec::new();
        let total = report.total_size;
        if let Some(limit) = self.max_size {
            gates.push(outcome(
                "maxSize",
                total > limit,
                GateStatus::Fail,
                as_f(total),
                as_f(limit),
            ));
        }
        if let Some(limit) = self.warn_size {
            gates.push(outcome(
                "warnSize",
                total > limit,
                GateStatus::Warn,
                as_f(total),
                as_f(limit),
            ));
        }
        if let Some(limit) = self.max_paths {
            let count = report.path_count as u64;
            gates.push(outcome(
                "maxPaths",
                count > limit,
                GateStatus::Fail,
                as_f(count),
                as_f(limit),
            ));
        }
        if let Some(baseline) = &self.baseline {
            let comparison = baseline.compare(report);
            if let Some(limit) = self.max_growth_percent {
                gates.push(outcome(
                    "maxGrowth",
                    comparison.growth_percent > limit,
                    GateStatus::Fail,
                    comparison.growth_percent,
                    limit,
                ));
            }
            report.baseline = Some(comparison);
        }
        report.status = gates
            .iter()
            .map(|g| g.status)
            .max()
            .unwrap_or(GateStatus::Pass);
        report.gates = gates;
    }
}

fn outcome(
    gate: &str,
    exceeded: bool,
    severity: GateStatus,
    actual: f64,
    limit: f64,
) -> GateOutcome {
    GateOutcome {
        gate: gate.to_owned(),
        status: if exceeded { severity } else { GateStatus::Pass },
        actual,
        limit,
    }
}
