//! Baselines: what a later run needs to be compared with this one — the
//! exact counters with the stamp that makes them comparable (Nix version,
//! frontend, object sizes), and every sample's wall and CPU time, so that a
//! slowdown gets a confidence interval and not just two medians.

use flakegate_report::Schema;
use flakegate_store::eval::{Frontend, NixIdentity};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::counters::{self, Stamp};
use crate::ratio;
use crate::report::{BenchReport, Comparison, Reference, ReferenceKind};
use crate::summary::median;

/// The baseline file's schema identifier.
pub const BASELINE_SCHEMA: &str = "flakegate.bench.baseline/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    pub nix: NixIdentity,
    pub benchmarks: Vec<BaselineBenchmark>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineBenchmark {
    pub name: String,
    pub frontend: Frontend,
    pub sizes: BTreeMap<String, u64>,
    /// Whether its exact counters repeated in every sample.
    pub pure: bool,
    pub counters: BTreeMap<String, u64>,
    /// Wall time of every sample, seconds.
    pub wall: Vec<f64>,
    /// User + system CPU time of every sample, seconds.
    pub cpu: Vec<f64>,
}

impl Schema for Baseline {
    const SCHEMA: &'static str = BASELINE_SCHEMA;

    fn validate(&self) -> Result<(), String> {
        match self
            .benchmarks
            .iter()
            .find(|b| b.wall.iter().any(|t| !t.is_finite() || *t <= 0.0))
        {
            Some(b) => Err(format!(
                "{}: wall times must be positive numbers of seconds",
                b.name
            )),
            None => Ok(()),
        }
    }
}

impl Baseline {
    #[must_use]
    pub fn from_report(report: &BenchReport) -> Self {
        Self {
            nix: report.nix.clone(),
            benchmarks: report
                .benchmarks
                .iter()
                .map(|b| BaselineBenchmark {
                    name: b.name.clone(),
                    frontend: b.frontend,
                    sizes: b.counters.sizes.clone(),
                    pure: b.pure,
                    counters: b.counters.exact.clone(),
                    wall: b.samples.iter().map(|s| s.wall).collect(),
                    cpu: b.samples.iter().map(|s| s.user + s.system).collect(),
                })
                .collect(),
        }
    }

    /// Compares every benchmark of `report` with the baseline's benchmark of
    /// the same name; `label` names the baseline (its file) in the report.
    pub fn attach(&self, report: &mut BenchReport, label: &str) {
        report.reference = Some(Reference {
            kind: ReferenceKind::Baseline,
            label: label.to_owned(),
            commit: None,
            nix: self.nix.clone(),
        });
        for bench in &mut report.benchmarks {
            let Some(base) = self.benchmarks.iter().find(|b| b.name == bench.name) else {
                continue;
            };
            let check = counters::comparable(
                &Stamp {
                    nix: &self.nix,
                    frontend: base.frontend,
                    sizes: &base.sizes,
                },
                &Stamp {
                    nix: &report.nix,
                    frontend: bench.frontend,
                    sizes: &bench.counters.sizes,
                },
            );
            let times: Vec<f64> = bench.samples.iter().map(|s| s.wall).collect();
            bench.compared = Some(Comparison {
                reference_median: median(&base.wall),
                time: ratio::welch(&base.wall, &times),
                counters: check
                    .as_ref()
                    .ok()
                    .map(|()| counters::deltas(&base.counters, &bench.counters.exact)),
                counters_not_compared: check.err(),
                reference_pure: base.pure,
                revision: None,
            });
        }
    }
}
