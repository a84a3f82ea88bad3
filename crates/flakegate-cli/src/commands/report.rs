//! `flakegate report`: the JSON reports of several tools (and SBOMs) as one
//! summary for a pull request, with one overall exit status.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use flakegate_bench::BenchReport;
use flakegate_build::BuildReport;
use flakegate_cache::CacheReport;
use flakegate_closure::ClosureReport;
use flakegate_diff::DiffReport;
use flakegate_lint::LintReport;
use flakegate_lock::{HealthReport, LockDiff};
use flakegate_report::{Document, Report};
use flakegate_sbom::policy::LicenseReport;
use serde::de::DeserializeOwned;

use crate::exit::Outcome;
use crate::output::{self, OutputArgs};
use crate::render::summary::{Summary, ToolSummary};

pub const EXAMPLES: &str = "\
Examples:
  flakegate closure .#toplevel --max-size 15GiB --json-out closure.json
  flakegate bench --compare origin/main --json-out bench.json
  flakegate report closure.json bench.json --markdown >> \"$GITHUB_STEP_SUMMARY\"
  flakegate report *.json --markdown --comment-marker -o comment.md
  flakegate report *.json --format github      # annotations for failed gates

Reads the --json output of closure, diff, bench (and CycloneDX or SPDX SBOMs),
and exits 1 when any of their gates failed.";

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// JSON files written by flakegate's tools (`--json` or `--json-out`).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Print GitHub workflow commands (annotations) instead of a report.
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<SummaryFormat>,
    /// Start the Markdown with a hidden marker, so that a workflow step can
    /// find the comment it posted before and update it.
    #[arg(long, help_heading = "Output")]
    pub comment_marker: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SummaryFormat {
    Github,
}

pub fn run(args: &ReportArgs) -> anyhow::Result<Outcome> {
    args.output.check()?;
    let mut tools = Vec::new();
    for file in &args.files {
        tools.push(read(file)?);
    }
    let summary = Summary::new(tools, args.comment_marker);
    if let Some(SummaryFormat::Github) = args.format {
        output::put(args.output.output.as_deref(), summary.github().as_bytes())?;
        return Ok(Outcome::from_status(summary.status));
    }
    let envelope = crate::envelope::of::<Summary>(&[]);
    output::emit(&summary, envelope, &args.output)
}

/// One tool's report, recognised by its `tool` (or, for files written
/// before the envelope, its `schema`).
fn read(file: &PathBuf) -> anyhow::Result<ToolSummary> {
    let shown = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("{shown}: cannot read"))?;
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).with_context(|| format!("{shown}: not JSON"))?;
    if value.get("bomFormat").and_then(|v| v.as_str()) == Some("CycloneDX")
        || value.get("spdxVersion").is_some()
    {
        return Ok(sbom(&shown, &value));
    }
    let schema = value
        .get("schema")
        .and_then(|v| v.as_str())
        .with_context(|| format!("{shown}: not a flakegate report (no \"schema\" field)"))?
        .to_owned();
    match schema.as_str() {
        ClosureReport::SCHEMA => tool::<ClosureReport>(&shown, value),
        BenchReport::SCHEMA => tool::<BenchReport>(&shown, value),
        DiffReport::SCHEMA => tool::<DiffReport>(&shown, value),
        HealthReport::SCHEMA => tool::<HealthReport>(&shown, value),
        LockDiff::SCHEMA => tool::<LockDiff>(&shown, value),
        BuildReport::SCHEMA => tool::<BuildReport>(&shown, value),
        CacheReport::SCHEMA => tool::<CacheReport>(&shown, value),
        LintReport::SCHEMA => tool::<LintReport>(&shown, value),
        LicenseReport::SCHEMA => tool::<LicenseReport>(&shown, value),
        other => bail!("{shown}: report schema {other:?} is not supported by this flakegate"),
    }
}

fn tool<R>(shown: &str, value: serde_json::Value) -> anyhow::Result<ToolSummary>
where
    R: crate::render::Render + DeserializeOwned,
{
    let doc: Document<R> = serde_json::from_value(value)
        .with_context(|| format!("{shown}: not a valid {} report", R::TOOL))?;
    Ok(ToolSummary::of(shown, &doc.body))
}

/// An SBOM has no gates of its own here: the summary says what it holds.
fn sbom(shown: &str, value: &serde_json::Value) -> ToolSummary {
    let (format, items) = if let Some(v) = value.get("specVersion") {
        (
            format!("CycloneDX {}", v.as_str().unwrap_or("?")),
            value.get("components"),
        )
    } else {
        (
            value
                .get("spdxVersion")
                .and_then(|v| v.as_str())
                .unwrap_or("SPDX")
                .to_owned(),
            value.get("packages"),
        )
    };
    let n = items.and_then(|c| c.as_array()).map_or(0, Vec::len);
    let headline = format!("{format}, {n} components");
    ToolSummary {
        tool: "sbom".to_owned(),
        file: shown.to_owned(),
        status: flakegate_report::Status::Pass,
        headline: headline.clone(),
        delta: None,
        gates: Vec::new(),
        markdown: format!("{headline} in `{shown}`.\n"),
    }
}
