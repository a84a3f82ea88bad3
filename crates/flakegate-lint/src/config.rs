//! What to check.

use crate::rule::Rule;

/// Which rules run, and the unused-binding options (the same choices as
/// deadnix's `--no-lambda-arg`, `--no-lambda-pattern-names` and
/// `--no-underscore`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Only these rules (all when `None`).
    pub select: Option<Vec<Rule>>,
    /// Never these rules (wins over `select`).
    pub ignore: Vec<Rule>,
    /// Do not report unused lambda arguments (`x:` and `x@`).
    pub skip_lambda_args: bool,
    /// Do not report unused names of `{ a, ... }:` patterns (callPackage
    /// style functions often take arguments they do not use).
    pub skip_pattern_names: bool,
    /// Do not report bindings whose name starts with `_`.
    pub skip_underscore: bool,
}

impl Config {
    pub fn enabled(&self, rule: Rule) -> bool {
        !self.ignore.contains(&rule) && self.select.as_ref().is_none_or(|s| s.contains(&rule))
    }
}
