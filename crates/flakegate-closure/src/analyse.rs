//! Builds a [`ClosureReport`] from a closure.

use flakegate_store::name::{PackageName, store_path_name};

use crate::graph::Graph;
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

/// Analyses a closure. Gates and baselines are applied afterwards
/// ([`crate::budget::Budget::apply`]).
#[must_use]
pub fn analyse(closure: &Closure, opts: &AnalyseOptions) -> ClosureReport {
    let graph = Graph::new(closure);
    let added = added::added_sizes(&graph);
    let names: Vec<PackageName> = graph
        .infos
        .iter()
        .map(|p| PackageName::parse(store_path_name(&p.path)))
        .collect();
    let entry = |i: usize| {
        let info = &graph.infos[i];
        let name = &names[i];
        PathEntry {
            path: info.path.clone(),
            name: name.name.clone(),
            version: name.version.clone(),
            output: name.output.clone(),
            self_size: info.nar_size,
            added_size: added[i],
            exclusive_size: added[i] - info.nar_size,
        }
    };
    let mut paths: Vec<PathEntry> = (0..graph.len()).map(entry).collect();
    paths.sort_by(|a, b| {
        b.added_size
            .cmp(&a.added_size)
            .then_with(|| a.path.cmp(&b.path))
    });
    let top_by_added = paths.iter().take(opts.top).cloned().collect();
    let mut by_self = paths.clone();
    by_self.sort_by(|a, b| {
        b.self_size
            .cmp(&a.self_size)
            .then_with(|| a.path.cmp(&b.path))
    });
    by_self.truncate(opts.top);

    let mut marks = vec![0u32; graph.len()];
    let mut stack = Vec::new();
    let mut stamp = 0u32;
    let mut roots = Vec::new();
    for &r in &graph.roots {
        stamp += 1;
        let (closure_size, path_count) = graph.closure_size_of(r, &mut marks, stamp, &mut stack);
        let mut deps: Vec<DependencyEntry> = graph.refs[r as usize]
            .iter()
            .map(|&d| {
                let e = entry(d as usize);
                DependencyEntry {
                    path: e.path,
                    name: e.name,
                    version: e.version,
                    self_size: e.self_size,
                    added_size: e.added_size,
                    closure_size: None,
                }
            })
            .collect();
        deps.sort_by(|a, b| {
            b.added_size
                .cmp(&a.added_size)
                .then_with(|| a.path.cmp(&b.path))
        });
        for dep in deps.iter_mut().take(MAX_DEPENDENCY_CLOSURES) {
            stamp += 1;
            if let Some(d) = graph.lookup(&dep.path) {
                dep.closure_size = Some(graph.closure_size_of(d, &mut marks, stamp, &mut stack).0);
            }
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
        top_by_self: by_self,
        top_by_added,
        duplicates: duplicates::find(&graph, &names),
        why: opts
            .why
            .iter()
            .flat_map(|q| why::explain(&graph, q))
            .collect(),
        baseline: None,
        gates: Vec::new(),
        status: Status::Pass,
        paths,
    }
}
