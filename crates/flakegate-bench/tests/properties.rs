//! The bench baseline file and the counters read from NIX_SHOW_STATS: no
//! input panics, a saved baseline reads back as the same value, and a wall
//! time that is not a positive number of seconds is refused.

use std::collections::BTreeMap;
use std::path::Path;

use flakegate_bench::baseline::{Baseline, BaselineBenchmark};
use flakegate_bench::counters::Counters;
use flakegate_report::baseline::{self, BaselineError};
use flakegate_report::{Document, Envelope, Schema};
use flakegate_store::eval::{EvalStats, Frontend, NixIdentity};
use flakegate_testkit::arb;
use proptest::prelude::*;

fn benchmarks() -> impl Strategy<Value = BaselineBenchmark> {
    (
        "[a-z]{1,8}",
        any::<bool>(),
        proptest::collection::btree_map("[A-Z][a-z]{1,6}", any::<u64>(), 0..4),
        any::<bool>(),
        proptest::collection::btree_map("[a-z]{1,6}(\\.[a-z]{1,6})?", any::<u64>(), 0..6),
        proptest::collection::vec(1e-9f64..1e6, 1..6),
        proptest::collection::vec(0.0f64..1e6, 0..6),
    )
        .prop_map(
            |(name, flake, sizes, pure, counters, wall, cpu)| BaselineBenchmark {
                name,
                frontend: if flake {
                    Frontend::NixEval
                } else {
                    Frontend::NixInstantiate
                },
                sizes,
                pure,
                counters,
                wall,
                cpu,
            },
        )
}

fn baselines() -> impl Strategy<Value = Baseline> {
    (
        "[0-9]\\.[0-9]{1,2}\\.[0-9]",
        proptest::collection::vec(benchmarks(), 0..4),
    )
        .prop_map(|(version, benchmarks)| Baseline {
            nix: NixIdentity {
                implementation: "Nix".to_owned(),
                version,
            },
            benchmarks,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_saved_baseline_reads_back(body in baselines()) {
        prop_assert_eq!(saved_and_read(&body), body);
    }

    #[test]
    fn a_wall_time_that_is_not_positive_is_refused(mut body in baselines(), t in -1e6f64..=0.0) {
        prop_assume!(!body.benchmarks.is_empty());
        body.benchmarks[0].wall.push(t);
        let mut doc = serde_json::to_value(&body).expect("json");
        doc["schema"] = Baseline::SCHEMA.into();
        let err = baseline::parse::<Baseline>(Path::new("b.json"), &serde_json::to_vec(&doc).expect("json"))
            .expect_err("non-positive wall time");
        let invalid = matches!(err, BaselineError::Invalid { .. });
        prop_assert!(invalid, "{}", err);
    }

    #[test]
    fn any_document_of_the_schema_is_read_or_refused(
        mut doc in arb::json_object_with(&["nix", "benchmarks", "x"]),
    ) {
        doc["schema"] = Baseline::SCHEMA.into();
        let _ = baseline::parse::<Baseline>(Path::new("b.json"), &serde_json::to_vec(&doc).expect("json"));
    }

    #[test]
    fn the_same_statistics_twice_are_pure(
        fields in proptest::collection::btree_map("(nr[A-Z][a-z]{1,6}|gc\\.[a-z]{1,6}|cpuTime)", any::<u64>(), 1..8),
    ) {
        let doc: BTreeMap<_, _> = fields.into_iter().collect();
        let stats = EvalStats::parse(&serde_json::to_vec(&doc).expect("json")).map_err(TestCaseError::fail)?;
        let counters = Counters::from_samples(&[&stats, &stats, &stats]);
        prop_assert!(counters.pure());
        prop_assert_eq!(counters.exact.len() + counters.noisy.len(), stats.fields.len());
    }

    #[test]
    fn counters_of_any_statistics_never_panic(a in arb::json(), b in arb::json()) {
        let parse = |v: &serde_json::Value| EvalStats::parse(&serde_json::to_vec(v).expect("json")).ok();
        let parsed: Vec<EvalStats> = [parse(&a), parse(&b)].into_iter().flatten().collect();
        let refs: Vec<&EvalStats> = parsed.iter().collect();
        let _ = Counters::from_samples(&refs);
    }
}

/// Found by `a_saved_baseline_reads_back`: serde_json's default float parser
/// read this wall time back one ulp off.
#[test]
fn a_wall_time_reads_back_to_the_same_float() {
    let t = 509_817.474_823_446_77_f64;
    let body = Baseline {
        nix: NixIdentity {
            implementation: "Nix".to_owned(),
            version: "2.8.0".to_owned(),
        },
        benchmarks: vec![BaselineBenchmark {
            name: "web".to_owned(),
            frontend: Frontend::NixInstantiate,
            sizes: BTreeMap::new(),
            pure: true,
            counters: BTreeMap::new(),
            wall: vec![t],
            cpu: vec![t],
        }],
    };
    assert_eq!(
        saved_and_read(&body).benchmarks[0].wall[0].to_bits(),
        t.to_bits()
    );
}

fn saved_and_read(body: &Baseline) -> Baseline {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bench-baseline.json");
    baseline::write(&file, Envelope::new("bench", "ignored"), body).expect("write");
    let doc: Document<Baseline> = baseline::read(&file).expect("read");
    doc.body
}
