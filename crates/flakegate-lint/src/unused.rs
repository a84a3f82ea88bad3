//! Unused bindings, with deadnix's semantics (learnt from running it, not
//! from its code):
//!
//! - names resolve lexically: `let`, `rec { }`, lambda arguments and pattern
//!   names shadow outer bindings; `with` never shadows a lexical binding, so
//!   a name under `with` that has a lexical binding uses it;
//! - a binding is used when a reference to it sits in the body of its scope,
//!   or in the value of a *used* sibling binding (the greatest fixpoint:
//!   `a = b; b = a;` keep each other alive, `a = 1; b = a;` with `b` unused
//!   reports both); a reference from its own value does not count;
//! - `rec { }` attributes and legacy `let { }` bindings are exported, never
//!   unused;
//! - `x:` arguments starting with `_` are never reported; other names
//!   starting with `_` are, unless `skip_underscore`.

use rnix::{SyntaxKind, SyntaxNode, TextRange, WalkEvent};
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::finding::Fix;
use crate::report::Sink;
use crate::rule::Rule;
use crate::syntax_util::{IdentRole, deletion_range, entries, ident_role, ident_token, range};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Let,
    LambdaArg,
    PatternName,
    PatternBind,
    Exported,
}

struct Binding {
    name: String,
    kind: Kind,
    scope: usize,
    /// Where the name is written (one per definition: `a.b = 1; a.c = 2;`).
    sites: Vec<TextRange>,
    /// The node each site deletes (NODE_ATTRPATH_VALUE, NODE_INHERIT,
    /// NODE_PAT_ENTRY, NODE_PAT_BIND, NODE_IDENT_PARAM).
    site_nodes: Vec<SyntaxNode>,
    /// Offsets of the references that resolve to this binding.
    refs: Vec<usize>,
}

struct Scope {
    bindings: Vec<usize>,
    /// Regions of the source whose references belong to a sibling binding
    /// (its value), with the bindings owning them.
    regions: Vec<(TextRange, Vec<usize>)>,
    /// For patterns: whether `...` allows dropping a name.
    ellipsis: bool,
}

pub fn check(root: &SyntaxNode, text: &str, config: &Config, sink: &mut Sink) {
    let wanted = [
        Rule::UnusedLet,
        Rule::UnusedLambdaArg,
        Rule::UnusedPatternName,
    ];
    if !wanted.iter().any(|r| config.enabled(*r)) {
        return;
    }
    let mut a = Analysis::default();
    a.walk(root);
    a.report(text, config, sink);
}

#[derive(Default)]
struct Analysis {
    bindings: Vec<Binding>,
    scopes: Vec<Scope>,
    /// name → bindings in scope, innermost last.
    visible: FxHashMap<String, Vec<usize>>,
}

impl Analysis {
    fn walk(&mut self, root: &SyntaxNode) {
        // The scope each open node pushed, to pop it on leaving.
        let mut open: Vec<(SyntaxNode, usize)> = Vec::new();
        for event in root.preorder() {
            match event {
                WalkEvent::Enter(node) => match node.kind() {
                    SyntaxKind::NODE_LET_IN => {
                        let id = self.entry_scope(&node, Kind::Let);
                        open.push((node, id));
                    }
                    SyntaxKind::NODE_LEGACY_LET => {
                        let id = self.entry_scope(&node, Kind::Exported);
                        open.push((node, id));
                    }
                    SyntaxKind::NODE_ATTR_SET
                        if crate::syntax_util::has_token(&node, SyntaxKind::TOKEN_REC) =>
                    {
                        let id = self.entry_scope(&node, Kind::Exported);
                        open.push((node, id));
                    }
                    SyntaxKind::NODE_LAMBDA => {
                        let id = self.lambda_scope(&node);
                        open.push((node, id));
                    }
                    SyntaxKind::NODE_IDENT => self.reference(&node, &open),
                    _ => {}
                },
                WalkEvent::Leave(node) => {
                    if open.last().is_some_and(|(n, _)| *n == node) {
                        let (_, id) = open.pop().unwrap_or_else(|| unreachable!());
                        for &b in &self.scopes[id].bindings {
                            if let Some(stack) = self.visible.get_mut(&self.bindings[b].name) {
                                stack.pop();
                            }
                        }
                    }
                }
            }
        }
    }

    fn new_scope(&mut self, ellipsis: bool) -> usize {
        self.scopes.push(Scope {
            bindings: Vec::new(),
            regions: Vec::new(),
            ellipsis,
        });
        self.scopes.len() - 1
    }

