//! The report: one value that every output format renders, and that
//! `--json` prints as is.

use flakegate_store::eval::{Frontend, NixIdentity};
use serde::{Deserialize, Serialize};

use crate::counters::{CounterDelta, Counters};
use crate::ratio::Ratio;
use crate::summary::Summary;
use flakegate_report::{Gate, Status};

/// The report's schema identifier (`"schema"` in `--json`). Version 2: gates
/// are the shared gate shape (`subject` names the benchmark, `unit` added).
pub const SCHEMA: &str = "flakegate.bench/2";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BenchReport {
    /// The Nix every sample was evaluated with.
    pub nix: NixIdentity,
    pub settings: Settings,
    pub benchmarks: Vec<Benchmark>,
    /// What the benchmarks were compared with: a baseline file or a revision.
    pub reference: Option<Reference>,
    pub gates: Vec<Gate>,
    /// Things the reader must know: impure evaluations, outliers, counters
    /// that were not compared and why.
    pub notes: Vec<String>,
    pub status: Status,
}

flakegate_report::impl_report!(BenchReport, "bench", SCHEMA);

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Unmeasured runs before the measured ones (per side in an A/B run).
    pub warmup: u32,
    /// The least number of measured runs.
    pub runs: u32,
    /// Runs continue until their wall times add up to this (seconds).
    pub min_time: f64,
}

/// One evaluated attribute.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Benchmark {
    /// The attribute path (`nixosConfigurations.web.config.system.build.toplevel`).
    pub name: String,
    pub frontend: Frontend,
    /// The command line of one sample.
    pub command: String,
    /// What it evaluated to.
    pub drv_path: String,
    pub samples: Vec<Sample>,
    /// Wall time, seconds.
    pub wall: Summary,
    /// User + system CPU time of the child, seconds.
    pub cpu: Summary,
    pub user: Summary,
    pub system: Summary,
    /// Peak RSS of the child, bytes.
    pub max_rss: Summary,
    /// How many samples are outliers by wall time (flagged in `samples`).
    pub outliers: usize,
    pub counters: Counters,
    /// Whether every exact counter was identical in every sample.
    pub pure: bool,
    /// The comparison with the reference, when there is one.
    pub compared: Option<Comparison>,
}

/// One measured run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    pub wall: f64,
    pub user: f64,
    pub system: f64,
    pub max_rss: u64,
    /// Flagged by the modified z-score of its wall time (kept in every
    /// statistic all the same).
    pub outlier: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    /// `baseline` or `revision`.
    pub kind: ReferenceKind,
    /// The baseline file, or the revision as given (`HEAD~1`).
    pub label: String,
    /// The commit a revision resolved to.
    pub commit: Option<String>,
    pub nix: NixIdentity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceKind {
    Baseline,
    Revision,
}

/// This benchmark against the same one in the reference.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// The reference's median wall time, seconds.
    pub reference_median: f64,
    /// Current over reference wall time with its 95 % interval (`None`
    /// below two runs on a side).
    pub time: Option<Ratio>,
    /// Deltas of the exact counters; `None` when they are not comparable.
    pub counters: Option<Vec<CounterDelta>>,
    /// Why the counters were not compared.
    pub counters_not_compared: Option<String>,
    /// Whether the reference's evaluation was pure.
    pub reference_pure: bool,
    /// The revision's own measurements, in an A/B run.
    pub revision: Option<Box<Benchmark>>,
}

/// A history line's figures: per benchmark, the median wall and CPU times
/// and the median peak memory.
impl flakegate_report::KeyFigures for BenchReport {
    fn figures(&self) -> Vec<flakegate_report::Figure> {
        use flakegate_report::{Figure, GateId, Unit};
        self.benchmarks
            .iter()
            .flat_map(|b| {
                [
                    Figure::new("evalTime", "eval time", Unit::Seconds, b.wall.median)
                        .judged_by(&[GateId::MaxTime]),
                    Figure::new("evalCpuTime", "eval CPU time", Unit::Seconds, b.cpu.median),
                    Figure::new(
                        "evalMaxRss",
                        "eval peak memory",
                        Unit::Bytes,
                        b.max_rss.median,
                    ),
                ]
                .map(|f| f.with_subject(&b.name))
            })
            .collect()
    }
}
