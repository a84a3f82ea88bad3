//! Properties of every parser of the store crate: `.drv` files,
//! `nix path-info --json` in each shape, `.attrs.json`, `NIX_SHOW_STATS`,
//! hashes and store path names. No input panics; what is written in a
//! format reads back as the same value. (Mutations of real Nix output are
//! the fuzzer's job, in `fuzz/`.)

use std::collections::BTreeMap;

use flakegate_store::backend::{attrs_json, cli::parse_path_info_json};
use flakegate_store::eval::{EvalStats, StatValue};
use flakegate_store::name::{PackageName, parse_drv_name, store_path_name};
use flakegate_store::{Closure, PathInfo, StoreDir, drv, hash};
use flakegate_testkit::arb;
use nix_derivation::{HashAlgorithm, NixHash};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const DRV: &str = "/nix/store/00000000000000000000000000000000-demo.drv";

fn store() -> StoreDir {
    StoreDir::new("/nix/store")
}

fn sha256(digest: &[u8; 32]) -> NixHash {
    NixHash::from_algorithm_and_digest(HashAlgorithm::Sha256, digest).expect("32 bytes")
}

/// Nix's ATerm string escapes.
fn aterm(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(items: impl IntoIterator<Item = String>) -> String {
    format!("[{}]", items.into_iter().collect::<Vec<_>>().join(","))
}

/// A `.drv` as Nix writes it, with the values it was made from.
#[derive(Debug, Clone)]
struct DrvText {
    text: String,
    builder: String,
    args: Vec<String>,
    env: BTreeMap<String, String>,
}

fn drv_text() -> impl Strategy<Value = DrvText> {
    (
        proptest::collection::btree_map(
            "[a-z]{1,6}",
            proptest::option::of(arb::store_path()),
            1..4,
        ),
        proptest::collection::btree_set(arb::basename(), 0..4),
        proptest::collection::btree_set(arb::store_path(), 0..4),
        "[a-z0-9_]{1,12}-[a-z]{1,8}",
        ".{0,20}",
        proptest::collection::vec(".{0,20}", 0..4),
        proptest::collection::btree_map("[a-zA-Z_]{1,10}", ".{0,30}", 0..8),
    )
        .prop_map(|(outputs, inputs, srcs, system, builder, args, env)| {
            let outs = outputs.iter().map(|(name, path)| {
                format!(
                    "({},{},\"\",\"\")",
                    aterm(name),
                    aterm(path.as_deref().unwrap_or(""))
                )
            });
            let inputs = inputs
                .iter()
                .map(|b| format!("(\"/nix/store/{b}.drv\",[\"out\"])"));
            let text = format!(
                "Derive({},{},{},{},{},{},{})",
                list(outs),
                list(inputs),
                list(srcs.iter().map(|s| aterm(s))),
                aterm(&system),
                aterm(&builder),
                list(args.iter().map(|a| aterm(a))),
                list(
                    env.iter()
                        .map(|(k, v)| format!("({},{})", aterm(k), aterm(v)))
                ),
            );
            DrvText {
                text,
                builder,
                args,
                env,
            }
        })
}

/// One path info with references among `paths`.
fn path_infos() -> impl Strategy<Value = Vec<PathInfo>> {
    proptest::collection::btree_set(arb::store_path(), 1..8)
        .prop_flat_map(|paths| {
            let paths: Vec<String> = paths.into_iter().collect();
            let n = paths.len();
            let one = (
                // Up to 256 TiB a path: a closure of them still fits in 64 bits (a
                // total that does not is an error, tested with the database).
                0u64..(1 << 48),
                proptest::option::of(any::<[u8; 32]>()),
                proptest::collection::btree_set(0..n, 0..n.min(4) + 1),
                proptest::option::of(arb::store_path()),
                proptest::option::of(any::<i64>()),
            );
            (Just(paths), proptest::collection::vec(one, n))
        })
        .prop_map(|(paths, fields)| {
            paths
                .iter()
                .zip(fields)
                .map(|(path, (nar_size, digest, refs, deriver, time))| PathInfo {
                    path: path.clone(),
                    nar_size,
                    nar_hash: digest.map(|d| sha256(&d).to_sri_string()),
                    references: refs.into_iter().map(|i| paths[i].clone()).collect(),
                    deriver: deriver.map(|d| format!("{d}.drv")),
                    registration_time: time,
                })
                .collect()
        })
}

fn basename(p: &str) -> String {
    p.rsplit('/').next().unwrap_or(p).to_owned()
}

/// One entry as `nix path-info --json` writes it; `nulls` for the absent
/// fields of 2.23 and later; `short` for format 2's basenames.
fn entry(info: &PathInfo, nulls: bool, short: bool) -> Map<String, Value> {
    let name = |p: &String| if short { basename(p) } else { p.clone() };
    let mut e = Map::new();
    e.insert("narSize".into(), json!(info.nar_size));
    e.insert(
        "references".into(),
        json!(info.references.iter().map(name).collect::<Vec<_>>()),
    );
    for (key, value) in [
        ("narHash", info.nar_hash.clone().map(Value::from)),
        ("deriver", info.deriver.as_ref().map(|d| json!(name(d)))),
        ("registrationTime", info.registration_time.map(Value::from)),
    ] {
        match value {
            Some(v) => {
                e.insert(key.into(), v);
            }
            None if nulls => {
                e.insert(key.into(), Value::Null);
            }
            None => {}
        }
    }
    if nulls {
        e.insert("ca".into(), Value::Null);
        e.insert("signatures".into(), json!([{"keyName": "k", "sig": "s"}]));
    }
    e
}

/// Every shape Nix has printed, with `gone` as an invalid path.
fn shapes(infos: &[PathInfo], gone: &str) -> Vec<(&'static str, Value)> {
    let array = |valid: bool| {
        let mut a: Vec<Value> = infos
            .iter()
            .map(|i| {
                let mut e = entry(i, false, false);
                e.insert("path".into(), json!(i.path));
                if valid {
                    e.insert("valid".into(), json!(true));
                }
                Value::Object(e)
            })
            .collect();
        a.push(json!({"path": gone, "valid": false}));
        Value::Array(a)
    };
    let keyed = |nulls: bool, short: bool| {
        let mut m: Map<String, Value> = infos
            .iter()
            .map(|i| {
                let key = if short {
                    basename(&i.path)
                } else {
                    i.path.clone()
                };
                (key, Value::Object(entry(i, nulls, short)))
            })
            .collect();
        m.insert(
            if short {
                basename(gone)
            } else {
                gone.to_owned()
            },
            Value::Null,
        );
        m
    };
    let mut format1 = keyed(true, false);
    format1.insert("version".into(), json!(1));
    format1.insert("storeDir".into(), json!("/nix/store"));
    vec![
        ("2.8", array(false)),
        ("lix", array(true)),
        ("2.19", Value::Object(keyed(false, false))),
        ("2.23", Value::Object(keyed(true, false))),
        ("2.33 format 1", Value::Object(format1)),
        (
            "2.33 format 2",
            json!({"version": 2, "storeDir": "/nix/store", "info": keyed(true, true)}),
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn drv_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = drv::parse(DRV, &bytes, &store());
    }

    #[test]
    fn drv_text_never_panics(text in "Derive\\(\\[[(),\"a-z/\\[\\]-]{0,120}") {
        if let Ok(d) = drv::parse(DRV, text.as_bytes(), &store()) {
            let _ = drv::output_paths(&d, DRV, &store());
        }
    }

    #[test]
    fn a_drv_reads_as_written_and_writes_back_byte_for_byte(d in drv_text()) {
        let parsed = drv::parse(DRV, d.text.as_bytes(), &store())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", d.text)))?;
        prop_assert_eq!(parsed.builder(), d.builder.as_str());
        prop_assert_eq!(parsed.arguments(), d.args.as_slice());
        let env: BTreeMap<String, String> = parsed
            .environment()
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect();
        prop_assert_eq!(env, d.env);
        prop_assert_eq!(String::from_utf8_lossy(&parsed.to_aterm_bytes()).into_owned(), d.text);
    }

    #[test]
    fn path_info_reads_every_shape_the_same(infos in path_infos()) {
        let gone = "/nix/store/00000000000000000000000000000000-gone";
        let expected = Closure::new(Vec::new(), infos.clone());
        for (shape, doc) in shapes(&infos, gone) {
            let bytes = serde_json::to_vec(&doc).expect("serialise");
            let parsed = parse_path_info_json(&bytes, &store())
                .map_err(|e| TestCaseError::fail(format!("{shape}: {e}")))?;
            prop_assert_eq!(&parsed.invalid, &vec![gone.to_owned()], "{}", shape);
            let got = Closure::new(Vec::new(), parsed.valid);
            prop_assert_eq!(&got, &expected, "{}", shape);
        }
    }

    #[test]
    fn path_info_never_panics(doc in arb::json()) {
        let _ = parse_path_info_json(&serde_json::to_vec(&doc).expect("json"), &store());
    }

    #[test]
    fn path_info_entries_of_any_value_never_panic(
        fields in arb::json_object_with(
            &["path", "narSize", "narHash", "references", "deriver", "registrationTime", "valid"],
        ),
        keyed in any::<bool>(),
    ) {
        let doc = if keyed {
            json!({"/nix/store/00000000000000000000000000000000-x": fields})
        } else {
            json!([fields])
        };
        let _ = parse_path_info_json(&serde_json::to_vec(&doc).expect("json"), &store());
    }

    #[test]
    fn attrs_json_reads_the_exported_closure(infos in path_infos(), root in 0usize..8) {
        let root = infos[root % infos.len()].path.clone();
        let entries: Vec<Value> = infos
            .iter()
            .map(|i| {
                json!({
                    "path": i.path,
                    "narSize": i.nar_size,
                    "narHash": i.nar_hash.as_deref().map(|h| {
                        NixHash::parse(h).expect("sri").to_nix_nixbase32_string()
                    }),
                    "references": i.references,
                    "closureSize": 0,
                })
            })
            .collect();
        let doc = json!({
            "closure": entries,
            "exportReferencesGraph": {"closure": [root]},
            "outputs": {"out": "/nix/store/00000000000000000000000000000000-check"},
        });
        let parsed = attrs_json::parse(&serde_json::to_vec(&doc).expect("json"))
            .map_err(TestCaseError::fail)?;
        let infos: Vec<PathInfo> = infos
            .into_iter()
            .map(|i| PathInfo { deriver: None, registration_time: None, ..i })
            .collect();
        prop_assert_eq!(parsed.closure, Closure::new(vec![root], infos));
    }

    #[test]
    fn attrs_json_never_panics(
        doc in arb::json_object_with(&["closure", "exportReferencesGraph", "outputs", "x"]),
    ) {
        let _ = attrs_json::parse(&serde_json::to_vec(&doc).expect("json"));
    }

    #[test]
    fn stats_flatten_every_counter_and_keep_sizes_apart(
        top in proptest::collection::btree_map("nr[A-Z][a-z]{0,8}", any::<u64>(), 1..6),
        nested in proptest::collection::btree_map(
            "[a-z]{1,6}",
            proptest::collection::btree_map("[a-z]{1,6}", any::<u64>(), 1..4),
            0..4,
        ),
        time in proptest::option::of(0.0f64..1e6),
        sizes in proptest::collection::btree_map("[A-Z][a-z]{0,6}", any::<u64>(), 0..4),
    ) {
        let mut doc = serde_json::to_value(&top).expect("json");
        let mut expected: BTreeMap<String, StatValue> =
            top.iter().map(|(k, v)| (k.clone(), StatValue::Int(*v))).collect();
        for (group, counters) in &nested {
            doc[group] = serde_json::to_value(counters).expect("json");
            for (k, v) in counters {
                expected.insert(format!("{group}.{k}"), StatValue::Int(*v));
            }
        }
        if let Some(t) = time {
            doc["cpuTime"] = json!(t);
            // serde_json writes a float with a fraction (`0.0`): it stays a float.
            expected.insert("cpuTime".into(), StatValue::Float(t));
        }
        doc["sizes"] = serde_json::to_value(&sizes).expect("json");
        let parsed = EvalStats::parse(&serde_json::to_vec(&doc).expect("json"))
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(parsed.fields, expected);
        prop_assert_eq!(parsed.sizes, sizes);
    }

    #[test]
    fn stats_never_panic(doc in arb::json()) {
        if let Ok(s) = EvalStats::parse(&serde_json::to_vec(&doc).expect("json")) {
            prop_assert!(!s.fields.is_empty());
        }
    }

    #[test]
    fn hashes_read_the_same_in_every_spelling(digest in any::<[u8; 32]>()) {
        let h = sha256(&digest);
        let sri = h.to_sri_string();
        prop_assert_eq!(hash::to_sri(&sri), Ok(sri.clone()));
        prop_assert_eq!(hash::to_sri(&h.to_nix_nixbase32_string()), Ok(sri.clone()));
        prop_assert_eq!(hash::to_sri(&h.to_nix_base16_string()), Ok(sri.clone()));
        let hex = hash::to_hex(&sri).map_err(TestCaseError::fail)?;
        prop_assert_eq!(hex.len(), 64);
    }

    #[test]
    fn hashes_never_panic(s in "(sha256|sha1|md5|sha512|blake3)?[:-]?.{0,90}") {
        let _ = hash::to_sri(&s);
        let _ = hash::to_hex(&s);
    }

    #[test]
    fn parse_drv_name_splits_without_losing_a_byte(s in ".{0,40}") {
        let (name, version) = parse_drv_name(&s);
        if version.is_empty() {
            prop_assert_eq!(name, s.as_str());
        } else {
            prop_assert_eq!(format!("{name}-{version}"), s);
        }
    }

    #[test]
    fn package_names_rebuild_the_store_name(name in arb::package_name()) {
        let p = PackageName::parse(&name);
        let rebuilt = match &p.output {
            Some(o) => format!("{}-{o}", p.package()),
            None => p.package(),
        };
        prop_assert_eq!(rebuilt, name.clone());
        prop_assert_eq!(PackageName::parse(&format!("{name}.drv")), p);
    }

    #[test]
    fn store_path_names_come_after_the_hash(hash in arb::hash_part(), name in arb::path_name()) {
        let (full, base) = (format!("/nix/store/{hash}-{name}"), format!("{hash}-{name}"));
        prop_assert_eq!(store_path_name(&full), name.as_str());
        prop_assert_eq!(store_path_name(&base), name.as_str());
    }

    #[test]
    fn store_path_names_of_anything_never_panic(s in ".{0,80}") {
        let _ = PackageName::of_path(&s);
        let _ = store_dir_checks(&s);
    }
}

fn store_dir_checks(s: &str) -> Option<String> {
    let dir = store();
    let _ = dir.check_path(s);
    let _ = dir.basename_of(s);
    dir.top_level_of(s)
}

proptest! {
    #[test]
    fn nix_version_lines_name_the_implementation_and_version(
        implementation in "Nix|Lix|[A-Z][a-z]{1,6}",
        version in "[0-9]{1,2}\\.[0-9]{1,3}(\\.[0-9]{1,3})?(pre[0-9]{8})?",
    ) {
        let line = format!("nix ({implementation}) {version}\n");
        let parsed = flakegate_store::nix_version::NixVersion::parse(&line).expect("a version line");
        let id = flakegate_store::eval::NixIdentity::from(&parsed);
        prop_assert_eq!(id.implementation, implementation);
        prop_assert_eq!(id.version, version);
    }

    #[test]
    fn any_version_output_never_panics(s in ".{0,40}") {
        let _ = flakegate_store::nix_version::NixVersion::parse(&s)
            .map(|v| flakegate_store::eval::NixIdentity::from(&v));
    }
}

/// Found by the fuzzer (target `path-info`): a relative `storeDir` gave
/// relative store paths.
#[test]
fn a_relative_store_dir_is_refused() {
    let doc = json!({"version": 2, "storeDir": "nix/store", "info": {
        "00000000000000000000000000000000-x": {"narSize": 1, "references": []}}});
    let err = parse_path_info_json(&serde_json::to_vec(&doc).expect("json"), &store())
        .expect_err("relative storeDir");
    assert!(err.contains("storeDir"), "{err}");
}
