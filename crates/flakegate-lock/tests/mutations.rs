//! Fuzz-style: thousands of seeded mutations of real lock files. Every one
//! must give a report or a one-line error; none may panic or hang.

use flakegate_lock::{HealthOptions, LockGraph, analyse, diff};
use serde_json::{Value, json};

/// Mutations per lock: enough to reach every error path, few enough for a
/// debug build on a loaded machine.
const ROUNDS: usize = 400;

const LOCKS: [&str; 4] = [
    include_str!("../../../tests/fixtures/lock/config.lock"),
    include_str!("../../../tests/fixtures/lock/config-updated.lock"),
    include_str!("../../../tests/fixtures/lock/v5.lock"),
    include_str!("../../../tests/fixtures/lock/v6.lock"),
];

/// A random value of a random JSON type, biased towards what lock files hold.
fn random_value(rng: &mut fastrand::Rng, keys: &[String]) -> Value {
    let key = |rng: &mut fastrand::Rng| keys[rng.usize(..keys.len())].clone();
    match rng.u8(..9) {
        0 => Value::Null,
        1 => json!(rng.i64(..)),
        2 => json!(-1),
        3 => Value::String(key(rng)),
        4 => json!([key(rng), key(rng)]),
        5 => json!([]),
        6 => json!({}),
        7 => json!(rng.bool()),
        _ => Value::String(String::from_utf8_lossy(&[rng.u8(..); 3]).into_owned()),
    }
}

/// Every container in the tree, as a path of keys and indices.
fn containers(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(m) => {
            out.push(at.clone());
            for (k, x) in m {
                at.push(json!(k));
                containers(x, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            out.push(at.clone());
            for (i, x) in a.iter().enumerate() {
                at.push(json!(i));
                containers(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'v>(v: &'v mut Value, path: &[Value]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        Value::String(k) => v.get_mut(k.as_str()),
        Value::Number(i) => v.get_mut(usize::try_from(i.as_u64()?).ok()?),
        _ => None,
    })
}

fn mutate(rng: &mut fastrand::Rng, lock: &mut Value) {
    let keys: Vec<String> = lock["nodes"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let keys = if keys.is_empty() {
        vec!["root".to_owned()]
    } else {
        keys
    };
    let mut all = Vec::new();
    containers(lock, &mut Vec::new(), &mut all);
    let target = all[rng.usize(..all.len())].clone();
    let new = random_value(rng, &keys);
    let Some(slot) = get_mut(lock, &target) else {
        return;
    };
    match slot {
        Value::Object(m) if !m.is_empty() => {
            let k = m
                .keys()
                .nth(rng.usize(..m.len()))
                .cloned()
                .unwrap_or_default();
            match rng.u8(..3) {
                0 => {
                    m.remove(&k);
                }
                1 => {
                    m.insert(k, new);
                }
                _ => {
                    // Copy a sibling under a new name: a new node, a new input.
                    let copy = m[&k].clone();
                    m.insert(format!("{k}_{}", rng.u8(..)), copy);
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = rng.usize(..a.len());
            if rng.bool() {
                a.remove(i);
            } else {
                a[i] = new;
            }
        }
        other => *other = new,
    }
}

fn check(text: &str, original: &LockGraph) {
    match LockGraph::parse(text) {
        Ok(g) => {
            let r = analyse(
                &g,
                &HealthOptions {
                    now: 1_717_200_000,
                    flake_dir: Some("/f".into()),
                    ..HealthOptions::default()
                },
            );
            serde_json::to_string(&r).expect("the report serialises");
            let d = diff(original, &g);
            serde_json::to_string(&d).expect("the diff serialises");
            diff(&g, original);
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
    }
}

#[test]
fn mutated_locks_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_f1a6);
    for (n, text) in LOCKS.iter().enumerate() {
        let original = LockGraph::parse(text).expect("fixture parses");
        let value: Value = serde_json::from_str(text).expect("json");
        let mut parsed_ok = 0;
        for _ in 0..ROUNDS {
            let mut v = value.clone();
            for _ in 0..rng.usize(1..5) {
                mutate(&mut rng, &mut v);
            }
            let text = serde_json::to_string(&v).expect("json");
            parsed_ok += usize::from(LockGraph::parse(&text).is_ok());
            check(&text, &original);
        }
        // The mutations must exercise both outcomes, or they test nothing.
        assert!(
            (ROUNDS / 20..ROUNDS * 19 / 20).contains(&parsed_ok),
            "lock {n}: {parsed_ok} of {ROUNDS} parsed"
        );
    }
}

#[test]
fn damaged_text_never_panics() {
    let mut rng = fastrand::Rng::with_seed(7);
    let text = LOCKS[0];
    let original = LockGraph::parse(text).expect("fixture parses");
    for _ in 0..ROUNDS / 2 {
        let mut bytes = text.as_bytes().to_vec();
        match rng.u8(..3) {
            0 => bytes.truncate(rng.usize(..bytes.len())),
            1 => {
                let i = rng.usize(..bytes.len());
                bytes[i] = rng.u8(..);
            }
            _ => {
                let i = rng.usize(..bytes.len());
                bytes.insert(i, b"{}[]\",:0"[rng.usize(..8)]);
            }
        }
        check(&String::from_utf8_lossy(&bytes), &original);
    }
}

#[test]
fn long_follows_chains_and_cycles_stop() {
    // input i follows input i+1, 2,000 deep, then a cycle back to the start.
    let mut inputs = serde_json::Map::new();
    for i in 0..2000 {
        inputs.insert(format!("i{i}"), json!([format!("i{}", (i + 1) % 2000)]));
    }
    let lock = json!({"version": 7, "root": "root", "nodes": {"root": {"inputs": inputs}}});
    let err = LockGraph::parse(&lock.to_string()).expect_err("a cycle");
    assert!(err.to_string().contains("leads back to itself"), "{err}");
}
