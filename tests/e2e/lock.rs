//! `flakegate lock` end to end: locks made by the real Nix from fixture
//! flakes (tests/fixtures/lock/flakes, copied into a temp dir), the
//! suggested `follows` lines applied and relocked with Nix, `--diff` between
//! two commits, and snapshots of every format of the hand-written lock.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use insta::assert_snapshot;
use serde_json::Value;

use crate::util::{code, normalise, run, stderr, stdout};

fn fixture(name: &str) -> PathBuf {
    flakegate_testkit::repo_root()
        .join("tests/fixtures/lock")
        .join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// `git -C DIR ARGS`, committing at `date` (ISO 8601, UTC).
fn git_at(dir: &Path, date: &str, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn commit_all(dir: &Path, date: &str, message: &str) {
    git_at(dir, date, &["add", "-A"]);
    git_at(dir, date, &["commit", "-q", "-m", message]);
}

fn nix(dir: &Path, args: &[&str]) {
    let out = Command::new("nix")
        .args(["--extra-experimental-features", "nix-command flakes"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("nix runs");
    assert!(
        out.status.success(),
        "nix {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fixture flakes in a temp dir, every dependency a git repository
/// committed at a fixed date, `lib-b` locked (and committed) before `pkgs`
/// gets a second commit: so the top flake's lock has `lib-b/pkgs` at an
/// older revision than its own `pkgs`.
struct Flakes {
    dir: tempfile::TempDir,
}

impl Flakes {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for name in ["pkgs", "systems", "utils", "lib-a", "lib-b", "top"] {
            let text = fs::read_to_string(fixture("flakes").join(name).join("flake.nix"))
                .expect("fixture flake");
            fs::create_dir(root.join(name)).expect("mkdir");
            fs::write(
                root.join(name).join("flake.nix"),
                text.replace("@DIR@", s(root)),
            )
            .expect("write flake");
        }
        for name in ["pkgs", "systems", "utils", "lib-b", "top"] {
            git_at(&root.join(name), "2024-01-01T00:00:00Z", &["init", "-q"]);
        }
        for name in ["pkgs", "systems", "utils"] {
            commit_all(&root.join(name), "2024-01-01T00:00:00Z", name);
        }
        // Nix reads a git flake's tracked files only.
        git_at(&root.join("lib-b"), "2024-01-02T00:00:00Z", &["add", "-A"]);
        nix(&root.join("lib-b"), &["flake", "lock", "--offline"]);
        commit_all(&root.join("lib-b"), "2024-01-02T00:00:00Z", "lib-b");
        let pkgs = root.join("pkgs");
        fs::write(
            pkgs.join("flake.nix"),
            "{ outputs = _: { version = 2; }; }\n",
        )
        .expect("write");
        commit_all(&pkgs, "2024-03-01T00:00:00Z", "pkgs 2");
        let top = root.join("top");
        git_at(&top, "2024-03-02T00:00:00Z", &["add", "-A"]);
        nix(&top, &["flake", "lock", "--offline"]);
        commit_all(&top, "2024-03-02T00:00:00Z", "top");
        Self { dir }
    }

    fn top(&self) -> PathBuf {
        self.dir.path().join("top")
    }
}

fn lock_json(args: &[&str]) -> (i32, Value) {
    let out = run(&[&["lock", "--json"], args].concat());
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (code(&out), json)
}

fn follows_lines(report: &Value) -> Vec<String> {
    let mut lines: Vec<String> = report["duplicates"]
        .as_array()
        .expect("duplicates")
        .iter()
        .flat_map(|d| d["follows"].as_array().expect("follows").clone())
        .map(|l| l["line"].as_str().expect("line").to_owned())
        .collect();
    lines.sort();
    lines
}

#[test]
fn the_suggested_follows_lines_relocked_by_nix_leave_no_duplicate() {
    let flakes = Flakes::new();
    let top = flakes.top();
    let (status, report) = lock_json(&[s(&top), "--max-duplicates", "0"]);
    assert_eq!(status, 1, "duplicates fail --max-duplicates 0");
    // The reference date is the flake's own last commit.
    assert_eq!(report["referenceDate"], "2024-03-02");
    assert_eq!(report["referenceSource"], "last commit");
    let sources: Vec<(&str, u64, u64)> = report["duplicates"]
        .as_array()
        .expect("duplicates")
        .iter()
        .map(|d| {
            let source = d["source"].as_str().expect("source");
            let name = source.rsplit('/').next().expect("name");
            (
                name,
                d["nodes"].as_array().expect("nodes").len() as u64,
                d["revisions"].as_u64().expect("revisions"),
            )
        })
        .collect();
    // lib-b's pkgs is at the revision lib-b locked; lib-a's was locked now.
    assert_eq!(
        sources,
        [("pkgs", 3, 2), ("systems", 3, 1), ("utils", 3, 1)]
    );
    let lines = follows_lines(&report);
    assert_eq!(
        lines,
        [
            "inputs.lib-a.inputs.pkgs.follows = \"pkgs\";",
            "inputs.lib-a.inputs.utils.follows = \"utils\";",
            "inputs.lib-b.inputs.pkgs.follows = \"pkgs\";",
            "inputs.lib-b.inputs.utils.follows = \"utils\";",
        ]
    );
    // The libraries' systems go with their utils: no line of their own.
    let systems = &report["duplicates"][1];
    let removed_with: Vec<&str> = systems["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["note"].as_str())
        .collect();
    assert_eq!(removed_with, ["removed with the input above it"; 2]);
    // The `path:` library is outside the flake.
    let pinning: Vec<(&str, &str)> = report["pinning"]
        .as_array()
        .expect("pinning")
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().expect("kind"),
                f["path"].as_str().expect("path"),
            )
        })
        .collect();
    assert_eq!(pinning, [("pathOutside", "lib-a")]);

    // Apply the lines and relock with Nix: no duplicate is left.
    let flake = top.join("flake.nix");
    let text = fs::read_to_string(&flake).expect("flake.nix");
    fs::write(&flake, text.replace("# @FOLLOWS@", &lines.join("\n  "))).expect("write");
    nix(&top, &["flake", "lock", "--offline"]);
    let (status, after) = lock_json(&[s(&top), "--max-duplicates", "0"]);
    assert_eq!(status, 0, "{after:#}");
    assert_eq!(after["duplicates"], Value::Array(Vec::new()));
    assert_eq!(after["extraNodes"], 0);
    let nodes = after["inputs"].as_array().expect("inputs").len();
    assert_eq!(
        nodes, 5,
        "pkgs, utils, utils/systems, lib-a, lib-b: {after:#}"
    );
}

#[test]
fn diff_between_two_commits_shows_each_moved_input_with_its_dates() {
    let flakes = Flakes::new();
    let top = flakes.top();
    let root = flakes.dir.path();
    // pkgs and utils move on; the top flake updates them and commits.
    fs::write(
        root.join("pkgs/flake.nix"),
        "{ outputs = _: { version = 3; }; }\n",
    )
    .expect("write");
    commit_all(&root.join("pkgs"), "2024-05-10T00:00:00Z", "pkgs 3");
    fs::write(root.join("utils/README"), "utils\n").expect("write");
    commit_all(&root.join("utils"), "2024-05-20T00:00:00Z", "utils 2");
    nix(
        &top,
        &[
            "flake",
            "lock",
            "--offline",
            "--update-input",
            "pkgs",
            "--update-input",
            "utils",
        ],
    );
    commit_all(&top, "2024-05-21T00:00:00Z", "update");

    let out = run(&["lock", s(&top), "--diff", "HEAD~1", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let d: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(d["schema"], "flakegate.lock-diff/1");
    assert_eq!(d["from"], "HEAD~1:flake.lock");
    let moved: Vec<(&str, &str, &str, i64)> = d["moved"]
        .as_array()
        .expect("moved")
        .iter()
        .map(|m| {
            (
                m["path"].as_str().expect("path"),
                m["old"]["modifiedDate"].as_str().expect("old date"),
                m["new"]["modifiedDate"].as_str().expect("new date"),
                m["ageGained"].as_i64().expect("age gained") / 86_400,
            )
        })
        .collect();
    assert_eq!(
        moved,
        [
            ("pkgs", "2024-03-01", "2024-05-10", 70),
            ("utils", "2024-01-01", "2024-05-20", 140)
        ]
    );
    for m in d["moved"].as_array().expect("moved") {
        assert_ne!(m["old"]["rev"], m["new"]["rev"]);
    }

    // The same through REV:PATH on both sides, and in Markdown.
    let out = run(&[
        "lock",
        s(&top),
        "--diff",
        "HEAD~1:flake.lock",
        "HEAD:flake.lock",
        "--markdown",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.starts_with("## flake.lock: 2 inputs moved\n"), "{md}");
    assert!(
        md.contains(" 2024-03-01 | ") && md.contains(" 2024-05-10 | +70 days |"),
        "{md}"
    );

    // No change between a commit and itself.
    let out = run(&["lock", s(&top), "--diff", "HEAD", "HEAD"]);
    assert!(stdout(&out).contains("No change"), "{}", stdout(&out));
}

#[test]
fn bad_inputs_are_one_line_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [(&str, &str, &str); 5] = [
        (
            "v4.lock",
            r#"{"version": 4, "nodes": {}}"#,
            "unsupported lock file version 4",
        ),
        ("bad.lock", "{\"version\": 7,", "not valid JSON"),
        (
            "dangling.lock",
            r#"{"version":7,"root":"root","nodes":{"root":{"inputs":{"a":"gone"}}}}"#,
            "input `a` refers to node `gone`, which does not exist",
        ),
        (
            "cycle.lock",
            r#"{"version":7,"root":"root","nodes":{"root":{"inputs":{"a":["b"],"b":["a"]}}}}"#,
            "leads back to itself",
        ),
        ("empty.lock", "", "not valid JSON"),
    ];
    for (name, text, expected) in cases {
        let file = dir.path().join(name);
        fs::write(&file, text).expect("write");
        let out = run(&["lock", s(&file)]);
        assert_eq!(code(&out), 2, "{name}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(name) && err.contains(expected), "{err}");
    }
    let out = run(&["lock", s(&dir.path().join("missing"))]);
    assert_eq!(code(&out), 2);
    let out = run(&["lock", s(dir.path())]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("flake.lock: no such file"),
        "{}",
        stderr(&out)
    );
    let out = run(&["lock", s(dir.path()), "--diff", "nosuchrev"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("nosuchrev: neither a file nor a revision"),
        "{}",
        stderr(&out)
    );
    let out = run(&["lock", s(&fixture("config.lock")), "--max-age", "soon"]);
    assert_eq!(code(&out), 2);
}

/// `flakegate lock ARGS` run in a temp dir holding copies of the
/// hand-written locks (outside any git repository, so that the envelope has
/// no git state to vary).
fn in_copy(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["config.lock", "config-updated.lock"] {
        fs::copy(fixture(name), dir.path().join(name)).expect("copy");
    }
    crate::util::flakegate()
        .current_dir(dir.path())
        .args(args)
        .output()
        .expect("flakegate runs")
}

fn config(args: &[&str]) -> std::process::Output {
    in_copy(&[&["lock", "config.lock", "--now", "2024-06-01"], args].concat())
}

#[test]
fn health_report_in_every_format() {
    let gates = [
        "--max-duplicates",
        "4",
        "--max-age",
        "450d",
        "--warn-age",
        "90d",
    ];
    let terminal = config(&gates);
    assert_eq!(code(&terminal), 1, "8 duplicate nodes > 4");
    assert_snapshot!("health_terminal", normalise(&stdout(&terminal)));
    let markdown = config(&[&gates[..], &["--markdown"]].concat());
    assert_snapshot!("health_markdown", normalise(&stdout(&markdown)));
    let json = config(&[&gates[..], &["--json"]].concat());
    assert_snapshot!("health_json", normalise(&stdout(&json)));
    let github = config(&[&gates[..], &["--format", "github"]].concat());
    assert_snapshot!("health_github", normalise(&stdout(&github)));

    let pass = config(&["--max-duplicates", "8", "--max-age", "450d"]);
    assert_eq!(code(&pass), 0, "{}", stdout(&pass));
    let strict = config(&["--pinning", "fail"]);
    assert_eq!(code(&strict), 1, "the registry input fails --pinning fail");
}

#[test]
fn diff_report_in_every_format() {
    for (name, flag) in [
        ("diff_terminal", None),
        ("diff_markdown", Some("--markdown")),
        ("diff_json", Some("--json")),
    ] {
        let mut args = vec!["lock", "--diff", "config.lock", "config-updated.lock"];
        args.extend(flag);
        let out = in_copy(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_snapshot!(name, normalise(&stdout(&out)));
    }
}

/// `nix-build tests/fixtures/flake-lib/lock-health.nix -A ATTR` with this
/// test run's binary as the builder and `src` holding the lock.
fn build_health(attr: &str, src: &Path) -> std::process::Output {
    Command::new("nix-build")
        .arg(flakegate_testkit::repo_root().join("tests/fixtures/flake-lib/lock-health.nix"))
        .args(["-A", attr, "--no-out-link"])
        .args(["--argstr", "flakegateBin", env!("CARGO_BIN_EXE_flakegate")])
        .args(["--argstr", "src", s(src)])
        .output()
        .expect("nix-build runs")
}

#[test]
fn lib_lock_health_builds_as_a_check_that_passes_warns_and_fails() {
    let src = tempfile::tempdir().expect("temp dir");
    fs::copy(fixture("config.lock"), src.path().join("flake.lock")).expect("copy");
    let report = |attr: &str| -> Value {
        let out = build_health(attr, src.path());
        assert!(out.status.success(), "{attr}: {}", stderr(&out));
        let result = PathBuf::from(stdout(&out).trim());
        for file in ["report.txt", "report.md"] {
            assert!(result.join(file).is_file(), "{attr}: {file}");
        }
        serde_json::from_slice(&fs::read(result.join("report.json")).expect("report.json"))
            .expect("JSON")
    };
    let pass = report("pass");
    assert_eq!(pass["status"], "pass");
    assert_eq!(pass["schema"], "flakegate.lock/1");
    assert_eq!(pass["referenceDate"], "2024-06-01");
    assert_eq!(pass["extraNodes"], 8);
    let warn = report("warn");
    assert_eq!(warn["status"], "warn");
    let newest = report("newest");
    assert_eq!(newest["referenceSource"], "newest input");
    assert_eq!(newest["referenceDate"], "2024-05-29");

    for (attr, gate) in [
        ("failDuplicates", "max duplicates"),
        ("failAge", "max age"),
        ("failPinning", "pinning"),
    ] {
        let out = build_health(attr, src.path());
        assert!(!out.status.success(), "{attr} must fail");
        let log = stderr(&out);
        // The builder exited 1 (a gate), not 2 (an error), after its report.
        assert!(log.contains("exit code 1"), "{attr}: {log}");
        assert!(log.contains(&format!("FAIL    {gate}")), "{attr}: {log}");
    }
    for (attr, message) in [
        (
            "badPinning",
            "pinning must be \"fail\", \"warn\" or \"off\"",
        ),
        ("badAge", "maxAge must be a string such as \"90d\""),
    ] {
        let out = build_health(attr, src.path());
        assert!(!out.status.success(), "{attr} must not evaluate");
        assert!(stderr(&out).contains(message), "{attr}: {}", stderr(&out));
    }
}
