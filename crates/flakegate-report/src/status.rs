//! The outcome of a gate, and of a whole run.

use serde::{Deserialize, Serialize};

/// Ordered from harmless to fatal, so the worst of several is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The gate could not judge (no reference, values not comparable); it
    /// never fails a run.
    Skipped,
    Pass,
    /// Over a warning threshold: reported, exit 0.
    Warn,
    /// A gate failed: exit 1.
    Fail,
}

impl Status {
    /// The status of a run: the worst of its gates, skipped ones aside, and
    /// `Pass` when nothing was checked.
    pub fn overall(statuses: impl IntoIterator<Item = Status>) -> Status {
        statuses
            .into_iter()
            .filter(|s| *s != Status::Skipped)
            .max()
            .unwrap_or(Status::Pass)
    }

    /// Whether this status makes the process exit 1.
    #[must_use]
    pub fn failed(self) -> bool {
        self == Status::Fail
    }

    /// `pass`, `warn`, `fail`, `skipped`: the word reports print.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Status::Skipped => "skipped",
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }

    /// An emoji for Markdown tables, where colour is not available.
    #[must_use]
    pub fn emoji(self) -> &'static str {
        match self {
            Status::Skipped => "⏭️",
            Status::Pass => "✅",
            Status::Warn => "⚠️",
            Status::Fail => "❌",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status::{self, *};

    #[test]
    fn the_worst_status_wins_and_skipped_never_counts() {
        assert_eq!(Status::overall([]), Pass);
        assert_eq!(Status::overall([Skipped]), Pass);
        assert_eq!(Status::overall([Pass, Skipped, Warn]), Warn);
        assert_eq!(Status::overall([Warn, Fail, Pass]), Fail);
        assert!(Fail.failed() && !Warn.failed());
    }
}
