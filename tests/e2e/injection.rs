//! What a user types as an installable, a path or a revision reaches `nix`
//! and `git` as an operand, never as an option, however it starts: Nix
//! splits compound short flags, so `-f/x.nix#` would evaluate a file,
//! `-j1#x` set max-jobs and `-I/dir#x` add a search path. Each is an error
//! that names it (exit 2), and nothing is evaluated.

use std::path::Path;
use std::process::Output;

use crate::util::{code, flakegate, stderr, stdout};

/// Printed by the evaluation of the file a `-f` would smuggle in.
const MARKER: &str = "flakegate-evil-evaluated";

/// A directory holding `evil.nix`, whose evaluation prints [`MARKER`], and
/// the operands that would have been options.
fn evil() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("evil.nix");
    std::fs::write(
        &file,
        format!("builtins.trace \"{MARKER}\" {{ x = builtins.trace \"{MARKER}\" 1; }}\n"),
    )
    .expect("write evil.nix");
    let operands = vec![
        format!("-f{}#", file.display()),
        format!("-f{}#x", file.display()),
        "-j1#x".to_owned(),
        format!("-I{}#x", dir.path().display()),
        "--impure#x".to_owned(),
    ];
    (dir, operands)
}

/// `flakegate ARGS` run in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    flakegate()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("flakegate runs")
}

/// The run failed as bad input naming `operand`, and evaluated nothing.
fn refused(out: &Output, operand: &str) {
    let err = stderr(out);
    assert_eq!(code(out), 2, "{operand}: {err}{}", stdout(out));
    assert!(!err.contains(MARKER), "{operand} was evaluated: {err}");
    assert!(err.contains(operand), "the error names {operand}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for flag_error in ["unknown flag", "unrecognised flag", "unexpected argument"] {
        assert!(
            !err.contains(flag_error),
            "{operand} reached nix as a flag: {err}"
        );
    }
}

#[test]
fn installables_that_look_like_options_are_operands_in_every_command() {
    let (dir, operands) = evil();
    for operand in &operands {
        let o = operand.as_str();
        refused(&run_in(dir.path(), &["closure", "--", o]), o);
        refused(&run_in(dir.path(), &["sbom", "--", o]), o);
        refused(&run_in(dir.path(), &["licenses", "--", o]), o);
        refused(&run_in(dir.path(), &["cache", "--", o]), o);
        refused(&run_in(dir.path(), &["diff", "--", o, o]), o);
        refused(
            &run_in(dir.path(), &["bench", "--runs", "1", "-A", "x", "--", o]),
            o,
        );
    }
    // `build` takes Nix's own options after `--`; an installable that
    // starts with `-` is an unknown flag to flakegate, never to Nix.
    let out = run_in(dir.path(), &["build", "-j1#x"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("-j"), "{}", stderr(&out));
}

#[test]
fn a_file_or_revision_that_looks_like_an_option_is_refused_by_name() {
    let (dir, _) = evil();
    // `nix-instantiate` reads a `-…` operand as a flag even after `--`: it
    // never gets one, even when a file of that name exists.
    std::fs::copy(dir.path().join("evil.nix"), dir.path().join("-f")).expect("copy");
    let out = run_in(
        dir.path(),
        &["bench", "--runs", "1", "-A", "x", "--file=-f"],
    );
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(
        err.contains("-f: nix-instantiate would read it as an option"),
        "{err}"
    );
    assert!(!err.contains(MARKER), "{err}");
    // A revision is a revision, even one spelled like a git option.
    let repo = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(repo.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    };
    std::fs::write(repo.path().join("flake.nix"), "{ outputs = _: { }; }\n").expect("flake");
    git(&["init", "--quiet"]);
    git(&["add", "."]);
    git(&["commit", "--quiet", "-m", "one"]);
    let flake = format!("path:{}", repo.path().display());
    for rev in ["--output=pwned", "-h", "--all"] {
        let out = run_in(
            repo.path(),
            &[
                "bench",
                &flake,
                "-A",
                "x",
                "--runs",
                "2",
                &format!("--compare={rev}"),
            ],
        );
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{rev}: {err}");
        assert!(err.contains(&format!("{rev}: no such revision")), "{err}");
        assert!(!repo.path().join("pwned").exists(), "{rev} was an option");
    }
}
