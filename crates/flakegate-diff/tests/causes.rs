//! Causes and consequences in the derivation view: a derivation whose values
//! differ only in the store paths of changed inputs (their hashes *and* their
//! names, `…-curl-8.9.1` → `…-curl-8.10.0`) changed only because of them.

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeMap;

use common::{Files, instantiate};
use flakegate_diff::{DrvDiffOptions, DrvDiffReport, diff_derivations};

fn diff(before: &str, after: &str) -> DrvDiffReport {
    diff_derivations(
        &Files::from_env(),
        before,
        after,
        &DrvDiffOptions::default(),
    )
    .expect("diff")
}

/// Each compared pair's name (after) → the names of its causes, `None` for a
/// pair with changes of its own.
fn verdicts(report: &DrvDiffReport) -> BTreeMap<String, Option<Vec<String>>> {
    report
        .derivations
        .iter()
        .map(|d| {
            let because =
                (!d.own_changes).then(|| d.because.iter().map(|b| b.name.clone()).collect());
            (d.name_after.clone(), because)
        })
        .collect()
}

#[test]
fn fixture_generations_causes_are_the_known_changes() {
    let drvs = instantiate("generations.nix", &["-A", "old", "-A", "new"]);
    let report = diff(&drvs[0], &drvs[1]);
    let verdicts = verdicts(&report);
    // tests/fixtures/README.md, "generations.nix": the changes of their own
    // are curl, requests, sunsetr, iana-etc (and their sources), jq's flags,
    // the motd text, system-path's package list and the system's version.
    let causes: Vec<&str> = verdicts
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        causes,
        vec![
            "curl-8.10.0",
            "curl-8.10.0.tar.gz",
            "etc-motd",
            "iana-etc-20240612",
            "iana-etc-20240612.tar.gz",
            "jq-1.7.1",
            "nixos-system-demo-24.05.20240619.def5678",
            "python3.12-requests-2.31.0",
            "python3.12-requests-2.31.0.tar.gz",
            "sunsetr-0.11.1-b2c3d4e",
            "sunsetr-0.11.1-b2c3d4e.tar.gz",
            "system-path",
        ]
    );
    assert_eq!(report.summary.compared, 15);
    assert_eq!(report.summary.with_own_changes, 12);
    let curl = vec!["curl 8.9.1 → 8.10.0".to_owned()];
    assert_eq!(verdicts["nix-2.18.5"], Some(curl.clone()));
    // unit-nix-daemon names the new nix, which changed only through curl.
    assert_eq!(verdicts["unit-nix-daemon-.service"], Some(curl));
    assert_eq!(
        verdicts["etc"],
        Some(vec![
            "etc-motd".to_owned(),
            "iana-etc 20240318 → 20240612".to_owned(),
            "curl 8.9.1 → 8.10.0".to_owned(),
        ])
    );
    // Every cause id points at a pair with changes of its own.
    for d in &report.derivations {
        for b in &d.because {
            let id = b.id.expect("followed");
            assert!(report.derivations[id].own_changes, "{}", b.name);
        }
    }
    // The word diff of an own change shows that change only, not the paths
    // of changed inputs around it.
    let system_path = report
        .derivations
        .iter()
        .find(|d| d.name_after == "system-path")
        .expect("system-path");
    let changed: Vec<(&str, &str)> = system_path
        .args
        .as_ref()
        .and_then(|a| a.diff.as_ref())
        .expect("word diff")
        .iter()
        .filter(|c| c.tag != "equal")
        .map(|c| (c.tag.as_str(), c.text.as_str()))
        .collect();
    assert_eq!(
        changed,
        vec![("delete", "tmux:out'"), ("insert", "htop:out'")]
    );
}

#[test]
fn every_dependent_naming_a_new_library_version_is_one_cause() {
    let [old, new] = ["1.0", "1.1"]
        .map(|v| instantiate("diff/one-library.nix", &["--argstr", "version", v]).remove(0));
    let report = diff(&old, &new);
    // The root, 20 dependents, 20 wrappers around them and the library.
    assert_eq!(report.summary.compared, 42);
    assert_eq!(report.summary.with_own_changes, 1);
    let library = report
        .derivations
        .iter()
        .find(|d| d.own_changes)
        .expect("one cause");
    assert_eq!(
        (library.name_before.as_str(), library.name_after.as_str()),
        ("libfoo-1.0", "libfoo-1.1")
    );
    for d in report.derivations.iter().filter(|d| !d.own_changes) {
        let because: Vec<(Option<usize>, &str)> =
            d.because.iter().map(|b| (b.id, b.name.as_str())).collect();
        assert_eq!(
            because,
            vec![(Some(library.id), "libfoo 1.0 → 1.1")],
            "{}",
            d.name_after
        );
        assert!(d.env.iter().chain(&d.args).all(|f| f.consequence));
    }
}
