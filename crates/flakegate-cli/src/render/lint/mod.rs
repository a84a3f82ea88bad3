//! The lint report: code frames on a terminal, a Markdown summary, and the
//! lint-only formats (SARIF, GitHub annotations).

mod frames;
pub mod github;
mod markdown;
pub mod sarif;

use std::fmt::Write;

use flakegate_lint::LintReport;
use flakegate_report::Report;

use super::{Paint, Render, gates, plural};

impl Render for LintReport {
    fn terminal(&self, p: Paint) -> String {
        let mut o = frames::render(self, p);
        for u in &self.unreadable {
            let _ = writeln!(o, "{} {}: {}", p.yellow("skipped"), u.file, u.reason);
        }
        let _ = writeln!(o, "{}", p.bold(&self.headline()));
        if let Some(n) = self.fixed {
            let _ = writeln!(o, "fixed: {n}");
        }
        let fixable = self
            .findings
            .iter()
            .filter(|f| f.finding.fix.is_some())
            .count();
        if fixable > 0 && self.fixed.is_none() {
            let _ = writeln!(o, "{fixable} can be fixed with --fix");
        }
        o.push_str(&gates::terminal(self.gates(), self.status(), p));
        o
    }

    fn markdown(&self) -> String {
        markdown::render(self)
    }

    fn headline(&self) -> String {
        headline(self)
    }
}

fn headline(r: &LintReport) -> String {
    let files = plural(r.files, "file");
    if r.findings.is_empty() {
        return format!("no findings in {files}");
    }
    format!(
        "{} ({}, {}) in {files}",
        plural(r.findings.len(), "finding"),
        plural(r.errors, "error"),
        plural(r.warnings, "warning"),
    )
}
