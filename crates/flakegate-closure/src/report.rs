//! The closure report: one value that every renderer (terminal, Markdown,
//! JSON) reads. Its JSON form is documented in the README and versioned by
//! [`SCHEMA`].

use serde::{Deserialize, Serialize};

use crate::baseline::BaselineComparison;
use flakegate_report::{Gate, Status};

/// The JSON schema identifier; bumped on incompatible changes.
pub const SCHEMA: &str = "flakegate.closure/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClosureReport {
    /// Sum of the self sizes of all paths, each counted once.
    pub total_size: u64,
    pub path_count: usize,
    pub roots: Vec<RootReport>,
    /// The largest paths by their own NAR size.
    pub top_by_self: Vec<PathEntry>,
    /// The paths whose removal would save the most.
    pub top_by_added: Vec<PathEntry>,
    /// Package names present in more than one version or build.
    pub duplicates: Vec<Duplicate>,
    /// Answers to `--why`.
    pub why: Vec<WhyChain>,
    pub baseline: Option<BaselineComparison>,
    pub gates: Vec<Gate>,
    /// The worst gate status: `pass`, `warn` or `fail`.
    pub status: Status,
    /// Every path, largest added size first.
    pub paths: Vec<PathEntry>,
}

flakegate_report::impl_report!(ClosureReport, "closure", SCHEMA);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathEntry {
    pub path: String,
    pub name: String,
    pub version: Option<String>,
    pub output: Option<String>,
    pub self_size: u64,
    pub added_size: u64,
    /// added − self.
    pub exclusive_size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RootReport {
    pub path: String,
    pub closure_size: u64,
    pub path_count: usize,
    pub added_size: u64,
    /// The root's direct references, largest added size first.
    pub direct_dependencies: Vec<DependencyEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DependencyEntry {
    pub path: String,
    pub name: String,
    pub version: Option<String>,
    pub self_size: u64,
    pub added_size: u64,
    /// Its own closure size; computed for the largest 100 dependencies only.
    pub closure_size: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Duplicate {
    /// Package name without version or output (`openssl`).
    pub name: String,
    pub instances: Vec<DuplicateInstance>,
    pub total_size: u64,
    /// What keeping only the largest instance would save: total − largest.
    pub extra_size: u64,
}

/// One version (or one build of a version) of a duplicated package.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateInstance {
    pub version: Option<String>,
    /// The `.drv` that produced it, when the backend knows.
    pub deriver: Option<String>,
    pub paths: Vec<String>,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhyChain {
    /// What the user asked about.
    pub query: String,
    /// The path that matched.
    pub target: Option<String>,
    /// Root first, target last; empty when nothing matched.
    pub chain: Vec<String>,
}

/// A history line's figures: the total size and the path count, each with
/// the gates that judge it.
impl flakegate_report::KeyFigures for ClosureReport {
    fn figures(&self) -> Vec<flakegate_report::Figure> {
        use flakegate_report::{Figure, GateId, Unit};
        #[allow(clippy::cast_precision_loss)]
        let (size, paths) = (self.total_size as f64, self.path_count as f64);
        vec![
            Figure::new("closureSize", "closure size", Unit::Bytes, size)
                .judged_by(&[GateId::MaxSize, GateId::WarnSize]),
            Figure::new("pathCount", "paths", Unit::Paths, paths).judged_by(&[GateId::MaxPaths]),
        ]
    }
}
