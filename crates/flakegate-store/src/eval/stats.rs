//! The evaluator statistics Nix writes with `NIX_SHOW_STATS`, for every
//! version: nested objects are flattened to dotted names (`envs.number`,
//! `time.gcFraction`), `sizes` is kept apart (it describes the build of Nix,
//! not the evaluation), and anything that is not a number is skipped (Nix
//! adds per-function arrays when `NIX_COUNT_CALLS` is set).
//!
//! Which fields exist depends on the version (2.19 adds `nrExprs`, 2.24
//! `time.*` and `gc.cycles`, Lix writes `values` as 0); this parser knows
//! none of them by name, so a new field is read like the others.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One statistic: counters are integers, times are fractions of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StatValue {
    Int(u64),
    Float(f64),
}

impl StatValue {
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // counters stay far below 2^53
    pub fn as_f64(self) -> f64 {
        match self {
            Self::Int(v) => v as f64,
            Self::Float(v) => v,
        }
    }
}

/// The statistics of one evaluation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalStats {
    /// Every numeric field but `sizes.*`, by dotted name.
    pub fields: BTreeMap<String, StatValue>,
    /// `sizes`: the byte sizes of the evaluator's `Env`, `Value`, `Bindings`
    /// and `Attr` in this build of Nix; every `bytes` counter scales with them.
    pub sizes: BTreeMap<String, u64>,
}

impl EvalStats {
    /// Parses the JSON document written to `NIX_SHOW_STATS_PATH`.
    pub fn parse(json: &[u8]) -> Result<Self, String> {
        let value: Value = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let Value::Object(map) = value else {
            return Err("expected a JSON object".to_owned());
        };
        let mut stats = Self::default();
        for (key, value) in &map {
            if key == "sizes" {
                if let Value::Object(sizes) = value {
                    for (name, size) in sizes {
                        if let Some(n) = size.as_u64() {
                            stats.sizes.insert(name.clone(), n);
                        }
                    }
                }
                continue;
            }
            flatten(key, value, &mut stats.fields);
        }
        if stats.fields.is_empty() {
            return Err("no evaluator counters in it".to_owned());
        }
        Ok(stats)
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, StatValue>) {
    match value {
        Value::Number(n) => {
            let v = match (n.as_u64(), n.as_f64()) {
                (Some(i), _) => StatValue::Int(i),
                (None, Some(f)) => StatValue::Float(f),
                (None, None) => return,
            };
            out.insert(prefix.to_owned(), v);
        }
        Value::Object(map) => {
            for (key, value) in map {
                flatten(&format!("{prefix}.{key}"), value, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_nested_counters_and_keeps_sizes_apart() {
        let json = br#"{"cpuTime": 0.5, "envs": {"number": 3, "bytes": 48},
            "sizes": {"Env": 16, "Value": 24}, "nrThunks": 7,
            "functions": [{"name": "f", "count": 1}], "note": "x"}"#;
        let s = EvalStats::parse(json).expect("parses");
        assert_eq!(s.fields["cpuTime"], StatValue::Float(0.5));
        assert_eq!(s.fields["envs.number"], StatValue::Int(3));
        assert_eq!(s.fields["nrThunks"], StatValue::Int(7));
        assert_eq!(s.fields.len(), 4, "{:?}", s.fields);
        assert_eq!(s.sizes["Value"], 24);
    }

    #[test]
    fn rejects_what_is_not_a_stats_object() {
        assert!(EvalStats::parse(b"[1]").is_err());
        assert!(EvalStats::parse(b"{}").is_err());
        assert!(EvalStats::parse(b"{\"cpuTime\":").is_err());
    }
}
