//! The report of a lint run over many files: what `--json` prints (schema
//! `flakegate.lint/1`) and what every renderer reads.

use std::collections::BTreeMap;

use flakegate_report::{Gate, GateId, Status};
use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::rule::{Rule, Severity};

/// One finding in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFinding {
    /// The path as the user named it (relative to where they ran the lint).
    pub file: String,
    #[serde(flatten)]
    pub finding: Finding,
}

/// A file that could not be linted (not UTF-8, unreadable, a directory
/// loop), and why; the others still were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    pub file: String,
    pub reason: String,
}

/// One file's result, as the CLI hands it over.
pub struct FileResult {
    pub file: String,
    pub findings: Vec<Finding>,
    /// The text, kept for code frames when there are findings.
    pub source: Option<String>,
    /// Fixes applied to the file (with `--fix`).
    pub fixed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LintReport {
    /// How many files were linted.
    pub files: usize,
    pub findings: Vec<FileFinding>,
    /// Findings by rule id.
    pub counts: BTreeMap<String, usize>,
    pub errors: usize,
    pub warnings: usize,
    /// Fixes applied (present with `--fix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<Unreadable>,
    pub gates: Vec<Gate>,
    pub status: Status,
    /// File texts for code frames; not part of the JSON.
    #[serde(skip)]
    pub sources: BTreeMap<String, String>,
}

impl LintReport {
    /// The report of these files; with `check`, any finding fails the run.
    pub fn new(
        results: Vec<FileResult>,
        unreadable: Vec<Unreadable>,
        check: bool,
        fixing: bool,
    ) -> Self {
        let files = results.len();
        let mut findings = Vec::new();
        let mut sources = BTreeMap::new();
        let mut fixed = 0;
        for r in results {
            fixed += r.fixed;
            if let Some(text) = r.source.filter(|_| !r.findings.is_empty()) {
                sources.insert(r.file.clone(), text);
            }
            findings.extend(r.findings.into_iter().map(|finding| FileFinding {
                file: r.file.clone(),
                finding,
            }));
        }
        findings.sort_by(|a, b| (&a.file, a.finding.span).cmp(&(&b.file, b.finding.span)));
        let mut counts = BTreeMap::new();
        for f in &findings {
            *counts.entry(f.finding.rule.id().to_owned()).or_insert(0) += 1;
        }
        let errors = findings
            .iter()
            .filter(|f| f.finding.severity == Severity::Error)
            .count();
        let gates = if check {
            vec![Gate::judge(
                GateId::LintFindings,
                findings.len() as f64,
                0.0,
            )]
        } else {
            Vec::new()
        };
        let status = Status::overall(gates.iter().map(|g| g.status));
        LintReport {
            files,
            counts,
            errors,
            warnings: findings.len() - errors,
            findings,
            fixed: fixing.then_some(fixed),
            unreadable,
            gates,
            status,
            sources,
        }
    }

    /// The rules that found something, in report order.
    pub fn rules(&self) -> Vec<Rule> {
        let mut rules: Vec<Rule> = self.findings.iter().map(|f| f.finding.rule).collect();
        rules.sort();
        rules.dedup();
        rules
    }
}

flakegate_report::impl_report!(LintReport, "lint", "flakegate.lint/1");
