//! Nix's evaluator counters, classified.
//!
//! - **exact**: counts of evaluator events (`nrThunks`, `nrFunctionCalls`,
//!   `envs.*`, `values.*`, `sets.*`, `nrExprs`, …). A pure evaluation
//!   repeats them bit for bit, so they must be identical in every sample;
//!   when they are not, the evaluation is impure and the counter gate cannot
//!   be trusted. Their growth is the deterministic gate.
//! - **noisy**: `cpuTime`, `time.*` (2.24+) and `gc.*` (heap size depends on
//!   the machine's memory, `totalBytes` jitters by a few KB). Reported as a
//!   median, never compared for identity, never gated.
//!
//! Any other numeric field counts as exact: Nix's counters count, so a field
//! a future version adds is deterministic unless it is a time or a GC figure.

use std::collections::BTreeMap;

use flakegate_store::eval::{EvalStats, Frontend, NixIdentity, StatValue};
use serde::{Deserialize, Serialize};

use crate::summary::median;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterKind {
    Exact,
    Noisy,
}

/// Whether a counter (by its flattened name) must repeat exactly.
#[must_use]
pub fn classify(name: &str) -> CounterKind {
    if name == "cpuTime" || name.starts_with("time.") || name.starts_with("gc.") {
        CounterKind::Noisy
    } else {
        CounterKind::Exact
    }
}

/// The counters of one benchmark over all of its samples.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Exact counters, from the first sample (all samples agree unless
    /// `varying` says otherwise).
    pub exact: BTreeMap<String, u64>,
    /// Noisy counters: median, min and max over the samples.
    pub noisy: BTreeMap<String, NoisyCounter>,
    /// `sizes` of the Nix build that produced them (bytes of `Env`, `Value`,
    /// `Bindings`, `Attr`).
    pub sizes: BTreeMap<String, u64>,
    /// Exact counters that differed between samples: the evaluation is impure.
    pub varying: Vec<VaryingCounter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NoisyCounter {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaryingCounter {
    pub name: String,
    pub min: u64,
    pub max: u64,
}

impl Counters {
    /// Classifies and checks the statistics of every sample of one benchmark.
    #[must_use]
    pub fn from_samples(samples: &[&EvalStats]) -> Self {
        let mut exact: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut noisy: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for stats in samples {
            for (name, value) in &stats.fields {
                match (classify(name), value) {
                    (CounterKind::Exact, StatValue::Int(v)) => {
                        exact.entry(name.clone()).or_default().push(*v);
                    }
                    // A fractional value cannot be a count: treat it as noisy.
                    (_, v) => noisy.entry(name.clone()).or_default().push(v.as_f64()),
                }
            }
        }
        let varying = exact
            .iter()
            .filter(|(_, values)| {
                values.len() != samples.len() || values.windows(2).any(|w| w[0] != w[1])
            })
            .map(|(name, values)| VaryingCounter {
                name: name.clone(),
                min: values.iter().copied().min().unwrap_or(0),
                max: values.iter().copied().max().unwrap_or(0),
            })
            .collect();
        Self {
            exact: exact.into_iter().map(|(k, v)| (k, v[0])).collect(),
            noisy: noisy
                .into_iter()
                .map(|(k, v)| {
                    let c = NoisyCounter {
                        median: median(&v),
                        min: v.iter().copied().fold(f64::INFINITY, f64::min),
                        max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    };
                    (k, c)
                })
                .collect(),
            sizes: samples.first().map(|s| s.sizes.clone()).unwrap_or_default(),
            varying,
        }
    }

    /// Whether every exact counter repeated in every sample.
    #[must_use]
    pub fn pure(&self) -> bool {
        self.varying.is_empty()
    }
}

/// How one exact counter moved from a reference to the current run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CounterDelta {
    pub name: String,
    pub before: u64,
    pub after: u64,
    pub delta: i64,
    /// Growth in percent of `before`; `None` when `before` is 0 (then no
    /// percentage exists, and the counter is listed but not gated).
    pub percent: Option<f64>,
}

/// The deltas of the exact counters both sides have, by name.
#[must_use]
#[allow(clippy::cast_precision_loss, clippy::cast_possible_wrap)]
pub fn deltas(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<CounterDelta> {
    before
        .iter()
        .filter_map(|(name, b)| {
            let a = after.get(name)?;
            Some(CounterDelta {
                name: name.clone(),
                before: *b,
                after: *a,
                delta: *a as i64 - *b as i64,
                percent: match (*b, *a) {
                    (0, 0) => Some(0.0),
                    (0, _) => None,
                    (b, a) => Some((a as f64 - b as f64) / b as f64 * 100.0),
                },
            })
        })
        .collect()
}

/// The delta that grew most in percent (the one a counter gate judges).
#[must_use]
pub fn largest_growth(deltas: &[CounterDelta]) -> Option<&CounterDelta> {
    deltas
        .iter()
        .filter(|d| d.percent.is_some())
        .max_by(|x, y| {
            x.percent
                .unwrap_or(0.0)
                .total_cmp(&y.percent.unwrap_or(0.0))
                .then_with(|| y.name.cmp(&x.name))
        })
}

/// What makes counters comparable: the same Nix, the same frontend, the same
/// object sizes (byte counters scale with them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp<'a> {
    pub nix: &'a NixIdentity,
    pub frontend: Frontend,
    pub sizes: &'a BTreeMap<String, u64>,
}

