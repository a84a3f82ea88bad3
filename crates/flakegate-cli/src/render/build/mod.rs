//! `flakegate build`'s report: terminal and Markdown.

mod markdown;
mod terminal;

use flakegate_build::BuildReport;
use flakegate_report::units::{count, duration};

use super::{Paint, Render};

impl Render for BuildReport {
    fn terminal(&self, paint: Paint) -> String {
        terminal::render(self, paint)
    }

    fn markdown(&self) -> String {
        markdown::render(self)
    }

    fn headline(&self) -> String {
        format!(
            "{} wall, {} built, {} fetched",
            duration(self.wall),
            count(self.built as u64),
            count(self.substituted as u64)
        )
    }

    fn delta(&self) -> Option<String> {
        self.baseline.as_ref().map(|b| {
            format!(
                "{} → {} ({:+.2}%)",
                duration(b.baseline_wall),
                duration(self.wall),
                b.wall_change_percent
            )
        })
    }
}

/// The share of the wall time a duration is, as `97%`.
fn share(part: f64, wall: f64) -> String {
    if wall > 0.0 {
        format!("{:.0}%", part / wall * 100.0)
    } else {
        "–".to_owned()
    }
}

/// `.drv` path → the name users know (`hello-2.12.1`).
fn name(path: &str) -> String {
    flakegate_build::step_name(path)
}
