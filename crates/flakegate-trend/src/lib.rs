//! flakegate's trend engine: the lines of history files (`--history FILE`
//! of closure, bench, build and cache) in, a trend report out — one series
//! per metric with its limits, an SVG chart per series and shields-style
//! badges. Pure: the caller reads the files and writes the pictures.

pub mod badge;
pub mod chart;
mod scale;
mod series;

use flakegate_report::history::{self, LineError};
use flakegate_report::{Gate, HistoryLine, Status};
use serde::Serialize;

pub use scale::{Scale, scale};
pub use series::{Limit, Point, Series, series, short_commit};

/// The JSON schema identifier; bumped on incompatible changes.
pub const SCHEMA: &str = "flakegate.trend/1";

/// A history file's text, with the name errors give it.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// A line that is not a history line: names the file and the line.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {error}")]
pub struct BadLine {
    pub file: String,
    pub line: usize,
    pub error: LineError,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrendReport {
    /// The history files, as named.
    pub files: Vec<String>,
    /// How many runs they hold.
    pub runs: usize,
    pub series: Vec<Series>,
    /// Torn lines skipped, as `file:line`.
    pub skipped: Vec<String>,
    /// The gates of the newest run of each tool.
    pub gates: Vec<Gate>,
    /// The worst verdict of those gates.
    pub status: Status,
}

flakegate_report::impl_report!(TrendReport, "trend", SCHEMA);

/// Reads every line of `sources`, in order. A torn line (a write a crash
/// cut short) is skipped and listed; any other bad line is an error.
pub fn read(sources: &[Source<'_>]) -> Result<(Vec<HistoryLine>, Vec<String>), BadLine> {
    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for source in sources {
        for (n, parsed) in history::lines(source.text) {
            match parsed {
                Ok(line) => lines.push(line),
                Err(LineError::Torn) => skipped.push(format!("{}:{n}", source.name)),
                Err(error) => {
                    return Err(BadLine {
                        file: source.name.to_owned(),
                        line: n,
                        error,
                    });
                }
            }
        }
    }
    Ok((lines, skipped))
}

/// The trend of `sources`.
pub fn analyse(sources: &[Source<'_>]) -> Result<TrendReport, BadLine> {
    let (lines, skipped) = read(sources)?;
    // The newest run of each tool: the last line naming it.
    let mut newest: Vec<&HistoryLine> = Vec::new();
    for line in lines.iter().rev() {
        if !newest.iter().any(|l| l.envelope.tool == line.envelope.tool) {
            newest.insert(0, line);
        }
    }
    let gates: Vec<Gate> = newest.iter().flat_map(|l| l.gates.clone()).collect();
    Ok(TrendReport {
        files: sources.iter().map(|s| s.name.to_owned()).collect(),
        runs: lines.len(),
        series: series(&lines),
        skipped,
        status: Status::overall(gates.iter().map(|g| g.status)),
        gates,
    })
}
