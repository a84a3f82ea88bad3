//! `nix build --log-format internal-json -v`, read as it runs: each event is
//! stamped on arrival, and what Nix would have shown a human is handed to a
//! callback (the CLI prints it on stderr) so the build stays watchable.

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use super::log::{Event, Line, human_text, parse_line, strip_ansi};
use crate::StoreError;
use crate::command::Invocation;
use crate::installable::for_nix_build;
use crate::nix_version::nix_version;

/// An event and when it arrived, counted from the start of the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedEvent {
    pub at: Duration,
    pub event: Event,
}

/// What one `nix build` did.
#[derive(Debug, Clone)]
pub struct BuildRun {
    /// The command as shown in messages.
    pub command: String,
    pub events: Vec<TimedEvent>,
    /// From spawning `nix` to its exit.
    pub wall: Duration,
    /// Whether `nix build` exited 0.
    pub success: bool,
    /// Nix's error messages (level 0), in order, when it failed.
    pub errors: Vec<String>,
    /// `@nix` lines that were not valid JSON (kept out of the profile).
    pub unreadable_lines: usize,
}

/// `nix build`: the log format first, then the user's Nix options (which
/// are options by the user's choice), then the installables after `--` (so
/// an installable can never be taken for an option), each as
/// [`for_nix_build`] gives it for the running Nix.
#[must_use]
pub fn build_command(
    installables: &[String],
    nix_args: &[String],
    drv_means_the_file: bool,
) -> Invocation {
    Invocation::nix(&["build", "--log-format", "internal-json", "-v"])
        .options(nix_args.iter().cloned())
        .operands(
            installables
                .iter()
                .map(|i| for_nix_build(i, drv_means_the_file)),
        )
}

/// Runs `nix build` on `installables` and collects its event stream. `human`
/// receives each line Nix would print at its default verbosity, as it comes.
/// A failed build is not an error here: the run says so, and keeps what was
/// built before the failure. Nix's colours stay in the human lines (the
/// caller strips them with [`strip_ansi`] when it must) and leave the errors.
pub fn run_build(
    installables: &[String],
    nix_args: &[String],
    human: &mut dyn FnMut(&str),
) -> Result<BuildRun, StoreError> {
    let invocation = build_command(installables, nix_args, nix_version()?.drv_means_the_file());
    let command = format!("nix build {}", installables.join(" "));
    let started = Instant::now();
    let reader = invocation
        .expression()?
        .stderr_to_stdout()
        .stdin_null()
        .unchecked()
        .reader()
        .map_err(|e| invocation.spawn_error(&e))?;
    let mut events = Vec::new();
    let mut errors = Vec::new();
    let mut unreadable_lines = 0;
    let mut lines = BufReader::new(&reader);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let n = lines
            .read_until(b'\n', &mut buffer)
            .map_err(|e| StoreError::Nix {
                command: command.clone(),
                message: e.to_string(),
            })?;
        if n == 0 {
            break;
        }
        let at = started.elapsed();
        let text = String::from_utf8_lossy(&buffer);
        let text = text.trim_end_matches(['\n', '\r']);
        match parse_line(text) {
            Ok(Line::Event(event)) => {
                if let Some(shown) = human_text(&event) {
                    human(&shown);
                }
                if let Event::Msg { level: 0, text } = &event {
                    errors.push(strip_ansi(text));
                }
                events.push(TimedEvent { at, event });
            }
            Ok(Line::Text(t)) => human(&t),
            Err(_) => unreadable_lines += 1,
        }
    }
    let status = reader
        .try_wait()
        .map_err(|e| StoreError::Nix {
            command: command.clone(),
            message: e.to_string(),
        })?
        .map(|o| o.status);
    let wall = started.elapsed();
    Ok(BuildRun {
        command,
        events,
        wall,
        success: status.is_some_and(|s| s.success()),
        errors,
        unreadable_lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installables(args: &[String]) -> &[String] {
        let dash = args.iter().position(|a| a == "--").expect("--");
        &args[dash + 1..]
    }

    #[test]
    fn a_drv_asks_for_its_outputs_where_nix_reads_it_as_the_file() {
        let given = [
            "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv".to_owned(),
            "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv^out".to_owned(),
            ".#pkg".to_owned(),
            "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-y".to_owned(),
        ];
        let old = build_command(&given, &[], false).argv().expect("argv");
        assert_eq!(installables(&old), given);
        let new = build_command(&given, &["--no-link".to_owned()], true)
            .argv()
            .expect("argv");
        assert_eq!(
            installables(&new),
            [
                "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv^*",
                "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv^out",
                ".#pkg",
                "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-y",
            ]
        );
        assert!(new.contains(&"--no-link".to_owned()));
    }
}
