//! Top-level command line.

use clap::{CommandFactory, Parser};

use crate::commands::Command;
use crate::exit::Outcome;

/// What `flakegate --help` says first: every tool, in a line.
const ABOUT: &str = "CI quality gates for Nix flakes: closure sizes and budgets, diffs between \
generations, SBOMs, evaluation benchmarks, and one summary of them all";

const EXAMPLES: &str = "\
Examples:
  flakegate closure ./result --max-size 15GiB --warn-size 12GiB
  flakegate diff --profile /nix/var/nix/profiles/system
  flakegate diff ./result-old ./result --explain openssl
  flakegate sbom .#nixosConfigurations.host.config.system.build.toplevel > system.cdx.json
  flakegate bench --baseline bench-baseline.json --max-regression 20%
  flakegate report closure.json bench.json --markdown >> \"$GITHUB_STEP_SUMMARY\"

Exit status: 0 success, 1 a gate failed, 2 an error or a usage error.
Colour follows the terminal; NO_COLOR=1 or --color never turns it off.";

#[derive(Debug, Parser)]
#[command(name = "flakegate", version, about = ABOUT, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

pub fn run() -> anyhow::Result<Outcome> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    crate::commands::dispatch(cli.command)
}

/// `--help` and `--version` print as clap writes them; a usage error is
/// clap's message and its tip on one line, and where to read more, without
/// the usage dump. Exit 2.
fn usage(e: &clap::Error) -> anyhow::Result<Outcome> {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return Ok(if e.exit_code() == 0 {
            Outcome::Success
        } else {
            Outcome::Usage
        });
    }
    let text = e.render().to_string();
    // Lines joined by "; ", but a line ending in ':' introduces the next.
    let mut message = String::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            if !message.is_empty() {
                message.push_str(if message.ends_with(':') { " " } else { "; " });
            }
            message.push_str(line.strip_prefix("error: ").unwrap_or(line));
        }
    }
    let command: Vec<String> = std::env::args()
        .skip(1)
        .take_while(|a| !a.starts_with('-'))
        .take(1)
        .collect();
    let help = match command.first() {
        Some(c) if Cli::command().find_subcommand(c).is_some() => format!("flakegate {c} --help"),
        _ => "flakegate --help".to_owned(),
    };
    eprintln!("error: {message}\n(see `{help}`)");
    Ok(Outcome::Usage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
