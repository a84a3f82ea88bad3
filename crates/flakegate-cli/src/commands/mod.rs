//! One file per subcommand; this enum and `dispatch` are the only places that
//! know them all.

mod closure;

use clap::Subcommand;

use crate::exit::Outcome;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure closure sizes: totals, what each dependency adds, duplicates,
    /// budgets and baselines.
    #[command(after_help = closure::EXAMPLES)]
    Closure(closure::ClosureArgs),
}

pub fn dispatch(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Closure(args) => closure::run(&args),
    }
}
