//! Gates, and the notes that tell the reader what the numbers cannot say.
//!
//! - `maxTime`: the median wall time of each benchmark.
//! - `maxCounterGrowth`: the exact counter that grew most, in percent of the
//!   reference. Deterministic, so the gate CI should rely on; refused (and
//!   said so) across Nix versions, frontends or object sizes, and failed
//!   when an evaluation is impure.
//! - `maxRegression`: the time ratio against the reference. It fails only
//!   when the slowdown exceeds the limit *and* the 95 % interval of the
//!   ratio lies above 1, so the noise of a shared runner does not fail a job.

use flakegate_report::{Gate, GateId, Status};

use crate::counters::largest_growth;
use crate::report::{BenchReport, Benchmark};

/// What the user asked to enforce.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gates {
    /// Seconds.
    pub max_time: Option<f64>,
    /// Percent slowdown.
    pub max_regression: Option<f64>,
    /// Percent growth of any exact counter.
    pub max_counter_growth: Option<f64>,
}

impl Gates {
    /// Judges every benchmark, and fills the report's gates, notes and status.
    pub fn apply(&self, report: &mut BenchReport) {
        let mut out = Vec::new();
        for b in &report.benchmarks {
            if let Some(limit) = self.max_time {
                out.push(max_time(b, limit));
            }
            if let Some(limit) = self.max_counter_growth {
                out.push(counter_growth(b, limit));
            }
            if let Some(limit) = self.max_regression {
                out.push(regression(b, limit));
            }
        }
        report.status = Status::overall(out.iter().map(|g| g.status));
        report.gates = out;
        report.notes = notes(report);
    }
}

fn max_time(b: &Benchmark, limit: f64) -> Gate {
    Gate::judge(GateId::MaxTime, b.wall.median, limit)
        .with_subject(&b.name)
        .with_detail(format!("median of {} runs", b.wall.count))
}

fn counter_growth(b: &Benchmark, limit: f64) -> Gate {
    let id = GateId::MaxCounterGrowth;
    let skip = |detail: String| Gate::skipped(id, limit, detail).with_subject(&b.name);
    let Some(c) = &b.compared else {
        return skip("not in the reference".to_owned());
    };
    let Some(deltas) = &c.counters else {
        return skip(format!(
            "counters not compared: {}",
            c.counters_not_compared
                .as_deref()
                .unwrap_or("no reason given")
        ));
    };
    if !b.pure || !c.reference_pure {
        let which = if b.pure { "the reference's" } else { "this" };
        return Gate::decided(id, Status::Fail, None, limit)
            .with_subject(&b.name)
            .with_detail(format!(
                "{which} evaluation is impure: its counters differ between runs"
            ));
    }
    let Some(top) = largest_growth(deltas) else {
        return skip("no counter in common with the reference".to_owned());
    };
    Gate::judge(id, top.percent.unwrap_or(0.0), limit)
        .with_subject(&b.name)
        .with_detail(format!("{} {} → {}", top.name, top.before, top.after))
}

fn regression(b: &Benchmark, limit: f64) -> Gate {
    let id = GateId::MaxRegression;
    let skip = |detail: &str| Gate::skipped(id, limit, detail).with_subject(&b.name);
    let Some(c) = &b.compared else {
        return skip("not in the reference");
    };
    let Some(r) = c.time else {
        return skip("fewer than two runs on a side: no confidence interval");
    };
    let slowdown = (r.estimate - 1.0) * 100.0;
    // Only a slowdown whose interval excludes ×1 fails: a shared runner's
    // noise alone must not.
    let beyond_noise = r.low > 1.0;
    let status = if slowdown > limit && beyond_noise {
        Status::Fail
    } else {
        Status::Pass
    };
    let mut detail = format!(
        "×{:.3} (95% CI ×{:.3}–×{:.3}, {})",
        r.estimate,
        r.low,
        r.high,
        match r.method {
            crate::ratio::RatioMethod::Paired => "paired",
            crate::ratio::RatioMethod::Welch => "Welch",
        }
    );
    if slowdown > limit && !beyond_noise {
        detail.push_str("; within the noise: the interval includes ×1");
    }
    Gate::decided(id, status, Some(slowdown), limit)
        .with_subject(&b.name)
        .with_detail(detail)
}

/// What the reader must know about the numbers, in a fixed order.
#[must_use]
pub fn notes(report: &BenchReport) -> Vec<String> {
    let mut notes = Vec::new();
    for b in &report.benchmarks {
        if !b.pure {
            let detail: Vec<String> = b
                .counters
                .varying
                .iter()
                .take(3)
                .map(|v| format!("{} {}–{}", v.name, v.min, v.max))
                .collect();
            notes.push(format!(
                "{}: impure evaluation: exact counters differ between runs ({}); they cannot be gated",
                b.name,
                if detail.is_empty() {
                    "the result differs".to_owned()
                } else {
                    detail.join(", ")
                }
            ));
        }
        if b.outliers > 0 {
            notes.push(format!(
                "{}: {} of {} runs are outliers (modified z-score > 3.5), kept in every statistic; the machine may have been busy",
                b.name, b.outliers, b.wall.count
            ));
        }
        match &b.compared {
            Some(c) => {
                if let Some(reason) = &c.counters_not_compared {
                    notes.push(format!(
                        "{}: counters not compared: {reason}; gating time only",
                        b.name
                    ));
                }
                if !c.reference_pure {
                    notes.push(format!("{}: the reference's evaluation was impure", b.name));
                }
            }
            None if report.reference.is_some() => {
                notes.push(format!("{}: not in the reference", b.name));
            }
            None => {}
        }
    }
    notes
}
