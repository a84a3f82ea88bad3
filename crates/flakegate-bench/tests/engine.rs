//! The engine through the fixed executor: every statistic, gate and
//! comparison against numbers known in advance.

use flakegate_bench::fixed::{FixedExecutor, measurement, runs};
use flakegate_bench::ratio::RatioMethod;
use flakegate_bench::{
    Baseline, BenchError, BenchReport, Gates, Phase, Plan, RevisionPlan, Settings, Target,
    hyperfine, run,
};
use flakegate_report::{GateId, Status as GateStatus};
use flakegate_store::eval::{EvalCommand, NixIdentity, StatValue};

fn nix(version: &str) -> NixIdentity {
    NixIdentity {
        implementation: "Nix".to_owned(),
        version: version.to_owned(),
    }
}

fn target(name: &str) -> Target {
    Target {
        name: name.to_owned(),
        command: EvalCommand::flake("path:/src/demo", name),
    }
}

fn plan(targets: Vec<Target>, warmup: u32, runs: u32) -> Plan {
    Plan {
        nix: nix("2.8.0"),
        settings: Settings {
            warmup,
            runs,
            min_time: 0.0,
        },
        targets,
        revision: None,
    }
}

fn measure(plan: &Plan, exec: &mut FixedExecutor, gates: Gates) -> BenchReport {
    let mut report = run(plan, exec, &mut |_| {}).expect("runs");
    gates.apply(&mut report);
    report
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn warm_ups_are_discarded_and_runs_summarised() {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    // Warm-up 9 s (a cold store), then five runs.
    exec.script(&t.command, runs(&[9.0, 1.0, 1.2, 0.9, 1.1, 1.0], 1000));
    let r = measure(&plan(vec![t], 1, 5), &mut exec, Gates::default());
    assert_eq!(exec.calls.len(), 6);
    let b = &r.benchmarks[0];
    assert_eq!(b.wall.count, 5);
    assert!(close(b.wall.median, 1.0));
    assert!(close(b.wall.mean, 1.04));
    assert!(close(b.wall.min, 0.9) && close(b.wall.max, 1.2));
    assert!(close(b.wall.mad, 0.1));
    // user 80 % + system 20 % of wall.
    assert!(close(b.cpu.median, 1.0) && close(b.user.mean, 0.832));
    assert!(close(b.max_rss.median, 100.0 * 1024.0 * 1024.0));
    assert!(b.pure && b.outliers == 0);
    assert_eq!(b.counters.exact["nrThunks"], 1000);
    assert_eq!(b.counters.exact["values.bytes"], 48_000);
    assert!(b.counters.noisy.contains_key("cpuTime"));
    assert!(b.counters.noisy.contains_key("gc.heapSize"));
    assert_eq!(b.counters.sizes["Value"], 24);
    assert_eq!(r.status, GateStatus::Pass);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn min_time_asks_for_more_runs() {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, runs(&[0.5; 10], 10));
    let mut p = plan(vec![t], 0, 2);
    p.settings.min_time = 2.2;
    let mut seen = Vec::new();
    let r = run(&p, &mut exec, &mut |e| {
        seen.push((e.phase, e.done, e.planned))
    })
    .expect("runs");
    // 0.5 s runs: the fifth brings the total to 2.5 s ≥ 2.2 s.
    assert_eq!(r.benchmarks[0].wall.count, 5);
    assert!(
        seen.iter()
            .all(|(phase, done, planned)| *phase == Phase::Run && done < planned)
    );
    assert_eq!(seen.last().map(|s| s.2), Some(5));
}

#[test]
fn an_outlier_is_flagged_kept_and_noted() {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, runs(&[1.0, 1.01, 0.99, 1.02, 2.5], 10));
    let r = measure(&plan(vec![t], 0, 5), &mut exec, Gates::default());
    let b = &r.benchmarks[0];
    assert_eq!(b.outliers, 1);
    assert!(b.samples[4].outlier && !b.samples[0].outlier);
    assert!(close(b.wall.max, 2.5), "kept in the statistics");
    assert!(
        r.notes[0].contains("1 of 5 runs are outliers"),
        "{:?}",
        r.notes
    );
}

