//! `flakegate bench`: evaluation time of a flake's systems or packages, with
//! Nix's exact evaluator counters, baselines, gates and A/B comparisons of
//! two revisions.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use flakegate_bench::{
    Baseline, BenchReport, Executor, Gates, Plan, RevisionPlan, Settings, Target, hyperfine,
};
use flakegate_store::StoreError;
use flakegate_store::eval::{self, EvalCommand, Frontend, Measurement, revision};

use crate::exit::Outcome;
use crate::output::{self, BaselineArgs, HistoryArgs, OutputArgs};
use crate::render::bench::progress;
use crate::units::parse_percent;

pub const EXAMPLES: &str = "\
Examples:
  flakegate bench                  # nixosConfigurations.*, else packages.<system>.default
  flakegate bench . --attr nixosConfigurations.web.config.system.build.toplevel
  flakegate bench --file default.nix --attr hosts.web    # nix-instantiate, no flake
  flakegate bench --save-baseline bench-baseline.json
  flakegate bench --baseline bench-baseline.json --max-counter-growth 1% \\
      --max-regression 20% --max-time 10s --markdown >> \"$GITHUB_STEP_SUMMARY\"
  flakegate bench --compare HEAD~1     # A/B: HEAD~1 and the working tree, interleaved
  flakegate bench --export-hyperfine bench.json          # hyperfine's JSON shape

Every run is a fresh process without the eval cache, with NIX_SHOW_STATS: wall
time, user+system CPU and peak RSS of the child, and Nix's evaluator counters.
Exact counters (nrThunks, nrFunctionCalls, values, envs, sets, ...) repeat bit
for bit: --max-counter-growth is the deterministic gate. --max-regression fails
only when the slowdown exceeds the limit and its 95% interval excludes 1.";

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The flake to evaluate (default: the current directory).
    #[arg(value_name = "FLAKE")]
    pub flake: Option<String>,
    /// An attribute to measure, evaluated as ATTR.drvPath (repeatable).
    /// Default: every nixosConfigurations.NAME.config.system.build.toplevel,
    /// else packages.SYSTEM.default.
    #[arg(short = 'A', long = "attr", value_name = "ATTR")]
    pub attrs: Vec<String>,
    /// Evaluate a Nix file with nix-instantiate instead of a flake (needs --attr).
    #[arg(short, long, value_name = "FILE", conflicts_with = "flake")]
    pub file: Option<PathBuf>,
    /// The system of packages.SYSTEM.default (default: this machine's).
    #[arg(long, value_name = "SYSTEM")]
    pub system: Option<String>,

    /// Unmeasured runs before the measured ones.
    #[arg(
        short,
        long,
        default_value_t = 1,
        value_name = "N",
        help_heading = "Measurement"
    )]
    pub warmup: u32,
    /// Measured runs (at least).
    #[arg(short, long, default_value_t = 5, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..), help_heading = "Measurement")]
    pub runs: u32,
    /// Keep running until the measured runs add up to this (e.g. 30s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Measurement")]
    pub min_time: Option<f64>,

    /// A/B: evaluate the flake at git revision REV and in the working tree,
    /// interleaved, and compare (with --save-baseline, the working tree's
    /// measurements are saved).
    #[arg(
        long,
        value_name = "REV",
        conflicts_with_all = ["file", "baseline"],
        help_heading = "Comparison"
    )]
    pub compare: Option<String>,
    // The command names the heading: a gate's reference for closure and
    // build, one side of an A/B comparison for bench.
    #[command(flatten, next_help_heading = "Comparison")]
    pub baselines: BaselineArgs,

    /// Fail (exit 1) when a benchmark's median wall time exceeds DURATION.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Gates")]
    pub max_time: Option<f64>,
    /// Fail when the slowdown against the reference exceeds PCT and is
    /// beyond the noise (its 95% interval excludes 1).
    #[arg(long, value_name = "PCT", value_parser = parse_percent, help_heading = "Gates")]
    pub max_regression: Option<f64>,
    /// Fail when an exact evaluator counter grew by more than PCT over the
    /// reference, or when the evaluation is impure.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, help_heading = "Gates")]
    pub max_counter_growth: Option<f64>,

    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub history: HistoryArgs,
    /// Also write the measurements in hyperfine's JSON export shape.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub export_hyperfine: Option<PathBuf>,
    /// No progress bar on stderr.
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,
}

