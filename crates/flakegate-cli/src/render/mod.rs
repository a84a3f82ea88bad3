//! Every report renders through one trait: a terminal text and a Markdown
//! text per tool, each in its own folder here; JSON is the report value
//! itself, in its envelope (see `crate::output`). Adding a tool adds a folder
//! and an `impl Render`; adding a format adds a method.

pub mod bench;
pub mod build;
pub mod cache;
pub mod closure;
pub mod diff;
pub mod gates;
pub mod licenses;
pub mod lint;
pub mod lock;
pub mod style;
pub mod summary;
pub mod trend;
pub mod workflow;

use clap::ValueEnum;
use flakegate_report::Report;

pub use style::{Paint, use_color};

/// A report as people read it.
pub trait Render: Report {
    /// For a terminal or a CI log; `paint` says whether to colour.
    fn terminal(&self, paint: Paint) -> String;
    /// GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY` or a comment.
    fn markdown(&self) -> String;
    /// One line for the header of `flakegate report` (`18.4 MiB in 1,203
    /// paths`).
    fn headline(&self) -> String;
    /// How it moved against its baseline or reference, for the summary's
    /// delta column (`+1.2 MiB (+2.50%)`); `None` without one.
    fn delta(&self) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// A store name or package name as Markdown code, safe inside a table.
pub(crate) fn md_code(s: &str) -> String {
    format!("`{}`", s.replace('|', "\\|").replace('`', "'"))
}

/// Code inside HTML (a `<summary>`), where Markdown's backticks show as
/// they are.
pub(crate) fn html_code(s: &str) -> String {
    format!(
        "<code>{}</code>",
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    )
}

/// `1 path`, `21,392 paths`: a count with its noun, singular for one.
pub(crate) fn counted(n: usize, one: &str, many: &str) -> String {
    let n64 = u64::try_from(n).unwrap_or(u64::MAX);
    format!(
        "{} {}",
        flakegate_report::units::count(n64),
        if n == 1 { one } else { many }
    )
}

/// `1 input`, `3 inputs`: a count with its noun, plural by an `s`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    counted(n, word, &format!("{word}s"))
}
