//! `flakegate diff` end to end: the package view on the fixture generations
//! (whose differences are known, see tests/fixtures/README.md), agreement with
//! `nix store diff-closures`, and the derivation view, which builds nothing.

use std::collections::BTreeMap;

use flakegate_testkit as kit;
use insta::assert_snapshot;
use serde_json::Value;

use crate::util::{code, flakegate, normalise, run, stderr, stdout};

fn generations() -> (String, String) {
    let g = kit::generations();
    (g.old.clone(), g.new.clone())
}

fn json(args: &[&str]) -> Value {
    let out = run(args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn sizes_fixture(generation: &str) -> String {
    kit::nix_build(
        &kit::fixture("diff/sizes.nix"),
        None,
        &[("gen", generation)],
    )
    .remove(0)
}

fn special_drv(generation: &str) -> String {
    duct::cmd!(
        "nix-instantiate",
        "--extra-experimental-features",
        "ca-derivations",
        kit::fixture("diff/special.nix"),
        "--arg",
        "gen",
        generation
    )
    .stderr_null()
    .read()
    .expect("nix-instantiate special.nix")
}

#[test]
fn package_view_gives_the_known_answers() {
    let (old, new) = generations();
    let report = json(&["diff", &old, &new, "--json"]);
    assert_eq!(report["schema"], "flakegate.diff/2");
    let closure = &report["closure"];
    let changes: BTreeMap<String, String> = closure["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().expect("name").to_owned(),
                p["change"].as_str().expect("change").to_owned(),
            )
        })
        .collect();
    let expected: BTreeMap<String, String> = [
        ("curl", "upgraded"),
        ("iana-etc", "upgraded"),
        ("nixos-system-demo", "upgraded"),
        ("python3.12-requests", "downgraded"),
        ("sunsetr", "changed"),
        ("htop", "added"),
        ("tmux", "removed"),
        ("jq", "rebuilt"),
        ("nix", "rebuilt"),
        ("etc", "rebuilt"),
        ("etc-motd", "rebuilt"),
        ("system-path", "rebuilt"),
        ("unit-nix-daemon", "rebuilt"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    assert_eq!(changes, expected);
    let summary = &closure["summary"];
    assert_eq!(summary["sizeDelta"], -600);
    assert_eq!(summary["pathsAdded"], 14);
    assert_eq!(summary["pathsRemoved"], 14);
    let pkg = |name: &str| {
        closure["packages"]
            .as_array()
            .expect("p")
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .expect("package")
    };
    assert_eq!(pkg("htop")["sizeDelta"], 512);
    assert_eq!(pkg("tmux")["sizeDelta"], -1112);
    assert_eq!(pkg("curl")["versions"][0]["before"], "8.9.1");
    assert_eq!(pkg("curl")["versions"][0]["after"], "8.10.0");
    // Both openssl versions are shared: nothing to report about them.
    assert!(!changes.contains_key("openssl"));
}

/// Parses `nix store diff-closures` lines: `name: 1.0 → 1.1, +24.0 KiB`.
fn diff_closures(old: &str, new: &str) -> BTreeMap<String, (String, Option<f64>)> {
    let out = duct::cmd!(
        "nix",
        "--extra-experimental-features",
        "nix-command",
        "store",
        "diff-closures",
        old,
        new
    )
    .env("NO_COLOR", "1")
    .read()
    .expect("nix store diff-closures");
    let ansi = regex::Regex::new(r"\x1b\[[0-9;]*m").expect("regex");
    ansi.replace_all(&out, "")
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once(": ")?;
            let mut versions = String::new();
            let mut size = None;
            for part in rest.split(", ") {
                if let Some(kib) = part.strip_suffix(" KiB") {
                    size = kib.parse::<f64>().ok();
                } else {
                    versions = part.to_owned();
                }
            }
            Some((name.to_owned(), (versions, size)))
        })
        .collect()
}

