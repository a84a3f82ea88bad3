//! Every output format renders the same [`ClosureReport`]; `--json` is that
//! value itself.

pub mod bench;
pub mod diff;
mod markdown;
pub mod style;
mod terminal;

use clap::ValueEnum;
use flakegate_closure::ClosureReport;
use flakegate_store::name::store_path_name;

pub use style::use_color;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Terminal,
    Markdown,
    Json,
}

impl Format {
    /// The format a command's `--json` / `--markdown` flags ask for.
    pub fn from_flags(json: bool, markdown: bool) -> Self {
        match (json, markdown) {
            (true, _) => Self::Json,
            (_, true) => Self::Markdown,
            _ => Self::Terminal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn render(report: &ClosureReport, format: Format, color: bool) -> String {
    match format {
        Format::Terminal => terminal::render(report, color),
        Format::Markdown => markdown::render(report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            s.push('\n');
            s
        }
    }
}

/// What a path is called in human-facing reports: its store name, without
/// the hash (`openssl-3.0.14-dev`).
fn short(path: &str) -> &str {
    store_path_name(path)
}

/// A store name or package name as Markdown code, safe inside a table.
pub(crate) fn md_code(s: &str) -> String {
    format!("`{}`", s.replace('|', "\\|").replace('`', "'"))
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
                crate::units::size(i.size)
            )
        })
        .collect();
    parts.join(", ")
}

/// A gate's label for humans.
fn gate_label(gate: &str) -> &str {
    match gate {
        "maxSize" => "max size",
        "warnSize" => "warn size",
        "maxPaths" => "max paths",
        "maxGrowth" => "max growth",
        other => other,
    }
}

/// A gate's measured value and limit, in the gate's unit.
fn gate_values(gate: &flakegate_closure::GateOutcome) -> (String, String) {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bytes = |v: f64| crate::units::size(v as u64);
    match gate.gate.as_str() {
        "maxPaths" => (
            format!("{} paths", gate.actual),
            format!("{} paths", gate.limit),
        ),
        "maxGrowth" => (format!("{:+.2}%", gate.actual), format!("{}%", gate.limit)),
        _ => (bytes(gate.actual), bytes(gate.limit)),
    }
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
