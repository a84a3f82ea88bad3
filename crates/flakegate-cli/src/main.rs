//! The `flakegate` binary: argument parsing, dispatch and rendering only. All
//! logic lives in the library crates (`flakegate-store`, `flakegate-closure`).

mod app;
mod commands;
mod exit;
mod output;
mod progress;
mod render;
mod units;

fn main() -> std::process::ExitCode {
    exit::main(app::run)
}
