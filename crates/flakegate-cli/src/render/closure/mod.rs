//! `flakegate closure`'s report: terminal and Markdown.

mod markdown;
mod terminal;

use flakegate_closure::ClosureReport;
use flakegate_report::units::{count, signed_size, size};
use flakegate_store::name::store_path_name;

use super::{Paint, Render, counted};

impl Render for ClosureReport {
    fn terminal(&self, paint: Paint) -> String {
        terminal::render(self, paint)
    }

    fn markdown(&self) -> String {
        markdown::render(self)
    }

    fn headline(&self) -> String {
        format!(
            "{} in {}",
            size(self.total_size),
            counted(self.path_count, "path", "paths")
        )
    }

    fn delta(&self) -> Option<String> {
        self.baseline.as_ref().map(|b| {
            format!(
                "{} ({:+.2}%)",
                signed_size(b.growth_bytes),
                b.growth_percent
            )
        })
    }
}

/// What a path is called in human-facing reports: its store name, without
/// the hash (`openssl-3.0.14-dev`).
fn short(path: &str) -> &str {
    store_path_name(path)
}

/// `1.1.1w (5.0 KiB), 3.0.14 (9.6 KiB)`: the instances of a duplicate.
fn duplicate_instances(d: &flakegate_closure::Duplicate) -> String {
    let parts: Vec<String> = d
        .instances
        .iter()
        .map(|i| {
            format!(
                "{} ({})",
                i.version.as_deref().unwrap_or("no version"),
                size(i.size)
            )
        })
        .collect();
    parts.join(", ")
}

/// `12.0 MiB → 18.4 MiB (+6.4 MiB, +53.33%), 1,180 → 1,203 paths`: the
/// comparison with the baseline, in both reports.
fn baseline_figures(r: &ClosureReport, b: &flakegate_closure::BaselineComparison) -> String {
    format!(
        "{} → {} ({}, {:+.2}%), {} → {}",
        size(b.baseline_size),
        size(b.size),
        signed_size(b.growth_bytes),
        b.growth_percent,
        count(u64::try_from(b.baseline_paths).unwrap_or(u64::MAX)),
        counted(r.path_count, "path", "paths")
    )
}

/// `8.9.1 → 8.10.0` for a growth cause.
fn versions(before: &[String], after: &[String]) -> String {
    let side = |v: &[String]| {
        if v.is_empty() {
            "∅".to_owned()
        } else {
            v.join(", ")
        }
    };
    if before == after {
        side(after)
    } else {
        format!("{} → {}", side(before), side(after))
    }
}
