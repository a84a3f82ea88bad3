//! Properties of the lock-file reader: no text, no JSON document and no
//! lock-shaped document with hostile fields makes it panic; a well-formed
//! lock of any shape (versions 5 to 7, nested inputs, `follows`) reads, with
//! the inputs it was written with, however it is formatted, and analyses
//! and diffs against itself without a change. (Mutations of real lock files
//! are the fuzzer's job, in `fuzz/`, and `tests/mutations.rs`'s.)

use flakegate_lock::{HealthOptions, InputPath, LockGraph, analyse, diff};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// What a lock's fields could hold instead, nested a few levels: the words
/// of lock files among the keys, and numbers at their limits. (This crate
/// needs no Nix, so its tests keep off the testkit, and run in the
/// sandboxed check.)
fn hostile() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![Just(u64::MAX), Just(0), any::<u64>()].prop_map(Value::from),
        prop_oneof![Just(i64::MIN), Just(-1), any::<i64>()].prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "(?s).{0,10}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "inputs",
                "locked",
                "original",
                "flake",
                "type",
                "owner",
                "repo",
                "rev",
                "ref",
                "url",
                "path",
                "dir",
                "narHash",
                "lastModified",
                "root",
                "nodes",
                "version",
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z]{0,6}",
    ]
}

/// One node of a generated lock: its inputs (other nodes, later in the
/// list, so the graph has no cycle) and its `follows` (root inputs).
#[derive(Debug, Clone)]
struct GenNode {
    owner: String,
    repo: String,
    rev: String,
    last_modified: u32,
    branch: Option<String>,
    flake: bool,
    /// Indices of later nodes.
    inputs: Vec<usize>,
    /// Indices of root inputs this node's input of the same name follows.
    follows: Vec<usize>,
}

fn gen_node() -> impl Strategy<Value = GenNode> {
    (
        "[A-Za-z][A-Za-z0-9-]{0,10}",
        "[a-z][a-z0-9._-]{0,12}",
        "[0-9a-f]{40}",
        any::<u32>(),
        proptest::option::of("[a-z0-9./-]{1,12}"),
        any::<bool>(),
        proptest::collection::vec(0usize..8, 0..3),
        proptest::collection::vec(0usize..8, 0..2),
    )
        .prop_map(
            |(owner, repo, rev, last_modified, branch, flake, inputs, follows)| GenNode {
                owner,
                repo,
                rev,
                last_modified,
                branch,
                flake,
                inputs,
                follows,
            },
        )
}

/// A lock file of 1 to 8 inputs, all direct inputs of the root; its
/// version; and the names of the root's inputs.
fn gen_lock() -> impl Strategy<Value = (Value, Vec<String>)> {
    (proptest::collection::vec(gen_node(), 1..8), 5u64..=7).prop_map(|(nodes, version)| {
        let names: Vec<String> = (0..nodes.len()).map(|i| format!("in{i}")).collect();
        let mut all = Map::new();
        for (i, n) in nodes.iter().enumerate() {
            let mut inputs = Map::new();
            for &j in &n.inputs {
                if j > i && j < nodes.len() {
                    inputs.insert(format!("sub{j}"), json!(names[j]));
                }
            }
            for &k in &n.follows {
                if k < nodes.len() {
                    inputs.insert(format!("f{k}"), json!([names[k]]));
                }
            }
            let mut original = json!({"type": "github", "owner": n.owner, "repo": n.repo});
            if let Some(b) = &n.branch {
                original["ref"] = json!(b);
            }
            let mut node = json!({
                "locked": {
                    "type": "github",
                    "owner": n.owner,
                    "repo": n.repo,
                    "rev": n.rev,
                    "lastModified": n.last_modified,
                    "narHash": format!("sha256-{}=", "A".repeat(43)),
                },
                "original": original,
            });
            if !inputs.is_empty() {
                node["inputs"] = Value::Object(inputs);
            }
            if !n.flake {
                node["flake"] = json!(false);
            }
            all.insert(names[i].clone(), node);
        }
        let root: Map<String, Value> = names.iter().map(|n| (n.clone(), json!(n))).collect();
        all.insert("root".to_owned(), json!({ "inputs": root }));
        (
            json!({"nodes": all, "root": "root", "version": version}),
            names,
        )
    })
}

fn options() -> HealthOptions {
    HealthOptions {
        file: "flake.lock".to_owned(),
        now: 1_800_000_000,
        ..HealthOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_text_is_read_or_refused(text in "(?s).{0,300}") {
        let _ = LockGraph::parse(&text);
    }

    #[test]
    fn any_json_is_read_or_refused(doc in hostile()) {
        let _ = LockGraph::parse(&doc.to_string());
    }

    /// A lock with hostile values where nodes and their fields go.
    #[test]
    fn hostile_fields_are_read_or_refused(
        node in proptest::collection::btree_map(key(), hostile(), 0..6),
        locked in proptest::collection::btree_map(key(), hostile(), 0..8),
        version in prop_oneof![hostile(), (5u64..=7).prop_map(Value::from)],
    ) {
        let doc = json!({
            "nodes": {
                "root": {"inputs": {"a": "a", "b": ["a"]}},
                "a": {"locked": &locked, "original": &locked},
                "b": node,
            },
            "root": "root",
            "version": version,
        });
        if let Ok(graph) = LockGraph::parse(&doc.to_string()) {
            let _ = analyse(&graph, &options());
            prop_assert!(diff(&graph, &graph).is_empty());
        }
    }

    #[test]
    fn a_well_formed_lock_reads_whatever_its_formatting((doc, names) in gen_lock()) {
        let compact = LockGraph::parse(&doc.to_string()).expect("a well-formed lock reads");
        let pretty = serde_json::to_string_pretty(&doc).expect("serialises");
        let again = LockGraph::parse(&pretty).expect("reads pretty-printed");
        prop_assert!(diff(&compact, &again).is_empty());
        prop_assert!(diff(&compact, &compact).is_empty());
        let direct: Vec<&str> = compact.direct_inputs().map(|i| i.name.as_str()).collect();
        prop_assert_eq!(direct, names.iter().map(String::as_str).collect::<Vec<_>>());
        for name in &names {
            let id = compact.resolve(&InputPath(vec![name.clone()])).expect("resolves");
            prop_assert_eq!(&compact.nodes[id].key, name);
            prop_assert!(!compact.nodes[id].paths.is_empty(), "{} unreachable", name);
        }
        let report = analyse(&compact, &options());
        prop_assert!(report.unreachable.is_empty(), "{:?}", report.unreachable);
    }
}
