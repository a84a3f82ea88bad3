//! Path infos and closures: the data every backend produces, identically.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::StoreError;

/// What the store knows about one valid store path.
///
/// `R` names a reference: a store path for a path on its own, or, for a
/// member of a [`Closure`], the index of the path among the closure's
/// members ([`Member`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PathInfo<R = String> {
    /// Absolute store path.
    pub path: String,
    /// Size of the path's NAR serialisation in bytes (what `du` of the store
    /// would roughly say, and what `nix path-info -s` prints).
    pub nar_size: u64,
    /// NAR hash in SRI form (`sha256-…`), when the source has it.
    pub nar_hash: Option<String>,
    /// The paths this path refers to, without itself, sorted.
    pub references: Vec<R>,
    /// The `.drv` that built it, when known (the attrs.json backend has none).
    pub deriver: Option<String>,
    /// Seconds since the epoch at which the path became valid, when known.
    pub registration_time: Option<i64>,
}

/// A member of a [`Closure`]: its references are indices into the
/// closure's paths. A closure of 80,000 paths has some 300,000 references;
/// as indices they are no string each and need no lookup by name.
pub type Member = PathInfo<u32>;

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

impl<R> PathInfo<R> {
    /// The same path info with other references.
    pub(crate) fn with_references<S>(self, references: Vec<S>) -> PathInfo<S> {
        PathInfo {
            path: self.path,
            nar_size: self.nar_size,
            nar_hash: self.nar_hash,
            references,
            deriver: self.deriver,
            registration_time: self.registration_time,
        }
    }
}

