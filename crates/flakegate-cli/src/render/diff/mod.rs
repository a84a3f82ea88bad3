//! Rendering of `flakegate diff`: the package view and the derivation view.

mod markdown;
mod terminal;

use flakegate_diff::closure_diff::{PackageChange, PackageDiff};
use flakegate_diff::drv_diff::FieldChange;

use flakegate_diff::DiffReport;
use flakegate_report::units::{count, size};

use super::{Paint, Render};

impl Render for DiffReport {
    fn terminal(&self, paint: Paint) -> String {
        terminal::render(self, paint, self.full)
    }

    fn markdown(&self) -> String {
        markdown::render(self, self.full)
    }

    fn headline(&self) -> String {
        match &self.closure {
            Some(c) => format!(
                "{} packages changed, {} → {}",
                count(u64::try_from(c.packages.len()).unwrap_or(u64::MAX)),
                size(c.before.size),
                size(c.after.size)
            ),
            None => {
                let pairs: usize = self
                    .derivations
                    .iter()
                    .map(|d| d.report.summary.compared)
                    .sum();
                format!(
                    "{} derivation pairs differ",
                    count(u64::try_from(pairs).unwrap_or(u64::MAX))
                )
            }
        }
    }
}

/// Section titles in report order.
fn section(kind: PackageChange) -> &'static str {
    match kind {
        PackageChange::Upgraded => "Upgraded",
        PackageChange::Downgraded => "Downgraded",
        PackageChange::Changed => "Changed",
        PackageChange::Added => "Added",
        PackageChange::Removed => "Removed",
        PackageChange::Rebuilt => "Rebuilt (same version, new build)",
    }
}

/// `8.9.1 → 8.10.0`, `3.3.0`, `1.7.1` for a package's versions.
fn versions(p: &PackageDiff) -> String {
    let show = |v: &str| {
        if v.is_empty() {
            "(no version)".to_owned()
        } else {
            v.to_owned()
        }
    };
    let parts: Vec<String> = p
        .versions
        .iter()
        .map(|e| match (&e.before, &e.after) {
            (Some(a), Some(b)) if a == b => show(a),
            (Some(a), Some(b)) => format!("{} → {}", show(a), show(b)),
            (Some(a), None) => format!("{} → ∅", show(a)),
            (None, Some(b)) => format!("∅ → {}", show(b)),
            (None, None) => String::new(),
        })
        .collect();
    parts.join(", ")
}

/// A value shortened for a summary line.
fn clip(s: &str, full: bool) -> String {
    const MAX: usize = 100;
    let one_line = s.replace('\n', "⏎");
    if full || one_line.chars().count() <= MAX {
        one_line
    } else {
        format!("{}…", one_line.chars().take(MAX).collect::<String>())
    }
}

/// Unchanged text between two changes of a word diff: long runs keep only
/// their ends, which is the context a reader needs.
fn context(s: &str, full: bool) -> String {
    const EDGE: usize = 24;
    let one_line = s.replace('\n', "⏎");
    let n = one_line.chars().count();
    if full || n <= 2 * EDGE + 1 {
        return one_line;
    }
    let head: String = one_line.chars().take(EDGE).collect();
    let tail: String = one_line.chars().skip(n - EDGE).collect();
    format!("{head}…{tail}")
}

/// What a field change says, without colour: `a → b`, `+ b`, `- a`.
fn field_text(f: &FieldChange, full: bool) -> String {
    match (&f.before, &f.after) {
        (Some(a), Some(b)) => format!("{} → {}", clip(a, full), clip(b, full)),
        (None, Some(b)) => format!("added: {}", clip(b, full)),
        (Some(a), None) => format!("removed: {}", clip(a, full)),
        (None, None) => String::new(),
    }
}
