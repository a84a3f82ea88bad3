//! What changed between two lock files: inputs added, removed and moved
//! (old → new revision, date, age gained, a link to the commits in
//! between), `follows` changes, and duplicates introduced or resolved.
//!
//! Inputs are paired by their shortest path from the root (`nixpkgs`,
//! `home-manager/nixpkgs`): node keys (`nixpkgs_2`) are renumbered by Nix
//! from one lock to the next and mean nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use flakegate_report::{Gate, Status};

use crate::duplicates;
use crate::graph::{InputPath, LockGraph, Node, Revision};
use crate::source::Source;

/// The JSON schema of [`LockDiff`].
pub const SCHEMA: &str = "flakegate.lock-diff/1";

flakegate_report::impl_report!(LockDiff, "lock", SCHEMA);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockDiff {
    /// What the old side is (a file, `REV:path`), as the caller names it.
    pub from: String,
    /// What the new side is.
    pub to: String,
    pub moved: Vec<Moved>,
    pub added: Vec<Side>,
    pub removed: Vec<Side>,
    /// Inputs present in both, locked identically.
    pub unchanged: usize,
    pub follows: Vec<FollowsChange>,
    pub duplicates: Vec<DuplicateChange>,
    /// A diff has no gate: it informs an update PR.
    pub gates: Vec<Gate>,
    pub status: Status,
}

impl LockDiff {
    pub fn is_empty(&self) -> bool {
        self.moved.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.follows.is_empty()
            && self.duplicates.is_empty()
    }
}

/// One input as locked on one side.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    pub path: InputPath,
    pub direct: bool,
    pub source: Option<String>,
    /// The original reference (`github:NixOS/nixpkgs/nixos-unstable`).
    pub original: Option<String>,
    /// Where it is locked: revision, `lastModified`, date.
    #[serde(flatten)]
    pub revision: Revision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nar_hash: Option<String>,
    /// The commit's page, for forges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An input locked differently on the two sides.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Moved {
    pub path: InputPath,
    pub direct: bool,
    pub old: Side,
    pub new: Side,
    /// New `lastModified` minus old, in seconds (negative: moved back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_gained: Option<i64>,
    /// The forge's page of the commits in between.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare_url: Option<String>,
    /// The original reference changed (a new branch, a new owner).
    pub original_changed: bool,
}

/// An input whose `follows` was added, removed or changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowsChange {
    pub path: InputPath,
    pub old: Option<InputPath>,
    pub new: Option<InputPath>,
}

/// A source whose node count changed while duplicated on a side.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateChange {
    pub source: String,
    pub old_nodes: usize,
    pub new_nodes: usize,
    pub change: DuplicateChangeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DuplicateChangeKind {
    /// More copies than before.
    Introduced,
    /// Fewer.
    Resolved,
}

/// Compares two lock files.
pub fn diff(old: &LockGraph, new: &LockGraph) -> LockDiff {
    let a = sides(old);
    let b = sides(new);
    let mut moved = Vec::new();
    let mut removed = Vec::new();
    let mut unchanged = 0;
    for (path, (on, os)) in &a {
        match b.get(path) {
            None => removed.push(os.clone()),
            Some((nn, ns)) => {
                if on.locked == nn.locked && os.original == ns.original {
                    unchanged += 1;
                } else {
                    moved.push(moved_entry(on, nn, os, ns));
                }
            }
        }
    }
    let added = b
        .iter()
        .filter(|(p, _)| !a.contains_key(*p))
        .map(|(_, (_, s))| s.clone())
        .collect();
    LockDiff {
        from: String::new(),
        to: String::new(),
        moved,
        added,
        removed,
        unchanged,
        follows: follows_changes(old, new),
        duplicates: duplicate_changes(old, new),
        gates: Vec::new(),
        status: Status::Pass,
    }
}

type Sides<'g> = BTreeMap<SortKey, (&'g Node, Side)>;

/// Shorter paths first, then by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey(usize, InputPath);

