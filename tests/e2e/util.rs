//! Helpers shared by the end-to-end tests.

#![allow(dead_code)] // each test module uses its own subset

use std::process::{Command, Output};

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

/// Replaces what changes between machines and runs (store hashes, temp dirs)
/// so snapshots change only when behaviour does.
pub fn normalise(text: &str) -> String {
    let hashes = regex::Regex::new(r"[0-9a-df-np-sv-z]{32}-").expect("regex");
    let temps = regex::Regex::new(r"/tmp/\.tmp[A-Za-z0-9]+").expect("regex");
    let text = hashes.replace_all(text, "[HASH]-");
    temps.replace_all(&text, "[TEMP]").into_owned()
}