#[test]
fn counters_that_move_between_runs_mean_an_impure_evaluation() {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    let mut samples = runs(&[1.0, 1.0, 1.0], 100);
    samples[1] = measurement(1.0, 101);
    exec.script(&t.command, samples);
    let r = measure(&plan(vec![t.clone()], 0, 3), &mut exec, Gates::default());
    let b = &r.benchmarks[0];
    assert!(!b.pure);
    assert!(
        b.counters
            .varying
            .iter()
            .any(|v| v.name == "nrThunks" && v.min == 100 && v.max == 101)
    );
    assert!(r.notes[0].contains("impure evaluation"), "{:?}", r.notes);
    // A counter gate cannot trust it: it fails, whatever the growth.
    let baseline = Baseline::from_report(&r);
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, runs(&[1.0, 1.0, 1.0], 100));
    let mut again = run(&plan(vec![t], 0, 3), &mut exec, &mut |_| {}).expect("runs");
    baseline.attach(&mut again, "base.json");
    Gates {
        max_counter_growth: Some(5.0),
        ..Gates::default()
    }
    .apply(&mut again);
    assert_eq!(again.status, GateStatus::Fail);
    assert!(
        again.gates[0]
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("reference's evaluation is impure")
    );
}

/// A baseline at `work`, then a run at `work2`, counter gate at `limit` %.
fn counter_gate(work: u64, work2: u64, limit: f64, version2: &str) -> BenchReport {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, runs(&[1.0, 1.1, 0.9], work));
    let base = measure(&plan(vec![t.clone()], 0, 3), &mut exec, Gates::default());
    let baseline =
        from_json(&serde_json::to_vec(&as_file(Baseline::from_report(&base))).expect("json"))
            .expect("round trip");
    let mut exec = FixedExecutor::new();
    // 30 % faster by the clock: the counter gate must not care.
    exec.script(&t.command, runs(&[0.7, 0.77, 0.63], work2));
    let mut p = plan(vec![t], 0, 3);
    p.nix = nix(version2);
    let mut report = run(&p, &mut exec, &mut |_| {}).expect("runs");
    baseline.attach(&mut report, "base.json");
    Gates {
        max_counter_growth: Some(limit),
        ..Gates::default()
    }
    .apply(&mut report);
    report
}

#[test]
fn a_one_percent_bigger_workload_fails_the_counter_gate() {
    let r = counter_gate(100_000, 101_000, 0.5, "2.8.0");
    assert_eq!(r.status, GateStatus::Fail);
    let g = &r.gates[0];
    assert_eq!(g.gate, GateId::MaxCounterGrowth);
    assert!(close(g.actual.expect("measured"), 1.0));
    // Every counter grew by exactly 1 %; ties go to the first name.
    assert_eq!(g.detail.as_deref(), Some("envs.number 300000 → 303000"));
    let deltas = r.benchmarks[0]
        .compared
        .as_ref()
        .and_then(|c| c.counters.as_ref())
        .expect("compared");
    assert!(
        deltas
            .iter()
            .all(|d| d.percent.is_some_and(|p| close(p, 1.0)))
    );

    assert_eq!(
        counter_gate(100_000, 101_000, 1.5, "2.8.0").status,
        GateStatus::Pass
    );
    assert_eq!(
        counter_gate(100_000, 100_000, 0.0, "2.8.0").status,
        GateStatus::Pass
    );
    assert_eq!(
        counter_gate(100_000, 90_000, 0.0, "2.8.0").status,
        GateStatus::Pass
    );
}

#[test]
fn counters_are_not_gated_across_nix_versions() {
    let r = counter_gate(100_000, 200_000, 0.5, "2.24.9");
    assert_eq!(r.status, GateStatus::Pass);
    assert_eq!(r.gates[0].status, GateStatus::Skipped);
    assert!(
        detail(&r.gates[0]).contains("Nix 2.8.0") && detail(&r.gates[0]).contains("Nix 2.24.9")
    );
    assert!(
        r.notes.iter().any(|n| n.contains("gating time only")),
        "{:?}",
        r.notes
    );
}

/// A baseline with `before` wall times, a run with `after`, regression gate.
fn regression(before: &[f64], after: &[f64], limit: f64) -> BenchReport {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, runs(before, 10));
    let base = measure(&plan(vec![t.clone()], 0, 5), &mut exec, Gates::default());
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, runs(after, 10));
    let mut report = run(&plan(vec![t], 0, 5), &mut exec, &mut |_| {}).expect("runs");
    Baseline::from_report(&base).attach(&mut report, "base.json");
    Gates {
        max_regression: Some(limit),
        max_time: Some(1.5),
        ..Gates::default()
    }
    .apply(&mut report);
    report
}

