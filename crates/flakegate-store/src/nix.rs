//! What flakegate asks of Nix's command-line tools beyond the store (which
//! [`crate::command`] runs): `nix eval --apply`, Nix's error message, its
//! version.

use crate::StoreError;
use crate::command::Invocation;

/// `nix eval --json --no-eval-cache --apply EXPR -- REFERENCE`: the JSON of a
/// function applied to a flake output. Never the eval cache: a stale cache
/// would hide the working tree's changes.
pub fn eval_apply(reference: &str, apply: &str) -> Result<Vec<u8>, StoreError> {
    Invocation::nix(&["eval", "--json", "--no-eval-cache"])
        .options(["--apply", apply])
        .operand(reference)
        .run()
}

/// Nix's own error message, on one line: the first `error:` line that
/// says something and the lines that continue it (a build's log tail, "Did
/// you mean …?"), without the source excerpts and traces that follow it.
/// Nix 2.8 prints `error: MESSAGE`, a blank line and `at FILE:LINE:`; Nix
/// 2.24 on may print a bare `error:`, a trace of `… while …` items with
/// excerpts, then the message as `error: MESSAGE`, and puts `at FILE:` right
/// under it. Warnings (substituters, dirty trees) come before any of it.
#[must_use]
pub fn essential_error(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    let start = lines.iter().position(|l| {
        l.strip_prefix("error:")
            .is_some_and(|t| !t.trim().is_empty())
    });
    let text = match start {
        Some(i) => {
            let head = lines[i].trim_start_matches("error:").trim();
            let rest = lines[i + 1..].iter().take_while(|l| !ends_the_message(l));
            std::iter::once(head)
                .chain(rest.copied())
                .collect::<Vec<_>>()
                .join(" ")
        }
        None => (*lines.iter().rev().find(|l| !l.is_empty())?).to_owned(),
    };
    Some(if text.chars().count() > 400 {
        format!("{}…", text.chars().take(400).collect::<String>())
    } else {
        text
    })
}

/// Where the message ends and Nix's location, trace or hints begin.
fn ends_the_message(line: &str) -> bool {
    line.is_empty()
        || line.starts_with("at ")
        || line.starts_with('…')
        || line.starts_with("(stack trace truncated")
        || line.starts_with("(use '--show-trace'")
        || line
            .split_once('|')
            .is_some_and(|(n, _)| n.trim().chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_error_not_the_warnings() {
        let stderr = "warning: unable to download 'https://cache.nixos.org'\n\
                      error: path '/nix/store/x' is not valid\n";
        assert_eq!(
            essential_error(stderr).as_deref(),
            Some("path '/nix/store/x' is not valid")
        );
        assert_eq!(
            essential_error("just noise\n").as_deref(),
            Some("just noise")
        );
        assert_eq!(essential_error("\n"), None);
    }

    #[test]
    fn nixs_own_message_on_every_version() {
        // Nix 2.8: message, blank line, location and excerpt.
        let v28 = "error: attribute 'nope' missing\n\n       at /nix/store/x-source/flake.nix:1:72:\n\n            1| { a = x.nope; }\n             |        ^\n";
        // Nix 2.24 on: a bare `error:`, a trace, then the message.
        let v234 = "error:\n       … while calling the 'throw' builtin\n         at /nix/store/x-source/flake.nix:1:29:\n            1| { a = throw \"workload is broken\"; }\n             |       ^\n            2|\n\n       error: workload is broken\n";
        let located = "error: attribute 'nope' missing\n       at /nix/store/x-source/flake.nix:1:72:\n            1| { a = x.nope; }\n";
        assert_eq!(
            essential_error(v28).as_deref(),
            Some("attribute 'nope' missing")
        );
        assert_eq!(essential_error(v234).as_deref(), Some("workload is broken"));
        assert_eq!(
            essential_error(located).as_deref(),
            Some("attribute 'nope' missing")
        );
        // What continues the message stays: hints and a build's log tail.
        let hint =
            "error: flake 'path:/f' does not provide attribute 'c.y'\n       Did you mean x?\n";
        assert_eq!(
            essential_error(hint).as_deref(),
            Some("flake 'path:/f' does not provide attribute 'c.y' Did you mean x?")
        );
        let build = "error: builder for '/nix/store/x.drv' failed with exit code 1;\n       last 2 log lines:\n       > line1\n       > line2\n";
        assert_eq!(
            essential_error(build).as_deref(),
            Some(
                "builder for '/nix/store/x.drv' failed with exit code 1; last 2 log lines: > line1 > line2"
            )
        );
    }
}
