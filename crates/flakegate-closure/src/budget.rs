//! Gates: size and path-count budgets, and growth against a baseline.

use flakegate_report::{Gate, GateId, Status};

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

impl Budget {
    /// Evaluates every configured gate on `report`, recording the outcomes,
    /// the baseline comparison and the overall status in it.
    pub fn apply(&self, report: &mut ClosureReport) {
        // Sizes and counts below 2^53 are exact in f64; gates compare them
        // there, with every other unit.
        #[allow(clippy::cast_precision_loss)]
        let as_f = |v: u64| v as f64;
        let mut gates = Vec::new();
        let total = as_f(report.total_size);
        if let Some(limit) = self.max_size {
            gates.push(Gate::judge(GateId::MaxSize, total, as_f(limit)));
        }
        if let Some(limit) = self.warn_size {
            gates.push(Gate::judge(GateId::WarnSize, total, as_f(limit)));
        }
        if let Some(limit) = self.max_paths {
            let count = u64::try_from(report.path_count).unwrap_or(u64::MAX);
            gates.push(Gate::judge(GateId::MaxPaths, as_f(count), as_f(limit)));
        }
        if let Some(baseline) = &self.baseline {
            let comparison = baseline.compare(report);
            if let Some(limit) = self.max_growth_percent {
                gates.push(Gate::judge(
                    GateId::MaxGrowth,
                    comparison.growth_percent,
                    limit,
                ));
            }
            report.baseline = Some(comparison);
        }
        report.status = Status::overall(gates.iter().map(|g| g.status));
        report.gates = gates;
    }
}
