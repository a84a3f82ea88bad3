//! `e == true`, `e != false`, `(x == null) == false`: compare with a boolean
//! literal. Reported only when `e` is a boolean by construction (a
//! comparison, `!`, `&&`, `||`, `->` or `?`), where the fix is certain.
//! Otherwise `e == true` is how one tests that a value of any type (often
//! `null`, a string or a boolean) is `true`: writing `e` would fail on the
//! other types, so it is no finding (real trees are full of it, in
//! generators and in options that may be `null`).

use rnix::{SyntaxKind, SyntaxNode, SyntaxToken};

use super::{bool_literal, negate};
use crate::finding::{Edit, Fix};
use crate::report::Sink;
use crate::rule::Rule;
use crate::syntax_util::{range, unparen};

pub fn check(node: &SyntaxNode, sink: &mut Sink) {
    let Some(op) = operator(node) else { return };
    let equal = match op.kind() {
        SyntaxKind::TOKEN_EQUAL => true,
        SyntaxKind::TOKEN_NOT_EQUAL => false,
        _ => return,
    };
    let parts: Vec<SyntaxNode> = node.children().collect();
    let [lhs, rhs] = parts.as_slice() else { return };
    let (other, literal) = match (bool_literal(lhs), bool_literal(rhs)) {
        (None, Some(b)) => (lhs, b),
        (Some(b), None) => (rhs, b),
        _ => return,
    };
    if !is_boolean(other) {
        return;
    }
    // `e == true` and `e != false` keep `e`; the others negate it.
    let keep = equal == literal;
    let (start, end) = range(node.text_range());
    let written = format!("{} {}", op.text(), literal);
    let replacement = if keep {
        other.text().to_string()
    } else {
        flipped(other).unwrap_or_else(|| negate(other))
    };
    let fix = Fix {
        message: format!("write `{replacement}`"),
        edits: vec![Edit {
            start,
            end,
            replacement,
        }],
    };
    sink.push(
        Rule::BoolComparison,
        format!("comparison `{written}`: use the boolean itself"),
        (start, end),
        Some(fix),
    );
}

fn operator(node: &SyntaxNode) -> Option<SyntaxToken> {
    node.children_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| !t.kind().is_trivia())
}

/// Whether the expression is a boolean whatever its operands.
fn is_boolean(node: &SyntaxNode) -> bool {
    let n = unparen(node);
    match n.kind() {
        SyntaxKind::NODE_HAS_ATTR => true,
        SyntaxKind::NODE_UNARY_OP => {
            operator(&n).is_some_and(|t| t.kind() == SyntaxKind::TOKEN_INVERT)
        }
        SyntaxKind::NODE_BIN_OP => operator(&n).is_some_and(|t| {
            matches!(
                t.kind(),
                SyntaxKind::TOKEN_EQUAL
                    | SyntaxKind::TOKEN_NOT_EQUAL
                    | SyntaxKind::TOKEN_LESS
                    | SyntaxKind::TOKEN_LESS_OR_EQ
                    | SyntaxKind::TOKEN_MORE
                    | SyntaxKind::TOKEN_MORE_OR_EQ
                    | SyntaxKind::TOKEN_AND_AND
                    | SyntaxKind::TOKEN_OR_OR
                    | SyntaxKind::TOKEN_IMPLICATION
            )
        }),
        _ => false,
    }
}

/// `(a == b)` negated as `a != b`, and the reverse.
fn flipped(node: &SyntaxNode) -> Option<String> {
    let n = unparen(node);
    if n.kind() != SyntaxKind::NODE_BIN_OP {
        return None;
    }
    let op = operator(&n)?;
    let new = match op.kind() {
        SyntaxKind::TOKEN_EQUAL => "!=",
        SyntaxKind::TOKEN_NOT_EQUAL => "==",
        _ => return None,
    };
    let base = usize::from(n.text_range().start());
    let text = n.text().to_string();
    let (s, e) = range(op.text_range());
    Some(format!("{}{}{}", &text[..s - base], new, &text[e - base..]))
}
