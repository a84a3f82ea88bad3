//! The gates of `flakegate lock` and `lib.lockHealth`: duplicates, age and
//! pinning, judged on a [`HealthReport`].

use flakegate_report::{Gate, GateId, Status};

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

impl LockGates {
    /// The gates asked for, in the order reports show them. Ages are in
    /// days; each age gate names the oldest input judged as its subject.
    pub fn evaluate(&self, report: &HealthReport) -> Vec<Gate> {
        let mut out = Vec::new();
        if let Some(limit) = self.max_duplicates {
            out.push(Gate::judge(
                GateId::MaxDuplicates,
                count(report.extra_nodes),
                count(limit),
            ));
        }
        let oldest = report.oldest(self.age_all);
        for (id, limit) in [
            (GateId::MaxAge, self.max_age),
            (GateId::WarnAge, self.warn_age),
        ] {
            let Some(limit) = limit else { continue };
            let gate = match oldest {
                Some((e, age)) => {
                    let over = report
                        .ages(self.age_all)
                        .filter(|(_, a)| *a > limit)
                        .count();
                    let gate = Gate::judge(id, days(age), days(limit))
                        .with_subject(e.paths[0].to_string());
                    if over > 1 {
                        gate.with_detail(format!("{over} inputs over the limit"))
                    } else {
                        gate
                    }
                }
                None => Gate::skipped(id, days(limit), "no dated input"),
            };
            out.push(gate);
        }
        if self.pinning != PinningGate::Off {
            let n = report.pinning.len();
            let status = match (n, self.pinning) {
                (0, _) => Status::Pass,
                (_, PinningGate::Fail) => Status::Fail,
                _ => Status::Warn,
            };
            let gate = Gate::decided(GateId::Pinning, status, Some(count(n)), 0.0);
            out.push(match report.pinning.first() {
                Some(f) if n == 1 => gate.with_detail(format!("{}: {}", f.path, f.message)),
                Some(_) => gate.with_detail(format!("{n} findings")),
                None => gate,
            });
        }
        out
    }
}

// Counts are far below 2^53: exact as f64.
#[allow(clippy::cast_precision_loss)]
fn count(n: usize) -> f64 {
    n as f64
}

#[allow(clippy::cast_precision_loss)]
fn days(seconds: i64) -> f64 {
    seconds as f64 / time::DAY as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HealthOptions, LockGraph, analyse};

    #[test]
    fn gates_judge_the_report() {
        let g = LockGraph::parse(include_str!("../../../tests/fixtures/lock/config.lock"))
            .expect("lock");
        let gates = LockGates {
            max_duplicates: Some(8),
            max_age: Some(400 * time::DAY),
            warn_age: Some(90 * time::DAY),
            age_all: false,
            pinning: PinningGate::Warn,
        };
        let options = HealthOptions {
            now: 1_717_200_000,
            gates,
            ..HealthOptions::default()
        };
        let r = analyse(&g, &options);
        let got: Vec<(GateId, Status)> = r.gates.iter().map(|o| (o.gate, o.status)).collect();
        assert_eq!(
            got,
            [
                (GateId::MaxDuplicates, Status::Pass),
                (GateId::MaxAge, Status::Pass),
                (GateId::WarnAge, Status::Warn),
                (GateId::Pinning, Status::Warn),
            ]
        );
        assert_eq!(r.status, Status::Warn);
        assert_eq!(r.gates[2].subject.as_deref(), Some("src-tarball"));
        assert_eq!(
            r.gates[2].detail.as_deref(),
            Some("2 inputs over the limit")
        );
        assert_eq!(r.gates[2].actual_text(), "400 days");

        let strict = LockGates {
            max_duplicates: Some(7),
            max_age: Some(399 * time::DAY),
            pinning: PinningGate::Fail,
            ..LockGates::default()
        };
        let out = strict.evaluate(&r);
        assert!(out.iter().all(|o| o.status == Status::Fail), "{out:?}");
        assert_eq!(out[1].detail, None, "only one input over 399 days");
    }
}
