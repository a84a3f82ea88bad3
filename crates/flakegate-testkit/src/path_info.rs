//! `nix path-info --json` for tests, in whatever shape the running Nix prints
//! (an array with `path` up to 2.18 and on Lix, an object keyed by path from
//! 2.19, with `version`/`storeDir` from 2.33), as one entry per full path.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// `nix path-info --json FORMAT… ARGS… PATHS…`: each path's entry, keyed by
/// its full store path. `format` is what flakegate passes for the running
/// Nix (`flakegate_store::backend::cli::json_format_args()`); Nix must not
/// warn about it, so a deprecation warning fails the test.
pub fn path_info(format: &[String], args: &[&str], paths: &[&str]) -> BTreeMap<String, Value> {
    let mut argv: Vec<String> = [
        "--extra-experimental-features",
        "nix-command",
        "path-info",
        "--json",
    ]
    .map(str::to_owned)
    .to_vec();
    argv.extend(format.iter().cloned());
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    argv.extend(paths.iter().map(|p| (*p).to_owned()));
    let out = duct::cmd("nix", &argv)
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .run()
        .expect("nix runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "nix {argv:?} failed: {stderr}");
    assert!(
        !stderr.contains("deprecated"),
        "nix {argv:?} warned: {stderr}"
    );
    entries(&serde_json::from_slice(&out.stdout).expect("nix path-info prints JSON"))
}

/// The entries of any `nix path-info --json` shape but format 2, keyed by
/// full path (invalid paths left out).
pub fn entries(value: &Value) -> BTreeMap<String, Value> {
    match value {
        Value::Array(list) => list
            .iter()
            .filter(|e| e.get("valid") != Some(&Value::Bool(false)))
            .map(|e| {
                let mut e: Map<String, Value> = e.as_object().cloned().expect("an object");
                let path = e.remove("path").expect("a path");
                e.remove("valid");
                (
                    path.as_str().expect("a string").to_owned(),
                    Value::Object(e),
                )
            })
            .collect(),
        Value::Object(map) => map
            .iter()
            .filter(|(k, v)| k.starts_with('/') && v.is_object())
            .map(|(k, v)| {
                let mut e = v.as_object().cloned().expect("an object");
                // Format 1 repeats these in every entry; they describe the
                // answer, not the path.
                e.remove("version");
                e.remove("storeDir");
                (k.clone(), Value::Object(e))
            })
            .collect(),
        other => panic!("not a path-info shape: {other}"),
    }
}
