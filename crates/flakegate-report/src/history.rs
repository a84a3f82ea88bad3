//! History files: one JSON line per run of a gating tool (`--history FILE`),
//! appended and never rewritten, read back by `flakegate trend`.
//!
//! A line is the run's [`Envelope`] (schema `flakegate.history/1`, the tool,
//! versions, git state, date), the run's status, its key [`Figure`]s and
//! every gate's verdict. Appending is one `write` of a whole line to a file
//! opened with `O_APPEND`, so concurrent runs never interleave and earlier
//! lines are never touched. A crash can still leave a torn (truncated) last
//! line: the writer starts a new line after it, and the reader skips a line
//! that is truncated JSON, telling the caller, while any other bad line is
//! an error naming the file and line.

use std::fs::OpenOptions;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Envelope, Gate, GateId, Report, Status, Unit};

/// The schema of a history line.
pub const SCHEMA: &str = "flakegate.history/1";

/// One headline number of a run: what a chart plots over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Figure {
    /// A stable key (`closureSize`, `evalTime`, `hitRate`).
    pub metric: String,
    /// How reports name it (`closure size`).
    pub label: String,
    /// Which of several it is (a benchmark's name), when a run has several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub unit: Unit,
    pub value: f64,
    /// The gates that judge this very value (`maxSize`, `warnSize`): their
    /// limits are drawn on its chart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gates: Vec<GateId>,
}

