//! Exit codes in one place: 0 success, 1 a gate failed, 2 any error.

use std::io::Write;
use std::process::ExitCode;

/// How a successful run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    GateFailed,
    /// The command line was wrong; the message is already printed.
    Usage,
}

impl Outcome {
    /// A failed gate exits 1; warnings and skipped gates do not.
    #[must_use]
    pub fn from_status(status: flakegate_report::Status) -> Self {
        if status.failed() {
            Self::GateFailed
        } else {
            Self::Success
        }
    }
}

pub const GATE_FAILED: u8 = 1;
pub const ERROR: u8 = 2;

/// Runs `f` and turns its result into the process exit code. Errors print as
/// one line; a closed stdout (`| head`) is not an error.
pub fn main(f: impl FnOnce() -> anyhow::Result<Outcome>) -> ExitCode {
    match f() {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::GateFailed) => ExitCode::from(GATE_FAILED),
        Ok(Outcome::Usage) => ExitCode::from(ERROR),
        Err(e) => {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "error: {}", one_line(&format!("{e:#}")));
            ExitCode::from(ERROR)
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
