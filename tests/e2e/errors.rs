//! The messages users see when something is wrong, reviewed like output: one
//! snapshot per message, each a single line naming the input (exit 2).

use flakegate_testkit as kit;
use insta::assert_snapshot;

use crate::util::{code, flakegate, normalise, run, stderr, stdout};

/// The error line of a run that must fail with exit 2, normalised (and the
/// machine's system name replaced, for flake attribute paths).
fn error_of(out: &std::process::Output) -> String {
    let err = stderr(out);
    assert_eq!(code(out), 2, "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", stdout(out));
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    normalise(err.trim_end()).replace(&kit::current_system(), "[SYSTEM]")
}

#[test]
fn a_missing_flake_attribute_names_the_reference_not_internals() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("flake.nix"),
        "{ outputs = { self }: { }; }\n",
    )
    .expect("write flake.nix");
    let reference = format!("path:{}#nope", dir.path().display());
    let err = error_of(&run(&["closure", &reference]));
    assert!(
        !err.contains("--apply") && !err.contains("isAttrs"),
        "{err}"
    );
    assert_snapshot!("missing_flake_attribute", err);
}

#[test]
fn a_malformed_store_path_says_what_a_store_path_is() {
    let err = error_of(&run(&["closure", "/nix/store/doesnotexist-foo"]));
    assert_snapshot!("malformed_store_path", err);
}

#[test]
fn a_missing_store_database_says_where_and_what_else_to_try() {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = kit::package_set().toplevel.clone();
    let out = flakegate()
        .args(["closure", &top, "--backend", "db"])
        .env("NIX_STATE_DIR", dir.path())
        .output()
        .expect("runs");
    let err = error_of(&out);
    assert!(err.contains("--backend cli"), "{err}");
    assert_snapshot!("missing_store_database", err);
}

#[test]
fn a_missing_profile_is_missing_not_an_invalid_store_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-profile");
    let err = error_of(&run(&[
        "diff",
        "--profile",
        missing.to_str().expect("utf8"),
    ]));
    assert!(!err.contains("store path"), "{err}");
    assert_snapshot!("missing_profile", err);
    // A file that is there but has no generations next to it.
    let plain = dir.path().join("plain");
    std::fs::write(&plain, "x").expect("write");
    let err = error_of(&run(&["diff", "--profile", plain.to_str().expect("utf8")]));
    assert_snapshot!("not_a_profile", err);
}

#[test]
fn an_output_file_in_a_missing_directory_names_the_file_not_a_temp_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("missing/dir/x.json");
    let top = kit::package_set().toplevel.clone();
    let out = run(&[
        "closure",
        &top,
        "--json",
        "-o",
        target.to_str().expect("utf8"),
    ]);
    assert!(!stderr(&out).contains("dir/.tmp"), "{}", stderr(&out));
    let err = error_of(&out);
    assert!(err.contains("missing/dir/x.json"), "{err}");
    assert_snapshot!("output_in_missing_directory", err);
}

#[test]
fn help_examples_fit_a_terminal_and_cover_every_command() {
    let out = run(&["diff", "--help"]);
    let help = stdout(&out);
    let examples = help.split("Examples:").nth(1).expect("examples");
    for line in examples.lines() {
        assert!(line.chars().count() <= 80, "wraps: {line}");
    }
    let top = stdout(&run(&["--help"]));
    let (head, examples) = top.split_once("Examples:").expect("examples");
    let tagline = head
        .split("Usage:")
        .next()
        .expect("tagline")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for tool in ["closure", "diff", "sbom", "bench", "report"] {
        assert!(
            examples.contains(&format!("flakegate {tool} ")),
            "no {tool} example: {examples}"
        );
    }
    for what in ["closure", "diff", "SBOM", "benchmark", "summary"] {
        assert!(tagline.contains(what), "tagline: {tagline}");
    }
}

#[test]
fn a_missing_state_or_store_directory_stops_before_nix_creates_a_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("mistyped");
    let top = kit::package_set().toplevel.clone();
    for backend in ["auto", "db", "cli"] {
        for variable in ["NIX_STATE_DIR", "NIX_STORE_DIR"] {
            let out = flakegate()
                .args(["closure", &top, "--backend", backend])
                .env(variable, &missing)
                .output()
                .expect("runs");
            let err = error_of(&out);
            assert!(
                err.contains("mistyped: no such directory") && err.contains(variable),
                "{backend} {variable}: {err}"
            );
            assert!(
                !missing.exists(),
                "{backend} {variable}: a store was created"
            );
        }
    }
    // A state directory without a database: `nix` would make one there.
    let out = flakegate()
        .args(["closure", &top])
        .env("NIX_STATE_DIR", dir.path())
        .output()
        .expect("runs");
    let err = error_of(&out);
    assert!(err.contains("db.sqlite: no such file"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        0,
        "nothing created in the state directory"
    );
}

#[test]
fn an_unreadable_database_is_permission_denied() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // Root reads everything: the run is another user's, through setpriv.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::fs::metadata(dir.path()).expect("stat").uid() == 0;
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    if !root || !setpriv.exists() {
        eprintln!("SKIPPED: needs root and setpriv to run as another user");
        return;
    }
    let state = dir.path().join("state");
    std::fs::create_dir_all(state.join("db")).expect("mkdir");
    std::fs::write(state.join("db/db.sqlite"), "").expect("db");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let top = kit::package_set().toplevel.clone();
    let out = std::process::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_flakegate"))
        .args(["closure", &top, "--backend", "db"])
        .env("NIX_STATE_DIR", &state)
        .output()
        .expect("setpriv runs");
    let err = error_of(&out);
    assert!(err.contains("db.sqlite: permission denied"), "{err}");
}
