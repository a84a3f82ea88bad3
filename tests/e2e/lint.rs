//! `flakegate lint` end to end: findings with code frames, every format, bad
//! input that is reported and skipped, `--fix` in place, and `lib.lint`
//! built for real by nix-build with this run's binary as the builder.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use flakegate_testkit as kit;

use crate::util::{code, flakegate, stderr, stdout, validate};

fn lint(dir: &Path, args: &[&str]) -> std::process::Output {
    flakegate()
        .current_dir(dir)
        .arg("lint")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run flakegate")
}

fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    dir
}

/// The official SARIF 2.1.0 schema and code scanning's needs
/// (tests/validate/sarif.py).
fn assert_valid_sarif(file: &Path) {
    if let Some(out) = validate("sarif.py", &[file]) {
        assert!(
            out.status.success(),
            "invalid SARIF:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_sarif_validator_rejects_a_broken_log() {
    let dir = tree(&[("a.nix", b"let x = 1; in 2\n")]);
    let out = lint(dir.path(), &["--format", "sarif"]);
    let mut log: Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    log["runs"][0]["results"][0]["ruleId"] = "no-such-rule".into();
    let file = dir.path().join("broken.sarif");
    fs::write(&file, log.to_string()).expect("write");
    if let Some(out) = validate("sarif.py", &[&file]) {
        let text = stdout(&out);
        assert_eq!(code(&out), 1, "{text}");
        assert!(text.contains("'fatal' is not one of"), "{text}");
        assert!(text.contains("'no-such-rule' is not declared"), "{text}");
    }
}

#[test]
fn the_repository_s_own_nix_code_is_lint_clean() {
    let out = lint(&kit::repo_root(), &["--check"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn findings_print_with_code_frames_and_check_fails() {
    let dir = tree(&[
        ("a.nix", b"let\n  unused = 1;\nin\n{ b = 2; }\n"),
        ("sub/ok.nix", b"{ x, ... }: x\n"),
    ]);
    let out = lint(dir.path(), &["."]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("warning[unused-let]: unused let binding `unused`"),
        "{text}"
    );
    assert!(text.contains("┌─ a.nix:2:3"), "{text}");
    assert!(text.contains("2 │   unused = 1;"), "{text}");
    assert!(
        text.contains("1 finding (0 errors, 1 warning) in 2 files"),
        "{text}"
    );
    assert_eq!(code(&lint(dir.path(), &["--check", "."])), 1);
    assert_eq!(code(&lint(dir.path(), &["--check", "sub"])), 0);
}

#[test]
fn json_sarif_github_and_markdown() {
    let dir = tree(&[("a.nix", b"{ a = 1; a = 2; }\n")]);
    let json: Value = serde_json::from_slice(&lint(dir.path(), &["--json"]).stdout).expect("JSON");
    assert_eq!(json["schema"], "flakegate.lint/1");
    assert_eq!(json["findings"][0]["rule"], "duplicate-key");
    assert_eq!(json["findings"][0]["file"], "a.nix");
    assert_eq!(json["findings"][0]["span"]["start"]["column"], 10);
    assert_eq!(json["errors"], 1);

    let sarif_out = lint(dir.path(), &["--format", "sarif", "-o", "lint.sarif"]);
    assert_eq!(code(&sarif_out), 0, "{}", stderr(&sarif_out));
    let sarif_file = dir.path().join("lint.sarif");
    assert_valid_sarif(&sarif_file);
    let sarif: Value =
        serde_json::from_slice(&fs::read(&sarif_file).expect("SARIF file")).expect("SARIF");
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "duplicate-key");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(1), Some(10))
    );

    let github = stdout(&lint(dir.path(), &["--format", "github"]));
    assert_eq!(
        github,
        "::error file=a.nix,line=1,col=10,endLine=1,endColumn=11,title=flakegate lint%3A duplicate-key::attribute `a` is already defined on line 1\n"
    );
    let md = stdout(&lint(dir.path(), &["--markdown"]));
    assert!(md.starts_with("## flakegate lint\n"), "{md}");
    assert!(md.contains("| `duplicate-key` | 1 |"), "{md}");
}

#[test]
fn bad_files_are_one_line_each_and_the_rest_is_linted() {
    let dir = tree(&[
        ("latin1.nix", b"{ a = \"\xe9\"; }\n"),
        ("good.nix", b"let x = 1; in 2\n"),
        ("broken.nix", b"{ a = ; }\n"),
    ]);
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).expect("symlink");
    let out = lint(dir.path(), &["--check", "."]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: latin1.nix: not UTF-8 (invalid byte at offset 7)"),
        "{err}"
    );
    assert!(err.contains("loop: a directory loop"), "{err}");
    let text = stdout(&out);
    assert!(text.contains("error[syntax]"), "{text}");
    assert!(text.contains("unused let binding `x`"), "{text}");
    // A path that does not exist is a usage error.
    let missing = lint(dir.path(), &["nope.nix"]);
    assert_eq!(code(&missing), 2);
    assert_eq!(
        stderr(&missing),
        "error: nope.nix: no such file or directory\n"
    );
}

#[test]
fn gitignore_result_links_and_excludes_are_skipped() {
    let dir = tree(&[
        (".gitignore", b"ignored/\n"),
        ("ignored/a.nix", b"let x = 1; in 2\n"),
        ("vendor/b.nix", b"let x = 1; in 2\n"),
        ("real/c.nix", b"let x = 1; in 2\n"),
    ]);
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("result")).expect("link");
    let out = lint(dir.path(), &["--json", "--exclude", "vendor/**", "."]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let files: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(files, ["real/c.nix"]);
}

#[test]
fn fix_rewrites_files_that_parse_and_leaves_the_rest() {
    let dir = tree(&[
        (
            "a.nix",
            b"let\n  a = 1;\n  b = a;\nin\nrec { c = if true then true else false; }\n",
        ),
        ("broken.nix", b"let x = 1; in { y = ; }\n"),
    ]);
    let out = lint(dir.path(), &["--fix", "--check", "."]);
    assert_eq!(code(&out), 1, "the syntax error remains: {}", stdout(&out));
    assert_eq!(
        fs::read_to_string(dir.path().join("a.nix")).expect("a.nix"),
        "{ c = true; }\n"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("broken.nix")).expect("broken.nix"),
        "let x = 1; in { y = ; }\n"
    );
    assert!(stdout(&out).contains("fixed: 5"), "{}", stdout(&out));
}

