//! GitHub workflow commands: one `::error`/`::warning` annotation per
//! finding, shown on the pull request's diff.

use std::fmt::Write;

use flakegate_lint::{LintReport, Severity};

pub fn render(r: &LintReport) -> String {
    let mut o = String::new();
    for f in &r.findings {
        let x = &f.finding;
        let level = match x.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            o,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&f.file),
            x.span.start.line,
            x.span.start.column,
            x.span.end.line,
            x.span.end.column,
            property(&format!("flakegate lint: {}", x.rule)),
            data(&x.message),
        );
    }
    for u in &r.unreadable {
        let _ = writeln!(
            o,
            "::warning file={}::{}",
            property(&u.file),
            data(&u.reason)
        );
    }
    o
}

/// Escaping for a command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a command's properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
