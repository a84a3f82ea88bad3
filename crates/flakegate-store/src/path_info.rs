//! Path infos and closures: the data every backend produces, identically.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::StoreError;

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
        let (me, references) = (&self.path, &mut self.references);
        references.retain(|r| r != me);
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

    /// Sum of the NAR sizes of all paths (each counted once). Every backend
    /// checks that it fits ([`Closure::countable`]), and every other sum
    /// over a closure's paths is at most this one.
    #[must_use]
    pub fn total_nar_size(&self) -> u64 {
        self.paths
            .iter()
            .fold(0u64, |sum, p| sum.saturating_add(p.nar_size))
    }

    /// The closure itself when every root is a member and every reference
    /// resolves. With `allow_dangling`, references to paths the source did
    /// not list are dropped instead (a missing root is always an error).
    pub(crate) fn resolved(mut self, allow_dangling: bool) -> Result<Self, StoreError> {
        let dangling = self.dangling_references();
        if let Some((_, root)) = dangling.iter().find(|(from, _)| from.is_empty()) {
            return Err(StoreError::MissingRoot { path: root.clone() });
        }
        match dangling.into_iter().next() {
            None => Ok(self),
            Some((from, to)) if !allow_dangling => Err(StoreError::Dangling { from, to }),
            Some(_) => {
                let known: HashSet<String> = self.paths.iter().map(|p| p.path.clone()).collect();
                for p in &mut self.paths {
                    p.references.retain(|r| known.contains(r));
                }
                Ok(self)
            }
        }
    }

    /// The closure itself when its total size fits in a `u64` (so that no
    /// sum over its paths can overflow), else an error naming a root.
    pub(crate) fn countable(self) -> Result<Self, StoreError> {
        let fits = self
            .paths
            .iter()
            .try_fold(0u64, |sum, p| sum.checked_add(p.nar_size))
            .is_some();
        if fits {
            Ok(self)
        } else {
            Err(StoreError::Overflow {
                what: format!(
                    "the closure of {}",
                    self.roots.first().map_or("no root", String::as_str)
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(path: &str, size: u64, references: &[&str]) -> PathInfo {
        PathInfo {
            path: path.to_owned(),
            nar_size: size,
            nar_hash: None,
            references: references.iter().map(|r| (*r).to_owned()).collect(),
            deriver: None,
            registration_time: None,
        }
    }

    const A: &str = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a";
    const B: &str = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b";
    const GONE: &str = "/nix/store/cccccccccccccccccccccccccccccccc-gone";

    #[test]
    fn answers_are_checked_not_trusted() {
        let whole = Closure::new(vec![A.into()], vec![info(A, 1, &[B]), info(B, 2, &[])]);
        assert_eq!(whole.clone().resolved(false).expect("whole"), whole);

        let no_root = Closure::new(vec![A.into(), GONE.into()], whole.paths.clone());
        let err = no_root.resolved(true).expect_err("root missing");
        assert!(
            matches!(&err, StoreError::MissingRoot { path } if path == GONE),
            "{err}"
        );

        let dangling = Closure::new(
            vec![A.into()],
            vec![info(A, 1, &[B, GONE]), info(B, 2, &[])],
        );
        let err = dangling
            .clone()
            .resolved(false)
            .expect_err("dangling")
            .to_string();
        assert!(
            err.contains(A) && err.contains(GONE) && err.contains("--allow-dangling"),
            "{err}"
        );
        assert_eq!(dangling.resolved(true).expect("allowed"), whole);
    }

    #[test]
    fn a_total_beyond_64_bits_is_an_error() {
        let huge = Closure::new(
            vec![A.into()],
            vec![info(A, u64::MAX, &[B]), info(B, 1, &[])],
        );
        let err = huge.countable().expect_err("overflow").to_string();
        assert!(err.contains(A) && err.contains("64 bits"), "{err}");
        let fits = Closure::new(
            vec![A.into()],
            vec![info(A, u64::MAX - 1, &[B]), info(B, 1, &[])],
        );
        assert_eq!(fits.countable().expect("fits").total_nar_size(), u64::MAX);
    }
}
