//! The output flags every report command shares, and the one way a report
//! leaves the process: `parse args → call the engine → emit`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use flakegate_report::{
    Document, Envelope, HistoryLine, KeyFigures, Schema, baseline, history, write,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::exit::Outcome;
use crate::render::{ColorChoice, Paint, Render, use_color};

#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Print the report as JSON (its "schema" field names the version).
    #[arg(long, conflicts_with = "markdown", help_heading = "Output")]
    pub json: bool,
    /// Print the report as Markdown, e.g. for $GITHUB_STEP_SUMMARY.
    #[arg(long, help_heading = "Output")]
    pub markdown: bool,
    /// Write the report to FILE instead of stdout (a regular file is
    /// replaced atomically; `-` and devices are written through).
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Also write the JSON report to FILE, in the same run.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub json_out: Option<PathBuf>,
    /// Also write the Markdown report to FILE, in the same run.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub markdown_out: Option<PathBuf>,
    /// When to use colour in the terminal report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,
}

/// `--history FILE`, shared by the tools whose runs make a trend (closure,
/// bench, build, cache): one JSON line per run, appended.
#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// Append this run's key figures and gates to FILE as one JSON line
    /// (created if missing; earlier lines are never rewritten). Chart it
    /// with `flakegate trend FILE`.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub history: Option<PathBuf>,
}

impl HistoryArgs {
    /// Fails now, before any measuring, when FILE's directory is missing or
    /// FILE is a directory.
    pub fn check(&self) -> anyhow::Result<()> {
        if let Some(file) = &self.history {
            write::check(file)?;
        }
        Ok(())
    }

    /// Appends the run's line, after its report is out: a run that failed
    /// to report leaves no line.
    pub fn record<R: KeyFigures>(&self, report: &R, envelope: &Envelope) -> anyhow::Result<()> {
        if let Some(file) = &self.history {
            history::append(file, &HistoryLine::of(report, envelope.clone()))?;
        }
        Ok(())
    }
}

/// `--baseline FILE` and `--save-baseline FILE`, shared by the tools that
/// compare a run with an earlier one (closure, bench, build). The file is
/// the tool's own baseline document, schema-checked on reading.
#[derive(Debug, Clone, Args)]
pub struct BaselineArgs {
    /// Compare with a baseline saved by --save-baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Save this run as a baseline to FILE (written atomically).
    #[arg(long, value_name = "FILE")]
    pub save_baseline: Option<PathBuf>,
}

impl BaselineArgs {
    /// The baseline to compare with, if any. Called before any work: a bad
    /// baseline, or a FILE to save to whose directory is missing, fails now
    /// rather than after minutes of measuring.
    pub fn read<B: Schema + DeserializeOwned>(&self) -> anyhow::Result<Option<B>> {
        if let Some(file) = &self.save_baseline {
            write::check(file)?;
        }
        match &self.baseline {
            Some(file) => Ok(Some(baseline::read::<B>(file)?.body)),
            None => Ok(None),
        }
    }

    /// Saves the run, once its report is out: a run that failed to write
    /// its report must not have replaced the baseline.
    pub fn save<B: Schema + Serialize>(
        &self,
        envelope: Envelope,
        body: impl FnOnce() -> B,
    ) -> anyhow::Result<()> {
        if let Some(file) = &self.save_baseline {
            baseline::write(file, envelope, &body())?;
        }
        Ok(())
    }
}

/// The format of the main output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Terminal,
    Markdown,
    Json,
}

impl OutputArgs {
    #[must_use]
    pub fn format(&self) -> Format {
        match (self.json, self.markdown) {
            (true, _) => Format::Json,
            (_, true) => Format::Markdown,
            _ => Format::Terminal,
        }
    }

    /// Fails now, before any measuring, when an output file could not be
    /// written later (a missing directory, a directory in its place).
    pub fn check(&self) -> anyhow::Result<()> {
        for file in self.files() {
            write::check(file)?;
        }
        Ok(())
    }

    fn files(&self) -> impl Iterator<Item = &PathBuf> {
        [&self.output, &self.json_out, &self.markdown_out]
            .into_iter()
            .flatten()
    }

    /// Colour only for a terminal report going to a terminal.
    fn paint(&self) -> Paint {
        Paint(self.output.is_none() && use_color(self.color))
    }
}

/// Renders `report` as the flags ask, writes every requested file, and
/// returns the outcome its status calls for. A report that cannot be
/// serialised is an error (exit 2), never a pseudo-JSON text.
pub fn emit<R: Render>(
    report: &R,
    envelope: Envelope,
    args: &OutputArgs,
) -> anyhow::Result<Outcome> {
    let doc = Document {
        envelope,
        body: report,
    };
    if let Some(file) = &args.json_out {
        write_file(file, &json(&doc)?)?;
    }
    if let Some(file) = &args.markdown_out {
        write_file(file, report.markdown().as_bytes())?;
    }
    match (args.format(), &args.output) {
        (Format::Json, None) => {
            // Streamed: a large diff's JSON is tens of MB.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            serde_json::to_writer_pretty(&mut out, &doc).context("cannot serialise the report")?;
            out.write_all(b"\n")?;
            out.flush()?;
        }
        (Format::Json, Some(file)) => write_file(file, &json(&doc)?)?,
        (Format::Markdown, file) => put(file.as_deref(), report.markdown().as_bytes())?,
        (Format::Terminal, file) => put(file.as_deref(), report.terminal(args.paint()).as_bytes())?,
    }
    Ok(Outcome::from_status(report.status()))
}

/// Inside a Nix build: the report as `report.txt`, `report.json` and
/// `report.md` in `out` (the check's output), which is created.
pub fn write_build_reports<R: Render>(
    out: &Path,
    report: &R,
    envelope: Envelope,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    let doc = Document {
        envelope,
        body: report,
    };
    let files = [
        ("report.txt", report.terminal(Paint(false)).into_bytes()),
        ("report.json", json(&doc)?),
        ("report.md", report.markdown().into_bytes()),
    ];
    for (name, bytes) in files {
        write_file(&out.join(name), &bytes)?;
    }
    Ok(())
}

/// The report's JSON document, as `--json` prints it.
pub fn json<T: serde::Serialize>(doc: &T) -> anyhow::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(doc).context("cannot serialise the report")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes to `file` (see `flakegate_report::write`) or to stdout.
pub fn put(file: Option<&Path>, contents: &[u8]) -> anyhow::Result<()> {
    match file {
        Some(f) => write_file(f, contents),
        None => {
            std::io::stdout().write_all(contents)?;
            Ok(())
        }
    }
}

pub fn write_file(file: &Path, contents: &[u8]) -> anyhow::Result<()> {
    write::write(file, contents)?;
    Ok(())
}
