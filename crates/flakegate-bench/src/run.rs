//! The measuring loop: warm-ups, then runs until both `runs` and `min_time`
//! are reached; in an A/B run the two revisions alternate (A B A B …) so
//! that a change in the machine's load hits both alike.

use flakegate_store::eval::{EvalCommand, Measurement, NixIdentity};

use crate::counters::{self, Counters, Stamp};
use crate::error::BenchError;
use crate::executor::Executor;
use crate::ratio;
use crate::report::{
    BenchReport, Benchmark, Comparison, Reference, ReferenceKind, Sample, Settings,
};
use crate::summary::{Summary, outliers};

/// One attribute to measure.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub command: EvalCommand,
}

/// What to measure and how.
#[derive(Debug, Clone)]
pub struct Plan {
    pub nix: NixIdentity,
    pub settings: Settings,
    pub targets: Vec<Target>,
    /// An A/B run: the same targets at a git revision.
    pub revision: Option<RevisionPlan>,
}

#[derive(Debug, Clone)]
pub struct RevisionPlan {
    /// As the user wrote it (`HEAD~1`).
    pub revision: String,
    pub commit: String,
    /// The command of each target at the revision, in the order of
    /// [`Plan::targets`].
    pub commands: Vec<EvalCommand>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Warmup,
    Run,
}

/// Where the loop is, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub benchmark: &'a str,
    /// `Some(revision)` or `Some("working tree")` in an A/B run.
    pub side: Option<&'a str>,
    pub phase: Phase,
    /// Evaluations done so far over the whole plan, and how many are planned
    /// (more when `min_time` asks for more runs).
    pub done: u64,
    pub planned: u64,
}

/// The label of the working tree's side in an A/B run.
pub const WORKTREE: &str = "working tree";

