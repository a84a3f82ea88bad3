//! The package view: two closures grouped by package name, each package
//! classified (upgraded, downgraded, changed, added, removed, rebuilt) with
//! its size delta.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use flakegate_store::name::{KNOWN_OUTPUTS, parse_drv_name, store_path_name};
use flakegate_store::{Closure, Member};
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use crate::pairing::pair_versions;
use crate::version::{VersionChange, classify};

pub const SCHEMA: &str = "flakegate.diff.closure/1";

/// One side of the comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClosureSide {
    pub root: String,
    pub size: u64,
    pub paths: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClosureDiff {
    pub schema: String,
    pub before: ClosureSide,
    pub after: ClosureSide,
    pub summary: Summary,
    /// Every package that differs, in report order (kind, selected first, name).
    pub packages: Vec<PackageDiff>,
}

/// How packages are ordered within each kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Selected packages first, then by name (the report order).
    #[default]
    Name,
    /// Largest first (the larger of the two sides).
    Size,
    /// Largest size change first, growth or shrinkage alike.
    Delta,
}

impl ClosureDiff {
    /// Orders the packages of each kind of change by `key`; the kinds keep
    /// their order (upgraded first, rebuilt last), ties stay in name order.
    pub fn sort_packages(&mut self, key: SortKey) {
        match key {
            SortKey::Name => {}
            SortKey::Size => self
                .packages
                .sort_by_key(|p| (p.change, std::cmp::Reverse(p.before_size.max(p.after_size)))),
            SortKey::Delta => self
                .packages
                .sort_by_key(|p| (p.change, std::cmp::Reverse(p.size_delta.unsigned_abs()))),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub upgraded: usize,
    pub downgraded: usize,
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    pub rebuilt: usize,
    pub unchanged: usize,
    /// Store paths only in `after` / only in `before`.
    pub paths_added: usize,
    pub paths_removed: usize,
    pub size_delta: i64,
}

/// How a package changed, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageChange {
    Upgraded,
    Downgraded,
    /// Versions differ but cannot be ordered (git revisions, date ↔ release),
    /// or several versions moved in different directions.
    Changed,
    Added,
    Removed,
    /// Same version(s), different store paths.
    Rebuilt,
}

/// One paired (or unpaired) version of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionEntry {
    pub before: Option<String>,
    pub after: Option<String>,
    pub change: PackageChange,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageDiff {
    pub name: String,
    pub change: PackageChange,
    /// Whether the user asked for it (a direct reference of a root, or of
    /// `<root>/sw` for a NixOS system) rather than pulled in by something.
    pub selected: bool,
    /// Versions present before / after (`""` for a version-less name).
    pub before_versions: Vec<String>,
    pub after_versions: Vec<String>,
    pub versions: Vec<VersionEntry>,
    pub before_size: u64,
    pub after_size: u64,
    pub size_delta: i64,
    pub before_paths: Vec<String>,
    pub after_paths: Vec<String>,
}

/// One store path, split for grouping.
struct Entry<'a> {
    name: &'a str,
    version: &'a str,
    path: &'a str,
    size: u64,
}

/// `(name, version)` of a store path name, as [`PackageName::parse`] splits
/// it (an output suffix after a version is dropped; `""` for no version),
/// but borrowed: grouping 40,000 paths should not allocate 120,000 strings.
///
/// [`PackageName::parse`]: flakegate_store::name::PackageName::parse
fn split_name(store_name: &str) -> (&str, &str) {
    let store_name = store_name.strip_suffix(".drv").unwrap_or(store_name);
    let (name, version) = parse_drv_name(store_name);
    match version.rsplit_once('-') {
        Some((v, out)) if !v.is_empty() && KNOWN_OUTPUTS.contains(&out) => (name, v),
        _ => (name, version),
    }
}

/// A closure's paths sorted by (name, version, path): each package is then a
/// run of entries, and each of its versions a run within that.
fn entries(members: &Closure) -> Vec<Entry<'_>> {
    let mut out: Vec<Entry> = members
        .paths
        .iter()
        .map(|m| {
            let (name, version) = split_name(store_path_name(&m.path));
            Entry {
                name,
                version,
                path: &m.path,
                size: m.nar_size,
            }
        })
        .collect();
    out.sort_unstable_by(|a, b| (a.name, a.version, a.path).cmp(&(b.name, b.version, b.path)));
    out
}

