//! The critical path: the chain of dependent builds whose durations add up
//! to the most. However many builders run in parallel, the build cannot
//! finish sooner than this chain.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::profile::{Step, StepKind};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CriticalPath {
    /// Sum of the durations on the chain, in seconds.
    pub duration: f64,
    /// The `.drv` paths of the chain, first built first.
    pub steps: Vec<String>,
}

/// The longest chain of built steps, where `dependencies` maps a `.drv` to
/// its input derivations. An input that was not built in this run (it was
/// valid already, or fetched) does not lengthen the chain: nothing waited for
/// it here.
#[must_use]
pub fn critical_path(steps: &[Step], dependencies: &BTreeMap<String, Vec<String>>) -> CriticalPath {
    let mut built: Vec<&Step> = steps.iter().filter(|s| s.kind == StepKind::Built).collect();
    // A dependency ends before its dependent starts, so start order is a
    // topological order of the built steps.
    built.sort_by(|a, b| {
        a.start
            .total_cmp(&b.start)
            .then_with(|| a.path.cmp(&b.path))
    });
    let mut best: HashMap<&str, (f64, Option<&str>)> = HashMap::new();
    for step in &built {
        let before = dependencies
            .get(&step.path)
            .into_iter()
            .flatten()
            .filter_map(|d| best.get(d.as_str()).map(|(len, _)| (*len, d.as_str())))
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
        let (len, prev) = before.map_or((0.0, None), |(l, d)| (l, Some(d)));
        best.insert(step.path.as_str(), (len + step.duration, prev));
    }
    let Some((last, (duration, _))) = best
        .iter()
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0).then_with(|| b.0.cmp(a.0)))
        .map(|(k, v)| (*k, *v))
    else {
        return CriticalPath {
            duration: 0.0,
            steps: Vec::new(),
        };
    };
    let mut chain = vec![last.to_owned()];
    let mut at = last;
    while let Some((_, Some(prev))) = best.get(at) {
        chain.push((*prev).to_owned());
        at = prev;
    }
    chain.reverse();
    CriticalPath {
        duration: (duration * 1000.0).round() / 1000.0,
        steps: chain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(path: &str, start: f64, duration: f64) -> Step {
        crate::profile::built_step(path, start, start + duration)
    }

    #[test]
    fn the_longest_weighted_chain_wins() {
        // a(1) → b(1) → top(0.1); c(1.5) → top: a,b,top = 2.1 > c,top = 1.6.
        let steps = [
            built("a", 0.0, 1.0),
            built("c", 0.0, 1.5),
            built("b", 1.0, 1.0),
            built("top", 2.0, 0.1),
        ];
        let deps = BTreeMap::from([
            ("b".to_owned(), vec!["a".to_owned()]),
            ("top".to_owned(), vec!["b".to_owned(), "c".to_owned()]),
        ]);
        let cp = critical_path(&steps, &deps);
        assert_eq!(cp.steps, ["a", "b", "top"]);
        assert!((cp.duration - 2.1).abs() < 1e-9);
        assert!(critical_path(&[], &deps).steps.is_empty());
    }
}