/// The order of `paths` as indices. Store paths share their store
/// directory, and the next eight bytes (the start of the hash) almost always
/// tell two apart, so the sort compares integers; only equal keys compare
/// strings. At 80,000 paths this is several times faster than comparing the
/// strings, which are scattered over the heap.
pub(crate) fn order_by_path(paths: &[&str]) -> Vec<usize> {
    let Some(first) = paths.first().map(|p| p.as_bytes()) else {
        return Vec::new();
    };
    let shared = paths.iter().fold(first.len(), |n, p| {
        n.min(
            first
                .iter()
                .zip(p.as_bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        )
    });
    let key = |p: &str| {
        let mut word = [0u8; 8];
        for (w, b) in word.iter_mut().zip(&p.as_bytes()[shared..]) {
            *w = *b;
        }
        u64::from_be_bytes(word)
    };
    let mut keyed: Vec<(u64, usize)> = paths.iter().enumerate().map(|(i, p)| (key(p), i)).collect();
    keyed.sort_unstable();
    // Equal keys: the paths agree on their first `shared + 8` bytes (or end
    // before), and only the rest orders them.
    let mut start = 0;
    while start < keyed.len() {
        let end = start + keyed[start..].partition_point(|k| k.0 == keyed[start].0);
        if end - start > 1 {
            keyed[start..end].sort_unstable_by(|a, b| paths[a.1].cmp(paths[b.1]));
        }
        start = end;
    }
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// A closed set of paths reachable from `roots`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closure {
    /// The paths the closure was asked for, in the order asked.
    pub roots: Vec<String>,
    /// Every path of the closure, sorted by path; references are indices
    /// into this list.
    pub paths: Vec<Member>,
}

impl Closure {
    /// Builds a closure from path infos: normalises each, sorts them by path
    /// and turns references into indices. A reference to a path that is not
    /// among `paths` is dropped; the backends check for those first
    /// ([`Closure::resolve`]).
    #[must_use]
    pub fn new(roots: Vec<String>, paths: Vec<PathInfo>) -> Self {
        let mut sorted: Vec<PathInfo> = paths.into_iter().map(PathInfo::normalise).collect();
        // Stable, so that of two infos for one path the first is kept.
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        sorted.dedup_by(|a, b| a.path == b.path);
        let index: HashMap<&str, u32> = sorted
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.as_str(), index_u32(i)))
            .collect();
        let references: Vec<Vec<u32>> = sorted
            .iter()
            .map(|p| {
                // Indices of sorted references are sorted.
                p.references
                    .iter()
                    .filter_map(|r| index.get(r.as_str()).copied())
                    .collect()
            })
            .collect();
        drop(index);
        let paths = sorted
            .into_iter()
            .zip(references)
            .map(|(p, r)| p.with_references(r))
            .collect();
        Self { roots, paths }
    }

    /// A closure from path infos a source claims are closed: every root
    /// present and every reference listed. With `allow_dangling`,
    /// references to paths the source did not list are dropped instead (a
    /// missing root is always an error).
    pub(crate) fn resolve(
        roots: Vec<String>,
        paths: Vec<PathInfo>,
        allow_dangling: bool,
    ) -> Result<Self, StoreError> {
        let dangling = dangling_references(&roots, &paths);
        if let Some((_, root)) = dangling.iter().find(|(from, _)| from.is_empty()) {
            return Err(StoreError::MissingRoot { path: root.clone() });
        }
        match dangling.into_iter().next() {
            Some((from, to)) if !allow_dangling => Err(StoreError::Dangling { from, to }),
            _ => Ok(Self::new(roots, paths)),
        }
    }

    /// Keeps only what is reachable from `roots` (a backend may return more,
    /// e.g. an `.attrs.json` exporting several graphs).
    #[must_use]
    pub fn restricted_to_roots(self) -> Self {
        let mut keep = vec![false; self.paths.len()];
        let mut stack: Vec<u32> = self.roots.iter().filter_map(|r| self.index_of(r)).collect();
        while let Some(i) = stack.pop() {
            let Some(k) = keep.get_mut(i as usize) else {
                continue;
            };
            if !std::mem::replace(k, true) {
                stack.extend_from_slice(&self.paths[i as usize].references);
            }
        }
        // Old index → new index, for the members kept.
        let mut renumbered = vec![u32::MAX; self.paths.len()];
        let mut next = 0u32;
        for (slot, &kept) in renumbered.iter_mut().zip(&keep) {
            if kept {
                *slot = next;
                next += 1;
            }
        }
        let paths = self
            .paths
            .into_iter()
            .zip(keep)
            .filter(|(_, kept)| *kept)
            .map(|(mut p, _)| {
                // Everything a kept member refers to is kept; an index
                // beyond the closure (a hand-made one) is dropped.
                p.references = p
                    .references
                    .iter()
                    .filter_map(|&r| renumbered.get(r as usize).copied())
                    .filter(|&r| r != u32::MAX)
                    .collect();
                p
            })
            .collect();
        Self {
            roots: self.roots,
            paths,
        }
    }

    /// The index of `path` among the members (the paths are sorted).
    #[must_use]
    pub fn index_of(&self, path: &str) -> Option<u32> {
        self.paths
            .binary_search_by(|p| p.path.as_str().cmp(path))
            .ok()
            .map(index_u32)
    }

    /// Whether `path` is a member.
    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        self.index_of(path).is_some()
    }

    /// The store paths `member` refers to, in path order.
    pub fn reference_paths<'a>(&'a self, member: &'a Member) -> impl Iterator<Item = &'a str> {
        member
            .references
            .iter()
            .filter_map(|&r| self.paths.get(r as usize))
            .map(|p| p.path.as_str())
    }

    /// `member` on its own: its references as store paths.
    #[must_use]
    pub fn path_info(&self, member: &Member) -> PathInfo {
        let references = self.reference_paths(member).map(str::to_owned).collect();
        member.clone().with_references(references)
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

/// References among `paths` that point outside them, as (from, to), and
/// roots that are not among them, as ("", root): a non-empty answer means
/// the source was inconsistent (e.g. a hand-edited or truncated file).
#[must_use]
pub(crate) fn dangling_references(roots: &[String], paths: &[PathInfo]) -> Vec<(String, String)> {
    let known: HashSet<&str> = paths.iter().map(|p| p.path.as_str()).collect();
    let mut out = Vec::new();
    for p in paths {
        for r in &p.references {
            if !known.contains(r.as_str()) {
                out.push((p.path.clone(), r.clone()));
            }
        }
    }
    for r in roots {
        if !known.contains(r.as_str()) {
            out.push((String::new(), r.clone()));
        }
    }
    out
}

/// A member's index: a closure has fewer than 2^32 paths (each is a file in
/// the store, and the database's ids would run out first).
pub(crate) fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
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
        let infos = vec![info(A, 1, &[B]), info(B, 2, &[])];
        let whole = Closure::new(vec![A.into()], infos.clone());
        assert_eq!(
            Closure::resolve(vec![A.into()], infos.clone(), false).expect("whole"),
            whole
        );

        let err =
            Closure::resolve(vec![A.into(), GONE.into()], infos, true).expect_err("root missing");
        assert!(
            matches!(&err, StoreError::MissingRoot { path } if path == GONE),
            "{err}"
        );

        let dangling = vec![info(A, 1, &[B, GONE]), info(B, 2, &[])];
        let err = Closure::resolve(vec![A.into()], dangling.clone(), false)
            .expect_err("dangling")
            .to_string();
        assert!(
            err.contains(A) && err.contains(GONE) && err.contains("--allow-dangling"),
            "{err}"
        );
        assert_eq!(
            Closure::resolve(vec![A.into()], dangling, true).expect("allowed"),
            whole
        );
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

    #[test]
    fn references_become_indices_in_path_order() {
        let c = Closure::new(
            vec![B.into()],
            vec![
                info(B, 2, &[GONE, A, B, A]),
                info(A, 1, &[]),
                info(A, 1, &[]),
            ],
        );
        assert_eq!(c.paths.len(), 2, "repeats merged");
        assert_eq!(c.paths[1].path, B);
        assert_eq!(
            c.paths[1].references,
            vec![0],
            "self, repeat and dangling dropped"
        );
        assert_eq!(c.reference_paths(&c.paths[1]).collect::<Vec<_>>(), [A]);
        assert_eq!(c.path_info(&c.paths[1]).references, [A]);
        assert_eq!((c.index_of(B), c.index_of(GONE)), (Some(1), None));
    }

    #[test]
    fn paths_sort_as_strings_do_whatever_their_keys() {
        let paths = [
            "/nix/store/aaaaaaaab-x",
            "/nix/store/aaaaaaaa",
            "/nix/store/aaaaaaaaa",
            "/nix/store/b",
            "/nix/store/aaaaaaaa-y",
            "/nix/store/",
            "/nix/store/aaaaaaaaa",
        ];
        let mut expected: Vec<&str> = paths.to_vec();
        expected.sort_unstable();
        let got: Vec<&str> = order_by_path(&paths)
            .into_iter()
            .map(|i| paths[i])
            .collect();
        assert_eq!(got, expected);
        assert!(order_by_path(&[]).is_empty());
    }

    #[test]
    fn restricting_to_roots_renumbers_references() {
        let c = Closure::new(
            vec![B.into()],
            vec![info(A, 1, &[]), info(B, 2, &[GONE]), info(GONE, 3, &[])],
        )
        .restricted_to_roots();
        assert_eq!(c.paths.len(), 2);
        assert_eq!(c.path_info(&c.paths[0]).path, B);
        assert_eq!(c.reference_paths(&c.paths[0]).collect::<Vec<_>>(), [GONE]);
    }
}
