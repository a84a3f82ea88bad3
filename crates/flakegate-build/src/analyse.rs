//! From a run to a report: the profile, the critical path, the slowest
//! builds and the gates.

use std::collections::BTreeMap;
use std::time::Duration;

use flakegate_report::{Gate, GateId, Status};
use flakegate_store::build::TimedEvent;

use crate::baseline::{Baseline, compare};
use crate::critical::critical_path;
use crate::profile::{StepKind, profile, seconds};
use crate::report::{BuildReport, StepSummary};

/// What `nix build` did, as the store crate reports it.
#[derive(Debug, Clone)]
pub struct BuildInput {
    pub installables: Vec<String>,
    pub events: Vec<TimedEvent>,
    pub wall: Duration,
    pub success: bool,
    pub errors: Vec<String>,
    /// `.drv` → input derivations, for the derivations built.
    pub dependencies: BTreeMap<String, Vec<String>>,
}

/// The gates the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    /// Seconds of wall time.
    pub max_build_time: Option<f64>,
    pub warn_build_time: Option<f64>,
    pub max_built: Option<u64>,
    pub baseline: Option<Baseline>,
    /// Percent of wall time over the baseline.
    pub max_regression_percent: Option<f64>,
}

/// Analyses a run; `top` bounds the slowest list.
#[must_use]
pub fn analyse(input: BuildInput, limits: &Limits, top: usize) -> BuildReport {
    let p = profile(&input.events, input.wall);
    let critical = critical_path(&p.steps, &input.dependencies);
    let built: Vec<_> = p
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Built)
        .collect();
    let mut slowest: Vec<StepSummary> = built
        .iter()
        .map(|s| StepSummary {
            name: s.name.clone(),
            path: s.path.clone(),
            kind: s.kind,
            duration: s.duration,
            machine: s.machine.clone(),
        })
        .collect();
    slowest.sort_by(|a, b| {
        b.duration
            .total_cmp(&a.duration)
            .then_with(|| a.path.cmp(&b.path))
    });
    slowest.truncate(top);
    let build_time = built.iter().map(|s| s.duration).sum::<f64>();
    let mut report = BuildReport {
        installables: input.installables,
        success: input.success,
        errors: input.errors,
        wall: seconds(input.wall),
        built: built.len(),
        substituted: p
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::Substituted)
            .count(),
        failed: built.iter().filter(|s| s.failed).count(),
        build_time: (build_time * 1000.0).round() / 1000.0,
        downloaded_bytes: p.downloaded_bytes,
        critical_path: critical,
        slowest,
        baseline: None,
        gates: Vec::new(),
        status: Status::Pass,
        steps: p.steps,
    };
    report.baseline = limits.baseline.as_ref().map(|b| compare(b, &report, top));
    report.gates = gates(&report, limits);
    report.status = Status::overall(report.gates.iter().map(|g| g.status));
    report
}

#[allow(clippy::cast_precision_loss)]
fn gates(report: &BuildReport, limits: &Limits) -> Vec<Gate> {
    let mut gates = Vec::new();
    // A failed build fails the run whatever else was asked: the profile is
    // still worth reading, so it is a gate, not an error.
    let failed = if report.success {
        0.0
    } else {
        report.failed.max(1) as f64
    };
    gates.push(Gate::judge(GateId::BuildFailures, failed, 0.0));
    if let Some(limit) = limits.max_build_time {
        gates.push(Gate::judge(GateId::MaxBuildTime, report.wall, limit));
    }
    if let Some(limit) = limits.warn_build_time {
        gates.push(Gate::judge(GateId::WarnBuildTime, report.wall, limit));
    }
    if let Some(limit) = limits.max_built {
        gates.push(Gate::judge(
            GateId::MaxBuilt,
            report.built as f64,
            limit as f64,
        ));
    }
    if let Some(limit) = limits.max_regression_percent {
        gates.push(match &report.baseline {
            Some(b) if b.baseline_wall > 0.0 => {
                Gate::judge(GateId::MaxRegression, b.wall_change_percent, limit)
                    .with_subject("wall time")
            }
            _ => Gate::skipped(
                GateId::MaxRegression,
                limit,
                "the baseline has no wall time to compare with",
            ),
        });
    }
    gates
}

#[cfg(test)]
mod tests {
    use super::*;
    use flakegate_store::build::{Line, log::parse_line};

    fn timed(ms: u64, line: &str) -> TimedEvent {
        let Ok(Line::Event(event)) = parse_line(line) else {
            panic!("not an event: {line}")
        };
        TimedEvent {
            at: Duration::from_millis(ms),
            event,
        }
    }

    fn input(success: bool) -> BuildInput {
        BuildInput {
            installables: vec!["x".into()],
            events: vec![
                timed(
                    0,
                    r#"@nix {"action":"start","fields":["/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a.drv","",1,1],"id":1,"level":3,"text":"","type":105}"#,
                ),
                timed(1000, r#"@nix {"action":"stop","id":1}"#),
                timed(
                    1000,
                    r#"@nix {"action":"start","fields":["/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b.drv","",1,1],"id":2,"level":3,"text":"","type":105}"#,
                ),
                timed(3000, r#"@nix {"action":"stop","id":2}"#),
            ],
            wall: Duration::from_millis(3100),
            success,
            errors: Vec::new(),
            dependencies: BTreeMap::from([(
                "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b.drv".to_owned(),
                vec!["/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a.drv".to_owned()],
            )]),
        }
    }

    #[test]
    fn gates_follow_the_limits() {
        let limits = Limits {
            max_build_time: Some(5.0),
            warn_build_time: Some(3.0),
            max_built: Some(1),
            baseline: Some(Baseline {
                wall: 2.0,
                built: 2,
                builds: BTreeMap::from([("b".to_owned(), 1.0)]),
            }),
            max_regression_percent: Some(50.0),
        };
        let r = analyse(input(true), &limits, 1);
        let verdicts: Vec<(GateId, Status)> = r.gates.iter().map(|g| (g.gate, g.status)).collect();
        assert_eq!(
            verdicts,
            [
                (GateId::BuildFailures, Status::Pass),
                (GateId::MaxBuildTime, Status::Pass),
                (GateId::WarnBuildTime, Status::Warn),
                (GateId::MaxBuilt, Status::Fail),
                (GateId::MaxRegression, Status::Fail),
            ]
        );
        assert_eq!(r.status, Status::Fail);
        assert_eq!((r.built, r.wall, r.build_time), (2, 3.1, 3.0));
        assert_eq!(r.slowest.len(), 1);
        assert_eq!(r.slowest[0].name, "b");
        assert_eq!(r.critical_path.duration, 3.0);
        let b = r.baseline.expect("baseline");
        assert_eq!(b.wall_change_percent, 55.0);
        assert_eq!(b.slower[0].name, "b");
    }

    #[test]
    fn a_failed_build_fails_the_run() {
        let r = analyse(input(false), &Limits::default(), 10);
        assert_eq!(r.gates[0].status, Status::Fail);
        assert_eq!(r.status, Status::Fail);
    }
}
