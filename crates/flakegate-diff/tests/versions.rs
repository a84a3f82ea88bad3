//! Our `compareVersions` against the real `builtins.compareVersions`.

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use flakegate_diff::version::compare_versions;

const PAIRS: &[(&str, &str)] = &[
    ("1.0", "2.3"),
    ("2.1", "2.3"),
    ("2.3", "2.3"),
    ("2.5", "2.3"),
    ("3.1", "2.3"),
    ("2.3.1", "2.3"),
    ("2.3.1", "2.3a"),
    ("2.3pre1", "2.3"),
    ("2.3pre3", "2.3pre12"),
    ("2.3a", "2.3c"),
    ("2.3pre1", "2.3c"),
    ("2.3pre1", "2.3q"),
    ("2.3", "2.3.0"),
    ("1.0-rc1", "1.0"),
    ("1.0rc1", "1.0"),
    ("1.2.3", "1.2.3-1"),
    ("0.11.1-946aa34", "0.11.1-b2c3d4e"),
    ("20240318", "20240612"),
    ("2024-01-01", "2023-12-31"),
    ("unstable-2024-01-01", "0.9"),
    ("24.05.20240612.abc1234", "24.05.20240619.def5678"),
    ("8.9.1", "8.10.0"),
    ("2.32.3", "2.31.0"),
    ("5.2p32", "5.2p37"),
    ("6.4.20221231", "6.4"),
    ("1.1.1w", "3.0.14"),
    ("1.1.1w", "1.1.1x"),
    ("1.0.0", "1.0.0"),
    ("", "1"),
    ("a", "1"),
    ("pre", "a"),
    ("1.01", "1.1"),
    ("1.0.0.0.0.1", "1"),
    (".service", "1"),
    ("3.4", "3.3.0"),
    ("9.5", "9.10"),
];

#[test]
fn agrees_with_builtins_compare_versions() {
    let list: Vec<String> = PAIRS
        .iter()
        .map(|(a, b)| format!("(builtins.compareVersions {a:?} {b:?})"))
        .collect();
    let expr = format!("[ {} ]", list.join(" "));
    let out = duct::cmd!(
        "nix-instantiate",
        "--eval",
        "--strict",
        "--json",
        "--expr",
        &expr
    )
    .read()
    .expect("nix-instantiate");
    let expected: Vec<i64> = serde_json::from_str(&out).expect("json list");
    for ((a, b), want) in PAIRS.iter().zip(expected) {
        let got = match compare_versions(a, b) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        };
        assert_eq!(got, want, "compareVersions {a:?} {b:?}");
    }
}
