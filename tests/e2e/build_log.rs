//! `--build`: the build is visible. Nix's log reaches stderr line by line
//! even when stderr is not a terminal (as here), and a failed build names the
//! `.drv` and repeats the builder's last log lines in the error.

use flakegate_testkit as kit;
use insta::assert_snapshot;

use crate::util::{code, normalise, run, stderr};

/// A derivation no earlier run has built, whose builder says something on
/// stderr; `fail` makes it fail after saying it.
fn fresh_drv(dir: &std::path::Path, fail: bool) -> String {
    let nonce = kit::nonce();
    let file = dir.join("fresh.nix");
    let end = if fail { "exit 3" } else { "echo built > $out" };
    std::fs::write(
        &file,
        format!(
            r#"derivation {{
              name = "fresh-build-{nonce}";
              system = builtins.currentSystem;
              builder = "/bin/sh";
              args = [ "-c" "echo 'compiling fresh {nonce}' >&2; echo 'linking fresh' >&2; {end}" ];
            }}"#
        ),
    )
    .expect("write fresh.nix");
    kit::instantiate(&file, None).remove(0)
}

#[test]
fn the_build_log_reaches_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    for command in ["closure", "sbom", "diff"] {
        let drv = fresh_drv(dir.path(), false);
        let mut args = vec![command, &drv];
        if command == "diff" {
            args.push(&drv);
        }
        args.push("--build");
        let out = run(&args);
        let err = stderr(&out);
        assert_eq!(code(&out), 0, "{command}: {err}");
        assert!(err.contains("building '"), "{command}: {err}");
        assert!(err.contains("compiling fresh"), "{command}: {err}");
        assert!(err.contains("linking fresh"), "{command}: {err}");
    }
}

#[test]
fn a_failed_build_names_the_drv_and_its_last_log_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let drv = fresh_drv(dir.path(), true);
    let out = run(&["closure", &drv, "--build"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    let last = err.trim_end().lines().last().expect("an error line");
    assert!(last.starts_with("error: "), "{err}");
    assert!(last.contains(&drv), "names the .drv: {last}");
    assert!(
        last.contains("compiling fresh") && last.contains("linking fresh"),
        "{last}"
    );
    // The log came first, as it was written.
    assert!(err.lines().any(|l| l.trim() == "linking fresh"), "{err}");
    // Nix's own message names the .drv, in each version's words (2.8:
    // "builder for '…' failed with exit code 3", 2.34: "Cannot build '…'.
    // Reason: …"); the rest of the line is flakegate's, the same on both.
    let nix_says = last
        .strip_prefix(&format!("error: `nix-store --realise {drv}` failed: "))
        .and_then(|rest| rest.split_once("; last log lines: "))
        .map(|(message, _)| message)
        .unwrap_or_else(|| panic!("{last}"));
    assert!(nix_says.contains(&format!("'{drv}'")), "{nix_says}");
    let nonce = regex::Regex::new(r"fresh(-build-| )\d+").expect("regex");
    assert_snapshot!(
        "failed_build",
        nonce.replace_all(
            &normalise(&last.replacen(nix_says, "[NIX MESSAGE]", 1)),
            "fresh$1[NONCE]"
        )
    );
}