    /// Adds a binding to `scope`, or another site to the binding of the same
    /// name already there (`a.b = 1; a.c = 2;`).
    fn bind(
        &mut self,
        scope: usize,
        name: String,
        kind: Kind,
        site: TextRange,
        node: SyntaxNode,
    ) -> usize {
        if let Some(&b) = self.scopes[scope]
            .bindings
            .iter()
            .find(|&&b| self.bindings[b].name == name)
        {
            self.bindings[b].sites.push(site);
            self.bindings[b].site_nodes.push(node);
            return b;
        }
        let id = self.bindings.len();
        self.bindings.push(Binding {
            name: name.clone(),
            kind,
            scope,
            sites: vec![site],
            site_nodes: vec![node],
            refs: Vec::new(),
        });
        self.scopes[scope].bindings.push(id);
        self.visible.entry(name).or_default().push(id);
        id
    }

    fn entry_scope(&mut self, node: &SyntaxNode, kind: Kind) -> usize {
        let scope = self.new_scope(false);
        for e in entries(node) {
            let b = self.bind(scope, e.name, kind, e.range, e.node.clone());
            let region = if e.inherited {
                e.node
                    .children()
                    .find(|c| c.kind() == SyntaxKind::NODE_INHERIT_FROM)
                    .map(|f| f.text_range())
            } else {
                Some(e.node.text_range())
            };
            if let Some(r) = region {
                match self.scopes[scope]
                    .regions
                    .iter_mut()
                    .find(|(rr, _)| *rr == r)
                {
                    Some((_, owners)) => owners.push(b),
                    None => self.scopes[scope].regions.push((r, vec![b])),
                }
            }
        }
        scope
    }

    fn lambda_scope(&mut self, lambda: &SyntaxNode) -> usize {
        let Some(param) = lambda.children().next() else {
            return self.new_scope(false);
        };
        match param.kind() {
            SyntaxKind::NODE_IDENT_PARAM => {
                let scope = self.new_scope(false);
                if let Some(tok) = param.children().next().as_ref().and_then(ident_token) {
                    self.bind(
                        scope,
                        tok.text().to_owned(),
                        Kind::LambdaArg,
                        tok.text_range(),
                        param.clone(),
                    );
                }
                scope
            }
            SyntaxKind::NODE_PATTERN => {
                let ellipsis = crate::syntax_util::has_token(&param, SyntaxKind::TOKEN_ELLIPSIS);
                let scope = self.new_scope(ellipsis);
                for child in param.children() {
                    let kind = match child.kind() {
                        SyntaxKind::NODE_PAT_ENTRY => Kind::PatternName,
                        SyntaxKind::NODE_PAT_BIND => Kind::PatternBind,
                        _ => continue,
                    };
                    let Some(tok) = child
                        .children()
                        .find(|c| c.kind() == SyntaxKind::NODE_IDENT)
                        .as_ref()
                        .and_then(ident_token)
                    else {
                        continue;
                    };
                    let b = self.bind(
                        scope,
                        tok.text().to_owned(),
                        kind,
                        tok.text_range(),
                        child.clone(),
                    );
                    if kind == Kind::PatternName {
                        self.scopes[scope]
                            .regions
                            .push((child.text_range(), vec![b]));
                    }
                }
                scope
            }
            _ => self.new_scope(false),
        }
    }

    /// Resolves an identifier in expression position (or a plain `inherit`).
    fn reference(&mut self, ident: &SyntaxNode, open: &[(SyntaxNode, usize)]) {
        let mut skip_scope = None;
        match ident_role(ident) {
            IdentRole::Name => return,
            IdentRole::Read => {}
            IdentRole::InheritRead => {
                // `inherit x;` reads `x` from outside the set or `let` that
                // holds it, even a recursive one.
                let owner = ident.parent().and_then(|p| p.parent());
                if let Some((node, id)) = open.last()
                    && owner.as_ref() == Some(node)
                {
                    skip_scope = Some(*id);
                }
            }
        }
        let Some(tok) = ident_token(ident) else {
            return;
        };
        let Some(stack) = self.visible.get(tok.text()) else {
            return;
        };
        let found = stack
            .iter()
            .rev()
            .copied()
            .find(|&b| Some(self.bindings[b].scope) != skip_scope);
        if let Some(b) = found {
            self.bindings[b]
                .refs
                .push(usize::from(tok.text_range().start()));
        }
    }

    /// The greatest set of live bindings per scope: a binding dies when no
    /// reference to it comes from the scope's body or from a live sibling's
    /// value other than its own.
    fn live(&self, scope: &Scope) -> FxHashMap<usize, bool> {
        let mut live: FxHashMap<usize, bool> = scope.bindings.iter().map(|&b| (b, true)).collect();
        // For each binding, the owner sets of the regions its references sit in
        // (an empty set: the body).
        let sources: Vec<(usize, Vec<&[usize]>)> = scope
            .bindings
            .iter()
            .map(|&b| {
                let owners = self.bindings[b]
                    .refs
                    .iter()
                    .map(|&off| region_owners(&scope.regions, off))
                    .collect();
                (b, owners)
            })
            .collect();
        loop {
            let mut changed = false;
            for (b, owners) in &sources {
                if !live[b] {
                    continue;
                }
                let supported = owners
                    .iter()
                    .any(|o| o.is_empty() || o.iter().any(|x| x != b && live[x]));
                if !supported {
                    live.insert(*b, false);
                    changed = true;
                }
            }
            if !changed {
                return live;
            }
        }
    }

