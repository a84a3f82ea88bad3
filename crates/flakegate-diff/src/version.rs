//! Version ordering exactly as Nix's `builtins.compareVersions`, plus the
//! judgement of when an ordering means nothing (git revisions, a switch
//! between date and release versions), so that no change is ever reported as
//! a false downgrade.

use std::cmp::Ordering;

/// Splits a version into components the way Nix does: runs of digits, runs
/// of other characters, with `.` and `-` as separators.
#[must_use]
pub fn split_version(v: &str) -> Vec<&str> {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'.' || bytes[i] == b'-' {
            i += 1;
            continue;
        }
        let start = i;
        if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            while i < bytes.len()
                && !bytes[i].is_ascii_digit()
                && bytes[i] != b'.'
                && bytes[i] != b'-'
            {
                i += 1;
            }
        }
        out.push(&v[start..i]);
    }
    out
}

fn number(c: &str) -> Option<u128> {
    (!c.is_empty() && c.bytes().all(|b| b.is_ascii_digit())).then(|| {
        // Leading zeros and very long runs: compare as Nix does, by value;
        // overlong runs saturate (Nix would fail to parse them as numbers too).
        c.parse::<u128>().unwrap_or(u128::MAX)
    })
}

/// Nix's `componentsLT`.
fn component_lt(c1: &str, c2: &str) -> bool {
    let (n1, n2) = (number(c1), number(c2));
    match (n1, n2) {
        (Some(a), Some(b)) => a < b,
        _ if c1.is_empty() && n2.is_some() => true,
        _ if c1 == "pre" && c2 != "pre" => true,
        _ if c2 == "pre" => false,
        // "2.3a" < "2.3.1": a word sorts before a number.
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => c1 < c2,
    }
}

/// `builtins.compareVersions a b`.
#[must_use]
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (ca, cb) = (split_version(a), split_version(b));
    for i in 0..ca.len().max(cb.len()) {
        let x = ca.get(i).copied().unwrap_or("");
        let y = cb.get(i).copied().unwrap_or("");
        if component_lt(x, y) {
            return Ordering::Less;
        }
        if component_lt(y, x) {
            return Ordering::Greater;
        }
    }
    Ordering::Equal
}

/// How a version moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionChange {
    Upgrade,
    Downgrade,
    /// Different, but no order can be trusted (git revisions, date ↔ release).
    Changed,
    Same,
}

/// A trailing git revision: 7–40 hex digits after `-`, `.`, `+` or `g`,
/// with at least one letter (a run of digits is a number, not a hash).
fn split_git_suffix(v: &str) -> (&str, Option<&str>) {
    let cut = v.rfind(['-', '.', '+']).map(|i| (i, i + 1));
    if let Some((sep, start)) = cut {
        let tail = v[start..].strip_prefix('g').unwrap_or(&v[start..]);
        let hexy = (7..=40).contains(&tail.len())
            && tail
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            && tail.bytes().any(|b| b.is_ascii_alphabetic());
        if hexy {
            return (&v[..sep], Some(tail));
        }
    }
    (v, None)
}

/// Whether a version is a date (`20240318`, `2024-01-01`, `unstable-2024-01-01`).
fn is_date_like(v: &str) -> bool {
    split_version(v)
        .iter()
        .filter_map(|c| number(c).map(|n| (c.len(), n)))
        .next()
        .is_some_and(|(len, n)| match len {
            4 => (1970..=2200).contains(&n),
            8 => (19_700_101..=22_001_231).contains(&n),
            _ => false,
        })
}

/// Classifies a move from version `old` to `new`.
#[must_use]
pub fn classify(old: &str, new: &str) -> VersionChange {
    if old == new {
        return VersionChange::Same;
    }
    let (old_base, old_rev) = split_git_suffix(old);
    let (new_base, new_rev) = split_git_suffix(new);
    if (old_rev.is_some() || new_rev.is_some()) && old_base == new_base {
        return VersionChange::Changed;
    }
    if is_date_like(old_base) != is_date_like(new_base) {
        return VersionChange::Changed;
    }
    match compare_versions(old_base, new_base) {
        Ordering::Less => VersionChange::Upgrade,
        Ordering::Greater => VersionChange::Downgrade,
        // Same base, different spelling or revision only.
        Ordering::Equal => VersionChange::Changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_nix() {
        assert_eq!(split_version("2.3a"), vec!["2", "3", "a"]);
        assert_eq!(split_version("1.0pre1"), vec!["1", "0", "pre", "1"]);
        assert_eq!(
            split_version("0.11.1-946aa34"),
            vec!["0", "11", "1", "946", "aa", "34"]
        );
    }

    #[test]
    fn classifies_without_false_downgrades() {
        use VersionChange::*;
        assert_eq!(classify("8.9.1", "8.10.0"), Upgrade);
        assert_eq!(classify("2.32.3", "2.31.0"), Downgrade);
        assert_eq!(classify("0.11.1-946aa34", "0.11.1-b2c3d4e"), Changed);
        assert_eq!(classify("0.11.1-946aa34", "0.12.0-b2c3d4e"), Upgrade);
        assert_eq!(classify("20240318", "20240612"), Upgrade);
        assert_eq!(classify("unstable-2024-01-01", "1.0"), Changed);
        assert_eq!(classify("2024-01-01", "0.9"), Changed);
        assert_eq!(
            classify("24.05.20240612.abc1234", "24.05.20240619.def5678"),
            Upgrade
        );
        assert_eq!(classify("1.0", "1.0"), Same);
    }
}