#[test]
fn the_time_gate_fires_only_outside_the_noise() {
    let base = [1.00, 1.02, 0.98, 1.01, 0.99];
    // 30 % slower, tight: beyond the limit and the interval excludes 1.
    let slow = regression(&base, &[1.30, 1.32, 1.28, 1.31, 1.29], 20.0);
    assert_eq!(slow.status, GateStatus::Fail);
    let g = slow
        .gates
        .iter()
        .find(|g| g.gate == GateId::MaxRegression)
        .expect("gate");
    assert_eq!(g.status, GateStatus::Fail);
    assert!(g.actual.expect("slowdown") > 29.0);
    assert!(detail(g).contains("Welch"), "{}", detail(g));
    // 30 % slower on average but all over the place: the interval includes 1.
    let noisy = regression(&base, &[0.8, 2.2, 0.9, 2.0, 1.1], 20.0);
    let g = noisy
        .gates
        .iter()
        .find(|g| g.gate == GateId::MaxRegression)
        .expect("gate");
    assert!(g.actual.expect("slowdown") > 20.0, "{g:?}");
    assert_eq!(g.status, GateStatus::Pass);
    assert!(detail(g).contains("within the noise"), "{}", detail(g));
    // 5 % slower, clearly measured, but under the 20 % limit.
    let small = regression(&base, &[1.05, 1.07, 1.03, 1.06, 1.04], 20.0);
    assert_eq!(small.status, GateStatus::Pass);
    // The absolute gate judges the median: 1.31 s against 1.5 s.
    let t = slow
        .gates
        .iter()
        .find(|g| g.gate == GateId::MaxTime)
        .expect("gate");
    assert_eq!(t.status, GateStatus::Pass);
    assert!(close(t.actual.expect("median"), 1.30));
}

#[test]
fn a_benchmark_missing_from_the_baseline_is_skipped_not_failed() {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, runs(&[1.0, 1.0], 10));
    let base = measure(&plan(vec![t], 0, 2), &mut exec, Gates::default());
    let other = target("db");
    let mut exec = FixedExecutor::new();
    exec.script(&other.command, runs(&[1.0, 1.0], 10));
    let mut r = run(&plan(vec![other], 0, 2), &mut exec, &mut |_| {}).expect("runs");
    Baseline::from_report(&base).attach(&mut r, "base.json");
    Gates {
        max_counter_growth: Some(1.0),
        max_regression: Some(10.0),
        ..Gates::default()
    }
    .apply(&mut r);
    assert_eq!(r.status, GateStatus::Pass);
    assert!(r.gates.iter().all(|g| g.status == GateStatus::Skipped));
    assert_eq!(r.notes, ["db: not in the reference"]);
}

#[test]
fn ab_runs_interleave_and_pair_the_times() {
    let b = target("web");
    let a_cmd = EvalCommand::flake("path:/rev/demo", "web");
    let mut exec = FixedExecutor::new();
    // The machine slows down over time (1 s, 2 s, 3 s …): pairing removes it.
    exec.script(&a_cmd, runs(&[5.0, 1.0, 2.0, 3.0, 4.0], 1000));
    exec.script(&b.command, runs(&[5.0, 1.1, 2.2, 3.3, 4.4], 1010));
    let mut p = plan(vec![b.clone()], 1, 4);
    p.revision = Some(RevisionPlan {
        revision: "HEAD~1".to_owned(),
        commit: "0123456789abcdef0123456789abcdef01234567".to_owned(),
        commands: vec![a_cmd.clone()],
    });
    let mut sides = Vec::new();
    let mut r = run(&p, &mut exec, &mut |e| {
        sides.push(e.side.map(str::to_owned))
    })
    .expect("runs");
    Gates {
        max_regression: Some(5.0),
        max_counter_growth: Some(0.5),
        ..Gates::default()
    }
    .apply(&mut r);
    let (a, w) = (a_cmd.display(), b.command.display());
    assert_eq!(
        exec.calls,
        [&a, &w, &a, &w, &a, &w, &a, &w, &a, &w].map(String::clone)
    );
    assert_eq!(sides[0].as_deref(), Some("HEAD~1"));
    assert_eq!(sides[1].as_deref(), Some("working tree"));
    let c = r.benchmarks[0].compared.as_ref().expect("compared");
    let ratio = c.time.expect("ratio");
    assert_eq!(ratio.method, RatioMethod::Paired);
    // Every pair is exactly 10 % slower: a zero-width interval at 1.1.
    assert!(close(ratio.estimate, 1.1) && close(ratio.low, 1.1) && close(ratio.high, 1.1));
    assert!(close(c.reference_median, 2.5));
    let rev = c.revision.as_ref().expect("revision side");
    assert_eq!(rev.counters.exact["nrThunks"], 1000);
    assert_eq!(r.benchmarks[0].counters.exact["nrThunks"], 1010);
    assert_eq!(r.status, GateStatus::Fail);
    assert!(
        r.gates.iter().all(|g| g.status == GateStatus::Fail),
        "{:?}",
        r.gates
    );
    let reference = r.reference.as_ref().expect("reference");
    assert_eq!(
        reference.commit.as_deref(),
        Some("0123456789abcdef0123456789abcdef01234567")
    );

    let export = serde_json::to_value(hyperfine::export(&r)).expect("json");
    let results = export["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["command"], "web (HEAD~1)");
    assert_eq!(results[1]["parameters"]["revision"], "working tree");
    assert_eq!(results[1]["times"].as_array().map(Vec::len), Some(4));
}

#[test]
fn an_evaluation_error_names_the_benchmark_and_keeps_nixs_message() {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    exec.fail(&t.command, "attribute 'foo' missing");
    let err = run(&plan(vec![t], 1, 3), &mut exec, &mut |_| {}).expect_err("fails");
    let text = err.to_string();
    assert!(matches!(err, BenchError::Eval { .. }));
    assert!(text.starts_with("web: "), "{text}");
    assert!(text.contains("attribute 'foo' missing"), "{text}");
}

#[test]
fn the_hyperfine_export_has_hyperfines_fields() {
    let t = target("web");
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, runs(&[2.0], 10));
    let r = measure(&plan(vec![t], 0, 1), &mut exec, Gates::default());
    let v = serde_json::to_value(hyperfine::export(&r)).expect("json");
    let one = &v["results"][0];
    let mut keys: Vec<&str> = one
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "command",
            "exit_codes",
            "max",
            "mean",
            "median",
            "memory_usage_byte",
            "min",
            "stddev",
            "system",
            "times",
            "user"
        ]
    );
    assert!(
        one["stddev"].is_null(),
        "null for a single run, like hyperfine"
    );
    assert_eq!(one["exit_codes"], serde_json::json!([0]));
    assert_eq!(one["memory_usage_byte"], serde_json::json!([104_857_600]));
}

