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

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    flakegate_report::write::remove_pending_on_signal();
    exit::main(app::run)
}
