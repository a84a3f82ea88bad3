//! The loop: for a time budget (or a number of cases), mutate a seed, feed
//! it to its target, catch any panic, and watch for hangs from another
//! thread. Case `i` of run seed `s` is always the same input, so any finding
//! replays with `FLAKEGATE_FUZZ_SEED=s FLAKEGATE_FUZZ_CASE=i`.

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fastrand::Rng;

use crate::mutate::mutate_once;
use crate::targets::{TARGETS, Target};

/// How one run is bounded and where it reads and writes.
#[derive(Debug, Clone)]
pub struct Config {
    /// The repository root (seed folders are relative to it).
    pub root: PathBuf,
    /// The run's seed: the same seed gives the same cases.
    pub seed: u64,
    /// Stop after this long…
    pub budget: Duration,
    /// …or after this many cases, whichever comes first.
    pub max_cases: Option<u64>,
    /// Run only this case (a replay).
    pub only_case: Option<u64>,
    /// Only the target of this name.
    pub only_target: Option<String>,
    /// A case running longer than this is a hang.
    pub hang: Duration,
    /// Where the inputs of findings are saved.
    pub findings_dir: Option<PathBuf>,
}

impl Config {
    /// `FLAKEGATE_FUZZ_SECONDS` (default 60), `FLAKEGATE_FUZZ_SEED` (0),
    /// `FLAKEGATE_FUZZ_CASE`, `FLAKEGATE_FUZZ_TARGET`,
    /// `FLAKEGATE_FUZZ_HANG_SECONDS` (10).
    #[must_use]
    pub fn from_env(root: &Path, findings_dir: &Path) -> Self {
        let num = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse().ok());
        Self {
            root: root.to_owned(),
            seed: num("FLAKEGATE_FUZZ_SEED").unwrap_or(0),
            budget: Duration::from_secs(num("FLAKEGATE_FUZZ_SECONDS").unwrap_or(60)),
            max_cases: None,
            only_case: num("FLAKEGATE_FUZZ_CASE"),
            only_target: std::env::var("FLAKEGATE_FUZZ_TARGET").ok(),
            hang: Duration::from_secs(num("FLAKEGATE_FUZZ_HANG_SECONDS").unwrap_or(10)),
            findings_dir: Some(findings_dir.to_owned()),
        }
    }
}

/// One seed file.
pub struct Seed {
    /// Its path relative to the repository root.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Every seed of `target`, sorted by name (so that runs are reproducible):
/// each seed location is a file or a folder, walked down; only the files
/// whose names end as the target asks are taken.
pub fn seeds(root: &Path, target: &Target) -> Result<Vec<Seed>, String> {
    let mut files = Vec::new();
    for location in target.seeds {
        collect(&root.join(location), &mut files).map_err(|e| format!("{location}: {e}"))?;
    }
    for location in target.extra_seeds {
        if root.join(location).exists() {
            collect(&root.join(location), &mut files).map_err(|e| format!("{location}: {e}"))?;
        }
    }
    let mut out = Vec::new();
    for path in files {
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if !target.suffixes.is_empty() && !target.suffixes.iter().any(|s| name.ends_with(s)) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{name}: {e}"))?;
        out.push(Seed { name, bytes });
    }
    if out.is_empty() {
        return Err(format!("{}: no seeds", target.name));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// `path` if it is a file, else every file under it.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !std::fs::metadata(path)?.is_dir() {
        out.push(path.to_owned());
        return Ok(());
    }
    for entry in std::fs::read_dir(path)? {
        collect(&entry?.path(), out)?;
    }
    Ok(())
}

/// A panic or a hang, with what it takes to replay it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub target: &'static str,
    pub seed: String,
    pub case: u64,
    pub mutations: Vec<String>,
    pub message: String,
    pub saved: Option<PathBuf>,
    /// Later cases that panicked at the same place.
    pub repeats: u64,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Per target: (name, cases, accepted by the parser).
    pub counts: Vec<(&'static str, u64, u64)>,
    pub findings: Vec<Finding>,
    pub elapsed: Duration,
    pub seed: u64,
}

impl Outcome {
    #[must_use]
    pub fn cases(&self) -> u64 {
        self.counts.iter().map(|c| c.1).sum()
    }

