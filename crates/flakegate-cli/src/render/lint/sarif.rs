//! SARIF 2.1.0 for GitHub code scanning: one run, every rule described,
//! one result per finding with its region (columns in Unicode code points).

use anyhow::Context;
use flakegate_lint::{LintReport, Rule, Severity};
use serde_json::{Value, json};

pub fn render(r: &LintReport) -> anyhow::Result<String> {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id(),
                "name": rule.id(),
                "shortDescription": { "text": rule.summary() },
                "defaultConfiguration": { "level": level(rule.severity()) },
                "helpUri": "https://github.com/flakegate/flakegate/blob/main/docs/lint.md",
            })
        })
        .collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let x = &f.finding;
            let index = Rule::ALL
                .iter()
                .position(|rule| *rule == x.rule)
                .unwrap_or(0);
            json!({
                "ruleId": x.rule.id(),
                "ruleIndex": index,
                "level": level(x.severity),
                "message": { "text": x.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.file), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": x.span.start.line,
                            "startColumn": x.span.start.column,
                            "endLine": x.span.end.line,
                            "endColumn": x.span.end.column,
                            "byteOffset": x.span.start.offset,
                            "byteLength": x.span.end.offset - x.span.start.offset,
                        }
                    }
                }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "flakegate",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/flakegate/flakegate",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&doc).context("cannot serialise the SARIF log")?;
    text.push('\n');
    Ok(text)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative path as a URI reference: `/` separators, reserved characters
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
