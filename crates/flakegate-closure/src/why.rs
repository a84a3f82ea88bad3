//! `--why`: a shortest reference chain from a root to each instance of what
//! the user asked about.

use std::collections::VecDeque;

use flakegate_store::name::{PackageName, store_path_name};

use crate::analyse::Split;
use crate::graph::Graph;
use crate::report::WhyChain;

/// Finds the paths `query` names (a full store path, a basename, a store path
/// name like `openssl-3.0.14`, or a package name like `openssl`) and, for
/// each *instance* among them, the shortest chain of references that keeps
/// it in the closure. An instance is what `duplicates` counts: one version of
/// the package built by one derivation, whose outputs (`-bin`, `-dev`) are one
/// instance, reached through whichever output is closest to a root. So
/// `--why openssl` answers for openssl 3.0.14 *and* the 1.1.1w duplicate.
/// Chains come closest first; when nothing matches, one empty chain says so.
pub fn explain(graph: &Graph<'_>, names: &[Split<'_>], query: &str) -> Vec<WhyChain> {
    let matches = |i: usize| {
        let path = graph.infos[i].path.as_str();
        let name = store_path_name(path);
        path == query
            || path.rsplit('/').next() == Some(query)
            || name == query
            || names[i].0 == query
    };
    // Breadth first from the roots: nodes leave the queue closest first, so
    // the first match of an instance is its closest path.
    let n = graph.len();
    let mut parent: Vec<Option<u32>> = vec![None; n];
    let mut seen = vec![false; n];
    let mut queue = VecDeque::new();
    for &r in &graph.roots {
        if !seen[r as usize] {
            seen[r as usize] = true;
            queue.push_back(r);
        }
    }
    let mut found: Vec<u32> = Vec::new();
    let mut instances: Vec<(Option<String>, Option<&str>)> = Vec::new();
    while let Some(v) = queue.pop_front() {
        let info = &graph.infos[v as usize];
        if matches(v as usize) {
            let instance = (
                PackageName::parse(store_path_name(&info.path)).version,
                info.deriver.as_deref(),
            );
            if !instances.contains(&instance) {
                instances.push(instance);
                found.push(v);
            }
        }
        for &w in graph.refs(v) {
            if !seen[w as usize] {
                seen[w as usize] = true;
                parent[w as usize] = Some(v);
                queue.push_back(w);
            }
        }
    }
    if found.is_empty() {
        return vec![WhyChain {
            query: query.to_owned(),
            target: None,
            chain: Vec::new(),
        }];
    }
    found
        .into_iter()
        .map(|v| {
            let mut chain = vec![graph.infos[v as usize].path.clone()];
            let mut cur = v;
            while let Some(p) = parent[cur as usize] {
                chain.push(graph.infos[p as usize].path.clone());
                cur = p;
            }
            chain.reverse();
            WhyChain {
                query: query.to_owned(),
                target: Some(graph.infos[v as usize].path.clone()),
                chain,
            }
        })
        .collect()
}
