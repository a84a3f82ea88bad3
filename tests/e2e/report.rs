//! `flakegate report` end to end: real closure and diff runs write their
//! JSON (and Markdown) in one run each, and the summary merges them.

use std::path::Path;

use flakegate_testkit as kit;
use insta::assert_snapshot;

use crate::util::{code, normalise, run, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// closure.json (with a failing and a warning gate), closure.md, diff.json.
fn reports(dir: &Path) {
    let g = kit::generations();
    let (json, md) = (dir.join("closure.json"), dir.join("closure.md"));
    let out = run(&[
        "closure",
        &g.new,
        "--max-size",
        "1KiB",
        "--warn-size",
        "1KiB",
        "--max-paths",
        "1000",
        "--json-out",
        s(&json),
        "--markdown-out",
        s(&md),
        "--color",
        "never",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // The terminal report still went to stdout, and both files were written.
    assert!(
        stdout(&out).contains("FAIL    max size"),
        "{}",
        stdout(&out)
    );
    let value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("closure.json")).expect("json");
    assert_eq!(value["tool"], "closure");
    assert!(
        std::fs::read_to_string(&md)
            .expect("closure.md")
            .starts_with("### Closure of")
    );

    let out = run(&[
        "diff",
        &g.old,
        &g.new,
        "--json-out",
        s(&dir.join("diff.json")),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn the_summary_has_a_row_per_gate_and_fails_with_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    reports(dir.path());
    let (closure, diff) = (
        dir.path().join("closure.json"),
        dir.path().join("diff.json"),
    );
    let out = run(&[
        "report",
        s(&closure),
        s(&diff),
        "--markdown",
        "--comment-marker",
    ]);
    assert_eq!(
        code(&out),
        1,
        "a failed gate fails the summary: {}",
        stderr(&out)
    );
    let md = stdout(&out);
    assert!(md.starts_with("<!-- flakegate-report -->\n"), "{md}");
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| closure |"))
        .collect();
    assert_eq!(rows.len(), 3, "one row per gate: {md}");
    assert_snapshot!(normalise(&md.replace(s(dir.path()), "[DIR]")));

    // Only the passing diff: exit 0.
    let out = run(&["report", s(&diff), "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(value["schema"], "flakegate.summary/1");
    assert_eq!(value["tools"][0]["tool"], "diff");
}

#[test]
fn github_annotations_name_every_failed_or_warning_gate() {
    let dir = tempfile::tempdir().expect("tempdir");
    reports(dir.path());
    let out = run(&[
        "report",
        s(&dir.path().join("closure.json")),
        "--format",
        "github",
    ]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("::error title=flakegate closure::max size: "),
        "{text}"
    );
    assert!(
        text.contains("::warning title=flakegate closure::warn size: "),
        "{text}"
    );
    assert!(
        !text.contains("max paths"),
        "passing gates are not annotated: {text}"
    );
}

#[test]
fn bad_inputs_are_one_line_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let other = dir.path().join("other.json");
    std::fs::write(&other, r#"{"schema": "flakegate.future/9"}"#).expect("write");
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{").expect("write");
    for (file, message) in [
        (
            other.as_path(),
            "report schema \"flakegate.future/9\" is not supported",
        ),
        (junk.as_path(), "not JSON"),
        (Path::new("/nonexistent/report.json"), "cannot read"),
    ] {
        let out = run(&["report", s(file)]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
}

#[test]
fn output_targets_are_written_through_or_replaced_safely() {
    let top = kit::package_set().toplevel.clone();
    // A device is written through, so -o /dev/stdout prints the report.
    let out = run(&["closure", &top, "--json", "-o", "/dev/stdout"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("\"tool\": \"closure\""));
    // A missing directory fails before any work, naming the target only.
    let out = run(&["closure", &top, "-o", "/nonexistent/dir/x.json"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out)
            .contains("/nonexistent/dir/x.json: the directory /nonexistent/dir does not exist"),
        "{}",
        stderr(&out)
    );
    // A symlink is followed: its target gets the report, the link stays.
    let dir = tempfile::tempdir().expect("tempdir");
    let (real, link) = (dir.path().join("real.md"), dir.path().join("link.md"));
    std::fs::write(&real, "old").expect("write");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let out = run(&["closure", &top, "--markdown", "-o", s(&link)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .expect("real")
            .starts_with("### Closure of")
    );
}
