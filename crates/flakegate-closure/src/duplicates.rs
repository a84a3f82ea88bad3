//! Packages present more than once: several versions of one name, or one
//! version built by several derivations (the same package with other inputs).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::analyse::Split;
use crate::graph::Graph;
use crate::report::{Duplicate, DuplicateInstance};

pub fn find(graph: &Graph<'_>, names: &[Split<'_>]) -> Vec<Duplicate> {
    // Most names occur once: count them first, without allocating, and group
    // only the names seen more than once.
    let mut count: FxHashMap<&str, u32> = FxHashMap::default();
    count.reserve(names.len());
    for (name, _, _) in names {
        *count.entry(name).or_default() += 1;
    }
    // name → (version, deriver) → paths. Outputs of one derivation share a
    // deriver and so form one instance; without derivers, one version is one.
    type Key<'a> = (Option<&'a str>, Option<&'a str>);
    let mut groups: FxHashMap<&str, BTreeMap<Key<'_>, Vec<usize>>> = FxHashMap::default();
    for (i, info) in graph.infos.iter().enumerate() {
        let (name, version, _) = names[i];
        if count[name] < 2 {
            continue;
        }
        groups
            .entry(name)
            .or_default()
            .entry((version, info.deriver.as_deref()))
            .or_default()
            .push(i);
    }
    let mut out: Vec<Duplicate> = groups
        .into_iter()
        .filter(|(_, instances)| instances.len() > 1)
        .map(|(name, instances)| {
            let instances: Vec<DuplicateInstance> = instances
                .into_iter()
                .map(|((version, deriver), nodes)| DuplicateInstance {
                    version: version.map(str::to_owned),
                    deriver: deriver.map(str::to_owned),
                    size: nodes.iter().map(|&n| graph.infos[n].nar_size).sum(),
                    paths: nodes.iter().map(|&n| graph.infos[n].path.clone()).collect(),
                })
                .collect();
            let total_size = instances.iter().map(|i| i.size).sum();
            let largest = instances.iter().map(|i| i.size).max().unwrap_or(0);
            Duplicate {
                name: name.to_owned(),
                instances,
                total_size,
                extra_size: total_size - largest,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.extra_size
            .cmp(&a.extra_size)
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}
