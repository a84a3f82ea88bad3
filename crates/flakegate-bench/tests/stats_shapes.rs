//! The stats JSON of every Nix version (tests/fixtures/bench/stats: 2.8 and 2.34
//! captured live, the others written from Nix's and Lix's release notes)
//! parsed by the store crate and classified by the engine.

use std::collections::BTreeMap;
use std::path::PathBuf;

use flakegate_bench::counters::{self, CounterKind, Counters, Stamp, classify};
use flakegate_store::eval::{EvalStats, Frontend, NixIdentity};

fn load(name: &str) -> EvalStats {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/bench/stats")
        .join(name);
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    EvalStats::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn kinds(stats: &EvalStats) -> (Vec<&str>, Vec<&str>) {
    let mut exact = Vec::new();
    let mut noisy = Vec::new();
    for name in stats.fields.keys() {
        match classify(name) {
            CounterKind::Exact => exact.push(name.as_str()),
            CounterKind::Noisy => noisy.push(name.as_str()),
        }
    }
    (exact, noisy)
}

const EXACT_2_8: [&str; 20] = [
    "envs.bytes",
    "envs.elements",
    "envs.number",
    "list.bytes",
    "list.concats",
    "list.elements",
    "nrAvoided",
    "nrFunctionCalls",
    "nrLookups",
    "nrOpUpdateValuesCopied",
    "nrOpUpdates",
    "nrPrimOpCalls",
    "nrThunks",
    "sets.bytes",
    "sets.elements",
    "sets.number",
    "symbols.bytes",
    "symbols.number",
    "values.bytes",
    "values.number",
];

#[test]
fn nix_2_8_as_measured_here() {
    let s = load("nix-2.8.json");
    let (exact, noisy) = kinds(&s);
    assert_eq!(exact, EXACT_2_8);
    assert_eq!(noisy, ["cpuTime", "gc.heapSize", "gc.totalBytes"]);
    let sizes: Vec<(&str, u64)> = s.sizes.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        sizes,
        [("Attr", 24), ("Bindings", 16), ("Env", 16), ("Value", 24)]
    );
}

#[test]
fn nix_2_19_adds_nr_exprs_and_2_24_times_and_gc_cycles() {
    let v219 = load("nix-2.19.json");
    let (exact, noisy) = kinds(&v219);
    assert!(exact.contains(&"nrExprs"));
    assert_eq!(exact.len(), EXACT_2_8.len() + 1);
    assert_eq!(noisy, ["cpuTime", "gc.heapSize", "gc.totalBytes"]);
    let v224 = load("nix-2.24.json");
    let (exact, noisy) = kinds(&v224);
    assert_eq!(exact.len(), EXACT_2_8.len() + 1, "{exact:?}");
    assert_eq!(
        noisy,
        [
            "cpuTime",
            "gc.cycles",
            "gc.heapSize",
            "gc.totalBytes",
            "time.cpu",
            "time.gc",
            "time.gcFraction"
        ]
    );
}

#[test]
fn nix_2_34_as_measured_live() {
    // Captured on Debian unstable's Nix 2.34.8: what 2.24 added, `Value` of
    // 16 bytes as from 2.30, and nothing the classification does not know.
    let s = load("nix-2.34.json");
    let (exact, noisy) = kinds(&s);
    let mut expected: Vec<&str> = EXACT_2_8.to_vec();
    expected.push("nrExprs");
    expected.sort_unstable();
    assert_eq!(exact, expected);
    assert_eq!(
        noisy,
        [
            "cpuTime",
            "gc.cycles",
            "gc.heapSize",
            "gc.totalBytes",
            "time.cpu",
            "time.gc",
            "time.gcFraction"
        ]
    );
    assert_eq!(s.sizes.get("Value"), Some(&16));
}

#[test]
fn lix_reports_values_as_zero_and_is_still_pure() {
    let s = load("lix-2.91.json");
    let c = Counters::from_samples(&[&s, &s]);
    assert!(c.pure());
    assert_eq!(c.exact["values.number"], 0);
    // 0 → 0 is no growth; the other counters compare as usual.
    let d = counters::deltas(&c.exact, &c.exact);
    assert!(d.iter().all(|x| x.percent == Some(0.0)));
}

#[test]
fn a_different_value_size_refuses_the_counter_comparison() {
    // Nix 2.30 made `Value` 16 bytes: every values.bytes shifts with it.
    let (old, new) = (load("nix-2.24.json"), load("nix-2.30.json"));
    let nix = NixIdentity {
        implementation: "Nix".to_owned(),
        version: "2.30.0".to_owned(),
    };
    fn stamp<'a>(nix: &'a NixIdentity, sizes: &'a BTreeMap<String, u64>) -> Stamp<'a> {
        Stamp {
            nix,
            frontend: Frontend::NixEval,
            sizes,
        }
    }
    // Even under one version label, the sizes alone refuse it.
    let err = counters::comparable(&stamp(&nix, &old.sizes), &stamp(&nix, &new.sizes))
        .expect_err("sizes");
    assert!(
        err.contains("Value 24") && err.contains("Value 16"),
        "{err}"
    );
}
