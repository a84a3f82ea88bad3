//! Path infos and closures: the data every backend produces, identically.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// What the store knows about one valid store path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathInfo {
    /// Absolute store path.
    pub path: String,
    /// Size of the path's NAR serialisation in bytes (what `du` of the store
    /// would roughly say, and what `nix path-info -s` prints).
    pub nar_size: u64,
    /// NAR hash in SRI form (`sha256-…`), when the source has it.
    pub nar_hash: Option<String>,
    /// Absolute paths this path refers to, without itself, sorted.
    pub references: Vec<String>,
    /// The `.drv` that built it, when known (the attrs.json backend has none).
    pub deriver: Option<String>,
    /// Seconds since the epoch at which the path became valid, when known.
    pub registration_time: Option<i64>,
}

impl PathInfo {
    /// Drops the self reference Nix records for self-referencing paths and sorts
    /// the rest, so that every backend yields the same value.
    pub(crate) fn normalise(mut self) -> Self {
        let me = self.path.clone();
        self.references.retain(|r| *r != me);
        self.references.sort_unstable();
        self.references.dedup();
        self
    }
}

/// A closed set of path infos reachable from `roots`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// The paths the closure was asked for, in the order asked.
    pub roots: Vec<String>,
    /// Every path of the closure, sorted by path.
    pub paths: Vec<PathInfo>,
}

impl Closure {
    /// Builds a closure, normalising each path info and sorting by path.
    #[must_use]
    pub fn new(roots: Vec<String>, paths: Vec<PathInfo>) -> Self {
        let mut paths: Vec<PathInfo> = paths.into_iter().map(PathInfo::normalise).collect();
        paths.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        paths.dedup_by(|a, b| a.path == b.path);
        Self { roots, paths }
    }

    /// Keeps only what is reachable from `roots` (a backend may return more,
    /// e.g. an `.attrs.json` exporting several graphs).
    #[must_use]
    pub fn restricted_to_roots(self) -> Self {
        let index: std::collections::HashMap<&str, &PathInfo> =
            self.paths.iter().map(|p| (p.path.as_str(), p)).collect();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut stack: Vec<&str> = self.roots.iter().map(String::as_str).collect();
        while let Some(p) = stack.pop() {
            if !seen.insert(p) {
                continue;
            }
            if let Some(info) = index.get(p) {
                stack.extend(info.references.iter().map(String::as_str));
            }
        }
        let keep: HashSet<String> = seen.into_iter().map(str::to_owned).collect();
        let roots = self.roots.clone();
        Self {
            roots,
            paths: self
                .paths
                .into_iter()
                .filter(|p| keep.contains(&p.path))
                .collect(),
        }
    }

    /// References that point outside the closure: a non-empty answer means
    /// the source was inconsistent (e.g. a hand-edited or truncated file).
    #[must_use]
    pub fn dangling_references(&self) -> Vec<(String, String)> {
        let known: HashSet<&str> = self.paths.iter().map(|p| p.path.as_str()).collect();
        let mut out = Vec::new();
        for p in &self.paths {
            for r in &p.references {
                if !known.contains(r.as_str()) {
                    out.push((p.path.clone(), r.clone()));
                }
            }
        }
        for r in &self.roots {
            if !known.contains(r.as_str()) {
                out.push((String::new(), r.clone()));
            }
        }
        out
    }

    /// Whether `path` is a member (the paths are sorted).
    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        self.paths
            .binary_search_by(|p| p.path.as_str().cmp(path))
            .is_ok()
    }

    /// Sum of the NAR sizes of all paths (each counted once).
    #[must_use]
    pub fn total_nar_size(&self) -> u64 {
        self.paths.iter().map(|p| p.nar_size).sum()
    }
}
