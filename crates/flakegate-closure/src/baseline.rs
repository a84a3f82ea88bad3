//! Baselines: a saved summary of a closure, and growth measured against it.
//!
//! Store hashes change with every input change, so a baseline remembers sizes
//! by store path *name* (`openssl-3.0.14-dev`), and growth is explained per
//! package name and output, so a version bump reads as one change.

use std::collections::BTreeMap;

use flakegate_report::Schema;
use flakegate_store::name::{PackageName, store_path_name};
use serde::{Deserialize, Serialize};

use crate::report::ClosureReport;

/// The baseline file's schema identifier.
pub const BASELINE_SCHEMA: &str = "flakegate.closure.baseline/1";

/// How many growth causes a comparison lists.
const MAX_CAUSES: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    pub total_size: u64,
    pub path_count: usize,
    /// Store path names of the roots.
    pub roots: Vec<String>,
    /// Store path name → bytes (summed when a name occurs more than once).
    pub paths: BTreeMap<String, u64>,
}

impl Schema for Baseline {
    const SCHEMA: &'static str = BASELINE_SCHEMA;
}

/// The report's view of a baseline.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineComparison {
    pub baseline_size: u64,
    pub baseline_paths: usize,
    pub size: u64,
    pub growth_bytes: i64,
    /// Growth in percent of the baseline size (negative when it shrank).
    pub growth_percent: f64,
    /// The packages that grew most (added ones included), largest first.
    pub causes: Vec<GrowthCause>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrowthCause {
    /// Package name with its output (`openssl-dev`), without version.
    pub name: String,
    pub before_versions: Vec<String>,
    pub after_versions: Vec<String>,
    pub before_size: u64,
    pub after_size: u64,
    pub delta: i64,
}

impl Baseline {
    /// Summarises a report for saving.
    #[must_use]
    pub fn from_report(report: &ClosureReport) -> Self {
        let mut paths: BTreeMap<String, u64> = BTreeMap::new();
        for p in &report.paths {
            *paths
                .entry(store_path_name(&p.path).to_owned())
                .or_default() += p.self_size;
        }
        Self {
            total_size: report.total_size,
            path_count: report.path_count,
            roots: report
                .roots
                .iter()
                .map(|r| store_path_name(&r.path).to_owned())
                .collect(),
            paths,
        }
    }

    /// Compares a report with this baseline.
    #[must_use]
    pub fn compare(&self, report: &ClosureReport) -> BaselineComparison {
        let now = Self::from_report(report);
        let before = group(&self.paths);
        let after = group(&now.paths);
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort();
        keys.dedup();
        let mut causes: Vec<GrowthCause> = keys
            .into_iter()
            .map(|k| {
                let (bv, bs) = before.get(k).cloned().unwrap_or_default();
                let (av, asz) = after.get(k).cloned().unwrap_or_default();
                GrowthCause {
                    name: k.clone(),
                    before_versions: bv,
                    after_versions: av,
                    before_size: bs,
                    after_size: asz,
                    delta: signed(asz) - signed(bs),
                }
            })
            .filter(|c| c.delta > 0)
            .collect();
        causes.sort_by(|a, b| b.delta.cmp(&a.delta).then_with(|| a.name.cmp(&b.name)));
        causes.truncate(MAX_CAUSES);
        let growth_bytes = signed(report.total_size) - signed(self.total_size);
        #[allow(clippy::cast_precision_loss)]
        let growth_percent = if self.total_size == 0 {
            if growth_bytes > 0 { f64::INFINITY } else { 0.0 }
        } else {
            growth_bytes as f64 * 100.0 / self.total_size as f64
        };
        BaselineComparison {
            baseline_size: self.total_size,
            baseline_paths: self.path_count,
            size: report.total_size,
            growth_bytes,
            growth_percent,
            causes,
        }
    }
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// name-with-output → (versions, bytes).
fn group(paths: &BTreeMap<String, u64>) -> BTreeMap<String, (Vec<String>, u64)> {
    let mut out: BTreeMap<String, (Vec<String>, u64)> = BTreeMap::new();
    for (store_name, size) in paths {
        let n = PackageName::parse(store_name);
        let key = match &n.output {
            Some(o) => format!("{}-{o}", n.name),
            None => n.name.clone(),
        };
        let slot = out.entry(key).or_default();
        if let Some(v) = n.version
            && !slot.0.contains(&v)
        {
            slot.0.push(v);
        }
        slot.1 += size;
    }
    out
}
