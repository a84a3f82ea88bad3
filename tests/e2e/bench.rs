//! `flakegate bench` end to end, against the real Nix and the fixture flake
//! of `tests/fixtures/bench/`, whose evaluation work is proportional to the
//! `n` of its `workload.nix`. Few runs and a small workload keep it fast;
//! the statistics themselves are tested with fixed timings in the engine.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use flakegate_testkit as kit;
use insta::assert_snapshot;
use serde_json::Value;

use crate::util::{code, normalise, run, stderr, stdout};

const WEB: &str = "nixosConfigurations.web.config.system.build.toplevel";

/// A copy of the fixture flake with `workload.nix` set to `body`.
fn flake_with(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_flake(dir.path(), body);
    dir
}

fn write_flake(dir: &Path, body: &str) {
    let src = kit::fixture("bench/flake");
    for file in ["flake.nix", "system.nix"] {
        fs::copy(src.join(file), dir.join(file)).expect("copy the fixture");
    }
    fs::write(dir.join("workload.nix"), body).expect("write workload.nix");
}

fn workload(n: u32) -> String {
    format!("{{ n = {n}; }}\n")
}

fn flake_ref(dir: &Path) -> String {
    format!("path:{}", dir.display())
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `flakegate bench` with a quick setting (one warm-up, three runs).
fn bench(args: &[&str]) -> Output {
    let mut all = vec!["bench", "--runs", "3", "--color", "never"];
    all.extend_from_slice(args);
    run(&all)
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(out), stderr(out)))
}

/// Counters only some Nix versions print (`nrExprs` from 2.19, `time.*` and
/// `gc.cycles` from 2.24): snapshots leave them out, so that they hold on
/// every version and still list every counter all versions share.
const VERSION_SPECIFIC_COUNTERS: [&str; 5] = [
    "nrExprs",
    "gc.cycles",
    "time.cpu",
    "time.gc",
    "time.gcFraction",
];

/// What varies between runs and machines: times, sizes, the Nix version,
/// commit ids, counters (they are Nix-version specific; the tests assert
/// them), outliers (they come and go with the machine's load), counters of
/// some Nix versions only, and which counter grew most (it depends on the
/// version; the test asserts it is one of the table's).
fn normalise_bench(text: &str) -> String {
    let text = normalise(text);
    let specific = VERSION_SPECIFIC_COUNTERS.map(regex::escape).join("|");
    let rows = format!(r"(?m)^\| `({specific})` \|.*\n");
    let rules = [
        (rows.as_str(), ""),
        (
            r"(?m)^(\| max counter growth \|.*\| )[A-Za-z.]+ ([\d,]+ → [\d,]+ \|)$",
            "${1}[COUNTER] ${2}",
        ),
        (r"Nix \d+\.\d+(\.\d+)?", "Nix [VERSION]"),
        (r"\(([0-9a-f]{12})\)", "([COMMIT])"),
        (r"`[0-9a-f]{12}`", "`[COMMIT]`"),
        (r"-?\d+(\.\d+)? (µs|ms|s)\b", "[TIME]"),
        (r"\d+(\.\d+)? (B|KiB|MiB|GiB)\b", "[SIZE]"),
        (r"×\d+\.\d+", "×[R]"),
        // A time regression's sign is noise too.
        (r"(?m)(max regression.*?)[+-](\d+\.\d+%)", "${1}±${2}"),
        // Outliers come and go with the machine's load, and so do their notes.
        (r"  \(\d+ outliers?\)", ""),
        (r"(?m)^> ⚠️ .*outliers \(modified z-score.*\n\n", ""),
        (r"(?m)^  ! .*outliers \(modified z-score.*\n", ""),
        (r"\n\nNotes\n\z", "\n"),
        (r"\nNotes\n\n", "\n"),
        (r"\d[\d,]*", "[N]"),
    ];
    let mut text = text;
    for (pattern, with) in rules {
        text = regex::Regex::new(pattern)
            .expect("regex")
            .replace_all(&text, with)
            .into_owned();
    }
    text
}