#[test]
fn agrees_with_nix_store_diff_closures() {
    for (old, new) in [generations(), (sizes_fixture("1"), sizes_fixture("2"))] {
        let ours = json(&["diff", &old, &new, "--json"]);
        let theirs = diff_closures(&old, &new);
        assert!(!theirs.is_empty());
        for (name, (versions, size)) in &theirs {
            let pkg = ours["closure"]["packages"]
                .as_array()
                .expect("packages")
                .iter()
                .find(|p| p["name"] == name.as_str())
                .unwrap_or_else(|| panic!("diff-closures lists {name}, flakegate does not"));
            if !versions.is_empty() {
                let side = |key: &str| -> String {
                    let v: Vec<&str> = pkg[key]
                        .as_array()
                        .expect("versions")
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    if v.is_empty() {
                        "∅".to_owned()
                    } else {
                        v.join(", ")
                    }
                };
                assert_eq!(
                    &format!("{} → {}", side("beforeVersions"), side("afterVersions")),
                    versions,
                    "{name}"
                );
            }
            if let Some(kib) = size {
                #[allow(clippy::cast_precision_loss)]
                let ours_kib = pkg["sizeDelta"].as_i64().expect("delta") as f64 / 1024.0;
                assert!(
                    (ours_kib - kib).abs() < 0.06,
                    "{name}: {ours_kib} KiB vs {kib} KiB"
                );
            }
        }
    }
}

#[test]
fn package_view_snapshots() {
    let (old, new) = generations();
    let terminal = run(&["diff", &old, &new, "--color", "never", "--explain", "jq"]);
    assert_eq!(code(&terminal), 0, "{}", stderr(&terminal));
    assert_snapshot!("package_view_terminal", normalise(&stdout(&terminal)));
    let markdown = run(&["diff", &old, &new, "--markdown"]);
    assert_snapshot!("package_view_markdown", normalise(&stdout(&markdown)));
    let mut value = json(&["diff", &old, &new, "--json", "--explain", "curl"]);
    // Store paths are long and all hashed: keep their count, not their list.
    for p in value["closure"]["packages"]
        .as_array_mut()
        .expect("packages")
    {
        for key in ["beforePaths", "afterPaths"] {
            let n = p[key].as_array().map_or(0, Vec::len);
            p[key] = Value::from(n);
        }
    }
    assert_snapshot!(
        "package_view_json",
        normalise(&serde_json::to_string_pretty(&value).expect("json"))
    );
}

#[test]
fn explain_follows_the_derivers_down_to_the_cause() {
    let (old, new) = generations();
    let report = json(&["diff", &old, &new, "--json", "--explain", "nix"]);
    let explained = &report["derivations"][0];
    assert_eq!(explained["package"], "nix");
    let derivations = explained["report"]["derivations"]
        .as_array()
        .expect("derivations");
    // nix 2.18.5 was rebuilt because its input curl moved from 8.9.1 to 8.10.0.
    let root = &derivations[0];
    assert_eq!(root["nameBefore"], "nix-2.18.5");
    let input = root["inputsChanged"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["name"] == "curl-8.9.1")
        .expect("curl is a changed input");
    assert!(
        input["after"]
            .as_str()
            .expect("after")
            .ends_with("-curl-8.10.0.drv")
    );
    let curl = &derivations[input["diff"].as_u64().expect("followed") as usize];
    assert_eq!(curl["ownChanges"], true);
    let version = curl["env"]
        .as_array()
        .expect("env")
        .iter()
        .find(|e| e["name"] == "version")
        .expect("version");
    assert_eq!(
        (version["before"].as_str(), version["after"].as_str()),
        (Some("8.9.1"), Some("8.10.0"))
    );
}

