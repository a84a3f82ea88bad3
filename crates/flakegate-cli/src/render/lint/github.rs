//! GitHub workflow commands: one `::error`/`::warning` annotation per
//! finding, shown on the pull request's diff.

use flakegate_lint::{LintReport, Severity};

use crate::render::workflow::{At, annotate};

pub fn render(r: &LintReport) -> String {
    let mut o = String::new();
    for f in &r.findings {
        let x = &f.finding;
        let level = match x.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let at = At::Span {
            line: x.span.start.line,
            column: x.span.start.column,
            end_line: x.span.end.line,
            end_column: x.span.end.column,
        };
        let title = format!("flakegate lint: {}", x.rule);
        annotate(&mut o, level, &f.file, at, Some(&title), &x.message);
    }
    for u in &r.unreadable {
        annotate(&mut o, "warning", &u.file, At::File, None, &u.reason);
    }
    o
}
