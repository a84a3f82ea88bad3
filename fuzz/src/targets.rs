//! What the fuzzer feeds: every parser of input flakegate reads, each with
//! the folders its seeds come from. A target returns whether the parser
//! accepted the input; it panics (a finding) when a parser panics or when an
//! accepted value breaks a promise the parser makes (a round trip, an
//! invariant).

use std::cmp::Ordering;
use std::path::Path;

use flakegate_diff::version::{VersionChange, classify, compare_versions};
use flakegate_lint::{Config, Rule};
use flakegate_lock::{HealthOptions, LockGraph};
use flakegate_report::Schema;
use flakegate_store::StoreDir;
use flakegate_store::backend::{attrs_json, cli::parse_path_info_json};
use flakegate_store::drv;
use flakegate_store::eval::EvalStats;
use flakegate_store::name::{PackageName, parse_drv_name, store_path_name};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// One parser under test.
pub struct Target {
    pub name: &'static str,
    /// Seed files and folders, relative to the repository root.
    pub seeds: &'static [&'static str],
    /// More seeds, read where they exist: the repository's own files, which
    /// the source of the flake's sandboxed test check leaves out.
    pub extra_seeds: &'static [&'static str],
    /// Only seed files whose names end so (all when empty).
    pub suffixes: &'static [&'static str],
    /// Feeds one input; `true` when the parser accepted it.
    pub run: fn(&[u8]) -> bool,
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "drv",
        seeds: &["fuzz/corpus/drv"],
        extra_seeds: &[],
        suffixes: &[],
        run: drv_file,
    },
    Target {
        name: "path-info",
        seeds: &["fuzz/corpus/path-info"],
        extra_seeds: &[],
        suffixes: &[],
        run: path_info,
    },
    Target {
        name: "attrs-json",
        seeds: &["fuzz/corpus/attrs-json"],
        extra_seeds: &[],
        suffixes: &[],
        run: attrs_json_file,
    },
    Target {
        name: "stats",
        seeds: &["fuzz/corpus/stats", "tests/fixtures/bench/stats"],
        extra_seeds: &[],
        suffixes: &[],
        run: stats,
    },
    Target {
        name: "closure-baseline",
        seeds: &["fuzz/corpus/closure-baseline"],
        extra_seeds: &[],
        suffixes: &[],
        run: baseline::<flakegate_closure::Baseline>,
    },
    Target {
        name: "bench-baseline",
        seeds: &["fuzz/corpus/bench-baseline"],
        extra_seeds: &[],
        suffixes: &[],
        run: baseline::<flakegate_bench::Baseline>,
    },
    Target {
        name: "names",
        seeds: &["fuzz/corpus/names"],
        extra_seeds: &[],
        suffixes: &[],
        run: names,
    },
    Target {
        name: "lock",
        seeds: &["fuzz/corpus/lock", "tests/fixtures/lock"],
        extra_seeds: &["flake.lock"],
        suffixes: &[".lock"],
        run: lock_file,
    },
    Target {
        name: "lint",
        seeds: &["tests/fixtures"],
        extra_seeds: &["flake.nix", "nix", "checks", "templates", "crates"],
        suffixes: &[".nix"],
        run: lint_source,
    },
];

const STORE: &str = "/nix/store";

fn drv_file(bytes: &[u8]) -> bool {
    let store = StoreDir::new(STORE);
    let path = format!("{STORE}/00000000000000000000000000000000-fuzz.drv");
    let Ok(d) = drv::parse(&path, bytes, &store) else {
        return false;
    };
    // What the tools do next with a derivation.
    let _ = drv::output_paths(&d, &path, &store);
    // Nix's own serialisation of what was read reads back to the same value.
    // (Nix writes the system and output names without escapes, as
    // nix-derivation does, so a quote or a backslash there cannot round-trip.)
    let unquoted = std::iter::once(d.system())
        .chain(d.outputs().keys().map(String::as_str))
        .chain(
            d.input_derivations()
                .values()
                .flat_map(|i| i.outputs().iter().map(String::as_str)),
        );
    if unquoted.into_iter().any(|s| s.contains(['"', '\\'])) {
        return true;
    }
    let again = drv::parse(&path, &d.to_aterm_bytes(), &store)
        .unwrap_or_else(|e| panic!("a parsed derivation does not read back: {e}"));
    assert!(again == d, "a derivation changed through a round trip");
    true
}

