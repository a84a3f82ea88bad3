//! `flakegate lock`'s outputs: the health report (terminal, Markdown, JSON,
//! GitHub annotations) and the diff of two locks (terminal, Markdown as an
//! update PR's body, JSON).

mod diff;
mod github;
mod health;
mod markdown;

use flakegate_lock::{HealthReport, LockDiff, time};
use serde::Serialize;

pub use diff::{markdown as diff_markdown, terminal as diff_terminal};
pub use github::render as github;
pub use health::render as terminal;
pub use markdown::render as markdown;

/// `--json` of the health report.
pub fn json(report: &HealthReport, file: &str) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        schema: &'static str,
        file: &'a str,
        #[serde(flatten)]
        report: &'a HealthReport,
    }
    to_json(&Out {
        schema: flakegate_lock::SCHEMA,
        file,
        report,
    })
}

/// `--json` of a diff.
pub fn diff_json(d: &LockDiff) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        schema: &'static str,
        #[serde(flatten)]
        diff: &'a LockDiff,
    }
    to_json(&Out {
        schema: flakegate_lock::diff::SCHEMA,
        diff: d,
    })
}

fn to_json(value: &impl Serialize) -> String {
    let mut s =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
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

/// A gate's label for humans.
fn gate_label(gate: &str) -> &str {
    match gate {
        "maxDuplicates" => "max duplicates",
        "maxAge" => "max age",
        "warnAge" => "warn age",
        other => other,
    }
}

/// `1 node` / `3 nodes`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
