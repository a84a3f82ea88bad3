//! Building a derivation in view of the user: `nix-store --realise` with its
//! log passed through to our stderr line by line, as `nix build -L` shows it,
//! whether or not stderr is a terminal. A failed build names the `.drv` and
//! repeats the build's last log lines in the error.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};

use crate::StoreError;
use crate::command::Invocation;
use crate::nix::essential_error;

/// Log lines repeated in the error of a failed build.
const TAIL_LINES: usize = 10;

/// Builds `drv_path` and returns its output paths.
pub fn realise(drv_path: &str) -> Result<Vec<String>, StoreError> {
    let invocation = Invocation::nix_store()
        .option("--realise")
        .operand(drv_path);
    let command = format!("nix-store --realise {drv_path}");
    let failed = |message: String| StoreError::Nix {
        command: command.clone(),
        message,
    };
    // The log (Nix's stderr) is read from a pipe; the output paths (its
    // stdout) are captured.
    let reader = invocation
        .expression()?
        .stdout_stderr_swap()
        .stderr_capture()
        .unchecked()
        .reader()
        .map_err(|e| invocation.spawn_error(&e))?;
    let mut log = Log::default();
    let mut lines = BufReader::new(&reader);
    let mut line = Vec::new();
    let stderr = std::io::stderr();
    loop {
        line.clear();
        match lines.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {
                // Passed on as it comes; a closed stderr does not stop the build.
                let _ = stderr.lock().write_all(&line);
                log.push(String::from_utf8_lossy(&line).trim_end().to_owned());
            }
            Err(e) => return Err(failed(e.to_string())),
        }
    }
    let output = reader
        .try_wait()
        .map_err(|e| failed(e.to_string()))?
        .ok_or_else(|| failed("the log ended before nix-store did".to_owned()))?;
    if !output.status.success() {
        return Err(failed(log.failure(&output.status.to_string())));
    }
    // Nix's stdout went to the capture of our stderr side (see the swap).
    Ok(String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('/'))
        .map(str::to_owned)
        .collect())
}

/// What the error of a failed build needs from its log: Nix's own messages
/// and the builders' last lines.
#[derive(Default)]
struct Log {
    /// Every line, for Nix's `error:` and what follows it.
    all: Vec<String>,
    /// The last builder lines (not Nix's "building '…'" or plan lines).
    tail: VecDeque<String>,
    /// Inside Nix's list of what it will build or fetch.
    in_plan: bool,
    /// Past Nix's first `error:` line.
    in_error: bool,
}

impl Log {
    fn push(&mut self, line: String) {
        let trimmed = line.trim();
        if trimmed.starts_with("error:") {
            self.in_error = true;
        }
        // "these 2 derivations will be built:" (2.8), "This derivation will
        // be built:" (2.34).
        let plan = ["these ", "this "].iter().any(|p| {
            line.get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
        });
        self.in_plan = plan || (self.in_plan && line.starts_with("  /"));
        let nix_says = self.in_plan
            || self.in_error
            || trimmed.is_empty()
            || trimmed.starts_with("building '")
            || trimmed.starts_with("copying path '")
            || trimmed.starts_with("warning:");
        if !nix_says {
            if self.tail.len() == TAIL_LINES {
                self.tail.pop_front();
            }
            self.tail.push_back(trimmed.to_owned());
        }
        self.all.push(line);
    }

    /// One line: Nix's error (which names the `.drv` that failed), then the
    /// builders' last log lines, joined with `⏎`.
    fn failure(&self, status: &str) -> String {
        let error = essential_error(&self.all.join("\n")).unwrap_or_else(|| status.to_owned());
        if self.tail.is_empty() {
            return error;
        }
        let tail: Vec<&str> = self.tail.iter().map(String::as_str).collect();
        format!("{error}; last log lines: {}", tail.join(" ⏎ "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failure_names_the_drv_and_the_builders_last_lines() {
        let mut log = Log::default();
        for line in [
            "these 2 derivations will be built:",
            "  /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-src.tar.gz.drv",
            "  /nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-demo-1.0.drv",
            "building '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-src.tar.gz.drv'...",
            "building '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-demo-1.0.drv'...",
            "configure: checking for cc",
            "make: *** [all] Error 1",
            "error: builder for '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-demo-1.0.drv' failed with exit code 1",
        ] {
            log.push(line.to_owned());
        }
        assert_eq!(
            log.failure("exit status: 100"),
            "builder for '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-demo-1.0.drv' failed with exit code 1; \
             last log lines: configure: checking for cc ⏎ make: *** [all] Error 1"
        );
    }

    #[test]
    fn nix_2_34s_plan_and_error_stay_out_of_the_tail() {
        let mut log = Log::default();
        for line in [
            "This derivation will be built:",
            "  /nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-demo-1.0.drv",
            "building '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-demo-1.0.drv'...",
            "make: *** [all] Error 1",
            "error: Cannot build '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-demo-1.0.drv'.",
            "       Reason: builder failed with exit code 1.",
            "       Output paths:",
            "         /nix/store/cccccccccccccccccccccccccccccccc-demo-1.0",
        ] {
            log.push(line.to_owned());
        }
        assert_eq!(
            log.failure("exit status: 100"),
            "Cannot build '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-demo-1.0.drv'. \
             Reason: builder failed with exit code 1. Output paths: \
             /nix/store/cccccccccccccccccccccccccccccccc-demo-1.0; \
             last log lines: make: *** [all] Error 1"
        );
    }

    #[test]
    fn only_the_last_lines_are_kept() {
        let mut log = Log::default();
        for i in 0..25 {
            log.push(format!("line {i}"));
        }
        assert_eq!(log.tail.len(), TAIL_LINES);
        assert_eq!(log.tail.front().map(String::as_str), Some("line 15"));
        assert_eq!(
            log.failure("exit status: 1").split(" ⏎ ").count(),
            TAIL_LINES
        );
    }
}
