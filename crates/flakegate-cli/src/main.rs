//! The `flakegate` binary: argument parsing, dispatch and rendering only. All
//! logic lives in the library crates (`flakegate-store`, `flakegate-closure`).

mod app;
mod commands;
mod envelope;
mod exit;
mod output;
mod progress;
mod render;
mod units;
mod walk;

/// mimalloc rather than the system allocator: a closure report of 80,000
/// paths makes a few hundred thousand small strings, and mimalloc's
/// size-class pages keep them close together. It took 10–13 % off the
/// closure report's CPU time (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    flakegate_report::write::remove_pending_on_signal();
    exit::main(app::run)
}
