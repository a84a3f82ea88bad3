//! `flakegate build`: `nix build` with a profile — each derivation built or
//! fetched, when, for how long, in which phases and on which machine; the
//! critical path; the slowest builds; and the build-time gates.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use flakegate_build::{Baseline, BuildInput, BuildReport, Limits};
use flakegate_report::write;
use flakegate_store::StoreDir;
use flakegate_store::build::{ActivityKind, Event, Field, run_build, strip_ansi};

use crate::exit::Outcome;
use crate::output::{self, BaselineArgs, HistoryArgs, OutputArgs};
use crate::units::{parse_duration, parse_percent};

pub const EXAMPLES: &str = "\
Examples:
  flakegate build .#nixosConfigurations.host.config.system.build.toplevel
  flakegate build .#default --max-build-time 120s --warn-build-time 90s --markdown \\
      >> \"$GITHUB_STEP_SUMMARY\"
  flakegate build .#default --max-built 0            # a cache-only job: nothing may be built
  flakegate build .#default --trace build-trace.json # open in ui.perfetto.dev
  flakegate build .#default --baseline build-baseline.json --max-regression 25%
  flakegate build ./default.nix -- --no-link --option max-jobs 4

Everything after `--` goes to `nix build` as is. The Nix log is passed through
on stderr (--quiet hides it); the report goes to stdout.";

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// What to build: flake references (.#attr), .drv files, store paths or
    /// Nix files, as `nix build` takes them.
    #[arg(value_name = "INSTALLABLE", required = true)]
    pub installables: Vec<String>,
    /// Options for `nix build` (after `--`).
    #[arg(last = true, value_name = "NIX_ARGS")]
    pub nix_args: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub history: HistoryArgs,
    /// How many of the slowest builds to list.
    #[arg(long, default_value_t = 10, value_name = "N", help_heading = "Output")]
    pub top: usize,
    /// Also write the profile as Chrome trace-event JSON (Perfetto,
    /// about:tracing).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub trace: Option<PathBuf>,
    /// Do not pass the Nix log through to stderr.
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// Fail (exit 1) when `nix build` takes longer than DURATION (120s, 2m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Gates")]
    pub max_build_time: Option<f64>,
    /// Warn (exit 0) when `nix build` takes longer than DURATION.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = "Gates")]
    pub warn_build_time: Option<f64>,
    /// Fail when more than N derivations are built (0: everything must come
    /// from a cache).
    #[arg(long, value_name = "N", help_heading = "Gates")]
    pub max_built: Option<u64>,
    // The command names the heading: a gate's reference for closure and
    // build, one side of an A/B comparison for bench.
    #[command(flatten, next_help_heading = "Gates")]
    pub baselines: BaselineArgs,
    /// Fail when the wall time grew by more than PCT over the baseline.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, requires = "baseline", help_heading = "Gates")]
    pub max_regression: Option<f64>,
}

/// The `.drv` paths the run started building.
fn built_derivations(events: &[flakegate_store::build::TimedEvent]) -> Vec<String> {
    let drvs: BTreeSet<String> = events
        .iter()
        .filter_map(|e| match &e.event {
            Event::Start {
                kind: ActivityKind::Build,
                fields,
                ..
            } => fields.first().and_then(Field::as_str).map(str::to_owned),
            _ => None,
        })
        .collect();
    drvs.into_iter().collect()
}

pub fn run(args: &BuildArgs) -> anyhow::Result<Outcome> {
    args.output.check()?;
    args.history.check()?;
    if let Some(file) = &args.trace {
        write::check(file)?;
    }
    let baseline = args.baselines.read::<Baseline>()?;
    let quiet = args.quiet;
    // Nix's own colours, only where the user would see them from Nix.
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let run = run_build(
        &args.installables,
        &args.nix_args,
        &mut |line| match (quiet, colour) {
            (true, _) => {}
            (false, true) => eprintln!("{line}"),
            (false, false) => eprintln!("{}", strip_ansi(line)),
        },
    )?;
    let drvs = built_derivations(&run.events);
    if !run.success && drvs.is_empty() {
        // Nothing was built: evaluation or argument errors are input errors.
        let message = run
            .errors
            .last()
            .map_or("it failed before building anything", String::as_str);
        bail!(
            "{}: {}",
            run.command,
            message.trim_start_matches("error: ").trim()
        );
    }
    let dependencies = flakegate_store::build::dependencies(&drvs, &StoreDir::from_env())?;
    let report = flakegate_build::analyse(
        BuildInput {
            installables: args.installables.clone(),
            events: run.events,
            wall: run.wall,
            success: run.success,
            errors: run.errors,
            dependencies,
        },
        &Limits {
            max_build_time: args.max_build_time,
            warn_build_time: args.warn_build_time,
            max_built: args.max_built,
            baseline,
            max_regression_percent: args.max_regression,
        },
        args.top,
    );
    if let Some(file) = &args.trace {
        let trace = flakegate_build::trace(&report.steps);
        output::write_file(file, &output::json(&trace)?)?;
    }
    let inputs: Vec<&str> = args.installables.iter().map(String::as_str).collect();
    let envelope = crate::envelope::of::<BuildReport>(&inputs);
    let outcome = output::emit(&report, envelope.clone(), &args.output)?;
    args.history.record(&report, &envelope)?;
    args.baselines
        .save(envelope, || Baseline::from_report(&report))?;
    Ok(outcome)
}
