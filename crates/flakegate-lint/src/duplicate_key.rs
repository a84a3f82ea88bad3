//! Attributes defined twice, which Nix rejects when it parses the file
//! ("attribute 'a' already defined"). Nix merges two definitions only when
//! both are attribute sets written out: `a.b = 1; a.c = 2;` and
//! `a = { b = 1; }; a.c = 2;` are fine (parentheses around a set change
//! nothing), `a = 1; a.b = 2;` is not. `{ a, a }:` and `{ a, ... }@a` are
//! duplicate formal arguments.

use rnix::{SyntaxKind, SyntaxNode, TextRange};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::report::Sink;
use crate::rule::Rule;
use crate::source::LineIndex;
use crate::syntax_util::{ident_token, range, static_attr_name, unparen};

enum Def {
    /// A value Nix cannot merge into (anything but a written-out set).
    Leaf(TextRange),
    /// A written-out set, or one made by an attribute path.
    Set(TextRange, FxHashMap<String, Def>),
}

impl Def {
    fn first(&self) -> TextRange {
        match self {
            Def::Leaf(r) | Def::Set(r, _) => *r,
        }
    }
}

pub fn check(root: &SyntaxNode, index: &LineIndex, sink: &mut Sink) {
    for node in root.descendants() {
        match node.kind() {
            SyntaxKind::NODE_ATTR_SET if !merged_into_parent(&node) => {
                let mut defs = FxHashMap::default();
                insert_entries(&node, &mut defs, &mut Vec::new(), index, sink);
            }
            SyntaxKind::NODE_LET_IN | SyntaxKind::NODE_LEGACY_LET => {
                let mut defs = FxHashMap::default();
                insert_entries(&node, &mut defs, &mut Vec::new(), index, sink);
            }
            SyntaxKind::NODE_PATTERN => duplicate_formal(&node, sink),
            _ => {}
        }
    }
}

/// A set written as the value of a set or `let` attribute (in parentheses
/// or not: Nix's parser drops them, so `a = ({ b = 1; }); a.c = 2;` merges)
/// is checked with its parent, which merges it.
fn merged_into_parent(set: &SyntaxNode) -> bool {
    let mut up = set.parent();
    while let Some(p) = up.as_ref().filter(|p| p.kind() == SyntaxKind::NODE_PAREN) {
        up = p.parent();
    }
    up.is_some_and(|p| {
        p.kind() == SyntaxKind::NODE_ATTRPATH_VALUE
            && p.parent().is_some_and(|g| {
                matches!(
                    g.kind(),
                    SyntaxKind::NODE_ATTR_SET
                        | SyntaxKind::NODE_LET_IN
                        | SyntaxKind::NODE_LEGACY_LET
                )
            })
    })
}

fn insert_entries(
    holder: &SyntaxNode,
    defs: &mut FxHashMap<String, Def>,
    path: &mut Vec<String>,
    index: &LineIndex,
    sink: &mut Sink,
) {
    for child in holder.children() {
        match child.kind() {
            SyntaxKind::NODE_ATTRPATH_VALUE => {
                let mut parts = child.children();
                let Some(attrpath) = parts
                    .next()
                    .filter(|p| p.kind() == SyntaxKind::NODE_ATTRPATH)
                else {
                    continue;
                };
                let value = parts.next();
                let attrs: Vec<SyntaxNode> = attrpath.children().collect();
                insert_path(defs, &attrs, value.as_ref(), path, index, sink);
            }
            SyntaxKind::NODE_INHERIT => {
                for attr in child.children() {
                    if attr.kind() == SyntaxKind::NODE_INHERIT_FROM {
                        continue;
                    }
                    if let Some((name, r)) = static_attr_name(&attr) {
                        insert_leaf(defs, name, r, path, index, sink);
                    }
                }
            }
            _ => {}
        }
    }
}

