//! What a rule reports: where, what, and how to fix it when the fix is
//! certain.

use serde::{Deserialize, Serialize};

use crate::rule::{Rule, Severity};

/// A point in the source: 1-based line and column (the column counts
/// Unicode scalar values, as editors and SARIF's `unicodeCodePoints` do) and
/// the 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// A half-open range of the source, `start` included, `end` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// Replace the bytes `start..end` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// A fix that keeps the meaning of the code; `--fix` applies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// What the fix does, in a few words ("remove the binding").
    pub message: String,
    /// Non-overlapping edits, in source order.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix of one edit: `start..end` becomes `replacement`.
    pub fn one(message: &str, start: usize, end: usize, replacement: impl Into<String>) -> Self {
        Fix {
            message: message.to_owned(),
            edits: vec![Edit {
                start,
                end,
                replacement: replacement.into(),
            }],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}
