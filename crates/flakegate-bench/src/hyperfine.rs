//! The report in the shape of hyperfine's `--export-json`, so the tools
//! written for hyperfine (its plotting scripts, CI dashboards) read
//! flakegate's measurements: one result per benchmark — per side in an A/B
//! run, the revision first — with every run's time, in seconds.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::{BenchReport, Benchmark, ReferenceKind};
use crate::run::WORKTREE;

#[derive(Debug, Serialize)]
pub struct HyperfineExport {
    pub results: Vec<HyperfineResult>,
}

/// hyperfine's `BenchmarkResult` as it serialises: `user` and `system` are
/// means, `stddev` is null for a single run.
#[derive(Debug, Serialize)]
pub struct HyperfineResult {
    pub command: String,
    pub mean: f64,
    pub stddev: Option<f64>,
    pub median: f64,
    pub user: f64,
    pub system: f64,
    pub min: f64,
    pub max: f64,
    pub times: Vec<f64>,
    pub memory_usage_byte: Vec<u64>,
    pub exit_codes: Vec<i32>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
}

#[must_use]
pub fn export(report: &BenchReport) -> HyperfineExport {
    let revision = report
        .reference
        .as_ref()
        .filter(|r| r.kind == ReferenceKind::Revision)
        .map(|r| r.label.as_str());
    let mut results = Vec::new();
    for b in &report.benchmarks {
        match (
            revision,
            b.compared.as_ref().and_then(|c| c.revision.as_deref()),
        ) {
            (Some(rev), Some(a)) => {
                results.push(result(a, format!("{} ({rev})", a.name), rev));
                results.push(result(b, format!("{} ({WORKTREE})", b.name), WORKTREE));
            }
            _ => results.push(result(b, b.name.clone(), "")),
        }
    }
    HyperfineExport { results }
}

fn result(b: &Benchmark, command: String, revision: &str) -> HyperfineResult {
    let mut parameters = BTreeMap::new();
    if !revision.is_empty() {
        parameters.insert("revision".to_owned(), revision.to_owned());
    }
    HyperfineResult {
        command,
        mean: b.wall.mean,
        stddev: b.wall.stddev,
        median: b.wall.median,
        user: b.user.mean,
        system: b.system.mean,
        min: b.wall.min,
        max: b.wall.max,
        times: b.samples.iter().map(|s| s.wall).collect(),
        memory_usage_byte: b.samples.iter().map(|s| s.max_rss).collect(),
        exit_codes: vec![0; b.samples.len()],
        parameters,
    }
}
