//! The reference graph as dense indices, so every analysis is array work.

use flakegate_store::{Closure, Member};

/// A closure indexed for analysis. Node `i` is `closure.paths[i]`.
pub struct Graph<'a> {
    pub infos: &'a [Member],
    /// References in compressed rows: node `i`'s are
    /// `targets[offsets[i]..offsets[i + 1]]`. One flat array instead of a
    /// vector per node: the walks read consecutive memory, and a graph of
    /// 80,000 nodes is three allocations, not 80,000.
    offsets: Vec<usize>,
    targets: Vec<u32>,
    /// The NAR sizes again, densely: the closure walks read nothing else of
    /// a path, and a path info is ten times wider than its size.
    sizes: Vec<u64>,
    pub roots: Vec<u32>,
    closure: &'a Closure,
}

impl<'a> Graph<'a> {
    /// Indexes a closure. A member's references are already indices; any
    /// beyond the closure (only a hand-made closure has them) are ignored.
    #[must_use]
    pub fn new(closure: &'a Closure) -> Self {
        let infos = closure.paths.as_slice();
        let mut offsets = Vec::with_capacity(infos.len() + 1);
        offsets.push(0);
        let mut targets = Vec::with_capacity(infos.iter().map(|p| p.references.len()).sum());
        for p in infos {
            targets.extend(
                p.references
                    .iter()
                    .copied()
                    .filter(|&r| (r as usize) < infos.len()),
            );
            offsets.push(targets.len());
        }
        let mut roots: Vec<u32> = closure
            .roots
            .iter()
            .filter_map(|r| closure.index_of(r))
            .collect();
        roots.dedup();
        Self {
            infos,
            offsets,
            targets,
            sizes: infos.iter().map(|p| p.nar_size).collect(),
            roots,
            closure,
        }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.infos.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }

    #[must_use]
    pub fn lookup(&self, path: &str) -> Option<u32> {
        self.closure.index_of(path)
    }

    /// The nodes `node` refers to, without itself, in path order.
    #[must_use]
    pub fn refs(&self, node: u32) -> &[u32] {
        let i = node as usize;
        &self.targets[self.offsets[i]..self.offsets[i + 1]]
    }

    #[must_use]
    pub fn self_size(&self, node: u32) -> u64 {
        self.sizes[node as usize]
    }
}

pub(crate) fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}
