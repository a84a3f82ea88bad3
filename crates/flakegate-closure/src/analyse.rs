//! Builds a [`ClosureReport`] from a closure.

use flakegate_store::name::{PackageName, store_path_name};

use std::cmp::Reverse;

use crate::closure_sizes::closure_sizes;
use crate::graph::{Graph, to_u32};
use crate::order::Order;
use crate::report::{ClosureReport, DependencyEntry, PathEntry, RootReport};
use crate::{Closure, added, duplicates, why};
use flakegate_report::Status;

/// Per direct dependency, the closure size is computed for this many at most:
/// each costs a walk of the graph.
const MAX_DEPENDENCY_CLOSURES: usize = 20;

#[derive(Debug, Clone)]
pub struct AnalyseOptions {
    /// Length of the `top_by_self` / `top_by_added` lists.
    pub top: usize,
    /// `--why` queries: store paths, basenames or package names.
    pub why: Vec<String>,
}

impl Default for AnalyseOptions {
    fn default() -> Self {
        Self {
            top: 10,
            why: Vec::new(),
        }
    }
}

/// A path's name split into (name, version, output), borrowed from its path.
pub(crate) type Split<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

/// Analyses a closure. Gates and baselines are applied afterwards
/// ([`crate::budget::Budget::apply`]).
///
/// Everything is ranked by node id: the closure's paths are sorted, so an id
/// order is the path order and ties break exactly as by path, without
/// comparing strings. Strings are made once per path, for the report.
#[must_use]
pub fn analyse(closure: &Closure, opts: &AnalyseOptions) -> ClosureReport {
    let graph = Graph::new(closure);
    let order = Order::new(&graph);
    let added = added::added_sizes(&graph, &order);
    let names: Vec<Split<'_>> = graph
        .infos
        .iter()
        .map(|p| PackageName::split(store_path_name(&p.path)))
        .collect();
    let entry = |i: usize| {
        let info = &graph.infos[i];
        let (name, version, output) = names[i];
        PathEntry {
            path: info.path.clone(),
            name: name.to_owned(),
            version: version.map(str::to_owned),
            output: output.map(str::to_owned),
            self_size: info.nar_size,
            added_size: added[i],
            exclusive_size: added[i] - info.nar_size,
        }
    };
    let mut by_added: Vec<u32> = (0..graph.len()).map(to_u32).collect();
    by_added.sort_unstable_by_key(|&i| (Reverse(added[i as usize]), i));
    let paths: Vec<PathEntry> = by_added.iter().map(|&i| entry(i as usize)).collect();
    let top_by_added = paths.iter().take(opts.top).cloned().collect();
    let mut by_self = by_added;
    by_self.sort_unstable_by_key(|&i| (Reverse(graph.self_size(i)), i));
    let top_by_self = by_self
        .iter()
        .take(opts.top)
        .map(|&i| entry(i as usize))
        .collect();

    // Each root's closure and its largest dependencies' closures, all in
    // one pass: a root first, then its dependencies by added size.
    let directs: Vec<Vec<u32>> = graph
        .roots
        .iter()
        .map(|&r| {
            let mut direct = graph.refs(r).to_vec();
            direct.sort_unstable_by_key(|&d| (Reverse(added[d as usize]), d));
            direct
        })
        .collect();
    let starts: Vec<u32> = graph
        .roots
        .iter()
        .zip(&directs)
        .flat_map(|(&r, direct)| {
            std::iter::once(r).chain(direct.iter().take(MAX_DEPENDENCY_CLOSURES).copied())
        })
        .collect();
    let mut sizes = closure_sizes(&graph, &order, &starts).into_iter();
    let mut roots = Vec::with_capacity(graph.roots.len());
    for (&r, direct) in graph.roots.iter().zip(&directs) {
        let (closure_size, path_count) = sizes.next().unwrap_or_default();
        let mut deps = Vec::with_capacity(direct.len());
        for (k, &d) in direct.iter().enumerate() {
            let e = entry(d as usize);
            let closure_size =
                (k < MAX_DEPENDENCY_CLOSURES).then(|| sizes.next().unwrap_or_default().0);
            deps.push(DependencyEntry {
                path: e.path,
                name: e.name,
                version: e.version,
                self_size: e.self_size,
                added_size: e.added_size,
                closure_size,
            });
        }
        roots.push(RootReport {
            path: graph.infos[r as usize].path.clone(),
            closure_size,
            path_count,
            added_size: added[r as usize],
            direct_dependencies: deps,
        });
    }

    ClosureReport {
        total_size: closure.total_nar_size(),
        path_count: graph.len(),
        roots,
        top_by_self,
        top_by_added,
        duplicates: duplicates::find(&graph, &names),
        why: opts
            .why
            .iter()
            .flat_map(|q| why::explain(&graph, &names, q))
            .collect(),
        baseline: None,
        gates: Vec::new(),
        status: Status::Pass,
        paths,
    }
}