/// The JSON report with every measured number replaced by its kind.
fn normalise_json(mut v: Value) -> String {
    if let Some(benchmarks) = v.get_mut("benchmarks").and_then(Value::as_array_mut) {
        for b in benchmarks {
            for kind in ["exact", "noisy"] {
                if let Some(c) = b["counters"][kind].as_object_mut() {
                    c.retain(|name, _| !VERSION_SPECIFIC_COUNTERS.contains(&name.as_str()));
                }
            }
        }
    }
    fn walk(v: &mut Value, key: &str) {
        match v {
            Value::Object(map) => {
                for (k, x) in map.iter_mut() {
                    walk(x, k);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|x| walk(x, key)),
            Value::Number(_)
                if !matches!(key, "warmup" | "runs" | "minTime" | "count" | "limit") =>
            {
                *v = Value::String("[N]".to_owned());
            }
            Value::Bool(_) if key == "outlier" => *v = Value::String("[B]".to_owned()),
            Value::String(s) if key == "version" => *s = "[VERSION]".to_owned(),
            _ => {}
        }
    }
    walk(&mut v, "");
    // Outliers come and go with the machine's load, and so do their notes.
    if let Some(notes) = v.get_mut("notes").and_then(Value::as_array_mut) {
        notes.retain(|n| !n.as_str().is_some_and(|n| n.contains("outliers")));
    }
    normalise(&serde_json::to_string_pretty(&v).expect("json"))
}

fn exact_counters(report: &Value, bench: usize) -> &serde_json::Map<String, Value> {
    report["benchmarks"][bench]["counters"]["exact"]
        .as_object()
        .expect("exact counters")
}

#[test]
fn terminal_report_of_every_nixos_configuration() {
    let dir = flake_with(&workload(2000));
    let out = bench(&[&flake_ref(dir.path())]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    // Both configurations, found without --attr, in attribute order.
    let db = text.find("nixosConfigurations.db.config.system.build.toplevel");
    let web = text.find(WEB);
    assert!(db.is_some() && web.is_some() && db < web, "{text}");
    assert!(text.contains("exact in all 3 runs"), "{text}");
    assert_snapshot!(normalise_bench(&text));
}

#[test]
fn json_report_counters_are_exact_and_a_second_run_repeats_them() {
    let dir = flake_with(&workload(2000));
    let r = flake_ref(dir.path());
    let first = json(&bench(&[&r, "--attr", WEB, "--json"]));
    let second = json(&bench(&[&r, "--attr", WEB, "--json"]));
    assert_eq!(first["schema"], "flakegate.bench/2");
    let b = &first["benchmarks"][0];
    assert_eq!(b["name"], WEB);
    assert_eq!(b["frontend"], "nix-eval");
    assert_eq!(b["pure"], true);
    assert_eq!(b["samples"].as_array().map(Vec::len), Some(3));
    assert_eq!(b["wall"]["count"], 3);
    assert!(
        b["maxRss"]["median"].as_f64().is_some_and(|m| m > 1e6),
        "RSS from the OS"
    );
    assert!(
        b["cpu"]["median"].as_f64().is_some_and(|m| m > 0.0),
        "CPU from the OS"
    );
    // The eval cache is off: a second invocation evaluates again, with the
    // very same counters (a cached one would report nrThunks = 3).
    assert_eq!(exact_counters(&first, 0), exact_counters(&second, 0));
    assert!(
        exact_counters(&first, 0)["nrThunks"]
            .as_u64()
            .is_some_and(|n| n > 10_000)
    );
    // Noisy ones are summarised, not required to repeat.
    assert!(b["counters"]["noisy"]["cpuTime"]["median"].is_number());
    assert!(b["counters"]["sizes"]["Value"].is_u64());
    assert_snapshot!(normalise_json(first));
}

#[test]
fn a_one_percent_bigger_workload_fails_the_counter_gate_every_time() {
    let dir = flake_with(&workload(2000));
    let r = flake_ref(dir.path());
    let baseline = dir.path().join("baseline.json");
    let saved = bench(&[&r, "--attr", WEB, "--save-baseline", s(&baseline), "--json"]);
    assert_eq!(code(&saved), 0, "{}", stderr(&saved));

    // Unchanged: every exact counter identical, growth exactly 0.
    let same = bench(&[
        &r,
        "--attr",
        WEB,
        "--baseline",
        s(&baseline),
        "--max-counter-growth",
        "0%",
        "--json",
    ]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    let report = json(&same);
    assert_eq!(report["gates"][0]["actual"].as_f64(), Some(0.0));

    // One percent more options: 2000 → 2020. The fixed cost of loading the
    // flake dilutes it slightly (+0.99 % here), so the limit sits below 1 %.
    fs::write(dir.path().join("workload.nix"), workload(2020)).expect("write");
    for _ in 0..3 {
        let out = bench(&[
            &r,
            "--attr",
            WEB,
            "--baseline",
            s(&baseline),
            "--max-counter-growth",
            "0.5%",
            "--json",
        ]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let report = json(&out);
        let gate = &report["gates"][0];
        assert_eq!(gate["gate"], "maxCounterGrowth");
        assert_eq!(gate["status"], "fail");
        let growth = gate["actual"].as_f64().expect("growth");
        assert!((0.95..1.05).contains(&growth), "{growth}");
        // Every counter that grows with the work grew by about 1 %.
        let deltas = report["benchmarks"][0]["compared"]["counters"]
            .as_array()
            .expect("deltas");
        let thunks = deltas
            .iter()
            .find(|d| d["name"] == "nrThunks")
            .expect("nrThunks");
        assert!((0.95..1.05).contains(&thunks["percent"].as_f64().expect("percent")));
    }
    // A limit above the change passes.
    let out = bench(&[
        &r,
        "--attr",
        WEB,
        "--baseline",
        s(&baseline),
        "--max-counter-growth",
        "2%",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn markdown_report_with_a_baseline_and_every_gate() {
    let dir = flake_with(&workload(2000));
    let r = flake_ref(dir.path());
    let baseline = dir.path().join("baseline.json");
    let saved = bench(&[&r, "--attr", WEB, "--save-baseline", s(&baseline)]);
    assert_eq!(code(&saved), 0, "{}", stderr(&saved));
    fs::write(dir.path().join("workload.nix"), workload(2020)).expect("write");
    let out = bench(&[
        &r,
        "--attr",
        WEB,
        "--baseline",
        s(&baseline),
        "--markdown",
        "--max-counter-growth",
        "0.5%",
        "--max-time",
        "60s",
        "--max-regression",
        "1000%",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("| max counter growth | `nixosConfigurations.web.config.system.build.toplevel` | ❌ fail |"), "{text}");
    // The counter that grew most (which one depends on the Nix version) is
    // one of the counters listed.
    let grown = regex::Regex::new(r"\| max counter growth \|.*\| ([A-Za-z.]+) [\d,]+ → [\d,]+ \|")
        .expect("regex")
        .captures(&text)
        .map(|c| c[1].to_owned())
        .unwrap_or_else(|| panic!("no counter named: {text}"));
    assert!(text.contains(&format!("| `{grown}` |")), "{text}");
    assert!(
        text.contains("| max time |") && text.contains("| max regression |"),
        "{text}"
    );
    assert_snapshot!(normalise_bench(&text));
}

#[test]
fn the_time_gates_judge_the_median() {
    let dir = flake_with(&workload(2000));
    let r = flake_ref(dir.path());
    // No evaluation of a flake takes a microsecond; none of this one takes a minute.
    let out = bench(&[&r, "--attr", WEB, "--max-time", "1us"]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("FAIL    max time"),
        "{}",
        stdout(&out)
    );
    let out = bench(&[&r, "--attr", WEB, "--max-time", "60s"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn a_fifty_times_bigger_workload_fails_the_regression_gate() {
    let dir = flake_with(&workload(2000));
    let r = flake_ref(dir.path());
    let baseline = dir.path().join("baseline.json");
    assert_eq!(
        code(&bench(&[
            &r,
            "--attr",
            WEB,
            "--save-baseline",
            s(&baseline)
        ])),
        0
    );
    // 50 × the options: ~0.6 s against ~0.05 s, far outside any noise.
    fs::write(dir.path().join("workload.nix"), workload(100_000)).expect("write");
    let out = bench(&[
        &r,
        "--attr",
        WEB,
        "--baseline",
        s(&baseline),
        "--max-regression",
        "20%",
        "--json",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    let gate = &report["gates"][0];
    assert_eq!(gate["gate"], "maxRegression");
    assert_eq!(gate["status"], "fail");
    let time = &report["benchmarks"][0]["compared"]["time"];
    assert_eq!(time["method"], "welch");
    assert!(time["low"].as_f64().is_some_and(|low| low > 1.2), "{time}");
}

#[test]
fn an_evaluation_error_shows_nixs_message_and_exits_2() {
    let dir = flake_with("throw \"workload is broken\"\n");
    let report = dir.path().join("report.json");
    let baseline = dir.path().join("baseline.json");
    let export = dir.path().join("hyperfine.json");
    let out = bench(&[
        &flake_ref(dir.path()),
        "--attr",
        WEB,
        "-o",
        s(&report),
        "--save-baseline",
        s(&baseline),
        "--export-hyperfine",
        s(&export),
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("workload is broken"), "{err}");
    assert!(err.starts_with(&format!("error: {WEB}: `nix ")), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!report.exists() && !baseline.exists() && !export.exists());
}

#[test]
fn the_non_flake_form_instantiates_the_same_derivation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bench(&[
        "--file",
        s(&kit::fixture("bench/default.nix")),
        "--attr",
        "web",
        "--json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let file = json(&out);
    let b = &file["benchmarks"][0];
    assert_eq!(b["frontend"], "nix-instantiate");
    assert!(
        b["command"]
            .as_str()
            .is_some_and(|c| c.starts_with("nix-instantiate "))
    );
    assert_eq!(b["pure"], true);
    // The same workload through the flake: the same .drv, but more work
    // (loading the flake), so counters of the two frontends never mix.
    write_flake(dir.path(), &workload(2000));
    let flake = json(&bench(&[&flake_ref(dir.path()), "--attr", WEB, "--json"]));
    assert_eq!(b["drvPath"], flake["benchmarks"][0]["drvPath"]);
    let (f, n) = (exact_counters(&file, 0), exact_counters(&flake, 0));
    assert!(f["nrThunks"].as_u64() < n["nrThunks"].as_u64());
}

#[test]
fn an_impure_evaluation_is_reported_and_fails_the_counter_gate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = kit::fixture("bench/impure.nix");
    let baseline = dir.path().join("baseline.json");
    let out = bench(&[
        "--file",
        s(&file),
        "--attr",
        "random",
        "--warmup",
        "0",
        "--save-baseline",
        s(&baseline),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("IMPURE: differ between runs"), "{text}");
    assert!(
        text.contains("random: impure evaluation: exact counters differ between runs"),
        "{text}"
    );
    let out = bench(&[
        "--file",
        s(&file),
        "--attr",
        "random",
        "--warmup",
        "0",
        "--baseline",
        s(&baseline),
        "--max-counter-growth",
        "50%",
        "--json",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["benchmarks"][0]["pure"], false);
    assert!(
        report["gates"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("impure"))
    );
}

#[test]
fn counters_are_not_gated_against_another_nix_version() {
    let dir = flake_with(&workload(2000));
    let r = flake_ref(dir.path());
    let baseline = dir.path().join("baseline.json");
    assert_eq!(
        code(&bench(&[
            &r,
            "--attr",
            WEB,
            "--save-baseline",
            s(&baseline)
        ])),
        0
    );
    // The same baseline as if measured by Nix 2.24.9.
    let mut b: Value = serde_json::from_slice(&fs::read(&baseline).expect("read")).expect("json");
    b["nix"]["version"] = Value::from("2.24.9");
    fs::write(&baseline, serde_json::to_vec(&b).expect("json")).expect("write");
    fs::write(dir.path().join("workload.nix"), workload(4000)).expect("write");
    let out = bench(&[
        &r,
        "--attr",
        WEB,
        "--baseline",
        s(&baseline),
        "--max-counter-growth",
        "1%",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("skipped"), "{text}");
    assert!(
        text.contains("Nix 2.24.9") && text.contains("gating time only"),
        "{text}"
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A git repository with two commits of the fixture flake, n = 2000 then
/// n = 2020, in a subdirectory (as in a monorepo).
fn repository() -> (tempfile::TempDir, PathBuf) {
    let repo = tempfile::tempdir().expect("tempdir");
    let flake = repo.path().join("nix");
    fs::create_dir(&flake).expect("mkdir");
    write_flake(&flake, &workload(2000));
    git(repo.path(), &["init", "--quiet"]);
    git(repo.path(), &["config", "user.name", "flakegate tests"]);
    git(
        repo.path(),
        &["config", "user.email", "tests@flakegate.invalid"],
    );
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "--quiet", "-m", "n = 2000"]);
    fs::write(flake.join("workload.nix"), workload(2020)).expect("write");
    git(repo.path(), &["commit", "--quiet", "-am", "n = 2020"]);
    (repo, flake)
}

#[test]
fn compare_two_commits_of_a_flake() {
    let (repo, flake) = repository();
    let out = bench(&[
        s(&flake),
        "--compare",
        "HEAD~1",
        "--json",
        "--max-counter-growth",
        "0.5%",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["reference"]["kind"], "revision");
    assert_eq!(report["reference"]["label"], "HEAD~1");
    assert_eq!(
        report["reference"]["commit"].as_str(),
        Some(git(repo.path(), &["rev-parse", "HEAD~1"]).as_str())
    );
    for (i, b) in report["benchmarks"]
        .as_array()
        .expect("benchmarks")
        .iter()
        .enumerate()
    {
        let c = &b["compared"];
        assert_eq!(c["time"]["method"], "paired");
        assert_eq!(c["revision"]["samples"].as_array().map(Vec::len), Some(3));
        let thunks = c["counters"]
            .as_array()
            .expect("deltas")
            .iter()
            .find(|d| d["name"] == "nrThunks")
            .expect("nrThunks");
        let p = thunks["percent"].as_f64().expect("percent");
        assert!((0.95..1.05).contains(&p), "benchmark {i}: {p}");
        assert_eq!(report["gates"][i]["status"], "fail");
    }
    // The working tree is HEAD: the revision side is HEAD~1 exactly, so its
    // counters equal a plain run of HEAD~1's workload.
    let plain = flake_with(&workload(2000));
    let plain = json(&bench(&[&flake_ref(plain.path()), "--json"]));
    let rev = &report["benchmarks"][1]["compared"]["revision"]["counters"]["exact"];
    assert_eq!(rev, &plain["benchmarks"][1]["counters"]["exact"]);
}

#[test]
fn compare_the_working_tree_with_its_own_commit_changes_no_counter() {
    let (_repo, flake) = repository();
    // Uncommitted, not even added: the working tree is what is measured.
    fs::write(flake.join("workload.nix"), workload(2000)).expect("write");
    let out = bench(&[
        s(&flake),
        "--compare",
        "HEAD~1",
        "--attr",
        WEB,
        "--max-counter-growth",
        "0%",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("all 22 exact counters identical")
            || text.contains("exact counters identical"),
        "{text}"
    );
    assert_snapshot!(normalise_bench(&text));
}

#[test]
fn hyperfine_export_is_hyperfines_shape() {
    let dir = flake_with(&workload(2000));
    let export = dir.path().join("hyperfine.json");
    let out = bench(&[
        &flake_ref(dir.path()),
        "--attr",
        WEB,
        "--export-hyperfine",
        s(&export),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&fs::read(&export).expect("written")).expect("json");
    let result = &v["results"][0];
    assert_eq!(result["command"], WEB);
    assert_eq!(result["times"].as_array().map(Vec::len), Some(3));
    assert_eq!(result["exit_codes"], serde_json::json!([0, 0, 0]));
    let times: Vec<f64> = result["times"]
        .as_array()
        .expect("times")
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let (min, max) = (
        result["min"].as_f64().expect("min"),
        result["max"].as_f64().expect("max"),
    );
    assert!(times.iter().all(|t| *t >= min && *t <= max && *t > 0.0));
    assert_snapshot!(normalise_json(v));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    fs::write(&bad, "{\"schema\": \"flakegate.closure.baseline/1\"}").expect("write");
    let flake = flake_with(&workload(100));
    let r = flake_ref(flake.path());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![&r, "--baseline", s(&bad)],
            "flakegate.closure.baseline/1",
        ),
        (
            vec![&r, "--baseline", "/no/such/baseline.json"],
            "cannot read the baseline",
        ),
        (
            vec![&r, "--max-counter-growth", "1%"],
            "--max-counter-growth needs a reference",
        ),
        (
            vec![&r, "--max-regression", "5%"],
            "--max-regression needs a reference",
        ),
        (
            vec!["--file", "/no/such/default.nix", "--attr", "x"],
            "/no/such/default.nix: no such file",
        ),
        (vec!["--file", s(&bad)], "--file needs at least one --attr"),
        (
            vec![&r, "--compare", "HEAD"],
            "needs a flake in a git repository",
        ),
    ];
    for (args, expected) in cases {
        let out = bench(&args);
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
    // Usage errors are clap's (with its hint line), exit 2 all the same.
    for (args, expected) in [
        (["--runs", "0"], "--runs"),
        (["--max-time", "soon"], "\"soon\" is not a duration"),
    ] {
        let out = bench(&args);
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    }
}