fn path_info(bytes: &[u8]) -> bool {
    let Ok(parsed) = parse_path_info_json(bytes, &StoreDir::new(STORE)) else {
        return false;
    };
    for info in &parsed.valid {
        assert!(info.path.starts_with('/'), "relative path {:?}", info.path);
        if let Some(h) = &info.nar_hash {
            flakegate_store::hash::to_sri(h)
                .unwrap_or_else(|e| panic!("a hash in SRI form does not read back: {e}"));
        }
    }
    true
}

fn attrs_json_file(bytes: &[u8]) -> bool {
    let Ok(attrs) = attrs_json::parse(bytes) else {
        return false;
    };
    let closure = &attrs.closure;
    assert!(
        closure.roots.iter().all(|r| closure.contains(r))
            && closure
                .paths
                .iter()
                .all(|p| { closure.reference_paths(p).count() == p.references.len() }),
        "an accepted .attrs.json has dangling references"
    );
    true
}

fn stats(bytes: &[u8]) -> bool {
    let Ok(s) = EvalStats::parse(bytes) else {
        return false;
    };
    assert!(!s.fields.is_empty());
    // The same statistics twice are a pure evaluation.
    let counters = flakegate_bench::counters::Counters::from_samples(&[&s, &s]);
    assert!(counters.pure(), "identical samples marked impure");
    true
}

fn baseline<B>(bytes: &[u8]) -> bool
where
    B: Schema + Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let name = Path::new("fuzz.json");
    let Ok(doc) = flakegate_report::baseline::parse::<B>(name, bytes) else {
        return false;
    };
    // What is read is what would be written back.
    let json = serde_json::to_vec(&doc).expect("a parsed baseline serialises");
    let again = flakegate_report::baseline::parse::<B>(name, &json)
        .unwrap_or_else(|e| panic!("a parsed baseline does not read back: {e}"));
    assert_eq!(again.body, doc.body);
    true
}

/// Each line a store path name; consecutive lines are version pairs.
fn names(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    for line in &lines {
        let base = store_path_name(line);
        let (name, version) = parse_drv_name(base);
        if !version.is_empty() {
            assert_eq!(format!("{name}-{version}"), base);
        }
        let p = PackageName::parse(base);
        let _ = p.package();
    }
    let versions: Vec<&str> = lines.iter().map(|l| parse_drv_name(l).1).collect();
    for w in versions.windows(3) {
        let (a, b, c) = (w[0], w[1], w[2]);
        assert_eq!(compare_versions(a, a), Ordering::Equal, "{a:?}");
        assert_eq!(
            compare_versions(a, b),
            compare_versions(b, a).reverse(),
            "{a:?} {b:?}"
        );
        if compare_versions(a, b) != Ordering::Greater
            && compare_versions(b, c) != Ordering::Greater
        {
            assert_ne!(
                compare_versions(a, c),
                Ordering::Greater,
                "{a:?} <= {b:?} <= {c:?}"
            );
        }
        assert_eq!(classify(a, a), VersionChange::Same);
        let _ = classify(a, b);
    }
    true
}

fn lock_file(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let Ok(graph) = LockGraph::parse(text) else {
        return false;
    };
    // What `flakegate lock` does next: the report, its JSON, a diff.
    let options = HealthOptions {
        file: "flake.lock".to_owned(),
        now: 1_800_000_000,
        ..HealthOptions::default()
    };
    let report = flakegate_lock::analyse(&graph, &options);
    serde_json::to_vec(&report).expect("a lock report serialises");
    assert!(
        flakegate_lock::diff(&graph, &graph).is_empty(),
        "a lock differs from itself"
    );
    true
}

/// Any bytes as Nix source: findings inside the text, fixes that never
/// break a file that parsed. Accepted: it parsed.
fn lint_source(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let config = Config::default();
    let findings = flakegate_lint::lint(&text, &config);
    for f in &findings {
        let (start, end) = (f.span.start.offset, f.span.end.offset);
        assert!(
            start <= end && end <= text.len(),
            "a span outside the text: {f:?}"
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{f:?}"
        );
    }
    let parsed = !findings.iter().any(|f| f.rule == Rule::Syntax);
    let fixed = flakegate_lint::fix(&text, &config);
    if parsed {
        assert!(
            !fixed.findings.iter().any(|f| f.rule == Rule::Syntax),
            "a fix broke a file that parsed"
        );
    } else {
        assert_eq!(fixed.text, text, "a file that does not parse was changed");
    }
    parsed
}