/// The real executor: a fresh `nix` process per sample.
struct NixExecutor;

impl Executor for NixExecutor {
    fn measure(&mut self, command: &EvalCommand) -> Result<Measurement, StoreError> {
        eval::measure(command)
    }
}

pub fn run(args: &BenchArgs) -> anyhow::Result<Outcome> {
    check(args)?;
    let gates = Gates {
        max_time: args.max_time,
        max_regression: args.max_regression,
        max_counter_growth: args.max_counter_growth,
    };
    // Read the baseline and check every output target first: a bad file or
    // a missing directory fails before minutes of measuring.
    let baseline = args.baselines.read::<Baseline>()?;
    args.output.check()?;
    args.history.check()?;
    if let Some(file) = &args.export_hyperfine {
        flakegate_report::write::check(file)?;
    }
    let bar = progress::Bar::new(args.quiet);
    // Holds the exported revisions of an A/B run until the end.
    let scratch = tempfile::tempdir().context("cannot create a temporary directory")?;
    let plan = plan(args, scratch.path(), &bar)?;

    let mut report = flakegate_bench::run(&plan, &mut NixExecutor, &mut |p| bar.update(p))?;
    drop(bar);
    if let (Some(b), Some(file)) = (&baseline, &args.baselines.baseline) {
        b.attach(&mut report, &file.display().to_string());
    }
    gates.apply(&mut report);

    if let Some(file) = &args.export_hyperfine {
        output::write_file(file, &output::json(&hyperfine::export(&report))?)?;
    }
    let flake = args.flake.as_deref().unwrap_or(".");
    let envelope = crate::envelope::of::<BenchReport>(&[&format!("{flake}#")])
        .with_nix_version(Some(report.nix.version.clone()));
    let outcome = output::emit(&report, envelope.clone(), &args.output)?;
    args.history.record(&report, &envelope)?;
    args.baselines
        .save(envelope, || Baseline::from_report(&report))?;
    Ok(outcome)
}

/// Flag combinations clap cannot express.
fn check(args: &BenchArgs) -> anyhow::Result<()> {
    let reference = args.baselines.baseline.is_some() || args.compare.is_some();
    for (set, flag) in [
        (args.max_regression.is_some(), "--max-regression"),
        (args.max_counter_growth.is_some(), "--max-counter-growth"),
    ] {
        if set && !reference {
            bail!("{flag} needs a reference: --baseline FILE or --compare REV");
        }
    }
    if args.file.is_some() && args.attrs.is_empty() {
        bail!("--file needs at least one --attr");
    }
    if (args.max_regression.is_some() || args.compare.is_some()) && args.runs < 2 {
        bail!(
            "--runs must be at least 2 for a time comparison (a confidence interval needs two runs)"
        );
    }
    Ok(())
}

fn plan(args: &BenchArgs, scratch: &Path, bar: &progress::Bar) -> anyhow::Result<Plan> {
    let settings = Settings {
        warmup: args.warmup,
        runs: args.runs,
        min_time: args.min_time.unwrap_or(0.0),
    };
    if let Some(file) = &args.file {
        if !file.is_file() {
            bail!("{}: no such file", file.display());
        }
        let source = file.display().to_string();
        return Ok(Plan {
            nix: eval::identity(Frontend::NixInstantiate)?,
            settings,
            targets: targets(&args.attrs, |a| EvalCommand::file(source.clone(), a)),
            revision: None,
        });
    }

    let nix = eval::identity(Frontend::NixEval)?;
    let flake = args.flake.clone().unwrap_or_else(|| ".".to_owned());
    let Some(rev) = &args.compare else {
        let attrs = attrs(args, &flake, bar)?;
        return Ok(Plan {
            nix,
            settings,
            targets: targets(&attrs, |a| EvalCommand::flake(flake.clone(), a)),
            revision: None,
        });
    };

    let dir = local_dir(&flake).with_context(|| {
        format!("{flake}: --compare needs a flake in a local git repository (a directory)")
    })?;
    bar.note(format!("exporting {rev} and the working tree"));
    let sides = revision::export(&dir, rev, scratch)?;
    let (a, b) = (path_ref(&sides.revision), path_ref(&sides.worktree));
    let attrs = attrs(args, &b, bar)?;
    Ok(Plan {
        nix,
        settings,
        targets: targets(&attrs, |x| EvalCommand::flake(b.clone(), x)),
        revision: Some(RevisionPlan {
            revision: rev.clone(),
            commit: sides.commit,
            commands: attrs
                .iter()
                .map(|x| EvalCommand::flake(a.clone(), x.clone()))
                .collect(),
        }),
    })
}

