//! Added size = retained size in the dominator tree. A virtual root points at
//! every root, so a path shared by two roots is dominated by neither of them.
//!
//! The dominators come from Cooper, Harvey and Kennedy's iterative algorithm
//! ("A Simple, Fast Dominance Algorithm") on dense arrays in reverse
//! postorder. Store reference graphs are almost always acyclic; then reverse
//! postorder is a topological order, every predecessor is final before its
//! successor is visited, and one pass is exact: linear in the edges times the
//! (short) walks up the dominator tree. A cycle (rare, but possible between
//! outputs of one derivation) costs further passes until nothing changes.

use crate::graph::Graph;
use crate::order::Order;

const UNDEFINED: u32 = u32::MAX;

/// `added[i]`: bytes that leave the closure if node `i` is no longer
/// referenced. A node no root reaches (a hand-made closure may have some)
/// adds its own size.
#[must_use]
pub fn added_sizes(graph: &Graph<'_>, order: &Order) -> Vec<u64> {
    let n = graph.len();
    let virtual_root = Order::virtual_root(graph);
    let successors = |v: u32| Order::successors(graph, v);
    let (postorder, cyclic) = (&order.postorder, order.cyclic);

    // Reverse-postorder numbers: the virtual root is 0, a node's dominators
    // have smaller numbers than the node.
    let m = postorder.len();
    let mut number = vec![UNDEFINED; n + 1];
    for (k, &v) in postorder.iter().rev().enumerate() {
        number[v as usize] = crate::graph::to_u32(k);
    }
    // Predecessors by number, in one flat array (compressed rows).
    let mut start = vec![0u32; m + 1];
    for &v in postorder {
        for &w in successors(v) {
            start[number[w as usize] as usize + 1] += 1;
        }
    }
    for k in 0..m {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut preds = vec![0u32; start[m] as usize];
    for &v in postorder {
        for &w in successors(v) {
            let slot = &mut fill[number[w as usize] as usize];
            preds[*slot as usize] = number[v as usize];
            *slot += 1;
        }
    }

    let mut idom = vec![UNDEFINED; m];
    idom[0] = 0;
    loop {
        let mut changed = false;
        for b in 1..m {
            let mut new = UNDEFINED;
            for &p in &preds[start[b] as usize..start[b + 1] as usize] {
                if idom[p as usize] != UNDEFINED {
                    new = if new == UNDEFINED {
                        p
                    } else {
                        intersect(&idom, p, new)
                    };
                }
            }
            if idom[b] != new {
                idom[b] = new;
                changed = true;
            }
        }
        if !changed || !cyclic {
            break;
        }
    }

    // Children have larger numbers than their dominators: folding from the
    // last number down adds every subtree before its root is read.
    let mut retained: Vec<u64> = postorder
        .iter()
        .rev()
        .map(|&v| {
            if v == virtual_root {
                0
            } else {
                graph.self_size(v)
            }
        })
        .collect();
    for b in (1..m).rev() {
        retained[idom[b] as usize] += retained[b];
    }
    (0..n)
        .map(|v| match number[v] {
            UNDEFINED => graph.self_size(crate::graph::to_u32(v)),
            k => retained[k as usize],
        })
        .collect()
}

/// The nearest common dominator of two numbered nodes.
fn intersect(idom: &[u32], mut a: u32, mut b: u32) -> u32 {
    while a != b {
        while a > b {
            a = idom[a as usize];
        }
        while b > a {
            b = idom[b as usize];
        }
    }
    a
}

#[cfg(test)]
pub(crate) mod tests {
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
            stack.extend(g.refs(v).iter().copied().filter(|&w| w != skip));
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
        let added = added_sizes(&g, &Order::new(&g));
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
            let added = added_sizes(&g, &Order::new(&g));
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
