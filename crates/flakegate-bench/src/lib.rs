//! The benchmark engine of `flakegate bench`: measurements in, a report out.
//!
//! - [`run()`] drives an [`Executor`] through warm-ups and runs (A B A B … for
//!   an A/B comparison of two revisions) and summarises each benchmark:
//!   wall and CPU time, peak RSS ([`Summary`], outliers by modified z-score),
//!   and Nix's evaluator counters, classified exact or noisy ([`counters`]).
//! - [`Baseline`] saves what a later run is compared with; [`Gates`] judges
//!   time, time regression (with a confidence interval, [`ratio`]) and
//!   counter growth.
//! - [`hyperfine`] exports the report in hyperfine's JSON shape.
//!
//! Nothing here runs `nix`: the real executor lives in
//! `flakegate_store::eval`, and [`fixed::FixedExecutor`] stands in for it in
//! tests with fixed timings.

pub mod baseline;
pub mod counters;
mod error;
pub mod executor;
pub mod fixed;
pub mod gates;
pub mod hyperfine;
pub mod ratio;
mod report;
pub mod run;
pub mod summary;

pub use baseline::Baseline;
pub use error::BenchError;
pub use executor::Executor;
pub use gates::Gates;
pub use report::{
    BenchReport, Benchmark, Comparison, Reference, ReferenceKind, SCHEMA, Sample, Settings,
};
pub use run::{Phase, Plan, Progress, RevisionPlan, Target, run};
pub use summary::Summary;
