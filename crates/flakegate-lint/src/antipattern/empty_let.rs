//! `let in e` binds nothing: write `e`.

use rnix::{SyntaxKind, SyntaxNode};

use crate::finding::{Edit, Fix};
use crate::report::Sink;
use crate::rule::Rule;
use crate::syntax_util::token;

pub fn check(node: &SyntaxNode, text: &str, sink: &mut Sink) {
    let binds = node.children().any(|c| {
        matches!(
            c.kind(),
            SyntaxKind::NODE_ATTRPATH_VALUE | SyntaxKind::NODE_INHERIT | SyntaxKind::NODE_ERROR
        )
    });
    if binds {
        return;
    }
    let (Some(let_tok), Some(in_tok)) = (
        token(node, SyntaxKind::TOKEN_LET),
        token(node, SyntaxKind::TOKEN_IN),
    ) else {
        return;
    };
    let body = node.children().last();
    let (start, in_end) = (
        usize::from(let_tok.text_range().start()),
        usize::from(in_tok.text_range().end()),
    );
    // Certain only when no comment would go with it.
    let fix = body
        .filter(|_| !text[start..in_end].contains(['#', '/']))
        .map(|b| {
            let body_start = usize::from(b.text_range().start());
            let comments_before_body = text[in_end..body_start].contains(['#', '/']);
            let end = if comments_before_body {
                in_end
            } else {
                body_start
            };
            Fix {
                message: "remove `let in`".to_owned(),
                edits: vec![Edit {
                    start,
                    end,
                    replacement: String::new(),
                }],
            }
        });
    sink.push(
        Rule::EmptyLet,
        "`let in` binds nothing".to_owned(),
        (start, in_end),
        fix,
    );
}
