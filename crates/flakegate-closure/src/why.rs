//! `--why`: a shortest reference chain from a root to a path.

use std::collections::VecDeque;

use flakegate_store::name::store_path_name;

use crate::analyse::Split;
use crate::graph::Graph;
use crate::report::WhyChain;

/// Finds the path `query` names (a full store path, a basename, a store path
/// name like `openssl-3.0.14`, or a package name like `openssl`) and the
/// shortest chain of references that keeps it in the closure. Of several
/// matches, the one closest to a root wins.
pub fn explain(graph: &Graph<'_>, names: &[Split<'_>], query: &str) -> WhyChain {
    let matches = |i: usize| {
        let path = graph.infos[i].path.as_str();
        let name = store_path_name(path);
        path == query
            || path.rsplit('/').next() == Some(query)
            || name == query
            || names[i].0 == query
    };
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
    while let Some(v) = queue.pop_front() {
        if matches(v as usize) {
            let mut chain = vec![graph.infos[v as usize].path.clone()];
            let mut cur = v;
            while let Some(p) = parent[cur as usize] {
                chain.push(graph.infos[p as usize].path.clone());
                cur = p;
            }
            chain.reverse();
            return WhyChain {
                query: query.to_owned(),
                target: Some(graph.infos[v as usize].path.clone()),
                chain,
            };
        }
        for &w in &graph.refs[v as usize] {
            if !seen[w as usize] {
                seen[w as usize] = true;
                parent[w as usize] = Some(v);
                queue.push_back(w);
            }
        }
    }
    WhyChain {
        query: query.to_owned(),
        target: None,
        chain: Vec::new(),
    }
}