/// Measures every target and builds the report; [`crate::Gates::apply`]
/// finishes it (gates, notes, status), with or without gates.
pub fn run(
    plan: &Plan,
    exec: &mut dyn Executor,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Result<BenchReport, BenchError> {
    let s = plan.settings;
    if plan.targets.is_empty() {
        return Err(BenchError::NoTargets);
    }
    if s.runs == 0 {
        return Err(BenchError::NoRuns);
    }
    if plan
        .revision
        .as_ref()
        .is_some_and(|rev| rev.commands.len() != plan.targets.len())
    {
        return Err(BenchError::RevisionTargets);
    }
    let sides: u64 = if plan.revision.is_some() { 2 } else { 1 };
    let per_target = (u64::from(s.warmup) + u64::from(s.runs)) * sides;
    let mut counter = Counter {
        done: 0,
        planned: per_target * plan.targets.len() as u64,
    };
    let mut benchmarks = Vec::new();
    for (i, target) in plan.targets.iter().enumerate() {
        let bench = match &plan.revision {
            None => {
                let samples = sample_one(target, s, exec, &mut counter, on_progress)?;
                build(target, &samples)
            }
            Some(rev) => {
                let a = Target {
                    name: target.name.clone(),
                    command: rev.commands[i].clone(),
                };
                let (sa, sb) = sample_pair(
                    &a,
                    target,
                    &rev.revision,
                    s,
                    exec,
                    &mut counter,
                    on_progress,
                )?;
                let reference = build(&a, &sa);
                let mut current = build(target, &sb);
                current.compared = Some(compare_revision(reference, &current, plan));
                current
            }
        };
        benchmarks.push(bench);
    }
    let reference = plan.revision.as_ref().map(|r| Reference {
        kind: ReferenceKind::Revision,
        label: r.revision.clone(),
        commit: Some(r.commit.clone()),
        nix: plan.nix.clone(),
    });
    Ok(BenchReport {
        nix: plan.nix.clone(),
        settings: s,
        benchmarks,
        reference,
        gates: Vec::new(),
        notes: Vec::new(),
        status: flakegate_report::Status::Pass,
    })
}

struct Counter {
    done: u64,
    planned: u64,
}

fn once(
    target: &Target,
    side: Option<&str>,
    phase: Phase,
    exec: &mut dyn Executor,
    counter: &mut Counter,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Measurement, BenchError> {
    on_progress(Progress {
        benchmark: &target.name,
        side,
        phase,
        done: counter.done,
        planned: counter.planned,
    });
    let m = exec
        .measure(&target.command)
        .map_err(|error| BenchError::Eval {
            benchmark: match side {
                Some(side) => format!("{} ({side})", target.name),
                None => target.name.clone(),
            },
            error,
        })?;
    counter.done += 1;
    counter.planned = counter.planned.max(counter.done);
    Ok(m)
}

fn enough(samples: &[Measurement], s: Settings) -> bool {
    samples.len() >= s.runs as usize
        && samples.iter().map(|m| m.wall.as_secs_f64()).sum::<f64>() >= s.min_time
}

fn sample_one(
    target: &Target,
    s: Settings,
    exec: &mut dyn Executor,
    counter: &mut Counter,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<Measurement>, BenchError> {
    for _ in 0..s.warmup {
        once(target, None, Phase::Warmup, exec, counter, on_progress)?;
    }
    let mut samples = Vec::new();
    while !enough(&samples, s) {
        if samples.len() >= s.runs as usize {
            counter.planned += 1; // min_time asks for one more
        }
        samples.push(once(target, None, Phase::Run, exec, counter, on_progress)?);
    }
    Ok(samples)
}

fn sample_pair(
    a: &Target,
    b: &Target,
    revision: &str,
    s: Settings,
    exec: &mut dyn Executor,
    counter: &mut Counter,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Result<(Vec<Measurement>, Vec<Measurement>), BenchError> {
    let (ra, rb) = (Some(revision), Some(WORKTREE));
    for _ in 0..s.warmup {
        once(a, ra, Phase::Warmup, exec, counter, on_progress)?;
        once(b, rb, Phase::Warmup, exec, counter, on_progress)?;
    }
    let (mut sa, mut sb) = (Vec::new(), Vec::new());
    while !(enough(&sa, s) && enough(&sb, s)) {
        if sa.len() >= s.runs as usize {
            counter.planned += 2;
        }
        sa.push(once(a, ra, Phase::Run, exec, counter, on_progress)?);
        sb.push(once(b, rb, Phase::Run, exec, counter, on_progress)?);
    }
    Ok((sa, sb))
}

/// The statistics of one target's samples.
#[must_use]
pub fn build(target: &Target, samples: &[Measurement]) -> Benchmark {
    let secs = |f: fn(&Measurement) -> f64| samples.iter().map(f).collect::<Vec<f64>>();
    let wall = secs(|m| m.wall.as_secs_f64());
    let user = secs(|m| m.user.as_secs_f64());
    let system = secs(|m| m.system.as_secs_f64());
    let cpu: Vec<f64> = user.iter().zip(&system).map(|(u, s)| u + s).collect();
    #[allow(clippy::cast_precision_loss)] // RSS in bytes stays far below 2^53
    let rss = secs(|m| m.max_rss as f64);
    let flagged = outliers(&wall);
    let stats: Vec<_> = samples.iter().map(|m| &m.stats).collect();
    let counters = Counters::from_samples(&stats);
    let summary = |v: &[f64]| Summary::of(v).unwrap_or(EMPTY);
    Benchmark {
        name: target.name.clone(),
        frontend: target.command.frontend,
        command: target.command.display(),
        drv_path: samples
            .first()
            .map(|m| m.output.clone())
            .unwrap_or_default(),
        samples: samples
            .iter()
            .zip(&flagged)
            .map(|(m, o)| Sample {
                wall: m.wall.as_secs_f64(),
                user: m.user.as_secs_f64(),
                system: m.system.as_secs_f64(),
                max_rss: m.max_rss,
                outlier: *o,
            })
            .collect(),
        wall: summary(&wall),
        cpu: summary(&cpu),
        user: summary(&user),
        system: summary(&system),
        max_rss: summary(&rss),
        outliers: flagged.iter().filter(|o| **o).count(),
        pure: counters.pure() && samples.windows(2).all(|w| w[0].output == w[1].output),
        counters,
        compared: None,
    }
}

const EMPTY: Summary = Summary {
    count: 0,
    median: 0.0,
    mean: 0.0,
    stddev: None,
    mad: 0.0,
    min: 0.0,
    max: 0.0,
};

/// The working tree against the revision: paired time ratio, counter deltas.
fn compare_revision(reference: Benchmark, current: &Benchmark, plan: &Plan) -> Comparison {
    let times = |b: &Benchmark| b.samples.iter().map(|s| s.wall).collect::<Vec<f64>>();
    fn stamp<'a>(nix: &'a NixIdentity, b: &'a Benchmark) -> Stamp<'a> {
        Stamp {
            nix,
            frontend: b.frontend,
            sizes: &b.counters.sizes,
        }
    }
    let check = counters::comparable(&stamp(&plan.nix, &reference), &stamp(&plan.nix, current));
    Comparison {
        reference_median: reference.wall.median,
        time: ratio::paired(&times(&reference), &times(current)),
        counters: check
            .as_ref()
            .ok()
            .map(|()| counters::deltas(&reference.counters.exact, &current.counters.exact)),
        counters_not_compared: check.err(),
        reference_pure: reference.pure,
        revision: Some(Box::new(reference)),
    }
}
