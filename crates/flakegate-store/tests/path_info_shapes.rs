//! `nix path-info --json` in every shape Nix has printed. The running Nix's
//! real output (2.8's array, 2.34's format 1, …) is read first; every other
//! shape is derived from its entries following the release notes (≤ 2.18:
//! an array with `path`; 2.19: keyed by path; 2.23: `null` for absent
//! fields; 2.33: format 1 adds `version`/`storeDir`, format 2 wraps entries
//! keyed by basename in `info`; Lix: array with `"valid": true`), so shapes
//! no Nix here prints are still checked against real data.

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use flakegate_store::StoreDir;
use flakegate_store::backend::cli::{json_format_args, parse_path_info_json};
use flakegate_testkit as kit;
use serde_json::{Map, Value, json};

/// The running Nix's own answer for the package set's closure, and its
/// entries in the array shape of Nix ≤ 2.18.
fn real_answer() -> (Vec<u8>, Vec<Value>) {
    let root = kit::package_set().toplevel.clone();
    let format = json_format_args().expect("nix --version");
    let mut args = vec!["path-info", "--json"];
    args.extend(format.iter().map(String::as_str));
    args.extend(["--recursive", &root]);
    let out = duct::cmd("nix", &args)
        .stdout_capture()
        .run()
        .expect("nix path-info");
    let array = kit::path_info_entries(&serde_json::from_slice(&out.stdout).expect("json"))
        .into_iter()
        .map(|(path, mut entry)| {
            entry["path"] = json!(path);
            entry
        })
        .collect();
    (out.stdout, array)
}

fn keyed(entries: &[Value], key: impl Fn(&str) -> String, nulls: bool) -> Map<String, Value> {
    entries
        .iter()
        .map(|e| {
            let mut e = e.as_object().cloned().expect("object");
            let path = e
                .remove("path")
                .and_then(|p| p.as_str().map(str::to_owned))
                .expect("path");
            if nulls {
                e.entry("ca").or_insert(Value::Null);
                e.entry("signatures").or_insert(json!([]));
            }
            (key(&path), Value::Object(e))
        })
        .collect()
}

fn basename(p: &str) -> String {
    p.rsplit('/').next().expect("basename").to_owned()
}

#[test]
fn every_shape_parses_to_the_same_infos() {
    let dir = StoreDir::from_env();
    let (real, array) = real_answer();
    let mut reference = parse_path_info_json(&real, &dir).expect("this Nix's shape");
    assert!(reference.invalid.is_empty());
    assert!(reference.valid.len() > 10);
    reference.valid.sort_by(|a, b| a.path.cmp(&b.path));

    let lix: Vec<Value> = array
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e["valid"] = Value::Bool(true);
            e
        })
        .collect();
    let v219 = Value::Object(keyed(&array, str::to_owned, false));
    let v223 = Value::Object(keyed(&array, str::to_owned, true));
    let mut v233_1 = keyed(&array, str::to_owned, true);
    v233_1.insert("version".into(), json!(1));
    v233_1.insert("storeDir".into(), json!(dir.as_str()));
    // Format 2: basenames everywhere, structured hashes.
    let info: Map<String, Value> = keyed(&array, basename, true)
        .into_iter()
        .map(|(k, mut v)| {
            let refs: Vec<Value> = v["references"]
                .as_array()
                .expect("refs")
                .iter()
                .map(|r| json!(basename(r.as_str().expect("str"))))
                .collect();
            v["references"] = Value::Array(refs);
            if let Some(d) = v.get("deriver").and_then(Value::as_str).map(basename) {
                v["deriver"] = json!(d);
            }
            let sri = v["narHash"].as_str().expect("sri").to_owned();
            let b64 = sri.strip_prefix("sha256-").expect("sha256");
            v["narHash"] = json!({"algorithm": "sha256", "format": "base64", "hash": b64});
            (k, v)
        })
        .collect();
    let v233_2 = json!({"version": 2, "storeDir": dir.as_str(), "info": info});

    for (name, shape) in [
        ("≤ 2.18", Value::Array(array.clone())),
        ("lix", Value::Array(lix)),
        ("2.19", v219),
        ("2.23", v223),
        ("2.33 format 1", Value::Object(v233_1)),
        ("2.33 format 2", v233_2),
    ] {
        let mut parsed = parse_path_info_json(&serde_json::to_vec(&shape).expect("ser"), &dir)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        parsed.valid.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(parsed.valid, reference.valid, "{name}");
    }
}

#[test]
fn invalid_paths_in_every_shape() {
    let dir = StoreDir::new("/nix/store");
    let p = "/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-gone-1.0";
    for shape in [
        json!([{"path": p, "valid": false}]),
        json!({ p: null }),
        json!({"version": 2, "storeDir": "/nix/store", "info": { basename(p): null }}),
    ] {
        let parsed = parse_path_info_json(shape.to_string().as_bytes(), &dir).expect("parses");
        assert_eq!(parsed.invalid, vec![p.to_owned()], "{shape}");
    }
}

#[test]
fn malformed_json_is_an_error_not_a_panic() {
    let dir = StoreDir::new("/nix/store");
    for bad in [
        "",
        "{",
        "42",
        "[1]",
        r#"[{"path": "/nix/store/x"}]"#,
        r#"{"/nix/store/x": 3}"#,
    ] {
        assert!(parse_path_info_json(bad.as_bytes(), &dir).is_err(), "{bad}");
    }
}