    /// A table of the counts, then every finding.
    #[must_use]
    pub fn summary(&self) -> String {
        let mut s = format!(
            "fuzz: {} cases in {:.1} s (seed {})\n",
            self.cases(),
            self.elapsed.as_secs_f64(),
            self.seed
        );
        for (name, cases, accepted) in &self.counts {
            let _ = writeln!(s, "  {name:<18} {cases:>10} cases {accepted:>10} accepted");
        }
        for f in &self.findings {
            let _ = writeln!(
                s,
                "FINDING {}: {} ({} more like it)\n  seed file {}, case {} (replay: FLAKEGATE_FUZZ_SEED={} FLAKEGATE_FUZZ_CASE={})\n  mutations: {}{}",
                f.target,
                f.message,
                f.repeats,
                f.seed,
                f.case,
                self.seed,
                f.case,
                f.mutations.join("; "),
                f.saved
                    .as_ref()
                    .map(|p| format!("\n  input saved to {}", p.display()))
                    .unwrap_or_default()
            );
        }
        s
    }
}

/// The input of one case.
struct Case {
    target: usize,
    seed: usize,
    data: Vec<u8>,
    mutations: Vec<String>,
}

fn case_rng(run_seed: u64, case: u64) -> Rng {
    // splitmix64 of the pair: neighbouring cases get unrelated streams.
    let mut z = run_seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    Rng::with_seed(z ^ (z >> 31))
}

fn make_case(run_seed: u64, case: u64, targets: &[usize], corpus: &[Vec<Seed>]) -> Case {
    let mut rng = case_rng(run_seed, case);
    let target = targets[usize::try_from(case % targets.len() as u64).unwrap_or(0)];
    let seeds = &corpus[target];
    let seed = rng.usize(..seeds.len());
    let mut data = seeds[seed].bytes.clone();
    let others: Vec<&[u8]> = seeds.iter().map(|s| s.bytes.as_slice()).collect();
    let mutations = (0..rng.usize(1..=4))
        .map(|_| mutate_once(&mut rng, &mut data, &others))
        .collect();
    Case {
        target,
        seed,
        data,
        mutations,
    }
}

thread_local! {
    static IN_CASE: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics inside a case are recorded, not printed; any other panic (a
/// failing test elsewhere in the process) goes to the previous hook.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if IN_CASE.get() {
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let msg = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                LAST_PANIC.set(Some(format!("panicked{at}: {msg}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs one input through its target; `Err` is the panic.
fn feed(target: &Target, data: &[u8]) -> Result<bool, String> {
    IN_CASE.set(true);
    let result = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(data)));
    IN_CASE.set(false);
    result.map_err(|_| LAST_PANIC.take().unwrap_or_else(|| "panicked".to_owned()))
}

/// Loads the seeds and runs the cases `config` asks for.
pub fn run(config: &Config) -> Result<Outcome, String> {
    install_panic_hook();
    let targets: Vec<usize> = (0..TARGETS.len())
        .filter(|&i| {
            config
                .only_target
                .as_deref()
                .is_none_or(|t| t == TARGETS[i].name)
        })
        .collect();
    if targets.is_empty() {
        return Err(format!("no target named {:?}", config.only_target));
    }
    let corpus: Vec<Vec<Seed>> = TARGETS
        .iter()
        .map(|t| seeds(&config.root, t))
        .collect::<Result<_, _>>()?;
    let corpus = Arc::new(corpus);
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();

    let worker = {
        let (config, corpus, done, stop, targets) = (
            config.clone(),
            Arc::clone(&corpus),
            Arc::clone(&done),
            Arc::clone(&stop),
            targets.clone(),
        );
        std::thread::spawn(move || {
            let mut counts = vec![(0u64, 0u64); TARGETS.len()];
            let mut findings = Vec::new();
            let cases: Box<dyn Iterator<Item = u64>> = match config.only_case {
                Some(c) => Box::new(std::iter::once(c)),
                None => Box::new(0..config.max_cases.unwrap_or(u64::MAX)),
            };
            for i in cases {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let case = make_case(config.seed, i, &targets, &corpus);
                let target = &TARGETS[case.target];
                counts[case.target].0 += 1;
                match feed(target, &case.data) {
                    Ok(accepted) => counts[case.target].1 += u64::from(accepted),
                    Err(message) => {
                        // One finding per place, with how often it recurred.
                        let place = |m: &str| m.split(": ").next().unwrap_or_default().to_owned();
                        if let Some(f) = findings.iter_mut().find(|f: &&mut Finding| {
                            f.target == target.name && place(&f.message) == place(&message)
                        }) {
                            f.repeats += 1;
                        } else {
                            findings.push(Finding {
                                target: target.name,
                                seed: corpus[case.target][case.seed].name.clone(),
                                case: i,
                                mutations: case.mutations,
                                saved: save(&config, target.name, i, &case.data),
                                message,
                                repeats: 0,
                            });
                        }
                    }
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            (counts, findings)
        })
    };

    // The watchdog: stop at the budget; a case that does not finish within
    // `hang` is reported, and the stuck worker is left behind.
    let mut last = (0, Instant::now());
    while !worker.is_finished() {
        std::thread::sleep(Duration::from_millis(50));
        let now = done.load(Ordering::Relaxed);
        if now != last.0 {
            last = (now, Instant::now());
        }
        if start.elapsed() >= config.budget {
            stop.store(true, Ordering::Relaxed);
        }
        if last.1.elapsed() >= config.hang {
            let i = config.only_case.unwrap_or(now);
            let case = make_case(config.seed, i, &targets, &corpus);
            let target = &TARGETS[case.target];
            return Ok(Outcome {
                counts: Vec::new(),
                findings: vec![Finding {
                    target: target.name,
                    seed: corpus[case.target][case.seed].name.clone(),
                    case: i,
                    saved: save(config, target.name, i, &case.data),
                    mutations: case.mutations,
                    message: format!("hangs (no answer in {} s)", config.hang.as_secs()),
                    repeats: 0,
                }],
                elapsed: start.elapsed(),
                seed: config.seed,
            });
        }
    }
    let (counts, findings) = worker
        .join()
        .map_err(|_| "the fuzz worker died".to_owned())?;
    Ok(Outcome {
        counts: TARGETS
            .iter()
            .zip(counts)
            .filter(|(_, c)| c.0 > 0)
            .map(|(t, (cases, accepted))| (t.name, cases, accepted))
            .collect(),
        findings,
        elapsed: start.elapsed(),
        seed: config.seed,
    })
}

fn save(config: &Config, target: &str, case: u64, data: &[u8]) -> Option<PathBuf> {
    let dir = config.findings_dir.as_ref()?;
    std::fs::create_dir_all(dir).ok()?;
    let file = dir.join(format!("{target}-seed{}-case{case}", config.seed));
    std::fs::write(&file, data).ok()?;
    Some(file)
}