/// `nix-build tests/fixtures/flake-lib/lint.nix -A ATTR` with this run's
/// binary as the builder.
fn build_lint(attr: &str) -> std::process::Output {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/flake-lib/lint.nix");
    Command::new("nix-build")
        .arg(fixture)
        .args(["-A", attr, "--no-out-link"])
        .args(["--argstr", "flakegateBin", env!("CARGO_BIN_EXE_flakegate")])
        .output()
        .expect("nix-build")
}

#[test]
fn lib_lint_passes_clean_sources_and_writes_the_reports() {
    for attr in ["clean", "dirtyIgnored"] {
        let out = build_lint(attr);
        assert!(out.status.success(), "{attr}: {}", stderr(&out));
        let result = Path::new(stdout(&out).trim()).to_owned();
        let report: Value =
            serde_json::from_slice(&fs::read(result.join("report.json")).expect("report.json"))
                .expect("JSON");
        assert_eq!(report["schema"], "flakegate.lint/1");
        assert_eq!(report["status"], "pass");
        let sarif: Value =
            serde_json::from_slice(&fs::read(result.join("report.sarif")).expect("report.sarif"))
                .expect("SARIF");
        assert_eq!(sarif["version"], "2.1.0");
        assert_valid_sarif(&result.join("report.sarif"));
    }
}

#[test]
fn lib_lint_fails_with_the_findings_in_the_log() {
    let out = build_lint("dirty");
    let log = stderr(&out);
    assert!(!out.status.success());
    assert!(log.contains("failed with exit code 1"), "{log}");
    assert!(log.contains("unused let binding `unused`"), "{log}");
    assert!(
        log.contains("1 │ let unused = 1; in rec { a = 2; }"),
        "{log}"
    );
    let selected = stderr(&build_lint("dirtySelected"));
    assert!(
        selected.contains("1 finding (0 errors, 1 warning) in 2 files"),
        "{selected}"
    );
}
