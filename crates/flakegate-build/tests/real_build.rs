//! A real `nix build` of builders that sleep known times
//! (`tests/fixtures/build/sleepers.nix`): the profile must show each build,
//! in dependency order, about as long as its sleep, and the critical path
//! a → b → top. No upper bounds: the machine may be loaded.

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::time::Duration;

use flakegate_build::{StepKind, critical_path, profile};
use flakegate_store::StoreDir;
use flakegate_store::build::{dependencies, run_build};
use flakegate_testkit::{fixture, nonce};

/// Events are stamped when they are read, so a build that starts while the
/// machine is loaded may be stamped late (0.1 s was seen with a dozen tests
/// running): a 1 s sleep must measure at least this. The wall time, taken
/// around the whole `nix build`, has no such slack.
const SLEPT_AT_LEAST: f64 = 0.5;

#[test]
fn sleeping_builders_give_their_durations_and_the_critical_path() {
    let file = fixture("build/sleepers.nix");
    let nonce = nonce().to_string();
    let drv = duct::cmd!("nix-instantiate", &file, "--argstr", "nonce", &nonce)
        .stderr_null()
        .read()
        .expect("instantiate");
    let mut human = Vec::new();
    let run = run_build(
        &[drv.trim().to_owned()],
        &["--no-link".to_owned()],
        &mut |line| human.push(line.to_owned()),
    )
    .expect("nix build");
    assert!(run.success, "{:?}", run.errors);
    // The builders' own output reaches the human log.
    assert!(
        human.iter().any(|l| l == "building sleep-a (1 s)"),
        "{human:?}"
    );

    let p = profile(&run.events, run.wall);
    let built: Vec<_> = p
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Built)
        .collect();
    let names: Vec<&str> = built.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(built.len(), 4, "{names:?}");
    let step = |name: &str| {
        built
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} not built: {names:?}"))
    };
    let (a, b, c, top) = (
        step("sleep-a"),
        step("sleep-b"),
        step("sleep-c"),
        step("sleep-top"),
    );
    assert!(a.duration >= SLEPT_AT_LEAST, "a took {}", a.duration);
    assert!(b.duration >= SLEPT_AT_LEAST, "b took {}", b.duration);
    assert!(b.start >= a.end, "b started before a ended");
    assert!(top.start >= b.end && top.start >= c.end);
    assert!(run.wall >= Duration::from_secs(2));

    let drvs: Vec<String> = built.iter().map(|s| s.path.clone()).collect();
    let deps = dependencies(&drvs, &StoreDir::from_env()).expect("drv graph");
    let cp = critical_path(&p.steps, &deps);
    assert_eq!(cp.steps, [a.path.clone(), b.path.clone(), top.path.clone()]);
    // The chain's duration is its steps' (each rounded to the millisecond).
    let sum = a.duration + b.duration + top.duration;
    assert!(
        (cp.duration - sum).abs() < 0.002,
        "{} vs {sum}",
        cp.duration
    );
}