fn insert_leaf(
    defs: &mut FxHashMap<String, Def>,
    name: String,
    r: TextRange,
    path: &[String],
    index: &LineIndex,
    sink: &mut Sink,
) {
    if let Some(old) = defs.get(&name) {
        report(path, &name, r, old.first(), index, sink);
    } else {
        defs.insert(name, Def::Leaf(r));
    }
}

fn insert_path(
    defs: &mut FxHashMap<String, Def>,
    attrs: &[SyntaxNode],
    value: Option<&SyntaxNode>,
    path: &mut Vec<String>,
    index: &LineIndex,
    sink: &mut Sink,
) {
    let Some((first, rest)) = attrs.split_first() else {
        return;
    };
    // A computed name: Nix checks it when it evaluates; so do we not.
    let Some((name, r)) = static_attr_name(first) else {
        return;
    };
    let value_set = value
        .map(unparen)
        .filter(|v| v.kind() == SyntaxKind::NODE_ATTR_SET);
    let depth = path.len();
    if rest.is_empty() {
        match (defs.get_mut(&name), value_set) {
            (None, None) => {
                defs.insert(name, Def::Leaf(r));
            }
            (None, Some(set)) => {
                let mut inner = FxHashMap::default();
                path.push(name.clone());
                insert_entries(&set, &mut inner, path, index, sink);
                defs.insert(name, Def::Set(r, inner));
            }
            (Some(Def::Set(_, inner)), Some(set)) => {
                path.push(name);
                insert_entries(&set, inner, path, index, sink);
            }
            (Some(old), _) => {
                let first = old.first();
                report(path, &name, r, first, index, sink);
            }
        }
    } else {
        match defs
            .entry(name.clone())
            .or_insert_with(|| Def::Set(r, FxHashMap::default()))
        {
            Def::Set(_, inner) => {
                path.push(name);
                insert_path(inner, rest, value, path, index, sink);
            }
            Def::Leaf(first) => {
                let first = *first;
                report(path, &name, r, first, index, sink);
            }
        }
    }
    path.truncate(depth);
}

fn report(
    path: &[String],
    name: &str,
    r: TextRange,
    first: TextRange,
    index: &LineIndex,
    sink: &mut Sink,
) {
    let mut full = path.join(".");
    if !full.is_empty() {
        full.push('.');
    }
    full.push_str(name);
    let line = index.position(usize::from(first.start())).line;
    sink.push(
        Rule::DuplicateKey,
        format!("attribute `{full}` is already defined on line {line}"),
        range(r),
        None,
    );
}

/// A formal argument given twice (`{ a, a }:`), or named like the `@` name
/// (`{ a, ... }@a`): Nix rejects both ("duplicate formal function
/// argument").
fn duplicate_formal(pattern: &SyntaxNode, sink: &mut Sink) {
    let name_of = |n: &SyntaxNode| {
        n.children()
            .find(|c| c.kind() == SyntaxKind::NODE_IDENT)
            .as_ref()
            .and_then(ident_token)
    };
    let mut seen = FxHashSet::default();
    for entry in pattern
        .children()
        .filter(|c| c.kind() == SyntaxKind::NODE_PAT_ENTRY)
    {
        let Some(t) = name_of(&entry) else { continue };
        if !seen.insert(t.text().to_owned()) {
            sink.push(
                Rule::DuplicateKey,
                format!("formal argument `{}` is given twice", t.text()),
                range(t.text_range()),
                None,
            );
        }
    }
    let Some(bind) = pattern
        .children()
        .find(|c| c.kind() == SyntaxKind::NODE_PAT_BIND)
        .as_ref()
        .and_then(name_of)
    else {
        return;
    };
    if seen.contains(bind.text()) {
        sink.push(
            Rule::DuplicateKey,
            format!(
                "`{}` is both the `@` name and a formal argument",
                bind.text()
            ),
            range(bind.text_range()),
            None,
        );
    }
}
