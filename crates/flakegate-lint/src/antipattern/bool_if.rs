//! `if c then true else false` is `c`; `if c then false else true` is `!c`.

use rnix::SyntaxNode;

use super::{bool_literal, negate};
use crate::finding::{Edit, Fix};
use crate::report::Sink;
use crate::rule::Rule;
use crate::syntax_util::range;

pub fn check(node: &SyntaxNode, sink: &mut Sink) {
    let parts: Vec<SyntaxNode> = node.children().collect();
    let [cond, then, other] = parts.as_slice() else {
        return;
    };
    let (Some(t), Some(e)) = (bool_literal(then), bool_literal(other)) else {
        return;
    };
    let (start, end) = range(node.text_range());
    let (message, replacement) = match (t, e) {
        (true, false) => (
            "`if c then true else false` is `c`",
            cond.text().to_string(),
        ),
        (false, true) => ("`if c then false else true` is `!c`", negate(cond)),
        _ => return,
    };
    sink.push(
        Rule::BoolIf,
        message.to_owned(),
        (start, end),
        Some(Fix {
            message: format!("write `{replacement}`"),
            edits: vec![Edit {
                start,
                end,
                replacement,
            }],
        }),
    );
}
