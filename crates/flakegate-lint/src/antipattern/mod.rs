//! The anti-patterns whose fix is certain. One walk over the tree; each rule
//! looks at the node kinds it cares about.

mod bool_comparison;
mod bool_if;
mod empty_let;
mod empty_pattern;
mod useless_rec;

use rnix::{SyntaxKind, SyntaxNode};

use crate::config::Config;
use crate::report::Sink;
use crate::rule::Rule;

pub fn check(root: &SyntaxNode, text: &str, config: &Config, sink: &mut Sink) {
    let on = |r| config.enabled(r);
    let (empty_let, empty_pattern, bool_if, bool_cmp, useless_rec) = (
        on(Rule::EmptyLet),
        on(Rule::EmptyPattern),
        on(Rule::BoolIf),
        on(Rule::BoolComparison),
        on(Rule::UselessRec),
    );
    if !(empty_let || empty_pattern || bool_if || bool_cmp || useless_rec) {
        return;
    }
    for node in root.descendants() {
        match node.kind() {
            SyntaxKind::NODE_LET_IN if empty_let => empty_let::check(&node, text, sink),
            SyntaxKind::NODE_PATTERN if empty_pattern => empty_pattern::check(&node, sink),
            SyntaxKind::NODE_IF_ELSE if bool_if => bool_if::check(&node, sink),
            SyntaxKind::NODE_BIN_OP if bool_cmp => bool_comparison::check(&node, sink),
            SyntaxKind::NODE_ATTR_SET if useless_rec => useless_rec::check(&node, text, sink),
            _ => {}
        }
    }
}

/// `true` or `false` written as such.
fn bool_literal(node: &SyntaxNode) -> Option<bool> {
    if node.kind() != SyntaxKind::NODE_IDENT {
        return None;
    }
    match node.text().to_string().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Whether an expression can be negated as `!e` without parentheses.
fn negates_bare(node: &SyntaxNode) -> bool {
    matches!(
        node.kind(),
        SyntaxKind::NODE_IDENT
            | SyntaxKind::NODE_SELECT
            | SyntaxKind::NODE_PAREN
            | SyntaxKind::NODE_APPLY
            | SyntaxKind::NODE_HAS_ATTR
            | SyntaxKind::NODE_UNARY_OP
    )
}

fn negate(node: &SyntaxNode) -> String {
    if negates_bare(node) {
        format!("!{}", node.text())
    } else {
        format!("!({})", node.text())
    }
}
