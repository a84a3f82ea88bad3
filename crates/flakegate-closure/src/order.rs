//! One depth-first postorder of the graph, shared by the analyses that need
//! a topological order (dominators, closure sizes).

use crate::graph::{Graph, to_u32};

/// The nodes reachable from a virtual root above all roots, in depth-first
/// postorder: the virtual root (numbered `graph.len()`) comes last. On an
/// acyclic graph the reverse of this is a topological order: every node
/// comes after all the nodes that refer to it.
pub struct Order {
    pub postorder: Vec<u32>,
    /// Whether some edge closes a cycle (then the reverse postorder is not
    /// topological, and the analyses iterate to a fixpoint).
    pub cyclic: bool,
}

impl Order {
    /// The virtual root's number.
    #[must_use]
    pub fn virtual_root(graph: &Graph<'_>) -> u32 {
        to_u32(graph.len())
    }

    /// The successors of `v`, the virtual root's being the graph's roots.
    #[must_use]
    pub fn successors<'g>(graph: &'g Graph<'_>, v: u32) -> &'g [u32] {
        if v as usize == graph.len() {
            &graph.roots
        } else {
            graph.refs(v)
        }
    }

    /// Depth-first from the virtual root, without recursion; an edge to a
    /// node still on the stack closes a cycle.
    #[must_use]
    pub fn new(graph: &Graph<'_>) -> Self {
        let n = graph.len();
        let mut postorder: Vec<u32> = Vec::with_capacity(n + 1);
        let mut state = vec![0u8; n + 1]; // 0 new, 1 on the stack, 2 done
        let mut stack: Vec<(u32, u32)> = vec![(Self::virtual_root(graph), 0)];
        state[n] = 1;
        let mut cyclic = false;
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            if let Some(&w) = Self::successors(graph, v).get(next as usize) {
                top.1 += 1;
                match state[w as usize] {
                    0 => {
                        state[w as usize] = 1;
                        stack.push((w, 0));
                    }
                    1 => cyclic = true,
                    _ => {}
                }
            } else {
                state[v as usize] = 2;
                postorder.push(v);
                stack.pop();
            }
        }
        Self { postorder, cyclic }
    }
}