    fn report(&self, text: &str, config: &Config, sink: &mut Sink) {
        for scope in &self.scopes {
            if scope.bindings.is_empty()
                || scope
                    .bindings
                    .iter()
                    .all(|&b| self.bindings[b].kind == Kind::Exported)
            {
                continue;
            }
            let live = self.live(scope);
            for &b in &scope.bindings {
                if live[&b] {
                    continue;
                }
                let binding = &self.bindings[b];
                let Some((rule, what)) = classify(binding, config) else {
                    continue;
                };
                if !config.enabled(rule) {
                    continue;
                }
                for (site, node) in binding.sites.iter().zip(&binding.site_nodes) {
                    let fix = self.fix(binding, node, *site, scope, &live, text);
                    sink.push(
                        rule,
                        format!("unused {what} `{}`", binding.name),
                        range(*site),
                        fix,
                    );
                }
            }
        }
    }

    fn fix(
        &self,
        binding: &Binding,
        node: &SyntaxNode,
        site: TextRange,
        scope: &Scope,
        live: &FxHashMap<usize, bool>,
        text: &str,
    ) -> Option<Fix> {
        let delete = |n: &SyntaxNode, message: &str| {
            let (s, e) = range(n.text_range());
            let (s, e) = deletion_range(text, s, e);
            Some(Fix::one(message, s, e, ""))
        };
        match binding.kind {
            Kind::Let if node.kind() == SyntaxKind::NODE_INHERIT => {
                // Drop the whole `inherit` when every name in it is unused.
                let all_dead = scope
                    .bindings
                    .iter()
                    .all(|&b| !live[&b] || !self.bindings[b].site_nodes.contains(node));
                if all_dead {
                    delete(node, "remove the inherit")
                } else {
                    let (s, e) = range(site);
                    let (s, e) = deletion_range(text, s, e);
                    Some(Fix::one("remove the name from the inherit", s, e, ""))
                }
            }
            Kind::Let => delete(node, "remove the binding"),
            Kind::LambdaArg => {
                let (s, e) = range(site);
                Some(Fix::one("replace the argument with `_`", s, e, "_"))
            }
            Kind::PatternBind => {
                let (s, e) = range(node.text_range());
                // `args@{` or `}@args` plus the blanks between.
                let bytes = text.as_bytes();
                let (mut s, mut e) = (s, e);
                while e < bytes.len() && bytes[e].is_ascii_whitespace() {
                    e += 1;
                }
                while s > 0
                    && bytes[s - 1].is_ascii_whitespace()
                    && text[..s].trim_end().ends_with('}')
                {
                    s -= 1;
                }
                Some(Fix::one("remove the `@` binding", s, e, ""))
            }
            // Dropping a name is safe only when `...` still accepts it, and
            // no used `@` name may read it: callers that pass what
            // `builtins.functionArgs` lists (callPackage, the module system)
            // would stop passing it, and `args.name` would fail.
            Kind::PatternName
                if scope.ellipsis
                    && !scope
                        .bindings
                        .iter()
                        .any(|&x| self.bindings[x].kind == Kind::PatternBind && live[&x]) =>
            {
                let (s, mut e) = range(node.text_range());
                let rest = &text[e..];
                let skipped = rest.len() - rest.trim_start().len();
                if rest.trim_start().starts_with(',') {
                    e += skipped + 1;
                }
                let (s, e) = deletion_range(text, s, e);
                Some(Fix::one("remove the name from the pattern", s, e, ""))
            }
            Kind::PatternName | Kind::Exported => None,
        }
    }
}

/// The bindings owning the region around `offset` (regions are disjoint and
/// in source order); empty for the scope's body.
fn region_owners(regions: &[(TextRange, Vec<usize>)], offset: usize) -> &[usize] {
    let i = regions.partition_point(|(r, _)| usize::from(r.start()) <= offset);
    match i.checked_sub(1).map(|i| &regions[i]) {
        Some((r, owners)) if offset < usize::from(r.end()) => owners,
        _ => &[],
    }
}

/// The rule and wording for an unused binding, or `None` when the options
/// (or the `_x:` convention) exempt it.
fn classify(b: &Binding, config: &Config) -> Option<(Rule, &'static str)> {
    let underscore = b.name.starts_with('_');
    match b.kind {
        Kind::Exported => None,
        Kind::LambdaArg if underscore || config.skip_lambda_args => None,
        Kind::LambdaArg => Some((Rule::UnusedLambdaArg, "lambda argument")),
        _ if underscore && config.skip_underscore => None,
        Kind::Let => Some((Rule::UnusedLet, "let binding")),
        Kind::PatternBind => Some((Rule::UnusedLambdaArg, "`@` argument")),
        Kind::PatternName if config.skip_pattern_names => None,
        Kind::PatternName => Some((Rule::UnusedPatternName, "pattern name")),
    }
}