fn targets(attrs: &[String], command: impl Fn(String) -> EvalCommand) -> Vec<Target> {
    attrs
        .iter()
        .map(|a| Target {
            name: a.clone(),
            command: command(a.clone()),
        })
        .collect()
}

/// The attributes to measure: as given, or the flake's defaults.
fn attrs(args: &BenchArgs, flake: &str, bar: &progress::Bar) -> anyhow::Result<Vec<String>> {
    if !args.attrs.is_empty() {
        return Ok(args.attrs.clone());
    }
    bar.note(format!("looking for nixosConfigurations in {flake}"));
    let system = match &args.system {
        Some(s) => s.clone(),
        None => eval::current_system()?,
    };
    Ok(eval::default_flake_attrs(flake, &system)?)
}

/// The directory of a local flake reference (`.`, `./dir`, `path:/dir`,
/// `git+file:///dir`), without query or fragment.
fn local_dir(flake: &str) -> Option<PathBuf> {
    let rest = flake
        .strip_prefix("path:")
        .or_else(|| flake.strip_prefix("git+file://"))
        .unwrap_or(flake);
    if rest.contains(['?', '#'])
        || (rest.contains(':') && !flake.starts_with("path:") && !flake.starts_with("git+file:"))
    {
        return None;
    }
    let dir = PathBuf::from(rest);
    dir.is_dir().then_some(dir)
}

fn path_ref(dir: &Path) -> String {
    format!("path:{}", dir.display())
}

