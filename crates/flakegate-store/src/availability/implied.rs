//! Asking a cache about a local closure with as few requests as the cache's
//! own invariant allows. Nix refuses to add a path to a binary cache unless
//! everything it refers to is there already, so a cache holds a
//! reference-closed set: a hit implies the path's whole closure is in the
//! cache, and a miss implies no path that refers to it is. The paths are
//! asked in rounds, each round a batch spread evenly over the unknown paths
//! in topological order, and every answer settles what it implies. A cache
//! holding the lower half of a 20,000-path closure is settled with a few
//! hundred requests instead of 20,000.

use std::collections::HashMap;

use crate::binary_cache::{Caches, Lookup};
use crate::path_info::PathInfo;

/// The reference graph of a local closure, with a topological order
/// (referrers before what they refer to).
struct Graph {
    children: Vec<Vec<usize>>,
    parents: Vec<Vec<usize>>,
    order: Vec<usize>,
}

fn graph(paths: &[PathInfo]) -> Graph {
    let index: HashMap<&str, usize> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_str(), i))
        .collect();
    let mut children = vec![Vec::new(); paths.len()];
    let mut parents = vec![Vec::new(); paths.len()];
    for (i, p) in paths.iter().enumerate() {
        for r in &p.references {
            if let Some(&j) = index.get(r.as_str()).filter(|j| **j != i) {
                children[i].push(j);
                parents[j].push(i);
            }
        }
    }
    // Kahn's algorithm from the paths nothing refers to.
    let mut pending: Vec<usize> = parents.iter().map(Vec::len).collect();
    let mut order: Vec<usize> = (0..paths.len()).filter(|i| pending[*i] == 0).collect();
    let mut at = 0;
    while at < order.len() {
        let i = order[at];
        at += 1;
        for &c in &children[i] {
            pending[c] -= 1;
            if pending[c] == 0 {
                order.push(c);
            }
        }
    }
    // A cycle cannot happen in a store; keep every path anyway.
    if order.len() < paths.len() {
        let mut seen = vec![false; paths.len()];
        for &i in &order {
            seen[i] = true;
        }
        order.extend((0..paths.len()).filter(|i| !seen[*i]));
    }
    Graph {
        children,
        parents,
        order,
    }
}

/// Marks `start` and everything reachable through `edges` as `hit`, without
/// overwriting what is known (what is known already implies the rest).
fn settle(start: usize, edges: &[Vec<usize>], hit: bool, status: &mut [Option<Lookup>]) {
    let mut stack = vec![start];
    while let Some(i) = stack.pop() {
        for &n in &edges[i] {
            if status[n].is_none() {
                status[n] = Some(Lookup::Implied { hit });
                stack.push(n);
            }
        }
    }
}

/// Each cache's answer for each of `paths` (a reference-closed local
/// closure): `result[i][c]`, like [`Caches::query`].
pub(super) fn query_closed(caches: &Caches, paths: &[PathInfo]) -> Vec<Vec<Lookup>> {
    let g = graph(paths);
    let n = paths.len();
    let mut per_cache: Vec<Vec<Lookup>> = Vec::with_capacity(caches.caches.len());
    for c in 0..caches.caches.len() {
        let mut status: Vec<Option<Lookup>> = vec![None; n];
        loop {
            let unknown: Vec<usize> = g
                .order
                .iter()
                .copied()
                .filter(|i| status[*i].is_none())
                .collect();
            if unknown.is_empty() {
                break;
            }
            if caches.is_out(c) {
                // Unusable or given up: every remaining lookup says why, at once.
                let tasks: Vec<(&str, usize)> = unknown
                    .iter()
                    .map(|i| (paths[*i].path.as_str(), c))
                    .collect();
                for (i, lookup) in unknown.iter().zip(caches.query_pairs(&tasks)) {
                    status[*i] = Some(lookup);
                }
                break;
            }
            let batch = caches.jobs().min(unknown.len());
            let picks: Vec<usize> = (0..batch)
                .map(|k| unknown[(2 * k + 1) * unknown.len() / (2 * batch)])
                .collect();
            let tasks: Vec<(&str, usize)> =
                picks.iter().map(|i| (paths[*i].path.as_str(), c)).collect();
            for (&i, lookup) in picks.iter().zip(caches.query_pairs(&tasks)) {
                match &lookup {
                    Lookup::Hit { .. } => settle(i, &g.children, true, &mut status),
                    Lookup::Miss => settle(i, &g.parents, false, &mut status),
                    _ => {}
                }
                status[i] = Some(lookup);
            }
        }
        per_cache.push(
            status
                .into_iter()
                .map(|s| s.unwrap_or(Lookup::Miss))
                .collect(),
        );
    }
    (0..n)
        .map(|i| per_cache.iter().map(|answers| answers[i].clone()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(path: &str, refs: &[&str]) -> PathInfo {
        PathInfo {
            path: path.into(),
            nar_size: 1,
            nar_hash: None,
            references: refs.iter().map(|r| (*r).to_owned()).collect(),
            deriver: None,
            registration_time: None,
        }
    }

    #[test]
    fn referrers_come_before_references() {
        let paths = [info("a", &["b", "c"]), info("c", &[]), info("b", &["c"])];
        let g = graph(&paths);
        let pos = |i: usize| g.order.iter().position(|x| *x == i).expect("ordered");
        assert!(pos(0) < pos(2) && pos(2) < pos(1));
    }
}
