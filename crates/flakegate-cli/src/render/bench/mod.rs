//! Rendering of `flakegate bench`: terminal, Markdown, and the progress bar.

mod format;
pub mod markdown;
pub mod progress;
pub mod terminal;
