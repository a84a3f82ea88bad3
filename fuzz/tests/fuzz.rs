//! The fuzz runs. `fuzz` is the long one, for a time budget
//! (`FLAKEGATE_FUZZ_SECONDS`, default 60):
//!
//! ```sh
//! FLAKEGATE_FUZZ_SECONDS=60 cargo test --profile fuzz --locked -p flakegate-fuzz -- --ignored fuzz --nocapture
//! ```
//!
//! The others run with the ordinary tests: every seed is accepted as it is,
//! and a short deterministic run finds nothing.

use std::path::Path;
use std::time::Duration;

use flakegate_fuzz::runner::{self, Config, Outcome};
use flakegate_fuzz::targets::TARGETS;

fn findings_dir() -> &'static Path {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
}

fn assert_clean(outcome: &Outcome) {
    println!("{}", outcome.summary());
    assert!(outcome.findings.is_empty(), "{}", outcome.summary());
}

#[test]
#[ignore = "long: a time budget from FLAKEGATE_FUZZ_SECONDS"]
fn fuzz() {
    let config = Config::from_env(
        &flakegate_fuzz::repo_root(),
        &findings_dir().join("findings"),
    );
    let outcome = runner::run(&config).expect("seeds");
    assert_clean(&outcome);
}

#[test]
fn every_seed_is_accepted_as_it_is() {
    let root = flakegate_fuzz::repo_root();
    for target in TARGETS {
        for seed in runner::seeds(&root, target).expect("seeds") {
            assert!(
                (target.run)(&seed.bytes),
                "{} rejects its seed {}",
                target.name,
                seed.name
            );
        }
    }
}

#[test]
fn a_short_run_finds_nothing() {
    let config = Config {
        budget: Duration::from_secs(600),
        max_cases: Some(3_000),
        only_case: None,
        only_target: None,
        ..Config::from_env(
            &flakegate_fuzz::repo_root(),
            &findings_dir().join("findings"),
        )
    };
    let outcome = runner::run(&config).expect("seeds");
    assert_eq!(outcome.cases(), 3_000);
    assert_clean(&outcome);
}
