//! Applying certain fixes: never to a file that does not parse, never
//! leaving one that does not, and again until nothing is left to fix (one
//! fix can expose another: removing `b = a;` leaves `a` unused).

use crate::config::Config;
use crate::finding::{Edit, Finding};
use crate::rule::Rule;

/// The result of [`fix`](crate::fix()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The new text (the old one when nothing was fixed).
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// What remains after fixing.
    pub findings: Vec<Finding>,
}

/// At most this many rounds; each round removes at least one finding.
const MAX_ROUNDS: usize = 16;

pub fn fix(text: &str, config: &Config) -> Fixed {
    let mut current = text.to_owned();
    let mut findings = crate::lint(&current, config);
    let mut applied = 0;
    if has_syntax_errors(&findings) {
        return Fixed {
            text: current,
            applied,
            findings,
        };
    }
    for _ in 0..MAX_ROUNDS {
        let (next, n) = apply(&current, &findings);
        if n == 0 {
            break;
        }
        let next_findings = crate::lint(&next, config);
        if has_syntax_errors(&next_findings) {
            // A fix that breaks the file is not applied (a bug, but never
            // the user's file to pay for it).
            break;
        }
        current = next;
        findings = next_findings;
        applied += n;
    }
    Fixed {
        text: current,
        applied,
        findings,
    }
}

fn has_syntax_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.rule == Rule::Syntax)
}

/// Applies every fix that does not overlap an earlier one; returns the new
/// text and how many fixes went in.
pub fn apply(text: &str, findings: &[Finding]) -> (String, usize) {
    let mut fixes: Vec<&[Edit]> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .map(|f| f.edits.as_slice())
        .filter(|e| !e.is_empty())
        .collect();
    fixes.sort_by_key(|e| (e[0].start, e[0].end));
    fixes.dedup();
    let mut chosen: Vec<&Edit> = Vec::new();
    let mut count = 0;
    let mut taken_until = 0usize;
    for edits in fixes {
        let sane = edits.iter().all(|e| {
            e.start <= e.end
                && e.end <= text.len()
                && text.is_char_boundary(e.start)
                && text.is_char_boundary(e.end)
        });
        let overlaps = edits[0].start < taken_until
            || chosen
                .iter()
                .any(|c| edits.iter().any(|e| e.start < c.end && c.start < e.end));
        if !sane || overlaps {
            continue;
        }
        taken_until = edits
            .iter()
            .map(|e| e.end)
            .max()
            .unwrap_or(taken_until)
            .max(taken_until);
        chosen.extend(edits.iter());
        count += 1;
    }
    chosen.sort_by_key(|e| e.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in chosen {
        out.push_str(&text[at..e.start]);
        out.push_str(&e.replacement);
        at = e.end;
    }
    out.push_str(&text[at..]);
    (out, count)
}
