//! The reference graph as dense indices, so every analysis is array work.

use flakegate_store::{Closure, PathInfo};
use rustc_hash::FxHashMap;

/// A closure indexed for analysis. Node `i` is `closure.paths[i]`.
pub struct Graph<'a> {
    pub infos: &'a [PathInfo],
    pub refs: Vec<Vec<u32>>,
    /// The NAR sizes again, densely: the closure walks read nothing else of
    /// a path, and a path info is ten times wider than its size.
    sizes: Vec<u64>,
    pub roots: Vec<u32>,
    index: FxHashMap<&'a str, u32>,
}

impl<'a> Graph<'a> {
    /// Indexes a closure. References to paths outside it are ignored (the
    /// backends guarantee there are none; a hand-made closure may have some).
    #[must_use]
    pub fn new(closure: &'a Closure) -> Self {
        let infos = closure.paths.as_slice();
        let index: FxHashMap<&str, u32> = infos
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.as_str(), to_u32(i)))
            .collect();
        let refs = infos
            .iter()
            .map(|p| {
                p.references
                    .iter()
                    .filter_map(|r| index.get(r.as_str()).copied())
                    .collect()
            })
            .collect();
        let mut roots: Vec<u32> = closure
            .roots
            .iter()
            .filter_map(|r| index.get(r.as_str()).copied())
            .collect();
        roots.dedup();
        Self {
            infos,
            refs,
            sizes: infos.iter().map(|p| p.nar_size).collect(),
            roots,
            index,
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
        self.index.get(path).copied()
    }

    #[must_use]
    pub fn self_size(&self, node: u32) -> u64 {
        self.sizes[node as usize]
    }

    /// Closure size of `start`, reusing `marks` (one slot per node) between
    /// calls: a node is visited when its mark differs from `stamp`.
    pub fn closure_size_of(
        &self,
        start: u32,
        marks: &mut [u32],
        stamp: u32,
        stack: &mut Vec<u32>,
    ) -> (u64, usize) {
        let (mut size, mut count) = (0u64, 0usize);
        stack.clear();
        stack.push(start);
        marks[start as usize] = stamp;
        while let Some(n) = stack.pop() {
            size += self.self_size(n);
            count += 1;
            for &r in &self.refs[n as usize] {
                if marks[r as usize] != stamp {
                    marks[r as usize] = stamp;
                    stack.push(r);
                }
            }
        }
        (size, count)
    }
}

pub(crate) fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}