#[test]
fn derivation_view_of_special_derivations() {
    let (a, b) = (special_drv("1"), special_drv("2"));
    let report = json(&["diff", &a, &b, "--json"]);
    let derivations = report["derivations"][0]["report"]["derivations"]
        .as_array()
        .expect("derivations")
        .clone();
    let by_name = |n: &str| {
        derivations
            .iter()
            .find(|d| d["nameAfter"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("{n}"))
    };
    // Content-addressed: its placeholder in the root's args is masked, its own env change shows.
    let ca = by_name("libca-1.0");
    assert_eq!(ca["env"][0]["name"], "optimise");
    // Structured attributes are compared key by key.
    let structured = by_name("structured-1.0");
    assert!(
        structured["env"]
            .as_array()
            .expect("env")
            .iter()
            .any(|e| e["name"] == "__json.settings" && !e["consequence"].as_bool().unwrap_or(true))
    );
    // A fixed-output source: the expected hash itself changed.
    let src = by_name("widget-src.tar.gz");
    assert!(
        src["outputs"][0]["before"]
            .as_str()
            .expect("fixed")
            .starts_with("fixed:sha256:")
    );
    assert_eq!(src["outputs"][0]["consequence"], false);
    // The root: a word diff of a long flag list, and a small text source diffed by lines.
    let root = &derivations[0];
    let flags = root["env"]
        .as_array()
        .expect("env")
        .iter()
        .find(|e| e["name"] == "configureFlags")
        .expect("flags");
    let deleted: Vec<&str> = flags["diff"]
        .as_array()
        .expect("word diff")
        .iter()
        .filter(|c| c["tag"] == "delete")
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(deleted, vec!["--enable-nls"]);
    let notes = root["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["name"] == "NOTES.txt")
        .expect("NOTES.txt paired");
    let inserted: Vec<&str> = notes["diff"]
        .as_array()
        .expect("line diff")
        .iter()
        .filter(|c| c["tag"] == "insert")
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(inserted, vec!["new: dark mode\n"]);
    let args = root["args"].as_object().expect("args differ");
    assert_eq!(
        args["consequence"], true,
        "CA placeholders and input hashes are masked: {args:?}"
    );
    let terminal = run(&["diff", &a, &b, "--color", "never"]);
    assert_snapshot!("derivation_view_terminal", normalise(&stdout(&terminal)));
    let markdown = run(&["diff", &a, &b, "--markdown"]);
    assert_snapshot!("derivation_view_markdown", normalise(&stdout(&markdown)));
}

#[test]
fn flake_references_are_diffed_without_building() {
    let system = kit::current_system();
    let dir = tempfile::tempdir().expect("tempdir");
    let nonce = kit::nonce();
    let mut refs = Vec::new();
    for (side, flag) in [("a", "--old"), ("b", "--new")] {
        let flake_dir = dir.path().join(side);
        std::fs::create_dir(&flake_dir).expect("mkdir");
        std::fs::write(
            flake_dir.join("flake.nix"),
            format!(
                r#"{{ outputs = {{ self }}: let
                  d = name: attrs: derivation ({{ inherit name; system = "{system}"; builder = "/bin/sh"; args = [ "-c" "echo ${{name}} > $out" ]; }} // attrs);
                  lib = d "libdemo-1.0-{nonce}" {{ flags = "{flag}"; }};
                in {{ packages.{system}.default = d "app-2.0-{nonce}" {{ buildInputs = [ lib ]; }}; }}; }}"#
            ),
        )
        .expect("write flake");
        refs.push(format!("path:{}#default", flake_dir.display()));
    }
    let out = run(&["diff", &refs[0], &refs[1], "--json", "--exit-code"]);
    assert_eq!(code(&out), 1, "--exit-code: they differ. {}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let summary = &report["derivations"][0]["report"]["summary"];
    assert_eq!(
        (
            summary["compared"].as_u64(),
            summary["withOwnChanges"].as_u64()
        ),
        (Some(2), Some(1))
    );
    // Nothing was built.
    for d in report["derivations"][0]["report"]["derivations"]
        .as_array()
        .expect("drvs")
    {
        for side in ["before", "after"] {
            let drv = d[side].as_str().expect("drv");
            let outs = duct::cmd!("nix-store", "--query", "--outputs", drv)
                .read()
                .expect("outputs");
            assert!(!kit::is_valid(outs.trim()), "{} was built", outs.trim());
        }
    }
    let same = run(&["diff", &refs[0], &refs[0], "--exit-code"]);
    assert_eq!(code(&same), 0, "{}", stderr(&same));
    assert!(stdout(&same).contains("No differences"));
}

#[test]
fn profiles_and_generations() {
    let (old, new) = generations();
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(&old, dir.path().join("system-41-link")).expect("link");
    std::os::unix::fs::symlink(&new, dir.path().join("system-42-link")).expect("link");
    std::os::unix::fs::symlink("system-42-link", dir.path().join("system")).expect("link");
    let profile = dir.path().join("system");
    let p = profile.to_str().expect("utf8");
    let last_two = json(&["diff", "--profile", p, "--json"]);
    let explicit = json(&[
        "diff",
        "--profile",
        p,
        "--generations",
        "41",
        "42",
        "--json",
    ]);
    let direct = json(&["diff", &old, &new, "--json"]);
    assert_eq!(last_two, direct);
    assert_eq!(explicit, direct);
    let missing = run(&["diff", "--profile", p, "--generations", "41", "40"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("generation 40"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn exit_codes_and_bad_input() {
    let (old, new) = generations();
    assert_eq!(code(&run(&["diff", &old, &new, "--exit-code"])), 1);
    assert_eq!(code(&run(&["diff", &old, &old, "--exit-code"])), 0);
    assert_eq!(code(&run(&["diff", &old, &new])), 0);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["diff", "/nonexistent", &new],
            "/nonexistent: no such file",
        ),
        (
            vec!["diff", &old, &new, "--explain", "no-such-package"],
            "not among the changed packages",
        ),
        (vec!["diff", &old, &new, "--explain", "htop"], "added"),
        (vec!["diff"], "nothing to compare"),
        (vec!["diff", &old], "AFTER"),
    ];
    for (args, needle) in cases {
        let out = flakegate().args(&args).output().expect("runs");
        assert_eq!(code(&out), 2, "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn markdown_stays_within_a_step_summary() {
    // 5,000 paths per side with ~625 version changes (two seeds).
    let old = kit::synthetic_closure_seeded(5000, "a");
    let new = kit::synthetic_closure_seeded(5000, "b");
    let rows = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("| Upgraded") || l.starts_with("| Downgraded"))
            .count()
    };
    let bounded = run(&["diff", &old, &new, "--markdown"]);
    assert_eq!(code(&bounded), 0, "{}", stderr(&bounded));
    assert_eq!(rows(&stdout(&bounded)), 300);
    assert!(stdout(&bounded).contains("more packages (`--full` lists them all"));
    let full = run(&["diff", &old, &new, "--markdown", "--full"]);
    assert_eq!(rows(&stdout(&full)), 625);
}

#[test]
fn large_package_diffs_stay_readable() {
    // 5,000 paths per side: ~625 version changes, thousands of rebuilds.
    let old = kit::synthetic_closure_seeded(5000, "a");
    let new = kit::synthetic_closure_seeded(5000, "b");
    let report = json(&["diff", &old, &new, "--json"]);
    let summary = &report["closure"]["summary"];
    let listed = ["upgraded", "downgraded", "changed", "added", "removed"]
        .iter()
        .map(|k| summary[k].as_u64().expect("count"))
        .sum::<u64>();
    let rebuilt = summary["rebuilt"].as_u64().expect("rebuilt");
    assert!(rebuilt > 1000, "{summary}");
    let terminal = stdout(&run(&["diff", &old, &new, "--color", "never"]));
    // A header of two or three lines, two lines per kind of change, one line
    // per listed package; the rebuilds are counted in the header. dix 2.2.0
    // prints 633 lines for this pair (a line per version change, headings).
    let lines = u64::try_from(terminal.lines().count()).expect("lines");
    assert!(
        lines <= listed + 2 * 5 + 3,
        "{lines} lines for {listed} packages"
    );
    assert!(lines <= 633, "{lines} lines: more than dix prints");
    assert!(terminal.contains("5,000 paths"), "thousands separators");
    assert!(
        terminal.contains(&format!("{} rebuilt, same version", count(rebuilt))),
        "{terminal}"
    );
    let all = stdout(&run(&["diff", &old, &new, "--rebuilt", "--color", "never"]));
    assert!(u64::try_from(all.lines().count()).expect("lines") > listed + rebuilt);
    // --sort: within each kind of change, by size or by size change.
    let order = |by: &str, key: fn(&Value) -> u64| {
        let sorted = json(&["diff", &old, &new, "--json", "--sort", by]);
        let packages = sorted["closure"]["packages"]
            .as_array()
            .expect("packages")
            .clone();
        assert_eq!(
            packages.len(),
            report["closure"]["packages"].as_array().expect("p").len()
        );
        for w in packages.windows(2) {
            if w[0]["change"] == w[1]["change"] {
                assert!(
                    key(&w[0]) >= key(&w[1]),
                    "--sort {by}: {} before {}",
                    w[0],
                    w[1]
                );
            }
        }
    };
    order("delta", |p| {
        p["sizeDelta"].as_i64().expect("delta").unsigned_abs()
    });
    order("size", |p| {
        p["beforeSize"]
            .as_u64()
            .expect("size")
            .max(p["afterSize"].as_u64().expect("size"))
    });
    // Equal sides say so.
    let same = stdout(&run(&["diff", &old, &old]));
    assert!(same.contains("No differences: 5,000 paths"), "{same}");
}

fn count(n: u64) -> String {
    flakegate_report::units::count(n)
}
