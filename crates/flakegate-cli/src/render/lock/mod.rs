//! `flakegate lock`'s outputs: the health report (terminal, Markdown, GitHub
//! annotations) and the diff of two locks (terminal, and Markdown made to be
//! an update PR's body). JSON is each report in its envelope.

mod diff;
mod github;
mod health;
mod markdown;

use flakegate_lock::{HealthReport, LockDiff, time};

use super::{Paint, Render, plural};

pub use github::render as github;

impl Render for HealthReport {
    fn terminal(&self, paint: Paint) -> String {
        health::render(self, paint)
    }

    fn markdown(&self) -> String {
        markdown::render(self)
    }

    fn headline(&self) -> String {
        format!(
            "{}, {}, {}",
            plural(self.inputs.len(), "input"),
            plural(self.extra_nodes, "duplicate node"),
            plural(self.pinning.len(), "pinning finding")
        )
    }
}

impl Render for LockDiff {
    fn terminal(&self, paint: Paint) -> String {
        diff::terminal(self, paint)
    }

    fn markdown(&self) -> String {
        diff::markdown(self)
    }

    fn headline(&self) -> String {
        diff::summary(self)
    }
}

/// A revision as people read it: 7 characters of a commit hash.
fn short_rev(rev: Option<&str>) -> String {
    match rev {
        Some(r) if r.len() > 12 && r.bytes().all(|b| b.is_ascii_hexdigit()) => r[..7].to_owned(),
        Some(r) => r.to_owned(),
        None => "-".to_owned(),
    }
}

fn age(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "-".to_owned(), time::age)
}
