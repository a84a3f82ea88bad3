//! Top-level command line.

use clap::Parser;

use crate::commands::Command;
use crate::exit::Outcome;

const EXAMPLES: &str = "\
Examples:
  flakegate closure ./result
  flakegate closure .#nixosConfigurations.host.config.system.build.toplevel --build
  flakegate closure /run/current-system --max-size 15GiB --warn-size 12GiB
  flakegate closure ./result --markdown >> \"$GITHUB_STEP_SUMMARY\"

Exit status: 0 success, 1 a gate failed, 2 an error or a usage error.
Colour follows the terminal; NO_COLOR=1 or --color never turns it off.";

/// CI quality gates for Nix flakes.
#[derive(Debug, Parser)]
#[command(name = "flakegate", version, about, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

pub fn run() -> anyhow::Result<Outcome> {
    let cli = Cli::parse();
    crate::commands::dispatch(cli.command)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
