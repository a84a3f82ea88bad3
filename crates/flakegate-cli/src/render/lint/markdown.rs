//! The Markdown report: counts by rule, then the findings (at most
//! [`MAX_ROWS`], so that a step summary stays readable), then the gates.

use std::fmt::Write;

use flakegate_lint::{LintReport, Rule};
use flakegate_report::Report;

use crate::render::{gates, md_code};

const MAX_ROWS: usize = 300;

pub fn render(r: &LintReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## flakegate lint\n\n{}\n", super::headline(r));
    if !r.findings.is_empty() {
        let _ = writeln!(o, "| rule | findings | what it finds |\n|---|---:|---|");
        for rule in r.rules() {
            let n = r.counts.get(rule.id()).copied().unwrap_or(0);
            let _ = writeln!(o, "| {} | {n} | {} |", md_code(rule.id()), cell(rule));
        }
        let _ = writeln!(
            o,
            "\n<details><summary>Findings</summary>\n\n| where | rule | message |\n|---|---|---|"
        );
        for f in r.findings.iter().take(MAX_ROWS) {
            let at = format!(
                "{}:{}:{}",
                f.file, f.finding.span.start.line, f.finding.span.start.column
            );
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                md_code(&at),
                md_code(f.finding.rule.id()),
                f.finding.message.replace('|', "\\|")
            );
        }
        if r.findings.len() > MAX_ROWS {
            let _ = writeln!(o, "\n{} more not shown.", r.findings.len() - MAX_ROWS);
        }
        let _ = writeln!(o, "\n</details>\n");
    }
    for u in &r.unreadable {
        let _ = writeln!(
            o,
            "- skipped {}: {}",
            md_code(&u.file),
            u.reason.replace('|', "\\|")
        );
    }
    if let Some(n) = r.fixed {
        let _ = writeln!(o, "\nFixed: {n}.");
    }
    o.push_str(&gates::markdown(r.gates(), r.status(), "Subject"));
    o
}

fn cell(rule: Rule) -> String {
    rule.summary().replace('|', "\\|")
}
