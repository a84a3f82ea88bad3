//! `rec { ... }` whose values refer to none of its attributes: `rec` only
//! costs (and invites accidental self-reference).

use rnix::{SyntaxKind, SyntaxNode};
use rustc_hash::FxHashSet;

use crate::finding::{Edit, Fix};
use crate::report::Sink;
use crate::rule::Rule;
use crate::syntax_util::{IdentRole, entries, ident_role, ident_token, range, token};

pub fn check(node: &SyntaxNode, text: &str, sink: &mut Sink) {
    let Some(rec) = token(node, SyntaxKind::TOKEN_REC) else {
        return;
    };
    let names: FxHashSet<String> = entries(node).into_iter().map(|e| e.name).collect();
    if refers_to(node, &names) {
        return;
    }
    let (start, end) = range(rec.text_range());
    let bytes = text.as_bytes();
    let mut stop = end;
    while stop < bytes.len() && (bytes[stop] == b' ' || bytes[stop] == b'\t') {
        stop += 1;
    }
    sink.push(
        Rule::UselessRec,
        "`rec` is useless: no value refers to an attribute of this set".to_owned(),
        (start, end),
        Some(Fix {
            message: "remove `rec`".to_owned(),
            edits: vec![Edit {
                start,
                end: stop,
                replacement: String::new(),
            }],
        }),
    );
}

/// Whether any identifier under the set could read one of `names` through
/// the set (shadowing inside is ignored: a same-named identifier anywhere
/// keeps `rec`).
fn refers_to(set: &SyntaxNode, names: &FxHashSet<String>) -> bool {
    if names.is_empty() {
        return false;
    }
    set.descendants()
        .filter(|n| n.kind() == SyntaxKind::NODE_IDENT)
        .any(|ident| {
            let reads = match ident_role(&ident) {
                IdentRole::Name => false,
                IdentRole::Read => true,
                // `inherit a;` directly in the set reads the outer `a`.
                IdentRole::InheritRead => {
                    ident.parent().and_then(|p| p.parent()).as_ref() != Some(set)
                }
            };
            reads && ident_token(&ident).is_some_and(|t| names.contains(t.text()))
        })
}