/// Parses `10s`, `1.5s`, `500ms`, `2m`, `250us` or a number of seconds.
pub fn parse_duration(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let factor = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "us" | "µs" => 1e-6,
        "m" | "min" => 60.0,
        _ => f64::NAN,
    };
    // The product too must be finite: `1e308` minutes are no duration.
    match number.parse::<f64>().map(|v| v * factor) {
        Ok(seconds) if seconds.is_finite() => Ok(seconds),
        _ => Err(format!(
            "{s:?} is not a duration (examples: 10s, 1.5s, 500ms, 2m)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Paint, Render};
    use flakegate_bench::fixed::{FixedExecutor, runs};
    use flakegate_report::{Document, Envelope};
    use flakegate_store::eval::NixIdentity;

    const WEB: &str = "nixosConfigurations.web.config.system.build.toplevel";

    fn plan(revision: bool) -> Plan {
        let b = EvalCommand::flake("path:/src/demo", WEB);
        Plan {
            nix: NixIdentity {
                implementation: "Nix".to_owned(),
                version: "2.8.0".to_owned(),
            },
            settings: Settings {
                warmup: 1,
                runs: 5,
                min_time: 0.0,
            },
            targets: vec![Target {
                name: WEB.to_owned(),
                command: b,
            }],
            revision: revision.then(|| RevisionPlan {
                revision: "HEAD~1".to_owned(),
                commit: "0123456789abcdef0123456789abcdef01234567".to_owned(),
                commands: vec![EvalCommand::flake("path:/rev/demo", WEB)],
            }),
        }
    }

    /// A baseline of 1.00 s runs, then 1 % more work that runs 30 % slower
    /// (one run an outlier), with every gate: known numbers in every format.
    fn baseline_report() -> BenchReport {
        let p = plan(false);
        let cmd = &p.targets[0].command;
        let mut exec = FixedExecutor::new();
        exec.script(cmd, runs(&[9.0, 1.0, 1.02, 0.98, 1.01, 0.99], 100_000));
        let base = flakegate_bench::run(&p, &mut exec, &mut |_| {}).expect("runs");
        let mut exec = FixedExecutor::new();
        exec.script(cmd, runs(&[9.0, 1.3, 1.32, 1.28, 1.31, 2.6], 101_000));
        let mut report = flakegate_bench::run(&p, &mut exec, &mut |_| {}).expect("runs");
        Baseline::from_report(&base).attach(&mut report, "bench-baseline.json");
        Gates {
            max_time: Some(10.0),
            max_regression: Some(20.0),
            max_counter_growth: Some(0.5),
        }
        .apply(&mut report);
        report
    }

    /// HEAD~1 against a working tree with 1 % more work, 10 % slower.
    fn compare_report() -> BenchReport {
        let p = plan(true);
        let mut exec = FixedExecutor::new();
        let a = p.revision.as_ref().expect("revision").commands[0].clone();
        exec.script(&a, runs(&[5.0, 1.0, 1.2, 0.9, 1.1, 1.0], 100_000));
        let mut b = runs(&[5.0, 1.1, 1.32, 0.99, 1.21, 1.1], 101_000);
        b[1].max_rss = 120 * 1024 * 1024;
        exec.script(&p.targets[0].command, b);
        let mut report = flakegate_bench::run(&p, &mut exec, &mut |_| {}).expect("runs");
        Gates {
            max_regression: Some(5.0),
            ..Gates::default()
        }
        .apply(&mut report);
        report
    }

    fn terminal(report: &BenchReport, color: bool) -> String {
        report.terminal(Paint(color))
    }

    #[test]
    fn terminal_report_with_baseline_and_gates() {
        insta::assert_snapshot!(terminal(&baseline_report(), false));
    }

    #[test]
    fn markdown_report_with_baseline_and_gates() {
        insta::assert_snapshot!(baseline_report().markdown());
    }

    #[test]
    fn json_report_with_baseline_and_gates() {
        let mut envelope = Envelope::new("bench", flakegate_bench::SCHEMA);
        envelope.date = None;
        envelope.flakegate_version = "[VERSION]".to_owned();
        let doc = Document {
            envelope,
            body: baseline_report(),
        };
        let text = String::from_utf8(output::json(&doc).expect("json")).expect("utf-8");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["schema"], "flakegate.bench/2");
        assert_eq!(v["gates"][0]["subject"], WEB);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn terminal_report_of_an_ab_comparison() {
        insta::assert_snapshot!(terminal(&compare_report(), false));
    }

    #[test]
    fn markdown_report_of_an_ab_comparison() {
        insta::assert_snapshot!(compare_report().markdown());
    }

    #[test]
    fn hyperfine_export_of_an_ab_comparison() {
        let json =
            serde_json::to_string_pretty(&hyperfine::export(&compare_report())).expect("json");
        insta::assert_snapshot!(json);
    }

    #[test]
    fn colour_only_when_asked() {
        let report = baseline_report();
        let plain = terminal(&report, false);
        let coloured = terminal(&report, true);
        assert!(!plain.contains('\x1b'));
        assert!(
            coloured.contains("FAIL") && coloured.contains('\x1b'),
            "{coloured}"
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(10.0));
        assert_eq!(parse_duration("1.5"), Ok(1.5));
        assert_eq!(parse_duration("500ms"), Ok(0.5));
        assert_eq!(parse_duration("2m"), Ok(120.0));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("10 parsecs").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn local_flake_directories() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path().display().to_string();
        assert_eq!(local_dir(&d), Some(dir.path().to_path_buf()));
        assert_eq!(
            local_dir(&format!("path:{d}")),
            Some(dir.path().to_path_buf())
        );
        assert_eq!(
            local_dir(&format!("git+file://{d}")),
            Some(dir.path().to_path_buf())
        );
        assert_eq!(local_dir("github:NixOS/nixpkgs"), None);
        assert_eq!(local_dir(&format!("path:{d}?rev=x")), None);
        assert_eq!(local_dir("/no/such/dir"), None);
    }

    mod duration_properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn units_scale_seconds(x in 0.0f64..1e6, unit in 0usize..6) {
                let (name, factor) = [("", 1.0), ("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("m", 60.0), ("min", 60.0)][unit];
                let got = parse_duration(&format!("{x}{name}")).map_err(TestCaseError::fail)?;
                prop_assert!((got - x * factor).abs() <= 1e-9 * x * factor, "{got} for {x}{name}");
            }

            #[test]
            fn durations_read_are_finite_and_not_negative(s in "[0-9]{300,312}(\\.[0-9])?(m|min|s)|.{0,20}") {
                if let Ok(v) = parse_duration(&s) {
                    prop_assert!(v.is_finite() && v >= 0.0, "{s:?} read as {v}");
                }
            }
        }

        /// Found by `durations_read_are_finite_and_not_negative`: a finite
        /// number of minutes whose seconds overflow to infinity.
        #[test]
        fn minutes_past_the_largest_float_are_refused() {
            let text = format!("{}m", "9".repeat(308));
            assert!(
                parse_duration(&text).is_err(),
                "{:?}",
                parse_duration(&text)
            );
        }
    }
}
