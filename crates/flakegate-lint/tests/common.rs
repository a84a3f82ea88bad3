//! Shared helpers for the engine's tests.

// Each test binary uses its own part of these helpers.
#![allow(dead_code)]

use flakegate_lint::{Config, Finding, Rule, lint};

/// `line:column rule` for each finding, in order.
pub fn brief(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{}:{} {}", f.span.start.line, f.span.start.column, f.rule))
        .collect()
}

pub fn check(src: &str) -> Vec<String> {
    brief(&lint(src, &Config::default()))
}

/// Only the unused-binding rules, with these options.
pub fn check_unused(src: &str, options: &Config) -> Vec<String> {
    let config = Config {
        select: Some(Rule::ALL.into_iter().filter(|r| r.is_unused()).collect()),
        ..options.clone()
    };
    brief(&lint(src, &config))
}

pub fn check_with(src: &str, config: &Config) -> Vec<String> {
    brief(&lint(src, config))
}