fn sides(graph: &LockGraph) -> Sides<'_> {
    let direct: Vec<usize> = graph.direct_inputs().map(|i| i.target).collect();
    graph
        .inputs()
        .filter_map(|(id, node)| {
            let path = node.paths.first()?.clone();
            Some((
                SortKey(path.len(), path.clone()),
                (node, side(node, path, direct.contains(&id))),
            ))
        })
        .collect()
}

fn side(node: &Node, path: InputPath, direct: bool) -> Side {
    let revision = node.revision();
    Side {
        path,
        direct,
        source: node.source().map(Source::identity),
        original: node.original.as_ref().map(Source::flake_ref),
        url: revision
            .rev
            .as_deref()
            .and_then(|r| Some(node.source()?.forge()?.commit_url(r))),
        revision,
        nar_hash: node.locked.as_ref().and_then(|l| l.nar_hash.clone()),
    }
}

fn moved_entry(on: &Node, nn: &Node, os: &Side, ns: &Side) -> Moved {
    let compare_url = match (&os.revision.rev, &ns.revision.rev, on.source(), nn.source()) {
        (Some(a), Some(b), Some(sa), Some(sb)) if a != b => {
            let (fa, fb) = (sa.forge(), sb.forge());
            fa.filter(|f| Some(f) == fb.as_ref())
                .map(|f| f.compare_url(a, b))
        }
        _ => None,
    };
    Moved {
        path: ns.path.clone(),
        direct: ns.direct,
        age_gained: match (os.revision.last_modified, ns.revision.last_modified) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        },
        compare_url,
        original_changed: os.original != ns.original,
        old: os.clone(),
        new: ns.clone(),
    }
}

/// Every `follows` declared in a lock, by the path of the input that
/// declares it (its node's owner path, else shortest path, and its name).
fn follows_of(graph: &LockGraph) -> BTreeMap<InputPath, InputPath> {
    let mut out = BTreeMap::new();
    for node in &graph.nodes {
        let Some(at) = node.owner_path.clone().or_else(|| {
            if std::ptr::eq(node, &graph.nodes[graph.root]) {
                Some(InputPath::default())
            } else {
                node.paths.first().cloned()
            }
        }) else {
            continue;
        };
        for input in &node.inputs {
            if let Some(f) = &input.follows {
                let mut p = at.0.clone();
                p.push(input.name.clone());
                out.insert(InputPath(p), f.clone());
            }
        }
    }
    out
}

fn follows_changes(old: &LockGraph, new: &LockGraph) -> Vec<FollowsChange> {
    let a = follows_of(old);
    let b = follows_of(new);
    let mut keys: Vec<&InputPath> = a.keys().chain(b.keys()).collect();
    keys.sort_by(|x, y| (x.len(), x).cmp(&(y.len(), y)));
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| FollowsChange {
            path: k.clone(),
            old: a.get(k).cloned(),
            new: b.get(k).cloned(),
        })
        .collect()
}

fn duplicate_changes(old: &LockGraph, new: &LockGraph) -> Vec<DuplicateChange> {
    let count = |g: &LockGraph| -> BTreeMap<String, usize> {
        duplicates::find(g)
            .into_iter()
            .map(|d| (d.source, d.nodes.len()))
            .collect()
    };
    let a = count(old);
    let b = count(new);
    let mut sources: Vec<&String> = a.keys().chain(b.keys()).collect();
    sources.sort();
    sources.dedup();
    sources
        .into_iter()
        .filter_map(|s| {
            // A source not duplicated on a side has at most one node there.
            let o = a.get(s).copied().unwrap_or(usize::from(present(old, s)));
            let n = b.get(s).copied().unwrap_or(usize::from(present(new, s)));
            let change = match n.cmp(&o) {
                std::cmp::Ordering::Greater => DuplicateChangeKind::Introduced,
                std::cmp::Ordering::Less => DuplicateChangeKind::Resolved,
                std::cmp::Ordering::Equal => return None,
            };
            Some(DuplicateChange {
                source: s.clone(),
                old_nodes: o,
                new_nodes: n,
                change,
            })
        })
        .collect()
}

fn present(graph: &LockGraph, source: &str) -> bool {
    graph
        .inputs()
        .any(|(_, n)| !n.paths.is_empty() && n.source().is_some_and(|s| s.identity() == source))
}
