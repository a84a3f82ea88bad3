//! A progress bar on stderr while `flakegate bench` measures: one step per
//! evaluation, warm-ups included. indicatif draws nothing when stderr is not
//! a terminal, so CI logs and pipes stay clean.

use indicatif::{ProgressBar, ProgressStyle};

use flakegate_bench::{Phase, Progress};

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} {elapsed:.dim}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        };
        Self { bar }
    }

    /// Shows a step that is about to start.
    pub fn update(&self, p: Progress<'_>) {
        self.bar.set_length(p.planned);
        self.bar.set_position(p.done);
        let phase = match p.phase {
            Phase::Warmup => "warm-up",
            Phase::Run => "run",
        };
        let side = p.side.map_or_else(String::new, |s| format!(" @ {s}"));
        self.bar
            .set_message(format!("{}{side}: {phase}", p.benchmark));
    }

    /// Shows a message before the measuring starts.
    pub fn note(&self, msg: String) {
        self.bar.set_message(msg);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
