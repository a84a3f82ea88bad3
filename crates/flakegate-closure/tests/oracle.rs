//! The engine on a real closure, checked against brute force and Nix itself.

use std::collections::{HashMap, HashSet};

use flakegate_closure::{AnalyseOptions, analyse};
use flakegate_store::backend::db::DbBackend;
use flakegate_store::{Closure, Store, StoreDir};
use flakegate_testkit as kit;

fn closure_of(roots: &[String]) -> Closure {
    DbBackend::open(&StoreDir::state_dir(), StoreDir::from_env(), false)
        .expect("db")
        .closure(roots)
        .expect("closure")
}

/// Bytes that disappear from the closure when `removed` is cut out, computed
/// with `nix-store --query --references` as the only source of edges.
fn brute_force_added(
    roots: &[String],
    removed: &str,
    refs: &HashMap<String, Vec<String>>,
    sizes: &HashMap<String, u64>,
) -> u64 {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = roots
        .iter()
        .map(String::as_str)
        .filter(|r| *r != removed)
        .collect();
    while let Some(p) = stack.pop() {
        if seen.insert(p) {
            stack.extend(
                refs[p]
                    .iter()
                    .map(String::as_str)
                    .filter(|r| *r != removed && *r != p),
            );
        }
    }
    sizes
        .iter()
        .filter(|(p, _)| !seen.contains(p.as_str()))
        .map(|(_, s)| s)
        .sum()
}

#[test]
fn added_sizes_equal_brute_force_removal_on_the_package_set() {
    let roots = vec![kit::package_set().toplevel.clone()];
    let closure = closure_of(&roots);
    let report = analyse(&closure, &AnalyseOptions::default());
    let refs: HashMap<String, Vec<String>> = closure
        .paths
        .iter()
        .map(|p| (p.path.clone(), kit::references(&p.path)))
        .collect();
    let sizes: HashMap<String, u64> = closure
        .paths
        .iter()
        .map(|p| (p.path.clone(), p.nar_size))
        .collect();
    for entry in &report.paths {
        assert_eq!(
            entry.added_size,
            brute_force_added(&roots, &entry.path, &refs, &sizes),
            "{}",
            entry.path
        );
        assert_eq!(entry.exclusive_size, entry.added_size - entry.self_size);
    }
    // The fixture's documented answer, and Nix's own closure size.
    assert_eq!(report.path_count, 52);
    assert_eq!(report.total_size, 332_272);
    assert_eq!(report.roots[0].closure_size, 332_272);
}

#[test]
fn two_roots_share_what_both_need() {
    let g = kit::generations();
    let roots = vec![g.old.clone(), g.new.clone()];
    let closure = closure_of(&roots);
    let report = analyse(&closure, &AnalyseOptions::default());
    // 52 + 52 paths, 38 shared (tests/fixtures/README.md).
    assert_eq!(report.path_count, 66);
    let glibc = report
        .paths
        .iter()
        .find(|p| p.path.ends_with("-glibc-2.39"))
        .expect("glibc");
    // Shared by both roots: removing it from one root's references saves only
    // what no other path needs, i.e. glibc itself is dominated by the virtual root.
    assert_eq!(glibc.added_size, glibc.self_size + glibc.exclusive_size);
    for root in &report.roots {
        assert_eq!(root.path_count, 52);
    }
    let sum_of_root_added: u64 = report.roots.iter().map(|r| r.added_size).sum();
    assert!(
        sum_of_root_added < report.total_size,
        "shared paths belong to neither root"
    );
}

#[test]
fn duplicates_and_why_on_the_package_set() {
    let roots = vec![kit::package_set().toplevel.clone()];
    let closure = closure_of(&roots);
    let report = analyse(
        &closure,
        &AnalyseOptions {
            top: 5,
            why: vec!["openssl-1.1.1w".into(), "no-such-package".into()],
        },
    );
    let openssl = report
        .duplicates
        .iter()
        .find(|d| d.name == "openssl")
        .expect("openssl duplicated");
    let versions: Vec<Option<&str>> = openssl
        .instances
        .iter()
        .map(|i| i.version.as_deref())
        .collect();
    assert_eq!(versions, vec![Some("1.1.1w"), Some("3.0.14")]);
    // 3.0.14: out + bin + dev = 6112 + 1864 + 1864; 1.1.1w: 5112.
    assert_eq!(openssl.total_size, 6112 + 1864 + 1864 + 5112);
    assert_eq!(openssl.extra_size, 5112);
    // Only real duplicates: no version-less name appears.
    assert!(report.duplicates.iter().all(|d| d.instances.len() > 1));

    let chain: Vec<&str> = report.why[0]
        .chain
        .iter()
        .map(|p| kit::store_name(p))
        .collect();
    assert_eq!(
        chain.first(),
        Some(&"nixos-system-demo-24.05.20240612.abc1234")
    );
    assert_eq!(chain.last(), Some(&"openssl-1.1.1w"));
    assert!(chain.contains(&"nodejs-16.20.2"), "{chain:?}");
    assert!(report.why[1].chain.is_empty());
    assert_eq!(report.why.len(), 2, "one chain per query here");
    assert_eq!(report.top_by_self.len(), 5);

    // A package name: one chain to each instance, closest first, through the
    // instance's closest output.
    let by_name = analyse(
        &closure,
        &AnalyseOptions {
            top: 1,
            why: vec!["openssl".into()],
        },
    );
    let targets: Vec<&str> = by_name
        .why
        .iter()
        .map(|w| kit::store_name(w.target.as_deref().expect("found")))
        .collect();
    assert_eq!(targets, vec!["openssl-3.0.14-dev", "openssl-1.1.1w"]);
    for w in &by_name.why {
        assert_eq!(w.query, "openssl");
        assert_eq!(w.chain.last(), w.target.as_ref());
        assert_eq!(w.chain[0], roots[0]);
    }
    assert!(kit::store_name(&report.top_by_self[0].path).starts_with("python3-3.12.4"));
}
