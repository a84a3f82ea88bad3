//! A build baseline: the wall time and the builds of a run, by derivation
//! name (hashes change between commits, names rarely do).

use std::collections::BTreeMap;

use flakegate_report::Schema;
use serde::{Deserialize, Serialize};

use crate::profile::StepKind;
use crate::report::BuildReport;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    /// Wall time, seconds.
    pub wall: f64,
    pub built: usize,
    /// Build duration by derivation name, seconds.
    pub builds: BTreeMap<String, f64>,
}

impl Schema for Baseline {
    const SCHEMA: &'static str = "flakegate.build.baseline/1";

    fn validate(&self) -> Result<(), String> {
        if self.wall.is_finite() && self.wall >= 0.0 {
            Ok(())
        } else {
            Err(format!("wall time {} is not a duration", self.wall))
        }
    }
}

impl Baseline {
    #[must_use]
    pub fn from_report(report: &BuildReport) -> Self {
        let mut builds = BTreeMap::new();
        for s in report.steps.iter().filter(|s| s.kind == StepKind::Built) {
            *builds.entry(s.name.clone()).or_insert(0.0) += s.duration;
        }
        Self {
            wall: report.wall,
            built: report.built,
            builds,
        }
    }
}

/// This run against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineComparison {
    pub baseline_wall: f64,
    /// Percent change of the wall time (+ is slower).
    pub wall_change_percent: f64,
    pub baseline_built: usize,
    /// Builds present in both, by how much slower they got, worst first.
    pub slower: Vec<BuildChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildChange {
    pub name: String,
    pub before: f64,
    pub after: f64,
}

#[must_use]
pub fn compare(baseline: &Baseline, report: &BuildReport, top: usize) -> BaselineComparison {
    let now = Baseline::from_report(report);
    let wall_change_percent = if baseline.wall > 0.0 {
        ((report.wall - baseline.wall) / baseline.wall * 10_000.0).round() / 100.0
    } else {
        0.0
    };
    let mut slower: Vec<BuildChange> = now
        .builds
        .iter()
        .filter_map(|(name, after)| {
            let before = *baseline.builds.get(name)?;
            (*after > before).then(|| BuildChange {
                name: name.clone(),
                before,
                after: *after,
            })
        })
        .collect();
    slower.sort_by(|a, b| {
        (b.after - b.before)
            .total_cmp(&(a.after - a.before))
            .then_with(|| a.name.cmp(&b.name))
    });
    slower.truncate(top);
    BaselineComparison {
        baseline_wall: baseline.wall,
        wall_change_percent,
        baseline_built: baseline.built,
        slower,
    }
}
