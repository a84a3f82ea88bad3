//! `flakegate report`: many tools' reports as one summary — a table with a
//! row per gate first, then each tool's own report folded.

use std::fmt::Write;

use flakegate_report::{Gate, Status};
use serde::Serialize;

use super::gates::{badge, cell, word};
use super::workflow::{At, annotate};
use super::{Paint, Render};

pub const SCHEMA: &str = "flakegate.summary/1";

/// GitHub refuses a step summary over 1 MiB; leave room for other steps.
pub const MARKDOWN_BUDGET: usize = 1000 * 1024;

/// The marker a workflow step looks for to update its comment in place.
pub const COMMENT_MARKER: &str = "<!-- flakegate-report -->";

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub status: Status,
    pub tools: Vec<ToolSummary>,
    /// Every gate of every tool, each with its tool in `subject` when the
    /// tool did not name one.
    pub gates: Vec<Gate>,
    /// Start the Markdown with [`COMMENT_MARKER`].
    #[serde(skip)]
    pub comment_marker: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolSummary {
    pub tool: String,
    pub file: String,
    pub status: Status,
    pub headline: String,
    /// Against the tool's baseline or reference, when it had one.
    pub delta: Option<String>,
    pub gates: Vec<Gate>,
    #[serde(skip)]
    pub markdown: String,
}

impl ToolSummary {
    pub fn of<R: Render>(file: &str, report: &R) -> Self {
        Self {
            tool: R::TOOL.to_owned(),
            file: file.to_owned(),
            status: report.status(),
            headline: report.headline(),
            delta: report.delta(),
            gates: report.gates().to_vec(),
            markdown: report.markdown(),
        }
    }
}

impl Summary {
    pub fn new(tools: Vec<ToolSummary>, comment_marker: bool) -> Self {
        let gates: Vec<Gate> = tools.iter().flat_map(|t| t.gates.clone()).collect();
        Self {
            status: Status::overall(tools.iter().map(|t| t.status)),
            tools,
            gates,
            comment_marker,
        }
    }

    /// GitHub workflow commands: an annotation per gate that failed or
    /// warned, so the run's page lists them.
    pub fn github(&self) -> String {
        let mut o = String::new();
        for t in &self.tools {
            for g in &t.gates {
                let level = match g.status {
                    Status::Fail => "error",
                    Status::Warn => "warning",
                    Status::Pass | Status::Skipped => continue,
                };
                let subject = g
                    .subject
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                let message = format!(
                    "{}{subject}: {} over the limit of {}",
                    g.gate.label(),
                    g.actual_text(),
                    g.limit_text()
                );
                let title = format!("flakegate {}", t.tool);
                annotate(&mut o, level, "", At::Nowhere, Some(&title), &message);
            }
        }
        o
    }
}

flakegate_report::impl_report!(Summary, "report", SCHEMA);

impl Render for Summary {
    fn terminal(&self, p: Paint) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{} {} report(s)",
            p.bold("flakegate report:"),
            self.tools.len()
        );
        for t in &self.tools {
            let delta = t
                .delta
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {} {:<8} {}{delta}",
                word(t.status, p),
                t.tool,
                t.headline
            );
            for g in &t.gates {
                let subject = g
                    .subject
                    .as_deref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "      {} {}{subject}: {} (limit {})",
                    word(g.status, p),
                    g.gate.label(),
                    g.actual_text(),
                    g.limit_text()
                );
            }
        }
        let _ = writeln!(
            o,
            "{} {}",
            p.bold("result:"),
            word(self.status, p).trim_end()
        );
        o
    }

    fn markdown(&self) -> String {
        let mut o = String::new();
        if self.comment_marker {
            let _ = writeln!(o, "{COMMENT_MARKER}");
        }
        let _ = writeln!(o, "## flakegate: {}\n", badge(self.status));
        let _ = writeln!(
            o,
            "| Tool | Gate | Status | Value | Limit | Δ baseline |\n|---|---|---|---:|---:|---|"
        );
        for t in &self.tools {
            let delta = cell(t.delta.as_deref().unwrap_or(""));
            if t.gates.is_empty() {
                let _ = writeln!(
                    o,
                    "| {} | – | {} | {} | | {delta} |",
                    t.tool,
                    badge(t.status),
                    cell(&t.headline)
                );
            }
            for g in &t.gates {
                let subject = g
                    .subject
                    .as_deref()
                    .map(|s| format!(" ({})", cell(s)))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "| {} | {}{subject} | {} | {} | {} | {delta} |",
                    t.tool,
                    g.gate.label(),
                    badge(g.status),
                    g.actual_text(),
                    g.limit_text()
                );
            }
        }
        o.push('\n');
        // Each tool's report folded, as long as the whole stays under the
        // step-summary limit; what does not fit is named, not cut mid-way.
        let mut left_out = Vec::new();
        for t in &self.tools {
            let section = format!(
                "<details><summary>{} — {}</summary>\n\n{}\n</details>\n\n",
                t.tool,
                html_escape(&t.headline),
                t.markdown
            );
            if o.len() + section.len() + 512 <= MARKDOWN_BUDGET {
                o.push_str(&section);
            } else {
                left_out.push(format!("{} (`{}`)", t.tool, t.file));
            }
        }
        if !left_out.is_empty() {
            let _ = writeln!(
                o,
                "> Details left out to stay under GitHub's 1 MiB step-summary limit: {}.",
                left_out.join(", ")
            );
        }
        o
    }

    fn headline(&self) -> String {
        format!("{} reports, {}", self.tools.len(), self.status.word())
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
