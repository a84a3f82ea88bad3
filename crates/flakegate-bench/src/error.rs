//! The engine's errors; each names what it is about.

use flakegate_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// An evaluation failed: Nix's message, with the command.
    /// (Not a `source`: the message already holds it, and the CLI prints
    /// the whole chain.)
    #[error("{benchmark}: {error}")]
    Eval {
        benchmark: String,
        error: StoreError,
    },
    #[error("nothing to measure")]
    NoTargets,
    #[error("--runs must be at least 1")]
    NoRuns,
    #[error("an A/B plan needs one revision command per target")]
    RevisionTargets,
}
