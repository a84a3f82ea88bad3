//! One file per subcommand; this enum and `dispatch` are the only places that
//! know them all.

mod bench;
mod closure;
mod diff;
mod licenses;
mod report;
mod sbom;

use clap::Subcommand;

use crate::exit::Outcome;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Benchmark flake evaluation: time, CPU, memory and Nix's exact
    /// evaluator counters, with baselines, gates and A/B comparisons.
    #[command(after_help = bench::EXAMPLES)]
    Bench(bench::BenchArgs),
    /// Measure closure sizes: totals, what each dependency adds, duplicates,
    /// budgets and baselines.
    #[command(after_help = closure::EXAMPLES)]
    Closure(closure::ClosureArgs),
    /// Compare two generations, closures or derivations: packages upgraded,
    /// downgraded, added, removed or rebuilt, and why a derivation changed.
    #[command(after_help = diff::EXAMPLES)]
    Diff(diff::DiffArgs),
    /// Check the licenses of a closure or a derivation graph against a
    /// policy: denied licenses, unfree ones, unknown ones.
    #[command(after_help = licenses::EXAMPLES)]
    Licenses(licenses::LicensesArgs),
    /// Merge the JSON reports of several tools into one summary for a pull
    /// request: a row per gate, each report folded, one exit status.
    #[command(after_help = report::EXAMPLES)]
    Report(report::ReportArgs),
    /// Export a CycloneDX 1.6 or SPDX 2.3 SBOM of a closure or a derivation
    /// graph.
    #[command(after_help = sbom::EXAMPLES)]
    Sbom(sbom::SbomArgs),
}

pub fn dispatch(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Bench(args) => bench::run(&args),
        Command::Closure(args) => closure::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Licenses(args) => licenses::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Sbom(args) => sbom::run(&args),
    }
}