/// `Err(reason)` when counters of `reference` and `current` must not be
/// compared.
pub fn comparable(reference: &Stamp<'_>, current: &Stamp<'_>) -> Result<(), String> {
    if reference.nix != current.nix {
        return Err(format!(
            "the reference was measured with {} and this run with {}: counters differ between Nix versions",
            reference.nix, current.nix
        ));
    }
    if reference.frontend != current.frontend {
        return Err(format!(
            "the reference was evaluated by {} and this run by {}: each frontend counts its own work",
            reference.frontend.label(),
            current.frontend.label()
        ));
    }
    if reference.sizes != current.sizes {
        let show = |s: &BTreeMap<String, u64>| {
            s.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "object sizes differ (reference: {}; now: {}): byte counters are not comparable",
            show(reference.sizes),
            show(current.sizes)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(pairs: &[(&str, StatValue)]) -> EvalStats {
        EvalStats {
            fields: pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            sizes: [("Value".to_owned(), 24)].into(),
        }
    }

    #[test]
    fn classifies_every_versions_fields() {
        for exact in [
            "nrThunks",
            "envs.bytes",
            "values.number",
            "nrExprs",
            "symbols.number",
        ] {
            assert_eq!(classify(exact), CounterKind::Exact, "{exact}");
        }
        for noisy in [
            "cpuTime",
            "time.cpu",
            "time.gcFraction",
            "gc.cycles",
            "gc.heapSize",
        ] {
            assert_eq!(classify(noisy), CounterKind::Noisy, "{noisy}");
        }
    }

    #[test]
    fn identical_samples_are_pure_and_noise_is_summarised() {
        let a = stats(&[
            ("nrThunks", StatValue::Int(10)),
            ("cpuTime", StatValue::Float(0.3)),
        ]);
        let b = stats(&[
            ("nrThunks", StatValue::Int(10)),
            ("cpuTime", StatValue::Float(0.1)),
        ]);
        let c = Counters::from_samples(&[&a, &b, &a]);
        assert!(c.pure());
        assert_eq!(c.exact["nrThunks"], 10);
        let cpu = c.noisy["cpuTime"];
        assert!((cpu.median - 0.3).abs() < 1e-12 && (cpu.min - 0.1).abs() < 1e-12);
        assert_eq!(c.sizes["Value"], 24);
    }

    #[test]
    fn a_counter_that_moves_or_disappears_marks_the_evaluation_impure() {
        let a = stats(&[
            ("nrThunks", StatValue::Int(10)),
            ("sets.number", StatValue::Int(1)),
        ]);
        let b = stats(&[("nrThunks", StatValue::Int(12))]);
        let c = Counters::from_samples(&[&a, &b]);
        assert!(!c.pure());
        let names: Vec<&str> = c.varying.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["nrThunks", "sets.number"]);
        assert_eq!((c.varying[0].min, c.varying[0].max), (10, 12));
    }

    #[test]
    fn deltas_and_the_largest_growth() {
        let before = [("a", 100), ("b", 200), ("z", 0), ("gone", 5)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        let after = [("a", 101), ("b", 190), ("z", 3), ("new", 1)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        let d = deltas(&before, &after);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].percent, Some(1.0));
        assert_eq!(d[1].delta, -10);
        assert_eq!(d[2].percent, None);
        assert_eq!(largest_growth(&d).map(|x| x.name.as_str()), Some("a"));
    }

    #[test]
    fn counters_of_other_versions_frontends_or_sizes_are_not_comparable() {
        let v28 = NixIdentity {
            implementation: "Nix".into(),
            version: "2.8.0".into(),
        };
        let v224 = NixIdentity {
            version: "2.24.0".into(),
            ..v28.clone()
        };
        let s24: BTreeMap<String, u64> = [("Value".to_owned(), 24)].into();
        let s16: BTreeMap<String, u64> = [("Value".to_owned(), 16)].into();
        let stamp = |nix, frontend, sizes| Stamp {
            nix,
            frontend,
            sizes,
        };
        let here = stamp(&v28, Frontend::NixEval, &s24);
        assert!(comparable(&here, &here).is_ok());
        let e = comparable(&stamp(&v224, Frontend::NixEval, &s24), &here).expect_err("version");
        assert!(e.contains("Nix 2.24.0") && e.contains("Nix 2.8.0"), "{e}");
        assert!(comparable(&stamp(&v28, Frontend::NixInstantiate, &s24), &here).is_err());
        let e = comparable(&stamp(&v28, Frontend::NixEval, &s16), &here).expect_err("sizes");
        assert!(e.contains("Value 16"), "{e}");
    }
}
