//! The health report of one lock file: every input with its age, the
//! duplicates with the lines that remove them, and the pinning findings.
//! Gates are the caller's: this says what is, with the counts they need.

use serde::{Deserialize, Serialize};

use crate::duplicates::{self, Duplicate};
use flakegate_report::{Gate, Status};

use crate::gates::LockGates;
use crate::graph::{InputPath, LockGraph, Revision};
use crate::pinning::{self, PinningFinding};
use crate::source::InputType;
use crate::time;

/// The JSON schema of [`HealthReport`].
pub const SCHEMA: &str = "flakegate.lock/1";

flakegate_report::impl_report!(HealthReport, "lock", SCHEMA);

#[derive(Debug, Clone, Default)]
pub struct HealthOptions {
    /// The lock file as the user named it, for the report.
    pub file: String,
    /// The reference time ages are measured against (Unix seconds): the
    /// flake's last commit, `self.lastModified`, or `--now`.
    pub now: i64,
    /// The flake's directory (absolute), to tell `path:` inputs inside it
    /// from those outside.
    pub flake_dir: Option<String>,
    /// Where `now` comes from, for the report (`--now`, `last commit`, …).
    pub reference_source: String,
    /// The gates to judge the report with.
    pub gates: LockGates,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    /// The lock file, as the caller named it.
    pub file: String,
    /// The lock file's version (5, 6 or 7).
    pub lock_version: u64,
    pub reference_time: i64,
    pub reference_date: String,
    /// Where the reference time came from.
    pub reference_source: String,
    /// Every node but the root, reachable ones in path order.
    pub inputs: Vec<InputEntry>,
    pub duplicates: Vec<Duplicate>,
    /// Nodes beyond the first of each duplicated source.
    pub extra_nodes: usize,
    pub pinning: Vec<PinningFinding>,
    /// Nodes no path from the root reaches (Nix ignores them).
    pub unreachable: Vec<String>,
    pub gates: Vec<Gate>,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputEntry {
    pub key: String,
    pub paths: Vec<InputPath>,
    /// Declared by the flake itself (a root input without `follows`).
    pub direct: bool,
    #[serde(rename = "type")]
    pub kind: Option<InputType>,
    /// The original reference (`github:NixOS/nixpkgs/nixos-unstable`).
    pub original: Option<String>,
    pub source: Option<String>,
    /// Where it is locked: revision, `lastModified`, date.
    #[serde(flatten)]
    pub revision: Revision,
    /// Seconds from `lastModified` to the reference time; none for `path:`
    /// inputs, whose time is the local copy's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub non_flake: bool,
}

impl HealthReport {
    /// The inputs an age gate judges: the flake's own (`all == false`) or
    /// every one, each with its age.
    pub fn ages(&self, all: bool) -> impl Iterator<Item = (&InputEntry, i64)> {
        self.inputs
            .iter()
            .filter(move |e| all || e.direct)
            .filter_map(|e| e.age_seconds.map(|a| (e, a)))
    }

    /// The oldest of [`Self::ages`] (the first in path order on a tie).
    pub fn oldest(&self, all: bool) -> Option<(&InputEntry, i64)> {
        self.ages(all).fold(
            None,
            |best: Option<(&InputEntry, i64)>, (e, a)| match best {
                Some((_, b)) if b >= a => best,
                _ => Some((e, a)),
            },
        )
    }
}

/// The newest `lastModified` of a lock: the reference time when nothing
/// better is known (inside a build without `now`).
pub fn newest(graph: &LockGraph) -> Option<i64> {
    graph
        .inputs()
        .filter_map(|(_, n)| n.locked.as_ref()?.last_modified)
        .max()
}

/// Analyses a parsed lock file.
pub fn analyse(graph: &LockGraph, options: &HealthOptions) -> HealthReport {
    let direct: Vec<usize> = graph.direct_inputs().map(|i| i.target).collect();
    let mut inputs = Vec::new();
    let mut unreachable = Vec::new();
    for (id, node) in graph.inputs() {
        if node.paths.is_empty() {
            unreachable.push(node.key.clone());
            continue;
        }
        let revision = node.revision();
        let local = node.source().is_some_and(|s| s.kind == InputType::Path);
        inputs.push(InputEntry {
            key: node.key.clone(),
            paths: node.paths.clone(),
            direct: direct.contains(&id),
            kind: node.source().map(|s| s.kind.clone()),
            original: node.original.as_ref().map(crate::Source::flake_ref),
            source: node.source().map(crate::Source::identity),
            age_seconds: revision
                .last_modified
                .filter(|_| !local)
                .map(|t| options.now.saturating_sub(t)),
            non_flake: !node.flake,
            revision,
        });
    }
    inputs.sort_by(|a, b| {
        let k = |e: &InputEntry| (e.paths[0].len(), e.paths[0].clone());
        k(a).cmp(&k(b))
    });
    let duplicates = duplicates::find(graph);
    let extra_nodes = duplicates.iter().map(|d| d.nodes.len() - 1).sum();
    let mut report = HealthReport {
        file: options.file.clone(),
        lock_version: graph.version,
        reference_time: options.now,
        reference_date: time::date(options.now),
        reference_source: options.reference_source.clone(),
        inputs,
        duplicates,
        extra_nodes,
        pinning: pinning::find(graph, options.flake_dir.as_deref()),
        unreachable,
        gates: Vec::new(),
        status: Status::Pass,
    };
    report.gates = options.gates.evaluate(&report);
    report.status = Status::overall(report.gates.iter().map(|g| g.status));
    report
}
