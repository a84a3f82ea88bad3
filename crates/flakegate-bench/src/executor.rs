//! Where samples come from. The real executor runs Nix (in the store crate,
//! wrapped by the CLI); tests use one that returns fixed timings, so every
//! statistic and every report is checked against known numbers.

use flakegate_store::StoreError;
use flakegate_store::eval::{EvalCommand, Measurement};

pub trait Executor {
    /// Runs `command` once, as a fresh process, and measures it.
    fn measure(&mut self, command: &EvalCommand) -> Result<Measurement, StoreError>;
}