#[test]
fn bad_baselines_are_refused() {
    assert!(from_json(b"{").is_err());
    let closure = br#"{"schema": "flakegate.closure.baseline/1"}"#;
    let e = from_json(closure).expect_err("other schema").to_string();
    assert!(e.contains("flakegate.closure.baseline/1"), "{e}");
    let bad_time = br#"{"schema": "flakegate.bench.baseline/1", "nix": {"implementation": "Nix", "version": "2.8.0"},
        "benchmarks": [{"name": "x", "frontend": "nix-eval", "sizes": {}, "pure": true, "counters": {}, "wall": [-1.0], "cpu": [1.0]}]}"#;
    assert!(
        from_json(bad_time)
            .expect_err("negative")
            .to_string()
            .contains("positive")
    );
}

#[test]
fn counters_of_later_versions_are_read_too() {
    // Nix 2.24 adds nrExprs (2.19), time.* and gc.cycles: exact and noisy.
    let t = target("web");
    let mut m = measurement(1.0, 10);
    m.stats
        .fields
        .insert("nrExprs".to_owned(), StatValue::Int(77));
    m.stats
        .fields
        .insert("time.cpu".to_owned(), StatValue::Float(0.9));
    m.stats
        .fields
        .insert("gc.cycles".to_owned(), StatValue::Int(3));
    let mut m2 = m.clone();
    m2.stats
        .fields
        .insert("gc.cycles".to_owned(), StatValue::Int(4));
    let mut exec = FixedExecutor::new();
    exec.script(&t.command, vec![m, m2]);
    let r = measure(&plan(vec![t], 0, 2), &mut exec, Gates::default());
    let b = &r.benchmarks[0];
    assert!(b.pure, "gc.cycles may vary");
    assert_eq!(b.counters.exact["nrExprs"], 77);
    assert!(close(b.counters.noisy["gc.cycles"].median, 3.5));
}

/// A baseline file's contents, read the way the CLI reads them.
fn from_json(bytes: &[u8]) -> Result<Baseline, flakegate_report::baseline::BaselineError> {
    flakegate_report::baseline::parse::<Baseline>(std::path::Path::new("baseline.json"), bytes)
        .map(|d| d.body)
}

fn detail(g: &flakegate_report::Gate) -> &str {
    g.detail.as_deref().unwrap_or_default()
}

/// A baseline as the CLI saves it: in its envelope.
fn as_file(b: Baseline) -> flakegate_report::Document<Baseline> {
    use flakegate_report::Schema;
    flakegate_report::Document {
        envelope: flakegate_report::Envelope::new("bench", Baseline::SCHEMA),
        body: b,
    }
}
