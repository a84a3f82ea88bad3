//! Installables as users type them, resolved against the real store.

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::os::unix::fs::symlink;

use flakegate_store::installable::{ResolveOptions, resolve};
use flakegate_store::{OpenOptions, Store, StoreError};
use flakegate_testkit as kit;

fn store() -> Box<dyn Store> {
    flakegate_store::open(&OpenOptions::default())
        .expect("store opens")
        .store
}

fn resolve_str(input: &str, build: bool) -> Result<Vec<String>, StoreError> {
    resolve(input, &*store(), ResolveOptions { build }).map(|r| r.paths)
}

/// A derivation no earlier test run can have built: its name carries a nonce.
fn fresh_derivation_expr(tag: &str, system: &str) -> String {
    let nonce = kit::nonce();
    format!(
        r#"derivation {{ name = "fresh-{tag}-{nonce}"; system = "{system}";
              builder = "/bin/sh"; args = [ "-c" "echo built > $out" ]; }}"#
    )
}

#[test]
fn store_paths_symlinks_and_sub_paths() {
    let set = kit::package_set();
    let top = set.toplevel.clone();
    assert_eq!(
        resolve_str(&top, false).expect("store path"),
        vec![top.clone()]
    );

    let dir = tempfile::tempdir().expect("tempdir");
    // A profile: system -> system-42-link -> /nix/store/…
    let link42 = dir.path().join("system-42-link");
    symlink(&top, &link42).expect("link");
    symlink("system-42-link", dir.path().join("system")).expect("relative link");
    let profile = dir.path().join("system");
    assert_eq!(
        resolve_str(profile.to_str().expect("utf8"), false).expect("profile"),
        vec![top.clone()]
    );

    // A path inside a store path stands for that store path.
    let sub = format!("{top}/does-not-matter");
    assert_eq!(resolve_str(&sub, false).expect("sub-path"), vec![top]);
}

#[test]
fn bad_paths_get_one_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("result");
    symlink(dir.path().join("nowhere"), &broken).expect("link");
    let err = resolve_str(broken.to_str().expect("utf8"), false).expect_err("broken");
    assert!(matches!(err, StoreError::BrokenSymlink { .. }), "{err}");
    assert!(err.to_string().contains("result"), "{err}");

    let outside = dir.path().join("plain-file");
    std::fs::write(&outside, "x").expect("write");
    let err = resolve_str(outside.to_str().expect("utf8"), false).expect_err("outside");
    assert!(matches!(err, StoreError::OutsideStore { .. }), "{err}");

    let missing = dir.path().join("missing");
    let err = resolve_str(missing.to_str().expect("utf8"), false).expect_err("missing");
    assert!(matches!(err, StoreError::Missing { .. }), "{err}");

    let err = resolve_str(
        "/nix/store/00000000000000000000000000000000-gone-1.0",
        false,
    )
    .expect_err("invalid");
    assert!(matches!(err, StoreError::NotValid { .. }), "{err}");
}

#[test]
fn a_drv_stands_for_its_outputs() {
    let set = kit::package_set();
    let deriver = duct::cmd!(
        "nix-store",
        "--query",
        "--deriver",
        set.path("openssl", "out")
    )
    .read()
    .expect("deriver");
    let mut outputs = resolve_str(deriver.trim(), false).expect("realised drv");
    outputs.sort();
    let mut expected: Vec<String> = set.outputs["openssl"].values().cloned().collect();
    expected.sort();
    assert_eq!(outputs, expected);

    let unrealised = kit::unrealised_drv();
    let err = resolve_str(&unrealised, false).expect_err("not realised");
    assert!(matches!(err, StoreError::NotRealised { .. }), "{err}");
    assert!(err.to_string().contains("--build"), "{err}");
}

#[test]
fn build_realises_a_drv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("fresh.nix");
    std::fs::write(&file, fresh_derivation_expr("drv", &kit::current_system())).expect("write");
    let drv = kit::instantiate(&file, None).remove(0);
    assert!(matches!(
        resolve_str(&drv, false),
        Err(StoreError::NotRealised { .. })
    ));
    let built = resolve_str(&drv, true).expect("--build builds");
    assert_eq!(built.len(), 1);
    assert!(kit::is_valid(&built[0]));
}

#[test]
fn flake_references_evaluate_without_building() {
    let dir = tempfile::tempdir().expect("tempdir");
    let system = kit::current_system();
    let flake = format!(
        r#"{{ outputs = {{ self }}: {{ packages.{system} = {{
              fresh = {};
           }}; }}; }}"#,
        fresh_derivation_expr("flake", &system),
    );
    std::fs::write(dir.path().join("flake.nix"), flake).expect("write");
    let base = format!("path:{}", dir.path().display());
    let fresh = format!("{base}#fresh");
    let err = resolve_str(&fresh, false).expect_err("not realised");
    assert!(matches!(err, StoreError::NotRealised { .. }), "{err}");
    let paths = resolve_str(&fresh, true).expect("--build");
    assert!(kit::is_valid(&paths[0]));
    // Now realised, the same reference resolves without --build.
    assert_eq!(resolve_str(&fresh, false).expect("realised"), paths);

    let err = resolve_str(&format!("{base}#nonexistent"), false).expect_err("no such attribute");
    assert!(matches!(err, StoreError::Nix { .. }), "{err}");
    assert!(err.to_string().contains("nonexistent"), "{err}");
}
