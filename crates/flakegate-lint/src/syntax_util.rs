//! Small helpers over rnix's syntax tree shared by the rules.

use rnix::{SyntaxKind, SyntaxNode, SyntaxToken, TextRange};

/// The name an attribute (`a`, `"a"`, `${"a"}`) statically stands for, with
/// the range of its text; `None` when it is computed (`${x}`, `"a${x}"`).
pub fn static_attr_name(attr: &SyntaxNode) -> Option<(String, TextRange)> {
    match attr.kind() {
        SyntaxKind::NODE_IDENT => {
            let tok = ident_token(attr)?;
            Some((tok.text().to_owned(), tok.text_range()))
        }
        SyntaxKind::NODE_STRING => static_string(attr).map(|s| (s, attr.text_range())),
        // `${"a"}` with a plain string inside is static for Nix too.
        SyntaxKind::NODE_DYNAMIC => {
            let inner = attr.children().next()?;
            if inner.kind() == SyntaxKind::NODE_STRING {
                static_string(&inner).map(|s| (s, attr.text_range()))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The identifier token of a NODE_IDENT (`or` included).
pub fn ident_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    node.children_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| matches!(t.kind(), SyntaxKind::TOKEN_IDENT | SyntaxKind::TOKEN_OR))
}

/// The content of a string without interpolation and without escapes that
/// would change it (good enough for attribute names).
fn static_string(node: &SyntaxNode) -> Option<String> {
    if node.children().next().is_some() {
        return None; // interpolation
    }
    let mut out = String::new();
    for tok in node.children_with_tokens().filter_map(|e| e.into_token()) {
        match tok.kind() {
            SyntaxKind::TOKEN_STRING_CONTENT => {
                if tok.text().contains('\\') || tok.text().contains("''") {
                    return None;
                }
                out.push_str(tok.text());
            }
            SyntaxKind::TOKEN_STRING_START | SyntaxKind::TOKEN_STRING_END => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Whether a node has a direct token of this kind.
pub fn has_token(node: &SyntaxNode, kind: SyntaxKind) -> bool {
    node.children_with_tokens()
        .any(|e| e.as_token().is_some_and(|t| t.kind() == kind))
}

/// The first direct token of this kind.
pub fn token(node: &SyntaxNode, kind: SyntaxKind) -> Option<SyntaxToken> {
    node.children_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| t.kind() == kind)
}

/// The attributes bound directly by a set or `let` body: for each, its static
/// name (first attrpath component or inherited name), the range of that name,
/// and the node that binds it (the NODE_ATTRPATH_VALUE or NODE_INHERIT).
pub fn entries(node: &SyntaxNode) -> Vec<Entry> {
    let mut out = Vec::new();
    for child in node.children() {
        match child.kind() {
            SyntaxKind::NODE_ATTRPATH_VALUE => {
                let Some(path) = child
                    .children()
                    .find(|c| c.kind() == SyntaxKind::NODE_ATTRPATH)
                else {
                    continue;
                };
                if let Some((name, range)) =
                    path.children().next().and_then(|a| static_attr_name(&a))
                {
                    out.push(Entry {
                        name,
                        range,
                        node: child.clone(),
                        inherited: false,
                    });
                }
            }
            SyntaxKind::NODE_INHERIT => {
                for attr in child.children() {
                    if attr.kind() == SyntaxKind::NODE_INHERIT_FROM {
                        continue;
                    }
                    if let Some((name, range)) = static_attr_name(&attr) {
                        out.push(Entry {
                            name,
                            range,
                            node: child.clone(),
                            inherited: true,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

pub struct Entry {
    pub name: String,
    pub range: TextRange,
    pub node: SyntaxNode,
    pub inherited: bool,
}

/// The range of `node` widened for deletion: the whole line(s) when nothing
/// else shares them, else the node and the blanks after it (or before it at
/// the end of a line).
pub fn deletion_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let blank = |s: &str| s.bytes().all(|b| b == b' ' || b == b'\t' || b == b'\r');
    if blank(&text[line_start..start]) && blank(&text[end..line_end]) {
        let stop = if line_end < text.len() {
            line_end + 1
        } else {
            line_end
        };
        return (line_start, stop);
    }
    let mut e = end;
    while e < bytes.len() && (bytes[e] == b' ' || bytes[e] == b'\t') {
        e += 1;
    }
    if e > end && e < bytes.len() && bytes[e] != b'\n' {
        return (start, e);
    }
    let mut s = start;
    while s > 0 && (bytes[s - 1] == b' ' || bytes[s - 1] == b'\t') {
        s -= 1;
    }
    (s, end)
}

pub fn range(r: TextRange) -> (usize, usize) {
    (usize::from(r.start()), usize::from(r.end()))
}

/// What a NODE_IDENT is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentRole {
    /// An attribute name or a name being bound.
    Name,
    /// A variable read.
    Read,
    /// The name of a plain `inherit a;`: a read of `a` from outside the set
    /// or `let` that holds the `inherit`.
    InheritRead,
}

pub fn ident_role(ident: &SyntaxNode) -> IdentRole {
    let Some(parent) = ident.parent() else {
        return IdentRole::Read;
    };
    match parent.kind() {
        SyntaxKind::NODE_ATTRPATH | SyntaxKind::NODE_PAT_BIND | SyntaxKind::NODE_IDENT_PARAM => {
            IdentRole::Name
        }
        // `{ a ? b }`: `a` is bound, `b` (the default) is read.
        SyntaxKind::NODE_PAT_ENTRY => {
            if parent.first_child().as_ref() == Some(ident) {
                IdentRole::Name
            } else {
                IdentRole::Read
            }
        }
        SyntaxKind::NODE_INHERIT => {
            if parent
                .children()
                .any(|c| c.kind() == SyntaxKind::NODE_INHERIT_FROM)
            {
                IdentRole::Name
            } else {
                IdentRole::InheritRead
            }
        }
        _ => IdentRole::Read,
    }
}

/// The expression inside any parentheses around it.
pub fn unparen(node: &SyntaxNode) -> SyntaxNode {
    let mut n = node.clone();
    while n.kind() == SyntaxKind::NODE_PAREN {
        match n.children().next() {
            Some(inner) => n = inner,
            None => break,
        }
    }
    n
}
