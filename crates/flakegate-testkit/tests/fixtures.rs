//! Builds every fixture with the real Nix and checks the facts that
//! tests/fixtures/README.md promises.

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeSet;
use std::process::Command;

use flakegate_testkit::{
    attrs_json_of, fixture, generations, is_valid, package_set, references, repo_root, requisites,
    store_name, synthetic_closure, synthetic_closure_seeded, unrealised_drv,
};

fn names(paths: &[String]) -> BTreeSet<String> {
    paths.iter().map(|p| store_name(p).to_owned()).collect()
}

fn nar_size(path: &str) -> u64 {
    let out = Command::new("nix-store")
        .args(["-q", "--size", path])
        .output()
        .expect("nix-store");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a size")
}

#[test]
fn every_fixture_parses() {
    let dir = repo_root().join("tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("tests/fixtures exists") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "nix") {
            let ok = Command::new("nix-instantiate")
                .arg("--parse")
                .arg(&path)
                .output()
                .expect("nix");
            assert!(
                ok.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&ok.stderr)
            );
            seen += 1;
        }
    }
    assert!(seen >= 6, "expected the six fixture files, saw {seen}");
}

#[test]
fn package_set_closure_is_the_documented_one() {
    let set = package_set();
    assert!(store_name(&set.toplevel).starts_with("nixos-system-demo-24.05.20240612.abc1234"));
    let closure = requisites(&set.toplevel);
    assert_eq!(closure.len(), 52, "{:#?}", names(&closure));
    let names = names(&closure);
    for n in [
        "openssl-3.0.14",
        "openssl-3.0.14-bin",
        "openssl-3.0.14-dev",
        "openssl-1.1.1w",
        "glibc-2.39",
        "glibc-2.39-bin",
        "curl-8.9.1",
        "curl-8.9.1-bin",
        "jq-1.7.1-bin",
        "linux-6.6.32-modules",
        "python3.12-requests-2.32.3",
        "etc-motd",
        "unit-nix-daemon-.service",
        "X-Restart-Triggers-sshd",
        "system-path",
        "tmux-3.4",
    ] {
        assert!(names.contains(n), "{n} missing from the closure");
    }
    // Build-only things are not in the runtime closure.
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".tar.gz") || n == "curl-8.9.1-dev")
    );
    // Closure size: every file is `size` bytes, NAR = size + 112.
    let total: u64 = closure.iter().map(|p| nar_size(p)).sum();
    assert_eq!(total, 332_272);
}

#[test]
fn package_set_outputs_and_references() {
    let set = package_set();
    assert_eq!(set.packages["glibc"].len(), 3);
    assert_eq!(set.packages.len(), 45);
    let glibc = set.path("glibc", "out");
    // Self reference (like an RPATH), and sizes are exact.
    assert!(references(glibc).contains(&glibc.to_owned()));
    assert_eq!(nar_size(glibc), 30_000 + 112);
    // curl links openssl 3's `out` and the `lib` outputs of nghttp2/brotli.
    let curl_refs = names(&references(set.path("curl", "out")));
    assert!(curl_refs.contains("openssl-3.0.14"));
    assert!(curl_refs.contains("nghttp2-1.62.1-lib"));
    assert!(!curl_refs.contains("openssl-3.0.14-bin"));
    // dev refers to out; out with a lib output refers to lib.
    assert!(references(set.path("zlib", "dev")).contains(&set.path("zlib", "out").to_owned()));
    assert!(references(set.path("brotli", "out")).contains(&set.path("brotli", "lib").to_owned()));
    for paths in set.packages.values() {
        for p in paths {
            assert!(is_valid(p), "{p} was not built");
        }
    }
}

#[test]
fn generations_differ_by_the_documented_changes() {
    let g = generations();
    assert_eq!(g.old, package_set().toplevel);
    let old = names(&requisites(&g.old));
    let new = names(&requisites(&g.new));
    let removed: BTreeSet<&str> = old.difference(&new).map(String::as_str).collect();
    let added: BTreeSet<&str> = new.difference(&old).map(String::as_str).collect();
    assert_eq!(
        removed,
        BTreeSet::from([
            "curl-8.9.1",
            "curl-8.9.1-bin",
            "iana-etc-20240318",
            "nixos-system-demo-24.05.20240612.abc1234",
            "python3.12-requests-2.32.3",
            "sunsetr-0.11.1-946aa34",
            "tmux-3.4",
        ])
    );
    assert_eq!(
        added,
        BTreeSet::from([
            "curl-8.10.0",
            "curl-8.10.0-bin",
            "htop-3.3.0",
            "iana-etc-20240612",
            "nixos-system-demo-24.05.20240619.def5678",
            "python3.12-requests-2.31.0",
            "sunsetr-0.11.1-b2c3d4e",
        ])
    );
    // Same name, new hash: the rebuilds.
    let old_paths: BTreeSet<String> = requisites(&g.old).into_iter().collect();
    let new_paths: BTreeSet<String> = requisites(&g.new).into_iter().collect();
    let rebuilt: BTreeSet<&str> = new_paths
        .difference(&old_paths)
        .map(|p| store_name(p))
        .filter(|n| old.contains(*n))
        .collect();
    assert_eq!(
        rebuilt,
        BTreeSet::from([
            "etc",
            "etc-motd",
            "jq-1.7.1-bin",
            "jq-1.7.1-lib",
            "nix-2.18.5",
            "system-path",
            "unit-nix-daemon-.service",
        ])
    );
    assert_eq!(old_paths.intersection(&new_paths).count(), 38);
}

#[test]
fn synthetic_closure_has_exactly_n_paths() {
    for n in [1, 2, 10, 1000] {
        assert_eq!(requisites(&synthetic_closure(n)).len(), n, "n = {n}");
    }
    let root = synthetic_closure(20_000);
    let closure = requisites(&root);
    assert_eq!(closure.len(), 20_000);
    assert_eq!(store_name(&root), "system-synthetic-20000");
    // Same names, some versions differ with another seed.
    let other = names(&requisites(&synthetic_closure_seeded(1000, "b")));
    let base = names(&requisites(&synthetic_closure(1000)));
    let changed = base.difference(&other).count();
    assert!(
        (50..250).contains(&changed),
        "{changed} of 1000 names changed"
    );
}

#[test]
fn attrs_json_describes_the_package_set_closure() {
    let set = package_set();
    let file = attrs_json_of(&set.toplevel);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("readable")).expect("JSON");
    let closure = json["closure"].as_array().expect("closure list");
    assert_eq!(closure.len(), 52);
    let glibc = closure
        .iter()
        .find(|e| e["path"] == set.path("glibc", "out"))
        .expect("glibc in .attrs.json");
    assert_eq!(glibc["narSize"], 30_112);
    assert!(
        glibc["narHash"]
            .as_str()
            .expect("hash")
            .starts_with("sha256:")
    );
    for key in ["references", "closureSize"] {
        assert!(glibc.get(key).is_some(), "{key} missing");
    }
    let top = closure
        .iter()
        .find(|e| e["path"] == set.toplevel.as_str())
        .expect("toplevel");
    assert_eq!(top["closureSize"], 332_272);
}

#[test]
fn unrealised_drv_stays_unrealised() {
    let drv = unrealised_drv();
    assert!(drv.ends_with("-unrealised-demo-1.0.drv"));
    assert!(is_valid(&drv));
    let out = Command::new("nix-store")
        .args(["-q", "--outputs", &drv])
        .output()
        .expect("nix-store");
    let out = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(!is_valid(out.trim()), "{out} must not be built");
    assert!(fixture("unrealised.nix").exists());
}
