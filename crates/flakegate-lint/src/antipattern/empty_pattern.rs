//! `{ }: e` takes an empty attribute set: write `_: e`.

use rnix::{SyntaxKind, SyntaxNode};

use crate::finding::{Edit, Fix};
use crate::report::Sink;
use crate::rule::Rule;
use crate::syntax_util::{has_token, range};

pub fn check(node: &SyntaxNode, sink: &mut Sink) {
    let empty = node.children().next().is_none()
        && !has_token(node, SyntaxKind::TOKEN_ELLIPSIS)
        && !has_token(node, SyntaxKind::TOKEN_AT)
        && !node.text().to_string().contains(['#', '/']);
    if !empty {
        return;
    }
    let (start, end) = range(node.text_range());
    sink.push(
        Rule::EmptyPattern,
        "the pattern `{ }` takes no attribute".to_owned(),
        (start, end),
        Some(Fix {
            message: "write `_`".to_owned(),
            edits: vec![Edit {
                start,
                end,
                replacement: "_".to_owned(),
            }],
        }),
    );
}
