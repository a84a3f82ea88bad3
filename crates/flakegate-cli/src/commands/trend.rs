//! `flakegate trend`: the runs recorded by `--history FILE` as tables, an SVG
//! chart per metric and badges for a README.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use flakegate_report::{Envelope, Report};
use flakegate_trend::{Source, TrendReport};

use crate::exit::Outcome;
use crate::output::{self, OutputArgs};

pub const EXAMPLES: &str = "\
Examples:
  flakegate closure .#toplevel --max-size 15GiB --history closure.jsonl
  flakegate bench --max-time 5s --history bench.jsonl
  flakegate trend closure.jsonl bench.jsonl --markdown >> \"$GITHUB_STEP_SUMMARY\"
  flakegate trend closure.jsonl --svg-dir docs/trend
  flakegate trend closure.jsonl bench.jsonl cache.jsonl --json

With --svg-dir, DIR gets TOOL-METRIC[-SUBJECT].svg per metric (the values,
each run's dot coloured by its verdict and labelled by its commit, each
gate's limit as a line) and badge-TOOL-METRIC[-SUBJECT].svg for closure size,
eval time, build time and cache hit rate.

Exit status: 0 when the history was read (trend reports; the runs
themselves gated), 2 when a line is not a history line (file and line are
named). A torn last line left by a crash is skipped with a warning.";

#[derive(Debug, Args)]
pub struct TrendArgs {
    /// History files written by --history (one JSON line per run).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Write an SVG chart per metric and the badges into DIR (created).
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub svg_dir: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &TrendArgs) -> anyhow::Result<Outcome> {
    args.output.check()?;
    let names: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
    let mut texts = Vec::new();
    for (file, name) in args.files.iter().zip(&names) {
        texts.push(std::fs::read_to_string(file).with_context(|| format!("{name}: cannot read"))?);
    }
    let sources: Vec<Source<'_>> = names
        .iter()
        .zip(&texts)
        .map(|(name, text)| Source { name, text })
        .collect();
    let report = flakegate_trend::analyse(&sources)?;
    for line in &report.skipped {
        eprintln!("warning: {line}: torn line (a run cut short), skipped");
    }
    if let Some(dir) = &args.svg_dir {
        write_pictures(dir, &report)?;
    }
    let envelope = Envelope::new(TrendReport::TOOL, TrendReport::SCHEMA);
    output::emit(&report, envelope, &args.output)?;
    // A trend reports; the runs it shows were gated when they ran.
    Ok(Outcome::Success)
}

fn write_pictures(dir: &std::path::Path, report: &TrendReport) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!("{}: not a directory (--svg-dir)", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    for s in &report.series {
        let chart = flakegate_trend::chart::svg(s)?;
        output::write_file(&dir.join(format!("{}.svg", s.slug())), chart.as_bytes())?;
        if let Some(badge) = flakegate_trend::badge::of(s) {
            output::write_file(
                &dir.join(format!("badge-{}.svg", s.slug())),
                badge.as_bytes(),
            )?;
        }
    }
    Ok(())
}
