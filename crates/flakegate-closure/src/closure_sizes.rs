//! Closure sizes of several nodes in one pass over the graph, instead of one
//! walk per node (a root and its twenty largest dependencies were 21 walks of
//! nearly the whole graph). Each node carries the set of starts that reach
//! it, one bit per start, pushed along the edges in topological order.

use crate::graph::{Graph, to_u32};
use crate::order::Order;

/// Starts per pass: the bits of one word.
const LANES: usize = 64;

/// For each of `starts` (reachable from the graph's roots): its closure size
/// (itself and everything it reaches, each once) and its path count.
#[must_use]
pub fn closure_sizes(graph: &Graph<'_>, order: &Order, starts: &[u32]) -> Vec<(u64, usize)> {
    let mut out = Vec::with_capacity(starts.len());
    let mut reach = vec![0u64; graph.len()];
    for chunk in starts.chunks(LANES) {
        reach.fill(0);
        for (bit, &s) in chunk.iter().enumerate() {
            reach[s as usize] |= 1 << bit;
        }
        // Reverse postorder: on an acyclic graph every node's set is final
        // before it is pushed on, so one pass is exact. A cycle takes passes
        // until nothing changes.
        loop {
            let mut changed = false;
            for &v in order.postorder.iter().rev() {
                let Some(&bits) = reach.get(v as usize) else {
                    continue; // the virtual root
                };
                if bits == 0 {
                    continue;
                }
                for &w in graph.refs(v) {
                    let before = reach[w as usize];
                    if before | bits != before {
                        reach[w as usize] = before | bits;
                        changed = true;
                    }
                }
            }
            if !changed || !order.cyclic {
                break;
            }
        }
        let mut sums = [(0u64, 0usize); LANES];
        for (v, &bits) in reach.iter().enumerate() {
            let size = graph.self_size(to_u32(v));
            let mut rest = bits;
            while rest != 0 {
                let sum = &mut sums[rest.trailing_zeros() as usize];
                sum.0 += size;
                sum.1 += 1;
                rest &= rest - 1;
            }
        }
        out.extend_from_slice(&sums[..chunk.len()]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::added::tests::closure;

    /// One walk per start, the way it was done before.
    fn walk(g: &Graph<'_>, start: u32) -> (u64, usize) {
        let mut seen = vec![false; g.len()];
        let mut stack = vec![start];
        let (mut size, mut count) = (0, 0);
        while let Some(v) = stack.pop() {
            if std::mem::replace(&mut seen[v as usize], true) {
                continue;
            }
            size += g.self_size(v);
            count += 1;
            stack.extend_from_slice(g.refs(v));
        }
        (size, count)
    }

    #[test]
    fn equals_one_walk_per_start_with_and_without_cycles() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        for round in 0..100 {
            // Up to 80 nodes, so that some rounds need two passes of 64.
            let n = 2 + usize::try_from(next(79)).unwrap_or(0);
            let sizes: Vec<u64> = (0..n).map(|_| 1 + next(1000)).collect();
            let mut edges = Vec::new();
            for from in 0..n {
                for to in from + 1..n {
                    if next(8) == 0 {
                        edges.push((from, to));
                    }
                }
            }
            if round % 3 == 0 {
                edges.push((n - 1, 0));
                edges.push((n / 2, 1));
            }
            let c = closure(&sizes, &edges, &[0]).restricted_to_roots();
            let g = Graph::new(&c);
            let order = Order::new(&g);
            let starts: Vec<u32> = order
                .postorder
                .iter()
                .copied()
                .filter(|&v| (v as usize) < g.len())
                .collect();
            let expected: Vec<(u64, usize)> = starts.iter().map(|&s| walk(&g, s)).collect();
            assert_eq!(closure_sizes(&g, &order, &starts), expected, "{edges:?}");
        }
    }
}
