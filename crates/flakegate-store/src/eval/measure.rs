//! One measured evaluation: a fresh process with `NIX_SHOW_STATS`.
//!
//! This is the one place flakegate spawns a child without `duct`: duct reaps
//! its children itself, and the child's own CPU time and peak RSS exist only
//! in the `rusage` that `wait4` returns when it reaps that child
//! (`getrusage(RUSAGE_CHILDREN)` sums, or maximises, over every child ever
//! reaped, so one sample's peak RSS would hide behind an earlier one's).

use std::io::Read;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use wait4::Wait4;

use super::{EvalCommand, EvalStats};
use crate::StoreError;
use crate::nix::essential_error;

/// What one run of an [`EvalCommand`] cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// From just before the spawn to the reaping of the child.
    pub wall: Duration,
    /// The child's user CPU time (its own children included, once reaped).
    pub user: Duration,
    /// The child's system CPU time.
    pub system: Duration,
    /// The child's peak resident set size, in bytes.
    pub max_rss: u64,
    /// The evaluator's statistics.
    pub stats: EvalStats,
    /// What the command printed: the `.drv` path.
    pub output: String,
}

/// Runs `command` once and measures it. A failed evaluation is an error
/// carrying Nix's own message.
pub fn measure(command: &EvalCommand) -> Result<Measurement, StoreError> {
    let display = command.display();
    let dir = tempfile::tempdir().map_err(|e| StoreError::io("temporary directory", e))?;
    let stats_file = dir.path().join("stats.json");

    let invocation = command.invocation();
    let mut child = invocation.std_command()?;
    child
        .env("NIX_SHOW_STATS", "1")
        .env("NIX_SHOW_STATS_PATH", &stats_file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = child.spawn().map_err(|e| StoreError::Nix {
        command: display.clone(),
        message: match invocation.spawn_error(&e) {
            StoreError::Nix { message, .. } => message,
            other => other.to_string(),
        },
    })?;
    // Drain both pipes while the child runs, so a chatty child never blocks.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let usage = child.wait4().map_err(|e| StoreError::Nix {
        command: display.clone(),
        message: format!("waiting for the child failed: {e}"),
    })?;
    let wall = started.elapsed();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();

    if !usage.status.success() {
        let text = String::from_utf8_lossy(&stderr);
        return Err(StoreError::Nix {
            command: display,
            message: essential_error(&text).unwrap_or_else(|| usage.status.to_string()),
        });
    }
    let json = std::fs::read(&stats_file).map_err(|e| StoreError::BadNixJson {
        command: display.clone(),
        reason: format!("NIX_SHOW_STATS_PATH was not written ({e})"),
    })?;
    let stats = EvalStats::parse(&json).map_err(|reason| StoreError::BadNixJson {
        command: display.clone(),
        reason: format!("NIX_SHOW_STATS output: {reason}"),
    })?;
    Ok(Measurement {
        wall,
        user: usage.rusage.utime,
        system: usage.rusage.stime,
        max_rss: usage.rusage.maxrss,
        stats,
        output: String::from_utf8_lossy(&stdout).trim().to_owned(),
    })
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}
