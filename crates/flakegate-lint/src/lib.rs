//! The lint engine: Nix source text in, findings out. It never runs `nix`,
//! never touches the disk and never prints; the CLI walks the files.
//!
//! Rules (see [`Rule`]): `syntax` (every parse error), `duplicate-key`, the
//! unused bindings of deadnix (`unused-let`, `unused-lambda-arg`,
//! `unused-pattern-name`) and a few anti-patterns whose fix is certain
//! (`empty-let`, `empty-pattern`, `bool-if`, `bool-comparison`,
//! `useless-rec`). A `# flakegate: ignore[rule, ...]` comment on a finding's
//! line, alone on the line above it, or above the binding that holds it
//! silences it; a bare `# flakegate: ignore` silences every rule.
//!
//! Deep nesting cannot overflow the stack: see [`depth`].

mod antipattern;
mod config;
pub mod depth;
mod duplicate_key;
mod finding;
mod fix;
mod lint_report;
mod report;
mod rule;
mod source;
mod syntax;
mod syntax_util;
mod unused;

pub use config::Config;
pub use finding::{Edit, Finding, Fix, Position, Span};
pub use fix::{Fixed, apply};
pub use lint_report::{FileFinding, FileResult, LintReport, Unreadable};
pub use report::MARKER;
pub use rule::{Rule, Severity, UnknownRule};
pub use source::LineIndex;

use report::Sink;

/// Lints one file's text.
pub fn lint(text: &str, config: &Config) -> Vec<Finding> {
    let index = LineIndex::new(text);
    let refused = |at: usize, message: String| {
        let mut sink = Sink::default();
        if config.enabled(Rule::Syntax) {
            sink.push(Rule::Syntax, message, (at, at + 1), None);
        }
        sink.finish(None, &index)
    };
    if let Err(at) = depth::path_runs(text) {
        return refused(
            at,
            "runs of path characters too long to tokenize in reasonable time: the file is not analysed"
                .to_owned(),
        );
    }
    match depth::estimate(text) {
        Err(at) => refused(
            at,
            format!(
                "nesting deeper than {} levels: the file is not analysed",
                depth::MAX_NESTING
            ),
        ),
        // Shallow code runs here; deep code on a thread with room for it.
        Ok(d) if d <= 64 => analyse(text, config, &index),
        Ok(d) => std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("flakegate-lint".to_owned())
                .stack_size(depth::stack_for(d))
                .spawn_scoped(s, || analyse(text, config, &index))
                .map_or_else(
                    |_| analyse(text, config, &index),
                    |h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                )
        }),
    }
}

/// Applies the certain fixes (see [`Fixed`]); a file that does not parse is
/// left alone.
pub fn fix(text: &str, config: &Config) -> Fixed {
    fix::fix(text, config)
}

fn analyse(text: &str, config: &Config, index: &LineIndex) -> Vec<Finding> {
    let parse = rnix::Root::parse(text);
    let root = parse.syntax();
    let mut sink = Sink::default();
    if config.enabled(Rule::Syntax) {
        syntax::check(&root, parse.errors(), text.len(), &mut sink);
    }
    if config.enabled(Rule::DuplicateKey) {
        duplicate_key::check(&root, index, &mut sink);
    }
    unused::check(&root, text, config, &mut sink);
    antipattern::check(&root, text, config, &mut sink);
    sink.finish(Some(&root), index)
}
