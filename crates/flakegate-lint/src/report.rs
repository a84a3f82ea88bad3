//! Collecting findings, then dropping those a `# flakegate: ignore[...]`
//! comment silences.

use rnix::{NodeOrToken, SyntaxKind, SyntaxNode, TextRange, TextSize};
use rustc_hash::FxHashMap;

use crate::finding::{Finding, Fix};
use crate::rule::Rule;
use crate::source::LineIndex;

struct Raw {
    rule: Rule,
    message: String,
    start: usize,
    end: usize,
    fix: Option<Fix>,
}

/// Where rules put what they find.
#[derive(Default)]
pub struct Sink {
    raw: Vec<Raw>,
}

impl Sink {
    pub fn push(
        &mut self,
        rule: Rule,
        message: String,
        (start, end): (usize, usize),
        fix: Option<Fix>,
    ) {
        self.raw.push(Raw {
            rule,
            message,
            start,
            end,
            fix,
        });
    }

    /// The findings in source order, without the silenced ones.
    pub fn finish(self, root: Option<&SyntaxNode>, index: &LineIndex) -> Vec<Finding> {
        let directives = root
            .map(|r| Directives::collect(r, index))
            .unwrap_or_default();
        let mut out: Vec<Finding> = self
            .raw
            .into_iter()
            .filter(|f| !directives.silences(root, index, f))
            .map(|f| Finding {
                rule: f.rule,
                severity: f.rule.severity(),
                message: f.message,
                span: index.span(f.start, f.end),
                fix: f.fix,
            })
            .collect();
        out.sort_by_key(|f| (f.span, f.rule));
        out.dedup_by(|a, b| a.span == b.span && a.rule == b.rule && a.message == b.message);
        out
    }
}

/// The marker users write in a comment.
pub const MARKER: &str = "flakegate: ignore";

/// `# flakegate: ignore[rule, ...]` comments by line; `None` means every rule
/// (a bare `# flakegate: ignore`).
#[derive(Default)]
struct Directives {
    by_line: FxHashMap<usize, Vec<Option<Vec<String>>>>,
    /// Lines holding nothing but a comment.
    comment_only: FxHashMap<usize, bool>,
}

impl Directives {
    fn collect(root: &SyntaxNode, index: &LineIndex) -> Self {
        let mut d = Directives::default();
        for tok in root
            .descendants_with_tokens()
            .filter_map(NodeOrToken::into_token)
        {
            if tok.kind() != SyntaxKind::TOKEN_COMMENT {
                continue;
            }
            let Some(at) = tok.text().find(MARKER) else {
                continue;
            };
            let rest = &tok.text()[at + MARKER.len()..];
            let rules = rest
                .strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .map(|(list, _)| {
                    list.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                });
            let start = index.position(usize::from(tok.text_range().start()));
            let end = index.position(usize::from(tok.text_range().end()));
            let alone = index
                .line_text(start.line)
                .trim_start()
                .starts_with(['#', '/']);
            for line in start.line..=end.line {
                d.by_line.entry(line).or_default().push(rules.clone());
            }
            d.comment_only.insert(end.line, alone);
        }
        d
    }

    fn covers(&self, line: usize, rule: Rule) -> bool {
        self.by_line.get(&line).is_some_and(|ds| {
            ds.iter().any(|d| {
                d.as_ref()
                    .is_none_or(|rules| rules.iter().any(|r| r == rule.id()))
            })
        })
    }

    /// On `line` itself, or alone on the line just above it.
    fn covers_at(&self, line: usize, rule: Rule) -> bool {
        self.covers(line, rule)
            || (line > 1
                && self.comment_only.get(&(line - 1)).copied().unwrap_or(false)
                && self.covers(line - 1, rule))
    }

    fn silences(&self, root: Option<&SyntaxNode>, index: &LineIndex, f: &Raw) -> bool {
        if self.by_line.is_empty() {
            return false;
        }
        if self.covers_at(index.position(f.start).line, f.rule) {
            return true;
        }
        let Some(root) = root else { return false };
        let len = usize::from(root.text_range().end());
        let (s, e) = (f.start.min(len), f.end.min(len).max(f.start.min(len)));
        let range = TextRange::new(TextSize::from(s as u32), TextSize::from(e as u32));
        let node = match root.covering_element(range) {
            NodeOrToken::Node(n) => n,
            NodeOrToken::Token(t) => match t.parent() {
                Some(p) => p,
                None => return false,
            },
        };
        node.ancestors().filter(|n| is_binding(n.kind())).any(|n| {
            self.covers_at(
                index.position(usize::from(n.text_range().start())).line,
                f.rule,
            )
        })
    }
}

/// Nodes a comment above silences as a whole.
fn is_binding(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::NODE_ATTRPATH_VALUE | SyntaxKind::NODE_INHERIT | SyntaxKind::NODE_PAT_ENTRY
    )
}
