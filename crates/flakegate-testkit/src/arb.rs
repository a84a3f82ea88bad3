//! proptest strategies for the values flakegate's parsers read: store path
//! basenames and paths, package names, versions, and any JSON document.
//! Every crate's `tests/properties.rs` draws from here.

use proptest::prelude::*;
use serde_json::Value;

/// The characters of a store path hash (Nix's base-32 alphabet).
const HASH_CHARS: &str = "0123456789abcdfghijklmnpqrsvwxyz";

/// A 32-character store path hash.
pub fn hash_part() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(HASH_CHARS.as_bytes()), 32)
        .prop_map(|b| String::from_utf8(b).unwrap_or_default())
}

/// A store path name: the characters Nix allows, not starting with `.`.
pub fn path_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9+_?=-][a-zA-Z0-9+._?=-]{0,40}"
}

/// A package-like name: `pname-version[-output]`, or a name without version.
pub fn package_name() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9]{0,8}(-[a-z][a-z0-9]{0,6}){0,2}",
        proptest::option::of(version()),
        proptest::option::of(proptest::sample::select(
            &["bin", "dev", "lib", "man", "sshd"][..],
        )),
    )
        .prop_map(|(name, version, output)| {
            let mut s = name;
            if let Some(v) = version.filter(|v| v.starts_with(|c: char| c.is_ascii_digit())) {
                s = format!("{s}-{v}");
            }
            if let Some(o) = output {
                s = format!("{s}-{o}");
            }
            s
        })
}

/// `<hash>-<name>`.
pub fn basename() -> impl Strategy<Value = String> {
    (hash_part(), path_name()).prop_map(|(h, n)| format!("{h}-{n}"))
}

/// `/nix/store/<hash>-<name>`.
pub fn store_path() -> impl Strategy<Value = String> {
    basename().prop_map(|b| format!("/nix/store/{b}"))
}

/// Versions as packages spell them: numbers, words (`pre`, `rc`, `alpha`),
/// dates and git revisions, separated by `.` and `-`.
pub fn version() -> impl Strategy<Value = String> {
    let component = prop_oneof![
        "[0-9]{1,4}",
        "0[0-9]{1,3}",
        proptest::sample::select(&["pre", "rc", "alpha", "beta", "p", "a", "unstable"][..])
            .prop_map(str::to_owned),
        "[a-z]{1,3}",
        "[0-9a-f]{7}",
        "[0-9]{25}",
    ];
    let sep = proptest::sample::select(&[".", "-", ""][..]);
    proptest::collection::vec((component, sep), 0..6).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(c, s)| format!("{c}{s}"))
            .collect::<String>()
    })
}

/// Any JSON document, nested a few levels.
pub fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        store_path().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-zA-Z]{0,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object that has `key` set to any JSON value, among other keys.
pub fn json_object_with(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    proptest::collection::vec((proptest::sample::select(keys), json()), 0..8).prop_map(|pairs| {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    })
}
