//! Added size = retained size in the dominator tree. A virtual root points at
//! every root, so a path shared by two roots is dominated by neither of them.

use petgraph::Graph as PGraph;
use petgraph::algo::dominators::simple_fast;
use petgraph::graph::NodeIndex;

use crate::graph::Graph;

/// `added[i]`: bytes that leave the closure if node `i` is no longer referenced.
#[must_use]
pub fn added_sizes(graph: &Graph<'_>) -> Vec<u64> {
    let n = graph.len();
    let mut g: PGraph<(), (), petgraph::Directed, u32> = PGraph::with_capacity(n + 1, n * 4);
    for _ in 0..=n {
        g.add_node(());
    }
    let virtual_root = NodeIndex::new(n);
    for &r in &graph.roots {
        g.add_edge(virtual_root, NodeIndex::new(r as usize), ());
    }
    for (from, refs) in graph.refs.iter().enumerate() {
        for &to in refs {
            g.add_edge(NodeIndex::new(from), NodeIndex::new(to as usize), ());
        }
    }
    let doms = simple_fast(&g, virtual_root);

    // A node's immediate dominator lies on every path to it, so any search
    // order from the root discovers the dominator first: summing in reverse
    // discovery order folds children into parents before parents are read.
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n + 1];
    seen[n] = true;
    let mut queue = std::collections::VecDeque::from([n]);
    while let Some(v) = queue.pop_front() {
        order.push(v);
        for w in g.neighbors(NodeIndex::new(v)) {
            if !seen[w.index()] {
                seen[w.index()] = true;
                queue.push_back(w.index());
            }
        }
    }
    let mut added: Vec<u64> = (0..=n)
        .map(|i| {
            if i < n {
                graph.self_size(crate::graph::to_u32(i))
            } else {
                0
            }
        })
        .collect();
    for &v in order.iter().rev() {
        if v == n {
            continue;
        }
        if let Some(d) = doms.immediate_dominator(NodeIndex::new(v)) {
            added[d.index()] += added[v];
        }
    }
    added.truncate(n);
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use flakegate_store::{Closure, PathInfo};

    fn p(i: usize) -> String {
        format!("/nix/store/{:0>32}-p{i}", i)
    }

    pub(crate) fn closure(sizes: &[u64], edges: &[(usize, usize)], roots: &[usize]) -> Closure {
        let infos = sizes
            .iter()
            .enumerate()
            .map(|(i, &s)| PathInfo {
                path: p(i),
                nar_size: s,
                nar_hash: None,
                references: edges.iter().filter(|e| e.0 == i).map(|e| p(e.1)).collect(),
                deriver: None,
                registration_time: None,
            })
            .collect();
        Closure::new(roots.iter().map(|&r| p(r)).collect(), infos)
    }

    /// Brute force: bytes unreachable once `removed` is cut out of the graph.
    fn brute_force(c: &Closure, removed: usize) -> u64 {
        let g = Graph::new(c);
        let skip = g.lookup(&p(removed)).expect("node");
        let mut seen = vec![false; g.len()];
        let mut stack: Vec<u32> = g.roots.iter().copied().filter(|&r| r != skip).collect();
        while let Some(v) = stack.pop() {
            if std::mem::replace(&mut seen[v as usize], true) {
                continue;
            }
            stack.extend(g.refs[v as usize].iter().copied().filter(|&w| w != skip));
        }
        (0..g.len())
            .filter(|&i| !seen[i])
            .map(|i| g.self_size(crate::graph::to_u32(i)))
            .sum()
    }

    #[test]
    fn diamond_and_shared_roots() {
        // 0 → 1, 0 → 2, 1 → 3, 2 → 3, 3 → 4; root 5 → 4.
        let c = closure(
            &[1, 10, 100, 1000, 10000, 5],
            &[(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (5, 4)],
            &[0, 5],
        );
        let g = Graph::new(&c);
        let added = added_sizes(&g);
        let at = |i: usize| added[g.lookup(&p(i)).expect("n") as usize];
        assert_eq!(at(0), 1 + 10 + 100 + 1000);
        assert_eq!(at(1), 10);
        assert_eq!(at(3), 1000);
        assert_eq!(at(4), 10000);
        assert_eq!(at(5), 5);
    }

    #[test]
    fn agrees_with_brute_force_on_random_graphs() {
        // A fixed linear congruential generator: reproducible without a crate.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        for _ in 0..200 {
            let n = 2 + usize::try_from(next(14)).unwrap_or(0);
            let sizes: Vec<u64> = (0..n).map(|_| 1 + next(1000)).collect();
            let mut edges = Vec::new();
            for from in 0..n {
                for to in from + 1..n {
                    if next(3) == 0 {
                        edges.push((from, to));
                    }
                }
            }
            // Self and back references (cycles) happen in real stores too.
            if next(4) == 0 {
                edges.push((n - 1, 0));
            }
            let roots: Vec<usize> = (0..n).filter(|&i| i == 0 || next(5) == 0).collect();
            let c = closure(&sizes, &edges, &roots).restricted_to_roots();
            let g = Graph::new(&c);
            let added = added_sizes(&g);
            for info in &c.paths {
                let i: usize = info
                    .path
                    .rsplit("-p")
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("index");
                let node = g.lookup(&info.path).expect("node") as usize;
                assert_eq!(
                    added[node],
                    brute_force(&c, i),
                    "node {i} in {edges:?} roots {roots:?}"
                );
            }
        }
    }
}
