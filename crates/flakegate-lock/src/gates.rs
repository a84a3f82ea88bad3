//! The gates of `flakegate lock` and `lib.lockHealth`: duplicates, age and
//! pinning, judged on a [`HealthReport`].

use serde::Serialize;

use crate::health::HealthReport;
use crate::time;

/// What the user asked to enforce.
#[derive(Debug, Clone, Default)]
pub struct LockGates {
    /// Fail when there are more extra nodes than this (nodes beyond the
    /// first of each duplicated source).
    pub max_duplicates: Option<usize>,
    /// Fail when an input is older than this many seconds.
    pub max_age: Option<i64>,
    /// Warn when an input is older than this many seconds.
    pub warn_age: Option<i64>,
    /// Judge every input's age, not only those the flake declares.
    pub age_all: bool,
    /// What pinning findings do.
    pub pinning: PinningGate,
}

/// The pinning gate's mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PinningGate {
    /// Findings fail the gate.
    Fail,
    /// Findings are reported as warnings (the default).
    #[default]
    Warn,
    /// Findings are reported, the gate is not evaluated.
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GateStatus {
    Pass,
    Warn,
    Fail,
}

/// The verdict of one gate.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GateOutcome {
    /// `maxDuplicates`, `maxAge`, `warnAge` or `pinning`.
    pub gate: &'static str,
    pub status: GateStatus,
    /// The measured value: extra nodes, the oldest age in seconds, or
    /// pinning findings.
    pub actual: i64,
    /// The limit (0 for pinning).
    pub limit: i64,
    /// One line for humans: what was measured against what.
    pub message: String,
}

impl LockGates {
    pub fn evaluate(&self, report: &HealthReport) -> Vec<GateOutcome> {
        let mut out = Vec::new();
        if let Some(limit) = self.max_duplicates {
            let n = report.extra_nodes;
            out.push(GateOutcome {
                gate: "maxDuplicates",
                status: if n > limit {
                    GateStatus::Fail
                } else {
                    GateStatus::Pass
                },
                actual: i64::try_from(n).unwrap_or(i64::MAX),
                limit: i64::try_from(limit).unwrap_or(i64::MAX),
                message: format!(
                    "{n} duplicate node{} (limit {limit})",
                    if n == 1 { "" } else { "s" }
                ),
            });
        }
        let oldest = report.oldest(self.age_all);
        for (gate, limit, over) in [
            ("maxAge", self.max_age, GateStatus::Fail),
            ("warnAge", self.warn_age, GateStatus::Warn),
        ] {
            let Some(limit) = limit else { continue };
            let (status, actual, message) = match oldest {
                Some((e, age)) => {
                    let over_count = report
                        .ages(self.age_all)
                        .filter(|(_, a)| *a > limit)
                        .count();
                    (
                        if age > limit { over } else { GateStatus::Pass },
                        age,
                        format!(
                            "oldest input `{}`: {} (limit {}){}",
                            e.paths[0],
                            time::age(age),
                            time::age(limit),
                            if over_count > 1 {
                                format!("; {over_count} inputs over the limit")
                            } else {
                                String::new()
                            }
                        ),
                    )
                }
                None => (GateStatus::Pass, 0, "no dated input".to_owned()),
            };
            out.push(GateOutcome {
                gate,
                status,
                actual,
                limit,
                message,
            });
        }
        if self.pinning != PinningGate::Off {
            let n = report.pinning.len();
            let status = match (n, self.pinning) {
                (0, _) => GateStatus::Pass,
                (_, PinningGate::Fail) => GateStatus::Fail,
                _ => GateStatus::Warn,
            };
            out.push(GateOutcome {
                gate: "pinning",
                status,
                actual: i64::try_from(n).unwrap_or(i64::MAX),
                limit: 0,
                message: match n {
                    0 => "every input is pinned".to_owned(),
                    1 => "1 pinning finding".to_owned(),
                    _ => format!("{n} pinning findings"),
                },
            });
        }
        out
    }
}

/// The overall status: the worst gate's.
pub fn overall(gates: &[GateOutcome]) -> GateStatus {
    gates
        .iter()
        .map(|g| g.status)
        .max()
        .unwrap_or(GateStatus::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HealthOptions, LockGraph, analyse};

    #[test]
    fn gates_judge_the_report() {
        let g = LockGraph::parse(include_str!("../../../tests/fixtures/lock/config.lock"))
            .expect("lock");
        let r = analyse(
            &g,
            &HealthOptions {
                now: 1_717_200_000,
                flake_dir: None,
                ..HealthOptions::default()
            },
        );
        let gates = LockGates {
            max_duplicates: Some(8),
            max_age: Some(400 * time::DAY),
            warn_age: Some(90 * time::DAY),
            age_all: false,
            pinning: PinningGate::Warn,
        };
        let got: Vec<(&str, GateStatus)> = gates
            .evaluate(&r)
            .iter()
            .map(|o| (o.gate, o.status))
            .collect();
        assert_eq!(
            got,
            [
                ("maxDuplicates", GateStatus::Pass),
                ("maxAge", GateStatus::Pass),
                ("warnAge", GateStatus::Warn),
                ("pinning", GateStatus::Warn),
            ]
        );
        let strict = LockGates {
            max_duplicates: Some(7),
            max_age: Some(399 * time::DAY),
            pinning: PinningGate::Fail,
            ..LockGates::default()
        };
        let out = strict.evaluate(&r);
        assert!(out.iter().all(|o| o.status == GateStatus::Fail), "{out:?}");
        assert_eq!(
            out[1].message,
            "oldest input `src-tarball`: 400 days (limit 399 days)"
        );
        assert_eq!(
            gates.evaluate(&r)[2].message,
            "oldest input `src-tarball`: 400 days (limit 90 days); 2 inputs over the limit"
        );
        assert_eq!(overall(&out), GateStatus::Fail);
    }
}
