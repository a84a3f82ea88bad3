//! `flakegate build` end to end: real builds of builders that sleep known
//! times (`tests/fixtures/build/sleepers.nix`, fresh paths per test). Times
//! are asserted as lower bounds and orders only: the machine may be loaded.

use flakegate_testkit as kit;
use serde_json::Value;

use crate::util::{code, run, stderr, stdout};

fn sleepers(failing: bool) -> String {
    let file = kit::fixture("build/sleepers.nix");
    let nonce = kit::nonce().to_string();
    let out = duct::cmd!(
        "nix-instantiate",
        &file,
        "--argstr",
        "nonce",
        &nonce,
        "--arg",
        "failing",
        if failing { "true" } else { "false" }
    )
    .stderr_null()
    .read()
    .expect("nix-instantiate");
    out.trim().to_owned()
}

fn body(out: &std::process::Output) -> Value {
    let doc: Value = serde_json::from_str(&stdout(out)).expect("JSON report");
    assert_eq!(doc["schema"], "flakegate.build/1");
    doc
}

#[test]
fn profile_gates_trace_and_baseline_of_a_real_build() {
    let drv = sleepers(false);
    let dir = tempfile::tempdir().expect("tempdir");
    let trace = dir.path().join("trace.json");
    let baseline = dir.path().join("baseline.json");
    let out = run(&[
        "build",
        &drv,
        "--json",
        "--trace",
        trace.to_str().expect("utf8"),
        "--save-baseline",
        baseline.to_str().expect("utf8"),
        "--max-build-time",
        "1h",
        "--warn-build-time",
        "1s",
        "--max-built",
        "4",
        "--",
        "--no-link",
    ]);
    // The warning does not fail the run.
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // The Nix log reaches stderr for humans.
    assert!(
        stderr(&out).contains("building sleep-a (1 s)"),
        "{}",
        stderr(&out)
    );
    let doc = body(&out);
    let r = &doc;
    assert_eq!(r["built"], 4);
    assert_eq!(r["success"], true);
    let step = |name: &str| {
        r["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone()
    };
    let (a, b, top) = (step("sleep-a"), step("sleep-b"), step("sleep-top"));
    let f = |v: &Value, k: &str| v[k].as_f64().expect("number");
    // Events are stamped when read: a loaded machine may stamp a start late
    // (0.1 s was seen), so a 1 s sleep measures at least half of it. The
    // wall time, taken around the whole `nix build`, has no such slack.
    assert!(
        f(&a, "duration") >= 0.5 && f(&b, "duration") >= 0.5,
        "{:?}",
        r["steps"]
    );
    assert!(f(&b, "start") >= f(&a, "end") && f(&top, "start") >= f(&b, "end"));
    assert!(f(r, "wall") >= 2.0);
    let chain: Vec<&str> = r["criticalPath"]["steps"]
        .as_array()
        .expect("chain")
        .iter()
        .map(|s| s.as_str().expect("drv"))
        .collect();
    assert_eq!(chain.len(), 3);
    assert!(chain[0].ends_with("-sleep-a.drv") && chain[2].ends_with("-sleep-top.drv"));
    // The chain's duration is its steps' (each rounded to the millisecond).
    let sum = f(&a, "duration") + f(&b, "duration") + f(&top, "duration");
    assert!((f(&r["criticalPath"], "duration") - sum).abs() < 0.002);
    assert_eq!(r["slowest"].as_array().expect("slowest").len(), 4);
    let gates: Vec<(&str, &str)> = r["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .map(|g| {
            (
                g["gate"].as_str().expect("id"),
                g["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        gates,
        [
            ("buildFailures", "pass"),
            ("maxBuildTime", "pass"),
            ("warnBuildTime", "warn"),
            ("maxBuilt", "pass"),
        ]
    );

    // The trace: one complete event per build, in Perfetto's format.
    let trace: Value =
        serde_json::from_slice(&std::fs::read(&trace).expect("trace written")).expect("JSON");
    let builds = trace["traceEvents"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["ph"] == "X" && e["cat"] == "build")
        .count();
    assert_eq!(builds, 4);

    // Everything is valid now: a second run builds nothing, and --max-built 0
    // passes; against the baseline, a huge regression allowance passes.
    let again = run(&[
        "build",
        &drv,
        "--json",
        "--quiet",
        "--max-built",
        "0",
        "--baseline",
        baseline.to_str().expect("utf8"),
        "--max-regression",
        "1000%",
        "--",
        "--no-link",
    ]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let r = body(&again);
    assert_eq!(r["built"], 0);
    assert_eq!(r["baseline"]["baselineBuilt"], 4);
    assert!(stderr(&again).is_empty(), "--quiet: {}", stderr(&again));
}

#[test]
fn max_built_and_failed_builds_exit_1() {
    let drv = sleepers(true);
    let dir = tempfile::tempdir().expect("tempdir");
    let history = dir.path().join("build.jsonl");
    let out = run(&[
        "build",
        &drv,
        "--max-built",
        "0",
        "--color",
        "never",
        "--history",
        history.to_str().expect("utf-8"),
        "--",
        "--no-link",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let line: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&history).expect("history"))
            .expect("one JSON line");
    assert_eq!(line["tool"], "build");
    assert_eq!(line["status"], "fail");
    let figures = line["figures"].as_array().expect("figures");
    let failed = figures
        .iter()
        .find(|f| f["metric"] == "failed")
        .expect("failed");
    assert!(failed["value"].as_f64() >= Some(1.0), "{failed}");
    assert_eq!(failed["gates"][0], "buildFailures");
    let text = stdout(&out);
    assert!(text.contains("FAILED"), "{text}");
    assert!(text.contains("FAIL    build failures"), "{text}");
    assert!(text.contains("FAIL    max built"), "{text}");
    assert!(stderr(&out).contains("sleep-c fails on purpose"));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.nix");
    let out = run(&["build", missing.to_str().expect("utf8"), "--quiet"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: nix build ") && err.contains("missing.nix"),
        "{err}"
    );
    let out = run(&["build", "x", "--max-build-time", "soon"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("is not a duration"));
}
