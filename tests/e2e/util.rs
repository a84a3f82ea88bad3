//! Helpers shared by the end-to-end tests.

#![allow(dead_code)] // each test module uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flakegate_testkit as kit;

/// A `Command` for the `flakegate` binary built by this test run.
pub fn flakegate() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flakegate"));
    cmd.env_remove("NO_COLOR").env("TERM", "dumb");
    cmd
}

/// Runs `flakegate ARGS` and returns its output.
pub fn run(args: &[&str]) -> Output {
    flakegate().args(args).output().expect("flakegate runs")
}

/// The process's exit code (`-1` when killed by a signal).
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Replaces what changes between machines and runs (store hashes, temp
/// dirs, the envelope's versions, revisions and dates) so snapshots change
/// only when behaviour does.
pub fn normalise(text: &str) -> String {
    const FILTERS: [(&str, &str); 6] = [
        (r"[0-9a-df-np-sv-z]{32}-", "[HASH]-"),
        (r"/tmp/\.tmp[A-Za-z0-9]+", "[TEMP]"),
        (
            r#""flakegateVersion": "[^"]*""#,
            r#""flakegateVersion": "[VERSION]""#,
        ),
        (
            r#""nixVersion": "[^"]*""#,
            r#""nixVersion": "[NIX-VERSION]""#,
        ),
        (r#""revision": "[0-9a-f]{40}""#, r#""revision": "[REV]""#),
        (r#""(date|commitDate)": "[0-9T:Z-]+""#, r#""$1": "[DATE]""#),
    ];
    let mut text = text.to_owned();
    for (pattern, replacement) in FILTERS {
        let re = regex::Regex::new(pattern).expect("regex");
        text = re.replace_all(&text, replacement).into_owned();
    }
    text
}

/// The virtual environment `scripts/setup.sh` installs the PyPI validators
/// into: `FLAKEGATE_VALIDATORS` when set (scripts/nix-env.sh's chroot has its
/// own), else `.validators/` at the checkout's root; `None` when it has no
/// `bin/python` (the validators then come from `python3` and PATH).
fn validators_venv() -> Option<PathBuf> {
    let venv = std::env::var_os("FLAKEGATE_VALIDATORS")
        .map_or_else(|| kit::repo_root().join(".validators"), PathBuf::from);
    venv.join("bin/python").exists().then_some(venv)
}

/// Runs the checked-in validator `tests/validate/SCRIPT` (Python, or Node
/// for `.mjs`) on `files`: exit 0 valid, 1 invalid, 3 a validator package
/// missing. A missing package fails the test in CI (`CI=true`, which
/// `.ci/run` sets) and skips the check elsewhere, saying so. Python runs
/// from the validators' venv when there is one, with its `bin/` first on
/// PATH, as its `activate` would: the scripts find the programs installed
/// there (zizmor, ntia-checker) by name.
pub fn validate(script: &str, files: &[&Path]) -> Option<Output> {
    let mut cmd = if script.ends_with(".mjs") {
        Command::new("node")
    } else if let Some(venv) = validators_venv() {
        let bin = venv.join("bin");
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path =
            std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(&path)))
                .expect("the venv's path holds no PATH separator");
        let mut cmd = Command::new(bin.join("python"));
        cmd.env("PATH", path).env("VIRTUAL_ENV", &venv);
        cmd
    } else {
        Command::new("python3")
    };
    let interpreter = cmd.get_program().to_string_lossy().into_owned();
    let missing = |what: String| {
        let msg =
            format!("{script}: a validator is missing (scripts/setup.sh installs them): {what}");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("SKIPPED validation: {msg}");
    };
    let out = match cmd
        .arg(kit::repo_root().join("tests/validate").join(script))
        .args(files)
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            missing(format!("no {interpreter}"));
            return None;
        }
        Err(e) => panic!("{interpreter} cannot run: {e}"),
    };
    if out.status.code() == Some(3) {
        missing(String::from_utf8_lossy(&out.stdout).into_owned());
        return None;
    }
    Some(out)
}
