//! `flakegate closure`: size of a closure, what each path adds, duplicates,
//! and the budget and baseline gates.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use flakegate_closure::{AnalyseOptions, Baseline, Budget, ClosureReport};
use flakegate_report::{Envelope, baseline};
use flakegate_store::backend::attrs_json;
use flakegate_store::installable::{self, ResolveOptions};
use flakegate_store::{Closure, Detail};

use super::store_args::BackendArgs;

use crate::exit::Outcome;
use crate::output::{self, BaselineArgs, HistoryArgs, OutputArgs};
use crate::progress::Progress;
use crate::render::{Paint, Render};
use crate::units::{parse_percent, parse_size};

pub const EXAMPLES: &str = "\
Examples:
  flakegate closure ./result
  flakegate closure /run/current-system --why openssl
  flakegate closure .#nixosConfigurations.host.config.system.build.toplevel --build \\
      --max-size 15GiB --warn-size 12GiB
  flakegate closure ./result --save-baseline closure-baseline.json
  flakegate closure ./result --baseline closure-baseline.json --max-growth 5% --markdown

Definitions: self = the path's NAR size; closure = it and everything it refers
to; added = what leaves the closure if the path is no longer referenced;
exclusive = added - self.";

#[derive(Debug, Args)]
pub struct ClosureArgs {
    /// Store paths, symlinks to them (./result, /run/current-system), .drv
    /// files (their outputs) or flake references (.#attr).
    #[arg(value_name = "INSTALLABLE")]
    pub installables: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub history: HistoryArgs,
    /// How many paths the "largest" lists show.
    #[arg(long, default_value_t = 10, value_name = "N", help_heading = "Output")]
    pub top: usize,
    /// Show a shortest reference chain from a root to a path (store path,
    /// store path name or package name). Repeatable.
    #[arg(long, value_name = "PATH", help_heading = "Output")]
    pub why: Vec<String>,
    /// Explain which backend was used and why, on stderr.
    #[arg(short, long, help_heading = "Output")]
    pub verbose: bool,

    /// Fail (exit 1) when the total closure size exceeds SIZE (e.g. 15GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Gates")]
    pub max_size: Option<u64>,
    /// Warn (exit 0) when the total closure size exceeds SIZE.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Gates")]
    pub warn_size: Option<u64>,
    /// Fail when the closure has more than N paths.
    #[arg(long, value_name = "N", help_heading = "Gates")]
    pub max_paths: Option<u64>,
    // The command names the heading: a gate's reference for closure and
    // build, one side of an A/B comparison for bench.
    #[command(flatten, next_help_heading = "Gates")]
    pub baselines: BaselineArgs,
    /// Fail when the total grew by more than PCT over the baseline (e.g. 5%).
    #[arg(long, value_name = "PCT", value_parser = parse_percent, requires = "baseline", help_heading = "Gates")]
    pub max_growth: Option<f64>,

    /// Build installables that are not realised yet.
    #[arg(long, help_heading = "Store")]
    pub build: bool,
    #[command(flatten)]
    pub store: BackendArgs,
    /// Read the closure from a build's .attrs.json (exportReferencesGraph)
    /// instead of the store.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["installables", "in_build"], help_heading = "Store")]
    pub attrs_json: Option<PathBuf>,
    /// Run as a Nix builder (see the flake's lib.closureBudget): read
    /// $NIX_ATTRS_JSON_FILE or ./.attrs.json, print the report to the build
    /// log and write report.{txt,json,md} and baseline.json to $out.
    #[arg(long, conflicts_with = "installables", help_heading = "Store")]
    pub in_build: bool,
}

pub fn run(args: &ClosureArgs) -> anyhow::Result<Outcome> {
    if args.installables.is_empty() && args.attrs_json.is_none() && !args.in_build {
        bail!("no installable given (try `flakegate closure ./result`, or --help)");
    }
    let budget = budget(args)?;
    args.output.check()?;
    args.history.check()?;
    let progress = Progress::new(args.in_build);

    let (closure, out_dir) = if args.in_build {
        let file = attrs_json::locate();
        let attrs = attrs_json::read(&file)?;
        let out = attrs.out_path(&file)?;
        (attrs.closure, Some(out))
    } else if let Some(file) = &args.attrs_json {
        (attrs_json::read(file)?.closure, None)
    } else {
        (query_store(args, &progress)?, None)
    };

    progress.step("analysing");
    let started = std::time::Instant::now();
    let mut report = flakegate_closure::analyse(
        &closure,
        &AnalyseOptions {
            top: args.top,
            why: args.why.clone(),
        },
    );
    budget.apply(&mut report);
    progress.finish();
    if args.verbose {
        eprintln!(
            "note: analysed {} paths in {} ms",
            report.path_count,
            started.elapsed().as_millis()
        );
    }

    let inputs: Vec<&str> = args.installables.iter().map(String::as_str).collect();
    let envelope = crate::envelope::of::<ClosureReport>(&inputs);
    let outcome = if let Some(out) = out_dir {
        write_build_outputs(&out, &report, &envelope)?;
        print!("{}", report.terminal(Paint(false)));
        Outcome::from_status(report.status)
    } else {
        output::emit(&report, envelope.clone(), &args.output)?
    };
    args.history.record(&report, &envelope)?;
    args.baselines
        .save(envelope, || Baseline::from_report(&report))?;
    // The process ends here: freeing every path's strings one by one would
    // add about a tenth to a large closure's run.
    std::mem::forget((closure, report));
    Ok(outcome)
}

fn budget(args: &ClosureArgs) -> anyhow::Result<Budget> {
    Ok(Budget {
        max_size: args.max_size,
        warn_size: args.warn_size,
        max_paths: args.max_paths,
        baseline: args.baselines.read::<Baseline>()?,
        max_growth_percent: args.max_growth,
    })
}

fn query_store(args: &ClosureArgs, progress: &Progress) -> anyhow::Result<Closure> {
    let store = args.store.open(args.verbose)?;
    if args.verbose {
        eprintln!("note: reading path infos with the {} backend", store.kind());
    }
    let mut roots: Vec<String> = Vec::new();
    for input in &args.installables {
        progress.step(format!("resolving {input}"));
        // A build writes its log to stderr: no spinner over it.
        let opts = ResolveOptions { build: args.build };
        let resolved = progress.suspend(|| installable::resolve(input, &*store, opts))?;
        for p in resolved.paths {
            if !roots.contains(&p) {
                roots.push(p);
            }
        }
    }
    progress.step(format!("reading the closure of {} root(s)", roots.len()));
    let started = std::time::Instant::now();
    let closure = store.closure_with(&roots, Detail::Graph)?;
    if args.verbose {
        eprintln!(
            "note: read {} path infos in {} ms",
            closure.paths.len(),
            started.elapsed().as_millis()
        );
    }
    Ok(closure)
}

/// Inside a build: every rendering of the report and a baseline for next time.
fn write_build_outputs(
    out: &std::path::Path,
    report: &ClosureReport,
    envelope: &Envelope,
) -> anyhow::Result<()> {
    output::write_build_reports(out, report, envelope.clone())?;
    baseline::write(
        &out.join("baseline.json"),
        envelope.clone(),
        &Baseline::from_report(report),
    )?;
    Ok(())
}
