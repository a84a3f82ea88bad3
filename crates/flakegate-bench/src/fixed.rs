//! An executor with fixed timings and counters, for tests: the statistics,
//! gates and reports are checked against numbers known in advance, the way
//! hyperfine tests its own with a mock timer.

use std::collections::BTreeMap;
use std::time::Duration;

use flakegate_store::StoreError;
use flakegate_store::eval::{EvalCommand, EvalStats, Measurement, StatValue};

use crate::executor::Executor;

/// Answers each command with the next of its scripted runs.
#[derive(Debug, Default)]
pub struct FixedExecutor {
    scripts: BTreeMap<String, Vec<Result<Measurement, String>>>,
    /// Every command measured, in order.
    pub calls: Vec<String>,
}

impl FixedExecutor {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Scripts the runs of `command` (warm-ups first), wall times in seconds.
    pub fn script(&mut self, command: &EvalCommand, runs: Vec<Measurement>) -> &mut Self {
        self.scripts
            .insert(command.display(), runs.into_iter().map(Ok).collect());
        self
    }

    /// Makes the next run of `command` fail with Nix's `message`.
    pub fn fail(&mut self, command: &EvalCommand, message: &str) -> &mut Self {
        self.scripts
            .entry(command.display())
            .or_default()
            .insert(0, Err(message.to_owned()));
        self
    }
}

impl Executor for FixedExecutor {
    fn measure(&mut self, command: &EvalCommand) -> Result<Measurement, StoreError> {
        let key = command.display();
        self.calls.push(key.clone());
        let runs = self.scripts.get_mut(&key).filter(|r| !r.is_empty());
        match runs.map(|r| r.remove(0)) {
            Some(Ok(m)) => Ok(m),
            Some(Err(message)) => Err(StoreError::Nix {
                command: key,
                message,
            }),
            None => Err(StoreError::Nix {
                command: key,
                message: "no scripted run left".to_owned(),
            }),
        }
    }
}

/// A run of `wall` seconds (80 % user, 20 % system CPU, 100 MiB) whose exact
/// counters are `work` scaled (nrThunks = work, values.number = 2·work, …),
/// as Nix 2.8 reports them.
#[must_use]
pub fn measurement(wall: f64, work: u64) -> Measurement {
    let mut fields = BTreeMap::new();
    for (name, factor) in [
        ("nrThunks", 1),
        ("nrFunctionCalls", 3),
        ("nrPrimOpCalls", 2),
        ("values.number", 2),
        ("values.bytes", 48),
        ("envs.number", 3),
        ("sets.number", 1),
    ] {
        fields.insert(name.to_owned(), StatValue::Int(work * factor));
    }
    fields.insert("cpuTime".to_owned(), StatValue::Float(wall * 0.9));
    fields.insert("gc.heapSize".to_owned(), StatValue::Int(402_718_720));
    Measurement {
        wall: Duration::from_secs_f64(wall),
        user: Duration::from_secs_f64(wall * 0.8),
        system: Duration::from_secs_f64(wall * 0.2),
        max_rss: 100 * 1024 * 1024,
        stats: EvalStats {
            fields,
            sizes: [("Env", 16), ("Value", 24), ("Bindings", 16), ("Attr", 24)]
                .map(|(k, v)| (k.to_owned(), v))
                .into(),
        },
        output: "/nix/store/00000000000000000000000000000000-demo.drv".to_owned(),
    }
}

/// Runs of the given wall times with the same counters.
#[must_use]
pub fn runs(walls: &[f64], work: u64) -> Vec<Measurement> {
    walls.iter().map(|w| measurement(*w, work)).collect()
}
