//! Packages present more than once: several versions of one name, or one
//! version built by several derivations (the same package with other inputs).

use std::collections::BTreeMap;

use flakegate_store::name::PackageName;
use rustc_hash::FxHashMap;

use crate::graph::Graph;
use crate::report::{Duplicate, DuplicateInstance};

pub fn find(graph: &Graph<'_>, names: &[PackageName]) -> Vec<Duplicate> {
    // name → (version, deriver) → paths. Outputs of one derivation share a
    // deriver and so form one instance; without derivers, one version is one.
    type Key<'a> = (Option<&'a str>, Option<&'a str>);
    let mut groups: FxHashMap<&str, BTreeMap<Key<'_>, Vec<usize>>> = FxHashMap::default();
    for (i, info) in graph.infos.iter().enumerate() {
        let name = &names[i];
        groups
            .entry(name.name.as_str())
            .or_default()
            .entry((name.version.as_deref(), info.deriver.as_deref()))
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
