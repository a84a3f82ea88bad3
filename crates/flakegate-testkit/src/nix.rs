//! Running Nix's command-line tools for fixtures. Argument vectors only,
//! through `duct`. A fixture that cannot be built means the test environment
//! is broken, not that a test failed, so failures panic with Nix's stderr.

use std::ffi::OsString;
use std::path::Path;

/// Runs `program args…`; returns stdout, panics with the command and stderr.
pub(crate) fn run(program: &str, args: &[OsString]) -> String {
    let output = duct::cmd(program, args)
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .run()
        .unwrap_or_else(|e| panic!("cannot run {program} (is Nix installed?): {e}"));
    if !output.status.success() {
        panic!(
            "`{}` failed ({}):\n{}",
            display(program, args),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout).expect("Nix prints UTF-8")
}

fn display(program: &str, args: &[OsString]) -> String {
    let mut parts = vec![program.to_owned()];
    parts.extend(args.iter().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

fn lines(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `FILE [-A ATTR] [FLAG NAME VALUE]…` as an argument vector.
fn file_args(file: &Path, attr: Option<&str>, flag: &str, args: &[(&str, &str)]) -> Vec<OsString> {
    let mut v: Vec<OsString> = vec![file.into()];
    if let Some(attr) = attr {
        v.extend(["-A".into(), attr.into()]);
    }
    for (name, value) in args {
        v.extend([flag.into(), (*name).into(), (*value).into()]);
    }
    v
}

fn build(file: &Path, attr: Option<&str>, flag: &str, args: &[(&str, &str)]) -> Vec<String> {
    let mut v: Vec<OsString> = vec!["--no-out-link".into()];
    v.extend(file_args(file, attr, flag, args));
    lines(&run("nix-build", &v))
}

/// `nix-build --no-out-link FILE [-A ATTR] [--arg NAME EXPR]…`: the printed
/// out paths. For a multi-output derivation Nix 2.8 prints only its first
/// output; an attribute set builds every derivation directly in it.
pub fn nix_build(file: &Path, attr: Option<&str>, args: &[(&str, &str)]) -> Vec<String> {
    build(file, attr, "--arg", args)
}

/// [`nix_build`] with `--argstr NAME STRING` arguments.
pub fn nix_build_str(file: &Path, attr: Option<&str>, argstrs: &[(&str, &str)]) -> Vec<String> {
    build(file, attr, "--argstr", argstrs)
}

/// `nix-instantiate FILE [-A ATTR]`: the `.drv` paths, nothing built.
pub fn instantiate(file: &Path, attr: Option<&str>) -> Vec<String> {
    lines(&run(
        "nix-instantiate",
        &file_args(file, attr, "--arg", &[]),
    ))
}

/// `nix-instantiate --eval --strict --json --read-write-mode FILE …` parsed.
/// `--read-write-mode` matters: plain `--eval` is read-only on Nix 2.8, so
/// `builtins.toFile` would return a path without writing it.
pub fn eval_json(file: &Path, attr: Option<&str>, argstrs: &[(&str, &str)]) -> serde_json::Value {
    let mut v: Vec<OsString> = ["--eval", "--strict", "--json", "--read-write-mode"]
        .map(OsString::from)
        .to_vec();
    v.extend(file_args(file, attr, "--argstr", argstrs));
    serde_json::from_str(&run("nix-instantiate", &v)).expect("nix-instantiate --json prints JSON")
}

/// [`eval_json`] of an expression (`-E`, also `--read-write-mode`); arguments
/// via `--argstr`, so file
/// paths never need quoting inside Nix code.
pub(crate) fn eval_expr_json(expr: &str, argstrs: &[(&str, &str)]) -> serde_json::Value {
    let mut v: Vec<OsString> = [
        "--eval",
        "--strict",
        "--json",
        "--read-write-mode",
        "-E",
        expr,
    ]
    .map(OsString::from)
    .to_vec();
    for (name, value) in argstrs {
        v.extend(["--argstr".into(), (*name).into(), (*value).into()]);
    }
    serde_json::from_str(&run("nix-instantiate", &v)).expect("nix-instantiate --json prints JSON")
}

/// `nix-store -qR PATH`: the closure, PATH included.
pub fn requisites(path: &str) -> Vec<String> {
    lines(&run("nix-store", &["-qR".into(), path.into()]))
}

/// `nix-store -q --references PATH`.
pub fn references(path: &str) -> Vec<String> {
    lines(&run(
        "nix-store",
        &["-q".into(), "--references".into(), path.into()],
    ))
}

/// `builtins.currentSystem`, for flakes written by tests: flakes evaluate
/// purely and cannot ask for it themselves.
pub fn current_system() -> String {
    let out = duct::cmd(
        "nix-instantiate",
        ["--eval", "--json", "--expr", "builtins.currentSystem"],
    )
    .read()
    .expect("nix-instantiate runs");
    serde_json::from_str(&out).expect("a JSON string")
}

/// A nonce for names of derivations that no earlier run can have built.
pub fn nonce() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos()
}

/// Whether PATH is a valid store path (`nix-store --check-validity`).
pub fn is_valid(path: &str) -> bool {
    duct::cmd("nix-store", ["--check-validity", path])
        .stdout_null()
        .stderr_null()
        .unchecked()
        .run()
        .expect("nix-store runs")
        .status
        .success()
}

/// The name part of a store path: `/nix/store/<hash>-openssl-3.0.14-bin` →
/// `openssl-3.0.14-bin`.
pub fn store_name(path: &str) -> &str {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.split_once('-').map_or(base, |(_, name)| name)
}
