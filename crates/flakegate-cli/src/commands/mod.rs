//! One file per subcommand; this enum and `dispatch` are the only places that
//! know them all.

mod bench;
mod build;
mod cache;
mod closure;
mod diff;
mod licenses;
mod lint;
mod lock;
mod report;
mod sbom;
mod store_args;
mod trend;

use clap::Subcommand;

use crate::exit::Outcome;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Benchmark flake evaluation: time, CPU, memory and Nix's exact
    /// evaluator counters, with baselines, gates and A/B comparisons.
    #[command(after_help = bench::EXAMPLES)]
    Bench(bench::BenchArgs),
    /// Build with a profile: each derivation built or fetched, its phases
    /// and machine, the critical path, the slowest builds, build-time gates
    /// and a Chrome trace.
    #[command(after_help = build::EXAMPLES)]
    Build(build::BuildArgs),
    /// Binary-cache hit rate of what an installable needs, without building:
    /// what is local, what each cache has, what must be built, what to push.
    #[command(after_help = cache::EXAMPLES)]
    Cache(cache::CacheArgs),
    /// Measure closure sizes: totals, what each dependency adds, duplicates,
    /// budgets and baselines.
    #[command(after_help = closure::EXAMPLES)]
    Closure(closure::ClosureArgs),
    /// Lint Nix files: syntax errors, unused bindings (deadnix's), duplicate
    /// attributes and anti-patterns, with certain fixes.
    #[command(after_help = lint::EXAMPLES)]
    Lint(lint::LintArgs),
    /// Compare two generations, closures or derivations: packages upgraded,
    /// downgraded, added, removed or rebuilt, and why a derivation changed.
    #[command(after_help = diff::EXAMPLES)]
    Diff(diff::DiffArgs),
    /// Check a flake.lock (duplicates and the follows lines that remove
    /// them, ages, pinning), or show what an update moved (--diff).
    #[command(after_help = lock::EXAMPLES)]
    Lock(lock::LockArgs),
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
    /// Chart the runs recorded by --history: a table per metric over the
    /// runs, an SVG chart per metric with its limits, and README badges.
    #[command(after_help = trend::EXAMPLES)]
    Trend(trend::TrendArgs),
}

pub fn dispatch(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Bench(args) => bench::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Cache(args) => cache::run(&args),
        Command::Closure(args) => closure::run(&args),
        Command::Lint(args) => lint::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Lock(args) => lock::run(&args),
        Command::Licenses(args) => licenses::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Sbom(args) => sbom::run(&args),
        Command::Trend(args) => trend::run(&args),
    }
}
