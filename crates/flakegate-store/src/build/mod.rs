//! Building with a profile: Nix's internal-json event stream ([`log`]) and
//! the `nix build` that produces it ([`run`]).

pub mod graph;
pub mod log;
pub mod run;

pub use graph::dependencies;
pub use log::{ActivityKind, Event, Field, Line, ResultKind, strip_ansi};
pub use run::{BuildRun, TimedEvent, run_build};
