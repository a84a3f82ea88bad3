//! `--history` and `flakegate trend` end to end: real closure and bench runs
//! over three commits of a fixture flake, their history charted, the charts
//! looked at as pictures.

use std::fs;
use std::path::Path;

use flakegate_testkit as kit;
use flakegate_testkit::picture;
use serde_json::Value;

use crate::util::{code, normalise, run, stderr, stdout};

/// A flake whose package is `n` lines of 17 bytes: its closure grows with n.
const FLAKE: &str = r#"{
  outputs = _:
    let
      inherit (import ./n.nix) n;
      system = import ./system.nix;
    in
    {
      packages.${system}.default = derivation {
        name = "trend-blob";
        inherit system;
        builder = "/bin/sh";
        args = [ "-c" "i=0; while [ $i -lt ${toString n} ]; do echo 0123456789abcdef; i=$((i+1)); done > $out" ];
      };
    };
}
"#;

fn git(dir: &Path, args: &[&str]) {
    // Fixed names and dates: the same commits, hence the same revisions in
    // the snapshot, on every machine.
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=flakegate tests"])
        .args(["-c", "user.email=tests@flakegate.invalid"])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Commits n = 100, 200, 300 and after each runs closure (limits 3000 and
/// 4500 bytes: pass, warn, fail) and bench with `--history`.
fn histories(dir: &Path) -> (String, String) {
    let repo = dir.join("repo");
    fs::create_dir(&repo).expect("mkdir");
    fs::write(repo.join("flake.nix"), FLAKE).expect("write");
    // The system is untracked, so that the commits are the same everywhere.
    fs::write(
        repo.join("system.nix"),
        format!("\"{}\"\n", kit::current_system()),
    )
    .expect("write");
    git(&repo, &["init", "--quiet"]);
    fs::write(repo.join(".git/info/exclude"), "system.nix\n").expect("write");
    let closure_history = dir.join("closure.jsonl");
    let bench_history = dir.join("bench.jsonl");
    let flake = format!("path:{}", repo.display());
    let installable = format!("{flake}#default");
    let attr = format!("packages.{}.default", kit::current_system());
    for (i, n) in [100, 200, 300].into_iter().enumerate() {
        fs::write(repo.join("n.nix"), format!("{{ n = {n}; }}\n")).expect("write");
        git(&repo, &["add", "flake.nix", "n.nix"]);
        git(&repo, &["commit", "--quiet", "-m", &format!("n = {n}")]);
        let out = run(&[
            "closure",
            &installable,
            "--build",
            "--warn-size",
            "3000",
            "--max-size",
            "4500",
            "--history",
            s(&closure_history),
            "--json",
        ]);
        assert_eq!(code(&out), [0, 0, 1][i], "{}", stderr(&out));
        let out = run(&[
            "bench",
            &flake,
            "--attr",
            &attr,
            "--runs",
            "2",
            "--max-time",
            "60s",
            "--quiet",
            "--history",
            s(&bench_history),
            "--json",
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    (s(&closure_history).to_owned(), s(&bench_history).to_owned())
}

#[test]
fn real_runs_make_a_history_a_table_charts_and_badges() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (closure, bench) = histories(dir.path());

    // One whole line per run, each with its envelope, figures and gates.
    let text = fs::read_to_string(&closure).expect("read");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["schema"], "flakegate.history/1");
    assert_eq!(lines[0]["tool"], "closure");
    assert_eq!(lines[2]["status"], "fail");
    assert_eq!(lines[0]["git"]["dirty"], false);
    assert_eq!(lines[0]["figures"][0]["metric"], "closureSize");
    assert_eq!(lines[0]["gates"][0]["gate"], "maxSize");
    assert_eq!(fs::read_to_string(&bench).expect("read").lines().count(), 3);

    // The closure's table, on every machine the same.
    let out = run(&["trend", &closure, "--markdown"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let markdown = stdout(&out).replace(&closure, "closure.jsonl");
    insta::assert_snapshot!("trend_markdown", normalise(&markdown));

    // Both histories charted.
    let svgs = dir.path().join("svg");
    let out = run(&["trend", &closure, &bench, "--svg-dir", s(&svgs), "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["schema"], "flakegate.trend/1");
    assert_eq!(report["runs"], 6);
    assert_eq!(report["status"], "fail", "the newest closure run failed");
    let mut files: Vec<String> = fs::read_dir(&svgs)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    for f in [
        "closure-closure-size.svg",
        "closure-path-count.svg",
        "badge-closure-closure-size.svg",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} not in {files:?}");
    }
    // The benchmark's name (its attribute, with the system) is the subject.
    for prefix in [
        "bench-eval-time-packages-",
        "badge-bench-eval-time-packages-",
    ] {
        assert!(
            files.iter().any(|x| x.starts_with(prefix)),
            "{prefix}… not in {files:?}"
        );
    }

    // The closure chart as a person sees it: the two limit lines, the warn
    // line under the max line, three dots in their verdict's colour on the
    // right side of the lines, each labelled by its commit.
    let svg = fs::read_to_string(svgs.join("closure-closure-size.svg")).expect("read");
    let p = picture::raster(&svg);
    let red = (220, 38, 38);
    let orange = (234, 138, 0);
    let green = (22, 163, 74);
    let max = picture::line_rows(&p, red);
    let warn = picture::line_rows(&p, orange);
    assert!(!max.is_empty() && !warn.is_empty(), "limit lines missing");
    let (max_y, warn_y) = (f64::from(max[0]), f64::from(warn[0]));
    assert!(max_y < warn_y);
    let pass = picture::dots(&p, green, &[]);
    let warned = picture::dots(&p, orange, &warn);
    let failed = picture::dots(&p, red, &max);
    assert_eq!((pass.len(), warned.len(), failed.len()), (1, 1, 1));
    assert!(pass[0].1 > warn_y && warned[0].1 < warn_y && warned[0].1 > max_y);
    assert!(failed[0].1 < max_y && pass[0].0 < warned[0].0 && warned[0].0 < failed[0].0);
    let texts = picture::texts(&svg);
    for l in &lines {
        let rev = l["git"]["revision"].as_str().expect("revision");
        assert!(texts.iter().any(|t| t == &rev[..7]), "{rev} unlabelled");
    }
    assert!(texts.iter().any(|t| t == "closure size (KiB)"), "{texts:?}");

    // The badge says the newest size on red: that run failed.
    let badge = fs::read_to_string(svgs.join("badge-closure-closure-size.svg")).expect("read");
    assert!(badge.contains(r##"fill="#dc2626""##), "{badge}");
    assert!(picture::texts(&badge).iter().any(|t| t == "closure size"));
}

#[test]
fn a_bad_line_exits_2_naming_the_file_and_line_and_a_torn_one_is_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("h.jsonl");
    let line = r#"{"schema":"flakegate.history/1","tool":"closure","flakegateVersion":"0","status":"pass","figures":[{"metric":"closureSize","label":"closure size","unit":"bytes","value":10}],"gates":[]}"#;
    // A run cut short after a good one.
    fs::write(&file, format!("{line}\n{}", &line[..50])).expect("write");
    let out = run(&["trend", s(&file)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("h.jsonl:2: torn line"),
        "{}",
        stderr(&out)
    );

    fs::write(
        &file,
        format!("{line}\n{{\"schema\":\"flakegate.closure/1\"}}\n"),
    )
    .expect("write");
    let out = run(&["trend", s(&file)]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("h.jsonl:2:") && err.contains("flakegate.closure/1"),
        "{err}"
    );

    // Charts asked into a regular file: named, and the file left alone.
    fs::write(&file, format!("{line}\n")).expect("write");
    let out = run(&["trend", s(&file), "--svg-dir", s(&file)]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("h.jsonl: not a directory (--svg-dir)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(&file).expect("read"),
        format!("{line}\n")
    );
}

#[test]
fn a_history_file_that_cannot_be_written_fails_before_measuring() {
    let out = run(&[
        "closure",
        "/nonexistent",
        "--history",
        "/nonexistent-dir/h.jsonl",
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
}
