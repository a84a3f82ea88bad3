//! The derivation view on a graph large enough for its parallel walk (levels
//! of up to 257 pairs): `tests/fixtures/diff/drv-graph.nix`, 1,000
//! derivations per side, seeds "a" and "b", instantiated only. The counts
//! below were also found by the former one-pair-at-a-time walk and agree
//! with nix-diff-rs (see benches/diff.py).

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

mod common;

use std::collections::BTreeSet;

use common::{Files, instantiate};
use flakegate_diff::{DrvDiffOptions, diff_derivations};

fn graph(seed: &str) -> String {
    instantiate(
        "diff/drv-graph.nix",
        &["--arg", "n", "1000", "--argstr", "seed", seed],
    )
    .remove(0)
}

#[test]
fn every_differing_pair_once_in_breadth_first_order() {
    let (a, b) = (graph("a"), graph("b"));
    assert_eq!(
        flakegate_testkit::requisites(&a)
            .iter()
            .filter(|p| p.ends_with(".drv"))
            .count(),
        1000
    );
    let source = Files::from_env();
    let report = diff_derivations(&source, &a, &b, &DrvDiffOptions::default()).expect("diff");
    let d = &report.derivations;
    assert_eq!(report.summary.compared, 936);
    // The causes: 3 version bumps, their 3 sources and 1 new configure flag;
    // the 929 others only name their inputs' new paths.
    assert_eq!(report.summary.with_own_changes, 7);
    assert_eq!(report.summary.not_followed, 0);
    // Version bumps: 3 packages and their sources, paired by package name.
    assert_eq!(
        d.iter().filter(|p| p.name_before != p.name_after).count(),
        6
    );
    let pairs: BTreeSet<(&str, &str)> = d
        .iter()
        .map(|p| (p.before.as_str(), p.after.as_str()))
        .collect();
    assert_eq!(pairs.len(), d.len(), "each pair compared once");
    for cause in d.iter().filter(|p| p.own_changes) {
        let flags = cause.env.iter().any(|f| f.name == "configureFlags");
        assert!(cause.name_before != cause.name_after || flags, "{cause:?}");
    }
    assert!(
        d.iter()
            .filter(|p| !p.own_changes)
            .all(|p| !p.because.is_empty())
    );
    for (i, pair) in d.iter().enumerate() {
        assert_eq!(pair.id, i, "ids in breadth-first order");
        if i > 0 {
            assert!(d[i - 1].depth <= pair.depth);
        }
        for input in &pair.inputs_changed {
            let j = input.diff.expect("followed: no --depth");
            assert_eq!(
                (d[j].before.as_str(), d[j].after.as_str()),
                (input.before.as_str(), input.after.as_str())
            );
            // Breadth first: an input is never further than one level down.
            assert!(d[j].depth <= pair.depth + 1);
        }
    }
    let shallow = diff_derivations(
        &source,
        &a,
        &b,
        &DrvDiffOptions {
            max_depth: Some(3),
            ..DrvDiffOptions::default()
        },
    )
    .expect("diff");
    assert_eq!(
        (
            shallow.summary.compared,
            shallow.summary.with_own_changes,
            shallow.summary.not_followed
        ),
        (261, 2, 315)
    );
    assert!(shallow.derivations.iter().all(|p| p.depth <= 3));
}
