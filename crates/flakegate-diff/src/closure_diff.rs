//! The package view: two closures grouped by package name, each package
//! classified (upgraded, downgraded, changed, added, removed, rebuilt) with
//! its size delta.

use std::collections::{BTreeMap, BTreeSet};

use flakegate_store::Closure;
use flakegate_store::name::{PackageName, store_path_name};
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

/// A package on one side: version → store paths.
#[derive(Default)]
struct Side {
    versions: BTreeMap<String, BTreeSet<String>>,
    size: u64,
}

fn group(closure: &Closure) -> BTreeMap<String, Side> {
    let mut out: BTreeMap<String, Side> = BTreeMap::new();
    for p in &closure.paths {
        let name = PackageName::parse(store_path_name(&p.path));
        let side = out.entry(name.name).or_default();
        side.versions
            .entry(name.version.unwrap_or_default())
            .or_default()
            .insert(p.path.clone());
        side.size += p.nar_size;
    }
    out
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Compares two closures. `selected` holds the store paths the user chose
/// (on either side); packages with a path among them are marked selected.
#[must_use]
pub fn diff_closures(
    before: &Closure,
    after: &Closure,
    selected: &BTreeSet<String>,
) -> ClosureDiff {
    let old = group(before);
    let new = group(after);
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let empty = Side::default();
    let mut summary = Summary::default();
    let mut packages = Vec::new();
    for name in names {
        let o = old.get(name).unwrap_or(&empty);
        let n = new.get(name).unwrap_or(&empty);
        let versions = version_entries(o, n);
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
        let paths = |s: &Side| -> Vec<String> { s.versions.values().flatten().cloned().collect() };
        let (before_paths, after_paths) = (paths(o), paths(n));
        let is_selected = before_paths
            .iter()
            .chain(&after_paths)
            .any(|p| selected.contains(p));
        packages.push(PackageDiff {
            name: name.clone(),
            change,
            selected: is_selected,
            before_versions: o.versions.keys().cloned().collect(),
            after_versions: n.versions.keys().cloned().collect(),
            versions,
            before_size: o.size,
            after_size: n.size,
            size_delta: signed(n.size) - signed(o.size),
            before_paths,
            after_paths,
        });
    }
    packages.sort_by(|a, b| {
        a.change
            .cmp(&b.change)
            .then(b.selected.cmp(&a.selected))
            .then_with(|| a.name.cmp(&b.name))
    });
    let old_paths: BTreeSet<&str> = before.paths.iter().map(|p| p.path.as_str()).collect();
    let new_paths: BTreeSet<&str> = after.paths.iter().map(|p| p.path.as_str()).collect();
    summary.paths_added = new_paths.difference(&old_paths).count();
    summary.paths_removed = old_paths.difference(&new_paths).count();
    summary.size_delta = signed(after.total_nar_size()) - signed(before.total_nar_size());
    let side = |c: &Closure| ClosureSide {
        root: c.roots.first().cloned().unwrap_or_default(),
        size: c.total_nar_size(),
        paths: c.paths.len(),
    };
    ClosureDiff {
        schema: SCHEMA.to_owned(),
        before: side(before),
        after: side(after),
        summary,
        packages,
    }
}

/// Pairs the versions of one package across the two sides.
fn version_entries(o: &Side, n: &Side) -> Vec<VersionEntry> {
    let mut entries = Vec::new();
    let mut old_only: Vec<&str> = Vec::new();
    for (v, paths) in &o.versions {
        match n.versions.get(v) {
            Some(new_paths) if new_paths != paths => entries.push(VersionEntry {
                before: Some(v.clone()),
                after: Some(v.clone()),
                change: PackageChange::Rebuilt,
            }),
            Some(_) => {}
            None => old_only.push(v),
        }
    }
    let new_only: Vec<&str> = n
        .versions
        .keys()
        .filter(|v| !o.versions.contains_key(*v))
        .map(String::as_str)
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
    use flakegate_store::PathInfo;

    fn closure(names: &[(&str, u64)]) -> Closure {
        let paths = names
            .iter()
            .enumerate()
            .map(|(i, (name, size))| PathInfo {
                path: format!("/nix/store/{:0>32}-{name}", i),
                nar_size: *size,
                nar_hash: None,
                references: Vec::new(),
                deriver: None,
                registration_time: None,
            })
            .collect::<Vec<_>>();
        Closure::new(vec![paths[0].path.clone()], paths)
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
