//! The gates section every report shares, in one shape per format.

use std::fmt::Write;

use flakegate_report::{Gate, Status};

use super::{Paint, md_code};

/// `✅ pass`, `⚠️ warn`, `❌ fail`, `⏭️ skipped`.
#[must_use]
pub fn badge(s: Status) -> String {
    format!("{} {}", s.emoji(), s.word())
}

/// The word, coloured by what it means, padded to a column.
#[must_use]
pub fn word(s: Status, p: Paint) -> String {
    // Upper case where the reader must act, as a log scan would look for.
    let w = match s {
        Status::Fail => "FAIL",
        Status::Warn => "WARN",
        other => other.word(),
    };
    let w = format!("{w:<7}");
    match s {
        Status::Pass => p.green(&w),
        Status::Warn | Status::Skipped => p.yellow(&w),
        Status::Fail => p.red(&w),
    }
}

/// The gates as lines (grouped under their subject when they have one),
/// then the verdict. Empty when no gate was asked for.
#[must_use]
pub fn terminal(gates: &[Gate], status: Status, p: Paint) -> String {
    let mut o = String::new();
    if gates.is_empty() {
        return o;
    }
    let _ = writeln!(o, "\n{}", p.bold("Gates"));
    let mut current = None;
    for g in gates {
        let indent = if g.subject.is_some() { "    " } else { "  " };
        if let Some(s) = &g.subject
            && current != Some(s)
        {
            let _ = writeln!(o, "  {s}");
            current = Some(s);
        }
        let mut line = format!(
            "{indent}{} {:<18} {:>10} (limit {})",
            word(g.status, p),
            g.gate.label(),
            g.actual_text(),
            g.limit_text()
        );
        if let Some(d) = &g.detail {
            let _ = write!(line, "  {d}");
        }
        let _ = writeln!(o, "{line}");
    }
    let _ = writeln!(o, "\n{} {}", p.bold("result:"), verdict(gates, status, p));
    o
}

fn verdict(gates: &[Gate], status: Status, p: Paint) -> String {
    match status {
        Status::Fail => {
            let failed = gates.iter().filter(|g| g.status == Status::Fail).count();
            p.red(&format!("FAIL ({failed} of {} gates failed)", gates.len()))
        }
        Status::Warn => p.yellow("pass with warnings"),
        Status::Pass | Status::Skipped => p.green("pass"),
    }
}

/// A Markdown table of the gates and the verdict. `subject` is the header
/// of the subject column (`Benchmark`), shown when a gate has a subject.
#[must_use]
pub fn markdown(gates: &[Gate], status: Status, subject: &str) -> String {
    let mut o = String::new();
    if gates.is_empty() {
        return o;
    }
    let subjects = gates.iter().any(|g| g.subject.is_some());
    let details = gates.iter().any(|g| g.detail.is_some());
    let mut head = "| Gate |".to_owned();
    let mut rule = "|---|".to_owned();
    if subjects {
        let _ = write!(head, " {subject} |");
        rule.push_str("---|");
    }
    head.push_str(" Status | Value | Limit |");
    rule.push_str("---|---:|---:|");
    if details {
        head.push_str(" Detail |");
        rule.push_str("---|");
    }
    let _ = writeln!(o, "{head}\n{rule}");
    for g in gates {
        let mut row = format!("| {} |", g.gate.label());
        if subjects {
            let _ = write!(
                row,
                " {} |",
                g.subject.as_deref().map(md_code).unwrap_or_default()
            );
        }
        let _ = write!(
            row,
            " {} | {} | {} |",
            badge(g.status),
            g.actual_text(),
            g.limit_text()
        );
        if details {
            let _ = write!(row, " {} |", cell(g.detail.as_deref().unwrap_or_default()));
        }
        let _ = writeln!(o, "{row}");
    }
    let _ = writeln!(o, "\n**Result: {}**\n", badge(status));
    o
}

/// Text made safe for one table cell.
#[must_use]
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