impl Figure {
    #[must_use]
    pub fn new(metric: &str, label: &str, unit: Unit, value: f64) -> Self {
        Self {
            metric: metric.to_owned(),
            label: label.to_owned(),
            subject: None,
            unit,
            value,
            gates: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    #[must_use]
    pub fn judged_by(mut self, gates: &[GateId]) -> Self {
        self.gates = gates.to_vec();
        self
    }
}

/// A report whose run can be recorded in a history file.
pub trait KeyFigures: Report {
    /// The run's headline numbers, in the order a reader expects them.
    fn figures(&self) -> Vec<Figure>;
}

/// One run, as a history line holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryLine {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub status: Status,
    pub figures: Vec<Figure>,
    pub gates: Vec<Gate>,
}

impl HistoryLine {
    /// The line recording `report`, run under `envelope` (whose schema is
    /// replaced by the history's; its tool is kept).
    #[must_use]
    pub fn of<R: KeyFigures>(report: &R, envelope: Envelope) -> Self {
        Self {
            envelope: Envelope {
                schema: SCHEMA.to_owned(),
                ..envelope
            },
            status: report.status(),
            figures: report.figures(),
            gates: report.gates().to_vec(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{path}: cannot append to the history: {source}")]
    Append { path: PathBuf, source: io::Error },
    #[error("{path}: cannot serialise the history line: {source}")]
    Serialise {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// Appends `line` to the history file `path`, creating it. The bytes go out
/// in one `write` on an `O_APPEND` descriptor; a file whose last line was
/// torn gets a newline first, so that the new line stands alone.
pub fn append(path: &Path, line: &HistoryLine) -> Result<(), HistoryError> {
    let err = |source| HistoryError::Append {
        path: path.to_owned(),
        source,
    };
    let json = serde_json::to_vec(line).map_err(|source| HistoryError::Serialise {
        path: path.to_owned(),
        source,
    })?;
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)
        .map_err(err)?;
    let mut bytes = Vec::with_capacity(json.len() + 2);
    if !ends_with_newline(&mut file).map_err(err)? {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(&json);
    bytes.push(b'\n');
    let written = file.write(&bytes).map_err(err)?;
    if written != bytes.len() {
        return Err(err(io::Error::new(
            io::ErrorKind::WriteZero,
            format!("only {written} of {} bytes written", bytes.len()),
        )));
    }
    file.sync_data().map_err(err)
}

/// Whether the file is empty or ends with a newline.
fn ends_with_newline(file: &mut std::fs::File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// Why a line of a history file was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Truncated JSON: a write that a crash cut short. Skipped by readers.
    #[error("torn line (truncated JSON), skipped")]
    Torn,
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("no \"schema\" field")]
    NoSchema,
    #[error("schema {0:?} is not supported (expected \"{SCHEMA}\")")]
    Schema(String),
    #[error("not a history line: {0}")]
    Invalid(String),
}

/// Reads one line of a history file.
pub fn parse_line(text: &str) -> Result<HistoryLine, LineError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            LineError::Torn
        } else {
            LineError::NotJson(e.to_string())
        }
    })?;
    let schema = value
        .get("schema")
        .and_then(serde_json::Value::as_str)
        .ok_or(LineError::NoSchema)?;
    if schema != SCHEMA {
        return Err(LineError::Schema(schema.to_owned()));
    }
    serde_json::from_value(value).map_err(|e| LineError::Invalid(e.to_string()))
}

/// The lines of a history file's text, each with its 1-based number, blank
/// lines left out.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, Result<HistoryLine, LineError>)> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, parse_line(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake {
        gates: Vec<Gate>,
    }

    impl serde::Serialize for Fake {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_unit()
        }
    }

    impl Report for Fake {
        const TOOL: &'static str = "closure";
        const SCHEMA: &'static str = "flakegate.closure/1";
        fn status(&self) -> Status {
            Status::overall(self.gates.iter().map(|g| g.status))
        }
        fn gates(&self) -> &[Gate] {
            &self.gates
        }
    }

    impl KeyFigures for Fake {
        fn figures(&self) -> Vec<Figure> {
            vec![
                Figure::new("closureSize", "closure size", Unit::Bytes, 2048.0)
                    .judged_by(&[GateId::MaxSize]),
            ]
        }
    }

    fn line(size_limit: f64) -> HistoryLine {
        let fake = Fake {
            gates: vec![Gate::judge(GateId::MaxSize, 2048.0, size_limit)],
        };
        let mut envelope = Envelope::new("closure", "flakegate.closure/1");
        envelope.date = None;
        HistoryLine::of(&fake, envelope)
    }

    #[test]
    fn lines_are_appended_and_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("history.jsonl");
        append(&file, &line(4096.0)).expect("append");
        append(&file, &line(1024.0)).expect("append");
        let text = std::fs::read_to_string(&file).expect("read");
        assert_eq!(text.lines().count(), 2);
        let read: Vec<_> = lines(&text).collect();
        let first = read[0].1.as_ref().expect("line 1");
        assert_eq!(first.envelope.schema, SCHEMA);
        assert_eq!(first.envelope.tool, "closure");
        assert_eq!(first.status, Status::Pass);
        assert_eq!(first.figures[0].gates, vec![GateId::MaxSize]);
        assert_eq!(read[1].1.as_ref().expect("line 2").status, Status::Fail);
    }

    #[test]
    fn concurrent_appends_never_interleave() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("history.jsonl");
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..50 {
                        append(&file, &line(4096.0)).expect("append");
                    }
                });
            }
        });
        let text = std::fs::read_to_string(&file).expect("read");
        let read: Vec<_> = lines(&text).collect();
        assert_eq!(read.len(), 200);
        assert!(read.iter().all(|(_, r)| r.is_ok()), "a line was torn");
    }

    #[test]
    fn a_torn_last_line_is_named_and_the_next_append_stands_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("history.jsonl");
        append(&file, &line(4096.0)).expect("append");
        let mut text = std::fs::read_to_string(&file).expect("read");
        // A crash in the middle of the second write.
        let torn = &text.clone()[..40];
        text.push_str(torn);
        std::fs::write(&file, &text).expect("write");
        append(&file, &line(4096.0)).expect("append after the tear");
        let text = std::fs::read_to_string(&file).expect("read");
        let read: Vec<_> = lines(&text).map(|(n, r)| (n, r.is_ok())).collect();
        assert_eq!(read, vec![(1, true), (2, false), (3, true)]);
        assert_eq!(parse_line(torn), Err(LineError::Torn));
    }

    #[test]
    fn other_bad_lines_say_what_is_wrong() {
        assert!(matches!(parse_line("{]"), Err(LineError::NotJson(_))));
        assert_eq!(parse_line("{}"), Err(LineError::NoSchema));
        assert_eq!(
            parse_line(r#"{"schema":"flakegate.closure/1"}"#),
            Err(LineError::Schema("flakegate.closure/1".into()))
        );
        assert!(matches!(
            parse_line(r#"{"schema":"flakegate.history/1"}"#),
            Err(LineError::Invalid(_))
        ));
    }
}