/// A package on one side: its versions (sorted) with their paths.
#[derive(Default)]
struct Group<'a> {
    versions: Vec<(&'a str, &'a [Entry<'a>])>,
    size: u64,
}

impl<'a> Group<'a> {
    fn of(run: &'a [Entry<'a>]) -> Self {
        Self {
            versions: run
                .chunk_by(|a, b| a.version == b.version)
                .map(|c| (c[0].version, c))
                .collect(),
            size: run.iter().map(|e| e.size).sum(),
        }
    }

    fn get(&self, version: &str) -> Option<&'a [Entry<'a>]> {
        self.versions
            .binary_search_by(|(v, _)| (*v).cmp(version))
            .ok()
            .map(|i| self.versions[i].1)
    }

    fn paths(&self) -> Vec<String> {
        self.versions
            .iter()
            .flat_map(|(_, run)| run.iter().map(|e| e.path.to_owned()))
            .collect()
    }

    fn version_names(&self) -> Vec<String> {
        self.versions.iter().map(|(v, _)| (*v).to_owned()).collect()
    }
}

fn same_paths(a: &[Entry], b: &[Entry]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.path == y.path)
}

/// The packages of both sides, paired by name, in name order.
fn by_package<'e, 'a>(
    old: &'e [Entry<'a>],
    new: &'e [Entry<'a>],
) -> impl Iterator<Item = (&'a str, &'e [Entry<'a>], &'e [Entry<'a>])> {
    let mut old = old.chunk_by(|a, b| a.name == b.name).peekable();
    let mut new = new.chunk_by(|a, b| a.name == b.name).peekable();
    std::iter::from_fn(move || {
        let order = match (old.peek(), new.peek()) {
            (None, None) => return None,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(o), Some(n)) => o[0].name.cmp(n[0].name),
        };
        Some(match order {
            Ordering::Less => {
                let o = old.next()?;
                (o[0].name, o, &[][..])
            }
            Ordering::Greater => {
                let n = new.next()?;
                (n[0].name, &[][..], n)
            }
            Ordering::Equal => {
                let (o, n) = (old.next()?, new.next()?);
                (o[0].name, o, n)
            }
        })
    })
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn total(m: &Closure) -> u64 {
    m.paths.iter().map(|p| p.nar_size).sum()
}

/// Store paths only in `a` and only in `b`, by a walk of the two sorted lists.
fn path_differences(a: &[Member], b: &[Member]) -> (usize, usize) {
    let (mut i, mut j, mut only_a, mut only_b) = (0, 0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].path.cmp(&b[j].path) {
            Ordering::Less => (only_a, i) = (only_a + 1, i + 1),
            Ordering::Greater => (only_b, j) = (only_b + 1, j + 1),
            Ordering::Equal => (i, j) = (i + 1, j + 1),
        }
    }
    (only_a + a.len() - i, only_b + b.len() - j)
}

/// Compares two closures. `selected` holds the store paths the user chose
/// (on either side); packages with a path among them are marked selected.
#[must_use]
pub fn diff_closures(
    before: &Closure,
    after: &Closure,
    selected: &BTreeSet<String>,
) -> ClosureDiff {
    // Splitting and sorting 20,000 names per side: one side per thread.
    let selected: FxHashSet<&str> = selected.iter().map(String::as_str).collect();
    let (old, new) = std::thread::scope(|s| {
        let other = s.spawn(|| entries(after));
        let old = entries(before);
        (
            old,
            other
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    let mut summary = Summary::default();
    let mut packages = Vec::new();
    for (name, o_run, n_run) in by_package(&old, &new) {
        // Most packages of two generations are the same store paths.
        if same_paths(o_run, n_run) {
            summary.unchanged += 1;
            continue;
        }
        let (o, n) = (Group::of(o_run), Group::of(n_run));
        let versions = version_entries(&o, &n);
        let Some(change) = package_change(&versions) else {
            summary.unchanged += 1;
            continue;
        };
        match change {
            PackageChange::Upgraded => summary.upgraded += 1,
            PackageChange::Downgraded => summary.downgraded += 1,
            PackageChange::Changed => summary.changed += 1,
            PackageChange::Added => summary.added += 1,
            PackageChange::Removed => summary.removed += 1,
            PackageChange::Rebuilt => summary.rebuilt += 1,
        }
        let is_selected = o_run.iter().chain(n_run).any(|e| selected.contains(e.path));
        packages.push(PackageDiff {
            name: name.to_owned(),
            change,
            selected: is_selected,
            before_versions: o.version_names(),
            after_versions: n.version_names(),
            versions,
            before_size: o.size,
            after_size: n.size,
            size_delta: signed(n.size) - signed(o.size),
            before_paths: o.paths(),
            after_paths: n.paths(),
        });
    }
    // Report order: kind, selected first, name. Packages come in name order,
    // so a stable sort on the rest keeps names sorted.
    packages.sort_by_key(|p| (p.change, !p.selected));
    (summary.paths_removed, summary.paths_added) = path_differences(&before.paths, &after.paths);
    let (before_size, after_size) = (total(before), total(after));
    summary.size_delta = signed(after_size) - signed(before_size);
    let side = |m: &Closure, size: u64| ClosureSide {
        root: m.roots.first().cloned().unwrap_or_default(),
        size,
        paths: m.paths.len(),
    };
    ClosureDiff {
        schema: SCHEMA.to_owned(),
        before: side(before, before_size),
        after: side(after, after_size),
        summary,
        packages,
    }
}

/// Pairs the versions of one package across the two sides.
fn version_entries(o: &Group, n: &Group) -> Vec<VersionEntry> {
    let mut entries = Vec::new();
    let mut old_only: Vec<&str> = Vec::new();
    for &(v, paths) in &o.versions {
        match n.get(v) {
            Some(new_paths) if !same_paths(paths, new_paths) => entries.push(VersionEntry {
                before: Some(v.to_owned()),
                after: Some(v.to_owned()),
                change: PackageChange::Rebuilt,
            }),
            Some(_) => {}
            None => old_only.push(v),
        }
    }
    let new_only: Vec<&str> = n
        .versions
        .iter()
        .map(|(v, _)| *v)
        .filter(|v| o.get(v).is_none())
        .collect();
    let (pairs, removed, added) = pair_versions(&old_only, &new_only);
    for (a, b) in pairs {
        let change = match classify(a, b) {
            VersionChange::Upgrade => PackageChange::Upgraded,
            VersionChange::Downgrade => PackageChange::Downgraded,
            VersionChange::Changed | VersionChange::Same => PackageChange::Changed,
        };
        entries.push(VersionEntry {
            before: Some(a.to_owned()),
            after: Some(b.to_owned()),
            change,
        });
    }
    for v in removed {
        entries.push(VersionEntry {
            before: Some(v.to_owned()),
            after: None,
            change: PackageChange::Removed,
        });
    }
    for v in added {
        entries.push(VersionEntry {
            before: None,
            after: Some(v.to_owned()),
            change: PackageChange::Added,
        });
    }
    entries
}

/// The package's overall change: the one kind when all entries agree;
/// added/removed when the package appears or disappears entirely.
fn package_change(entries: &[VersionEntry]) -> Option<PackageChange> {
    let kinds: BTreeSet<PackageChange> = entries.iter().map(|e| e.change).collect();
    match kinds.len() {
        0 => None,
        1 => kinds.into_iter().next(),
        _ => {
            // A new version next to an unchanged old one, or similar mixes.
            let only = |k: &[PackageChange]| kinds.iter().all(|x| k.contains(x));
            if only(&[
                PackageChange::Upgraded,
                PackageChange::Rebuilt,
                PackageChange::Added,
            ]) && kinds.contains(&PackageChange::Upgraded)
            {
                Some(PackageChange::Upgraded)
            } else if only(&[
                PackageChange::Downgraded,
                PackageChange::Rebuilt,
                PackageChange::Removed,
            ]) && kinds.contains(&PackageChange::Downgraded)
            {
                Some(PackageChange::Downgraded)
            } else {
                Some(PackageChange::Changed)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flakegate_store::name::PackageName;

    /// Members named `names`, with hashes from their index (so sorted).
    fn closure(names: &[(&str, u64)]) -> Closure {
        let paths = names
            .iter()
            .enumerate()
            .map(|(i, (name, size))| Member {
                path: format!("/nix/store/{:0>32}-{name}", i),
                nar_size: *size,
                nar_hash: None,
                references: Vec::new(),
                deriver: None,
                registration_time: None,
            })
            .collect::<Vec<_>>();
        Closure {
            roots: vec![paths[0].path.clone()],
            paths,
        }
    }

    #[test]
    fn borrowed_split_agrees_with_package_name() {
        for n in [
            "openssl-3.0.14-bin",
            "glibc-2.39-52-dev",
            "etc-motd",
            "X-Restart-Triggers-sshd",
            "unit-nix-daemon-.service",
            "sunsetr-0.11.1-946aa34",
            "hello-2.12.1.drv",
            "python3.12-requests-2.32.3",
            "linux-6.6.32-modules",
            "foo-unstable-2024-01-01",
            "bar-1.0-",
        ] {
            let p = PackageName::parse(n);
            assert_eq!(
                split_name(n),
                (p.name.as_str(), p.version.as_deref().unwrap_or("")),
                "{n}"
            );
        }
    }

    #[test]
    fn counts_paths_only_on_one_side() {
        let a = closure(&[("root", 1), ("a-1", 1), ("b-1", 1), ("c-1", 1)]);
        let mut b = closure(&[("root", 1), ("a-1", 1), ("b-2", 1), ("d-1", 1), ("e-1", 1)]);
        b.paths[0].path.clone_from(&a.paths[0].path);
        b.paths[1].path.clone_from(&a.paths[1].path);
        assert_eq!(path_differences(&a.paths, &b.paths), (2, 3));
        let d = diff_closures(&a, &b, &BTreeSet::new());
        assert_eq!((d.summary.paths_removed, d.summary.paths_added), (2, 3));
        assert_eq!(
            (d.summary.added, d.summary.removed, d.summary.upgraded),
            (2, 1, 1)
        );
        assert_eq!(d.summary.unchanged, 2);
    }

    #[test]
    fn several_versions_of_one_name_pair_sensibly() {
        // Paths with the same index share a hash: unchanged paths stay equal.
        let old = closure(&[
            ("root", 1),
            ("openssl-1.1.1w", 10),
            ("openssl-3.0.14", 20),
            ("openssl-3.0.14-dev", 5),
        ]);
        let mut new = closure(&[
            ("root", 1),
            ("openssl-1.1.1w", 10),
            ("openssl-3.0.15", 22),
            ("openssl-3.0.15-dev", 5),
        ]);
        new.paths[1].path.clone_from(&old.paths[1].path);
        let d = diff_closures(&old, &new, &BTreeSet::new());
        let openssl = d
            .packages
            .iter()
            .find(|p| p.name == "openssl")
            .expect("openssl");
        assert_eq!(openssl.change, PackageChange::Upgraded);
        assert_eq!(
            openssl.versions,
            vec![VersionEntry {
                before: Some("3.0.14".into()),
                after: Some("3.0.15".into()),
                change: PackageChange::Upgraded
            }]
        );
        assert_eq!(openssl.size_delta, 2);
        assert_eq!(d.summary.upgraded, 1);
    }

    #[test]
    fn mixed_directions_are_changed_not_upgraded() {
        let old = closure(&[("root", 1), ("lib-1.0", 1), ("lib-2.0", 1)]);
        let new = closure(&[("root", 1), ("lib-1.1", 1), ("lib-1.9", 1)]);
        let d = diff_closures(&old, &new, &BTreeSet::new());
        let lib = d.packages.iter().find(|p| p.name == "lib").expect("lib");
        assert_eq!(lib.change, PackageChange::Changed);
        assert_eq!(lib.versions.len(), 2);
    }
}
