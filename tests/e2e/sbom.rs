//! `flakegate sbom` end to end, on the real fixture closures:
//!
//! - every document (both formats, both graphs) passes the official
//!   validators and the semantic checks of tests/validate/sbom.py;
//! - graph oracles: runtime edges are `nix-store -q --references`, build-time
//!   nodes are `nix-store -qR` of the `.drv`;
//! - evaluation metadata from a real flake (tests/fixtures/sbom/packages.nix);
//! - `lib.sbom` (nix/lib.nix, built by nix-build with this binary as the
//!   builder) writes the same bytes as the CLI;
//! - reproducible output, and bad input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use flakegate_testkit as kit;
use insta::assert_snapshot;
use serde_json::Value;

use crate::util::{code, flakegate, normalise, run, stderr, stdout};

fn validate(files: &[&Path]) -> Option<Output> {
    crate::util::validate("sbom.py", files)
}

fn assert_valid(files: &[&Path]) {
    if let Some(out) = validate(files) {
        assert!(
            out.status.success(),
            "invalid SBOM:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `flakegate sbom ARGS`, which must succeed; returns stdout.
fn sbom(args: &[&str]) -> String {
    let mut full = vec!["sbom"];
    full.extend_from_slice(args);
    let out = run(&full);
    assert_eq!(code(&out), 0, "flakegate {full:?}: {}", stderr(&out));
    stdout(&out)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("the SBOM is JSON")
}

/// Store hashes, digests, the serial, the date (the newest registration
/// time) and the version change across machines and releases; nothing else
/// in a document may.
fn normalise_doc(text: &str) -> String {
    let dates = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").expect("regex");
    let digests = regex::Regex::new(r"\b[0-9a-f]{64}\b").expect("regex");
    let uuids =
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
            .expect("regex");
    let text = normalise(text);
    let text = digests.replace_all(&text, "[SHA256]");
    let text = uuids.replace_all(&text, "[UUID]");
    let text = dates.replace_all(&text, "[DATE]");
    text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

/// `nix path-info --json PATH` (Nix 2.8's array shape).
fn toplevel_drv() -> String {
    kit::instantiate(&kit::fixture("package-set.nix"), Some("toplevel"))
        .into_iter()
        .next()
        .expect("one .drv")
}

/// A flake with no inputs whose `packages.<system>` is
/// tests/fixtures/sbom/packages.nix (copied with the lib.nix it imports).
fn meta_flake() -> &'static (tempfile::TempDir, String) {
    static FLAKE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    FLAKE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sbom")).expect("mkdir");
        std::fs::copy(kit::fixture("lib.nix"), dir.path().join("lib.nix")).expect("copy");
        let tree = dir.path().join("sbom/nixpkgs-tree");
        let split = dir.path().join("sbom/nixpkgs-split-tree");
        for d in ["lib", "pkgs/top-level"] {
            std::fs::create_dir_all(tree.join(d)).expect("mkdir");
        }
        for d in ["lib/licenses", "pkgs/top-level"] {
            std::fs::create_dir_all(split.join(d)).expect("mkdir");
        }
        for f in [
            "nixpkgs-tree/lib/licenses.nix",
            "nixpkgs-tree/pkgs/top-level/default.nix",
            "nixpkgs-tree/.version",
            "nixpkgs-split-tree/lib/licenses/default.nix",
            "nixpkgs-split-tree/pkgs/top-level/default.nix",
        ] {
            std::fs::copy(
                kit::fixture(&format!("sbom/{f}")),
                dir.path().join("sbom").join(f),
            )
            .expect("copy");
        }
        for f in [
            "packages.nix",
            "licenses.nix",
            "split-layout.nix",
            "nixpkgs-licenses.nix",
            "nixpkgs-licenses.json",
        ] {
            std::fs::copy(
                kit::fixture(&format!("sbom/{f}")),
                dir.path().join("sbom").join(f),
            )
            .expect("copy");
        }
        // Flakes may not read builtins.currentSystem: the system is written in.
        let system = kit::current_system();
        // `fresh` is a new derivation for every test run: never realised yet.
        let nonce = kit::nonce();
        std::fs::write(
            dir.path().join("flake.nix"),
            format!(
                r#"{{ outputs = _: {{
  packages.{system} = import ./sbom/packages.nix {{ system = "{system}"; }};
  licenses = import ./sbom/licenses.nix {{ system = "{system}"; }};
  splitLayout = import ./sbom/split-layout.nix {{ system = "{system}"; }};
  nixpkgsLicenses = import ./sbom/nixpkgs-licenses.nix {{ system = "{system}"; }};
  notADerivation = "a string";
  fresh = derivation {{
    name = "fresh-1.0"; system = "{system}"; builder = "/bin/sh";
    args = [ "-c" "echo {nonce} > $out" ];
  }};
}}; }}
"#
            ),
        )
        .expect("write flake.nix");
        // The packages are built once, outside the SBOM runs.
        kit::nix_build(&kit::fixture("sbom/packages.nix"), Some("app"), &[]);
        let reference = format!("path:{}#app", dir.path().display());
        (dir, reference)
    })
}

/// The CycloneDX and SPDX documents of the meta fixture's `attr` (build-time
/// graph), checked by every validator, as JSON.
fn validated_documents(attr: &str) -> (Value, Value) {
    let (_flake, reference) = meta_flake();
    let installable = reference.replace("#app", attr);
    let dir = tempfile::tempdir().expect("tempdir");
    let cdx = dir.path().join("sbom.cdx.json");
    let spdx = dir.path().join("sbom.spdx.json");
    for (file, format) in [(&cdx, "cyclonedx"), (&spdx, "spdx")] {
        sbom(&[
            &installable,
            "--buildtime",
            "--format",
            format,
            "-o",
            file.to_str().expect("utf8"),
        ]);
    }
    assert_valid(&[&cdx, &spdx]);
    let read = |file: &Path| json(&std::fs::read_to_string(file).expect("read"));
    (read(&cdx), read(&spdx))
}

/// The documents of every license shape in tests/fixtures/sbom/licenses.nix,
/// made once for the tests that read them.
fn license_documents() -> &'static (Value, Value) {
    static DOCUMENTS: std::sync::OnceLock<(Value, Value)> = std::sync::OnceLock::new();
    DOCUMENTS.get_or_init(|| validated_documents("#licenses.all"))
}

fn component_by_name<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let root = &doc["metadata"]["component"];
    if root["name"] == name {
        return root;
    }
    doc["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

fn property<'a>(c: &'a Value, name: &str) -> Vec<&'a str> {
    c["properties"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| p["name"] == name)
                .filter_map(|p| p["value"].as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// Every component of a CycloneDX document, the root first.
fn components(doc: &Value) -> Vec<&Value> {
    let mut all = vec![&doc["metadata"]["component"]];
    all.extend(doc["components"].as_array().expect("components"));
    all
}

fn edges(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for d in doc["dependencies"].as_array().expect("dependencies") {
        for to in d["dependsOn"].as_array().expect("dependsOn") {
            out.insert((
                d["ref"].as_str().expect("ref").to_owned(),
                to.as_str().expect("ref").to_owned(),
            ));
        }
    }
    out
}

#[test]
fn metadata_from_evaluation_in_both_formats() {
    let (_dir, reference) = meta_flake();
    let cdx = sbom(&[reference]);
    let doc = json(&cdx);
    assert_eq!(doc["metadata"]["properties"][1]["value"], "evaluation");

    let libfoo = component_by_name(&doc, "libfoo");
    assert_eq!(libfoo["licenses"][0]["expression"], "MIT");
    assert_eq!(
        libfoo["cpe"],
        "cpe:2.3:a:foo_project:libfoo:1.2.3:*:*:*:*:*:*:*"
    );
    // A generated CPE is evidence, never a claim.
    assert_eq!(
        libfoo["evidence"]["identity"][0]["concludedValue"],
        "cpe:2.3:a:libfoo:libfoo:1.2.3:*:*:*:*:*:*:*"
    );
    assert_eq!(libfoo["purl"], "pkg:nix/libfoo@1.2.3");
    assert_eq!(libfoo["supplier"]["name"], flakegate_sbom::UNKNOWN_SUPPLIER);
    assert_eq!(libfoo["description"], "Library for foo");
    // A list is neither AND nor OR: each license on its own.
    let libbar = component_by_name(&doc, "libbar");
    // Evaluated from a nixpkgs tree: nixpkgs supplied it, and its purl says so.
    assert_eq!(libbar["supplier"]["name"], "nixpkgs");
    assert_eq!(libbar["purl"], "pkg:nix/nixpkgs/libbar@0.9");
    assert_eq!(libbar["licenses"][0]["license"]["id"], "Apache-2.0");
    assert_eq!(libbar["licenses"][1]["license"]["id"], "MIT");
    assert_eq!(
        libbar["externalReferences"][1]["url"],
        "https://mirror.example.org/libbar"
    );
    // A free-form license string is kept by name; a broken description is
    // left out, not fatal.
    let data = component_by_name(&doc, "data-files");
    assert_eq!(
        data["licenses"][0]["license"]["name"],
        "Some Custom License v2"
    );
    assert_eq!(data["version"], "unversioned");
    assert!(data.get("description").is_none());
    // Reachable only through a string: in the SBOM, without metadata.
    let config = component_by_name(&doc, "app-config");
    assert!(config.get("licenses").is_none());
    // The root is the metadata component, once.
    assert_eq!(doc["metadata"]["component"]["name"], "app");
    assert_eq!(doc["components"].as_array().map(Vec::len), Some(4));

    let spdx = sbom(&[reference, "--format", "spdx"]);
    let sdoc = json(&spdx);
    let declared: BTreeMap<&str, &str> = sdoc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().expect("name"),
                p["licenseDeclared"].as_str().expect("license"),
            )
        })
        .collect();
    assert_eq!(declared["app"], "GPL-3.0-or-later");
    assert_eq!(declared["libbar"], "NOASSERTION");
    assert!(declared["data-files"].starts_with("LicenseRef-Some-Custom-License-v2-"));
    assert_eq!(declared["app-config"], "NOASSERTION");
    // nixpkgs' mirror:// URLs stay in CycloneDX, but SPDX's download
    // location is the first URL it accepts.
    assert_eq!(
        libbar["externalReferences"][2]["url"],
        "mirror://gnu/libbar/libbar-0.9.tar.gz"
    );
    let libbar_spdx = sdoc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "libbar")
        .expect("libbar");
    assert_eq!(
        libbar_spdx["downloadLocation"],
        "https://example.org/libbar/libbar-0.9.tar.gz"
    );

    // Build time: the build-only tool, with a mixed license list.
    let build = json(&sbom(&[reference, "--buildtime"]));
    let tool = component_by_name(&build, "tool");
    assert_eq!(tool["licenses"][0]["license"]["id"], "MIT");
    assert_eq!(
        tool["licenses"][1]["license"]["name"],
        "Unfree redistributable"
    );

    assert_snapshot!("metadata_cyclonedx", normalise_doc(&cdx));
    assert_snapshot!("metadata_spdx", normalise_doc(&spdx));
}

#[test]
fn lib_sbom_writes_what_the_cli_writes() {
    let (_dir, reference) = meta_flake();
    let dir = tempfile::tempdir().expect("tempdir");
    for (attr, format, file) in [
        ("cyclonedx", "cyclonedx", "cli.cdx.json"),
        ("spdx", "spdx", "cli.spdx.json"),
    ] {
        let built = kit::nix_build_str(
            &kit::fixture("sbom/lib-sbom.nix"),
            Some(attr),
            &[("flakegateBin", env!("CARGO_BIN_EXE_flakegate"))],
        );
        let from_lib = std::fs::read_to_string(&built[0]).expect("the lib.sbom output");
        let cli_file = dir.path().join(file);
        let out = flakegate()
            .args(["sbom", reference, "--format", format, "-o"])
            .arg(&cli_file)
            .env("SOURCE_DATE_EPOCH", "1718200000")
            .output()
            .expect("runs");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let from_cli = std::fs::read_to_string(&cli_file).expect("the CLI output");
        assert_eq!(from_lib, from_cli, "lib.sbom and the CLI differ ({format})");
        assert_valid(&[Path::new(&built[0])]);
    }
    // A wrong format is caught at evaluation time, with a message.
    let out = Command::new("nix-instantiate")
        .arg(kit::fixture("sbom/lib-sbom.nix"))
        .args([
            "-A",
            "badFormat",
            "--argstr",
            "flakegateBin",
            env!("CARGO_BIN_EXE_flakegate"),
        ])
        .output()
        .expect("nix-instantiate runs");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("format must be"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn runtime_graph_is_the_closure_with_its_real_references() {
    let set = kit::package_set();
    let doc = json(&sbom(&[&set.toplevel]));
    // Nodes: the outputs of all components are exactly the closure.
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    for c in components(&doc) {
        let r = c["bom-ref"].as_str().expect("bom-ref").to_owned();
        for p in c["properties"].as_array().expect("properties") {
            if p["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("nix:output:"))
            {
                let path = p["value"].as_str().expect("path").to_owned();
                assert!(
                    owner.insert(path, r.clone()).is_none(),
                    "a path in two components"
                );
            }
        }
    }
    let closure: BTreeSet<String> = kit::requisites(&set.toplevel).into_iter().collect();
    assert_eq!(closure.len(), 52);
    assert_eq!(owner.keys().cloned().collect::<BTreeSet<_>>(), closure);
    // Edges: nix-store's references, lifted to components, and nothing else.
    let mut expected = BTreeSet::new();
    for path in &closure {
        for r in kit::references(path) {
            if owner[path] != owner[&r] {
                expected.insert((owner[path].clone(), owner[&r].clone()));
            }
        }
    }
    assert_eq!(edges(&doc), expected);
    // Outputs of one derivation are one component: openssl 3.0.14 is out,
    // bin and dev; the two openssl versions stay apart.
    let openssl: Vec<&Value> = components(&doc)
        .into_iter()
        .filter(|c| c["name"] == "openssl")
        .collect();
    assert_eq!(openssl.len(), 2);
    let v3 = openssl
        .iter()
        .find(|c| c["version"] == "3.0.14")
        .expect("3.0.14");
    for o in ["out", "bin", "dev"] {
        assert_eq!(
            property(v3, &format!("nix:output:{o}")),
            [set.path("openssl", o)]
        );
    }
    // The hash is the NAR hash of the main output, as nix path-info says.
    let openssl = set.path("openssl", "out");
    let format = flakegate_store::backend::cli::json_format_args().expect("nix --version");
    let info = kit::path_info(&format, &[], &[openssl]);
    let sri = info[openssl]["narHash"].as_str().expect("narHash");
    assert_eq!(
        format!(
            "sha256:{}",
            v3["hashes"][0]["content"].as_str().expect("hash")
        ),
        flakegate_store::hash::to_hex(sri)
            .map(|h| format!("sha256:{h}"))
            .expect("hex")
    );
    // Version-less paths are kept, with the documented marker; sources stay
    // with the packages built from them.
    assert!(
        components(&doc)
            .iter()
            .any(|c| c["name"] == "etc-motd" && c["version"] == "unversioned")
    );
    let curl = components(&doc)
        .into_iter()
        .find(|c| c["name"] == "curl")
        .expect("curl");
    let src = &curl["externalReferences"][0];
    assert_eq!(src["type"], "source-distribution");
    assert_eq!(src["url"], "https://example.org/curl/curl-8.9.1.tar.gz");
    assert_eq!(src["hashes"][0]["alg"], "SHA-256");
    // A bare store path: no evaluation, and the SBOM says so.
    assert!(
        doc["metadata"]["properties"][1]["value"]
            .as_str()
            .is_some_and(|v| v.starts_with("unavailable"))
    );
}

#[test]
fn buildtime_nodes_are_the_drv_closure() {
    let drv = toplevel_drv();
    let doc = json(&sbom(&[&drv, "--buildtime"]));
    let nodes: BTreeSet<String> = components(&doc)
        .iter()
        .map(|c| c["bom-ref"].as_str().expect("ref").to_owned())
        .collect();
    let closure: BTreeSet<String> = kit::requisites(&drv).into_iter().collect();
    assert_eq!(closure.len(), 82);
    assert_eq!(nodes, closure);
    let mut expected = BTreeSet::new();
    for d in &closure {
        for r in kit::references(d) {
            if &r != d {
                expected.insert((d.clone(), r));
            }
        }
    }
    assert_eq!(edges(&doc), expected);
    // The 37 sources: fixed-output hash and URL, as the .drv says.
    let sources: Vec<&Value> = components(&doc)
        .into_iter()
        .filter(|c| c["type"] == "file")
        .collect();
    assert_eq!(sources.len(), 37);
    let zlib_src = sources
        .iter()
        .find(|c| c["name"] == "zlib")
        .expect("zlib source");
    // A source's version is its package's.
    assert_eq!(zlib_src["version"], "1.3.1");
    assert_eq!(
        zlib_src["externalReferences"][0]["url"],
        "https://example.org/zlib/zlib-1.3.1.tar.gz"
    );
    let content = "source tarball of zlib-1.3.1\n";
    let expected_hash = Command::new("nix-instantiate")
        .args(["--eval", "--json", "--expr"])
        .arg(format!("builtins.hashString \"sha256\" {content:?}"))
        .output()
        .expect("nix-instantiate");
    let expected_hash: String = serde_json::from_slice(&expected_hash.stdout).expect("string");
    assert_eq!(zlib_src["hashes"][0]["content"], expected_hash.as_str());
    // The same graph from the output path (its deriver) and from the .drv.
    let set = kit::package_set();
    assert_eq!(
        sbom(&[&set.toplevel, "--buildtime"]),
        sbom(&[&drv, "--buildtime"])
    );
}

#[test]
fn every_document_validates() {
    let set = kit::package_set();
    let drv = toplevel_drv();
    let (_flake, reference) = meta_flake();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for (name, args) in [
        ("runtime.cdx.json", vec![set.toplevel.as_str()]),
        (
            "runtime.spdx.json",
            vec![set.toplevel.as_str(), "--format", "spdx"],
        ),
        ("buildtime.cdx.json", vec![drv.as_str(), "--buildtime"]),
        (
            "buildtime.spdx.json",
            vec![drv.as_str(), "--buildtime", "--format", "spdx"],
        ),
        ("meta.cdx.json", vec![reference.as_str()]),
        (
            "meta.spdx.json",
            vec![reference.as_str(), "--format", "spdx"],
        ),
        (
            "meta-build.cdx.json",
            vec![reference.as_str(), "--buildtime"],
        ),
        (
            "meta-build.spdx.json",
            vec![reference.as_str(), "--buildtime", "--format", "spdx"],
        ),
    ] {
        let file = dir.path().join(name);
        let mut a = args.clone();
        a.extend(["-o", file.to_str().expect("utf8")]);
        sbom(&a);
        files.push(file);
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    assert_valid(&refs);
}

#[test]
fn the_validator_rejects_broken_documents() {
    let (_flake, reference) = meta_flake();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cdx = json(&sbom(&[reference]));
    // A dependency on nothing, and a duplicated component.
    cdx["dependencies"][0]["dependsOn"]
        .as_array_mut()
        .expect("dependsOn")
        .push(Value::from("/nix/store/nowhere"));
    let first = cdx["components"][0].clone();
    cdx["components"]
        .as_array_mut()
        .expect("components")
        .push(first);
    let mut spdx = json(&sbom(&[reference, "--format", "spdx"]));
    spdx["creationInfo"]["created"] = Value::from("yesterday");
    spdx["packages"][1]["licenseDeclared"] = Value::from("LicenseRef-Undefined");
    let mut old = json(&sbom(&[reference]));
    old["specVersion"] = Value::from("1.5");
    old["components"][0]["hashes"][0]["content"] = Value::from("xyz");
    for (name, doc) in [
        ("a.cdx.json", &cdx),
        ("b.spdx.json", &spdx),
        ("c.cdx.json", &old),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, serde_json::to_string(doc).expect("json")).expect("write");
        let Some(out) = validate(&[&file]) else {
            return;
        };
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(1), "{name} passed: {said}");
        match name {
            "a.cdx.json" => {
                assert!(said.contains("not a defined bom-ref"), "{said}");
                assert!(said.contains("is not unique"), "{said}");
            }
            "b.spdx.json" => {
                assert!(said.contains("yesterday"), "{said}");
                assert!(said.contains("LicenseRef-Undefined"), "{said}");
            }
            _ => assert!(said.contains("schema"), "{said}"),
        }
    }
}

#[test]
fn output_is_byte_reproducible() {
    let set = kit::package_set();
    let first = sbom(&[&set.toplevel]);
    assert_eq!(first, sbom(&[&set.toplevel]));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sbom.json");
    sbom(&[&set.toplevel, "-o", file.to_str().expect("utf8")]);
    assert_eq!(std::fs::read_to_string(&file).expect("file"), first);
    // No clock: SOURCE_DATE_EPOCH, else the newest registration time.
    let format = flakegate_store::backend::cli::json_format_args().expect("nix --version");
    let requisites = kit::requisites(&set.toplevel);
    let requisites: Vec<&str> = requisites.iter().map(String::as_str).collect();
    let infos = kit::path_info(&format, &[], &requisites);
    assert_eq!(infos.len(), requisites.len());
    let newest = infos
        .values()
        .map(|info| info["registrationTime"].as_i64().expect("registrationTime"))
        .max()
        .expect("paths");
    assert_eq!(
        json(&first)["metadata"]["timestamp"],
        flakegate_sbom::serial::iso8601(newest)
    );
    let dated = |format: &str| {
        let out = flakegate()
            .args(["sbom", &set.toplevel, "--format", format])
            .env("SOURCE_DATE_EPOCH", "1718200000")
            .output()
            .expect("runs");
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        json(&stdout(&out))
    };
    assert_eq!(
        dated("cyclonedx")["metadata"]["timestamp"],
        "2024-06-12T13:46:40Z"
    );
    assert_eq!(
        dated("spdx")["creationInfo"]["created"],
        "2024-06-12T13:46:40Z"
    );
    // Distinct documents, distinct serials: another root, another date.
    let serial = json(&first)["serialNumber"].clone();
    let other = json(&sbom(&[set.path("curl", "out")]))["serialNumber"].clone();
    assert_ne!(serial, other);
    assert_ne!(serial, dated("cyclonedx")["serialNumber"]);
}

#[test]
fn unrealised_paths_say_how_to_go_on() {
    let drv = kit::unrealised_drv();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sbom.json");
    let out = run(&["sbom", &drv, "-o", file.to_str().expect("utf8")]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not realised"), "{err}");
    assert!(
        err.contains("--buildtime") && err.contains("--build"),
        "{err}"
    );
    assert!(!file.exists(), "no output file on error");
    assert_snapshot!("unrealised", normalise(&err));
    // The derivation graph needs no build.
    let doc = json(&sbom(&[&drv, "--buildtime"]));
    assert_eq!(doc["metadata"]["component"]["name"], "unrealised-demo");
}

#[test]
fn an_unrealised_flake_reference_is_built_only_with_build() {
    let (_flake, reference) = meta_flake();
    let fresh = reference.replace("#app", "#fresh");
    let out = run(&["sbom", &fresh]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not realised") && stderr(&out).contains("--buildtime"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    // The derivation graph needs no build; --build builds, then describes.
    let graph = json(&sbom(&[&fresh, "--buildtime"]));
    assert_eq!(graph["metadata"]["component"]["name"], "fresh");
    let built = json(&sbom(&[&fresh, "--build"]));
    assert_eq!(built["metadata"]["component"]["name"], "fresh");
    assert_eq!(built["metadata"]["properties"][1]["value"], "evaluation");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-result");
    let out = run(&["sbom", missing.to_str().expect("utf8")]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));

    let out = run(&["sbom", "/etc/hostname"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not in the Nix store"),
        "{}",
        stderr(&out)
    );

    let top = kit::package_set().toplevel.clone();
    let out = flakegate()
        .args(["sbom", &top])
        .env("SOURCE_DATE_EPOCH", "soon")
        .output()
        .expect("runs");
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("SOURCE_DATE_EPOCH"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());

    let (_flake, reference) = meta_flake();
    let not_a_drv = reference.replace("#app", "#notADerivation");
    let out = run(&["sbom", &not_a_drv]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("does not evaluate to a derivation"),
        "{}",
        stderr(&out)
    );

    let out = run(&["sbom", &top, "--format", "xml"]);
    assert_eq!(code(&out), 2);
    let out = run(&["sbom", &top, "--buildtime", "--build"]);
    assert_eq!(code(&out), 2);
    let out = run(&["sbom"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn every_license_shape_gives_valid_documents() {
    let (doc, sdoc) = license_documents();
    let licenses = |name: &str| component_by_name(doc, name)["licenses"].clone();
    assert_eq!(licenses("gpl2Plus")[0]["expression"], "GPL-2.0-or-later");
    assert_eq!(licenses("lowercase")[0]["expression"], "BSD-3-Clause");
    assert_eq!(licenses("text-mit")[0]["expression"], "MIT");
    assert_eq!(licenses("byFullName")[0]["expression"], "Apache-2.0");
    assert_eq!(
        licenses("asl20-llvm")[0]["expression"],
        "Apache-2.0 WITH LLVM-exception"
    );
    assert_eq!(
        licenses("list-exception")[0]["expression"],
        "Apache-2.0 WITH LLVM-exception"
    );
    assert_eq!(licenses("list-rust").as_array().map(Vec::len), Some(2));
    // nixpkgs' license operators: the expressions they stand for.
    assert_eq!(licenses("op-or")[0]["expression"], "MIT OR Apache-2.0");
    assert_eq!(
        licenses("op-and-with")[0]["expression"],
        "GPL-3.0-only AND (Apache-2.0 WITH LLVM-exception)"
    );
    assert_eq!(licenses("op-plus")[0]["expression"], "GPL-3.0-or-later");
    let round = licenses("text-foo-round")[0]["license"]["name"].clone();
    let square = licenses("text-foo-square")[0]["license"]["name"].clone();
    assert_eq!(
        (round.as_str(), square.as_str()),
        (Some("Foo (v1)"), Some("Foo [v1]"))
    );
    let declared = |name: &str| -> String {
        sdoc["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["licenseDeclared"].as_str())
            .expect("package")
            .to_owned()
    };
    assert_ne!(declared("text-foo-round"), declared("text-foo-square"));
    assert!(declared("notOnList").starts_with("LicenseRef-NCUL1-"));
    assert_eq!(declared("list-mixed"), "NOASSERTION");
}

/// SPDX ids newer than the official SPDX validator's license list: the SPDX
/// document declares that list's version and writes them as `LicenseRef-`s
/// that name the SPDX id; CycloneDX keeps the id (in `name` where the 1.6
/// schema's enum lacks it). Both documents pass the validators.
#[test]
fn ids_newer_than_the_validators_lists_give_valid_documents() {
    let (doc, sdoc) = license_documents();

    let licenses = |name: &str| component_by_name(doc, name)["licenses"].clone();
    assert_eq!(licenses("bola")[0]["expression"], "BOLA-1.1");
    assert_eq!(licenses("list-newer")[0]["license"]["id"], "BOLA-1.1");
    assert_eq!(licenses("list-newer")[1]["license"]["name"], "atc-game");
    assert!(licenses("list-newer")[1]["license"].get("id").is_none());

    assert_eq!(sdoc["creationInfo"]["licenseListVersion"], "3.27");
    let package = |name: &str| -> Value {
        sdoc["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .find(|p| p["name"] == name)
            .expect("package")
            .clone()
    };
    assert_eq!(package("bola")["licenseDeclared"], "LicenseRef-BOLA-1.1");
    assert_eq!(
        package("rsyncExcep")["licenseDeclared"],
        "LicenseRef-GPL-3.0-only-WITH-rsync-linking-exception"
    );
    // Ids on the declared list stay ids.
    assert_eq!(package("mit")["licenseDeclared"], "MIT");
    let extracted = |id: &str| -> Value {
        sdoc["hasExtractedLicensingInfos"]
            .as_array()
            .expect("extracted")
            .iter()
            .find(|e| e["licenseId"] == id)
            .expect("extracted licensing info")
            .clone()
    };
    let bola = extracted("LicenseRef-BOLA-1.1");
    assert_eq!(bola["name"], "Buena Onda License Agreement v1.1");
    assert_eq!(
        bola["seeAlsos"],
        serde_json::json!(["https://spdx.org/licenses/BOLA-1.1.html"])
    );
    assert!(
        bola["extractedText"]
            .as_str()
            .is_some_and(|t| t.contains("\"BOLA-1.1\"")),
        "{bola}"
    );
    assert_eq!(
        extracted("LicenseRef-GPL-3.0-only-WITH-rsync-linking-exception")["seeAlsos"],
        serde_json::json!(["https://spdx.org/licenses/rsync-linking-exception.html"])
    );
}

/// Every license of a real nixpkgs' `lib.licenses` (303 values, a fixture
/// taken from nixpkgs: tests/fixtures/sbom/nixpkgs-licenses.nix) gives valid
/// documents in both formats.
#[test]
fn every_real_nixpkgs_license_gives_valid_documents() {
    let (doc, sdoc) = validated_documents("#nixpkgsLicenses.all");
    let with_license = components(&doc)
        .into_iter()
        .filter(|c| {
            c["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("license-"))
                && c["licenses"].as_array().is_some_and(|l| !l.is_empty())
        })
        .count();
    assert_eq!(with_license, 303);
    // The ids newer than the SPDX validator's list are refs that name them.
    let newer: Vec<&str> = sdoc["hasExtractedLicensingInfos"]
        .as_array()
        .expect("extracted")
        .iter()
        .filter(|e| e["seeAlsos"].is_array())
        .filter_map(|e| e["licenseId"].as_str())
        .collect();
    assert!(newer.contains(&"LicenseRef-TekHVC"), "{newer:?}");
    assert!(newer.contains(&"LicenseRef-CAPEC-tou"), "{newer:?}");
}

/// Current nixpkgs keeps its licenses in lib/licenses/default.nix (no
/// lib/licenses.nix): a package whose `meta.position` lies in such a tree is
/// still supplied by nixpkgs.
#[test]
fn nixpkgs_in_the_split_licenses_layout_is_the_supplier() {
    let (_flake, reference) = meta_flake();
    let split = reference.replace("#app", "#splitLayout");
    for format in ["cyclonedx", "spdx"] {
        let text = sbom(&[&split, "--buildtime", "--format", format]);
        let doc = json(&text);
        if format == "cyclonedx" {
            let root = &doc["metadata"]["component"];
            assert_eq!(root["name"], "libsplit");
            assert_eq!(root["supplier"]["name"], "nixpkgs");
            assert_eq!(root["purl"], "pkg:nix/nixpkgs/libsplit@1.0");
        } else {
            let root = doc["packages"]
                .as_array()
                .expect("packages")
                .iter()
                .find(|p| p["name"] == "libsplit")
                .expect("libsplit")
                .clone();
            assert_eq!(root["supplier"], "Organization: nixpkgs");
        }
    }
}

#[test]
fn odd_metadata_is_normalised_or_dropped_with_a_warning() {
    let (_flake, reference) = meta_flake();
    let odd = reference.replace("#app", "#odd");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for (name, extra) in [
        ("odd.spdx.json", vec!["--format", "spdx", "--build"]),
        ("odd.cdx.json", vec!["--build"]),
        (
            "odd-build.spdx.json",
            vec!["--format", "spdx", "--buildtime"],
        ),
    ] {
        let file = dir.path().join(name);
        let mut args = vec!["sbom", odd.as_str()];
        args.extend(extra);
        args.extend(["-o", file.to_str().expect("utf8")]);
        // A non-ASCII URL once made --format spdx panic (exit 101).
        let out = run(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("warning: odd 1.0: meta.homepage \"not a url\" is not a URL; dropped"),
            "{err}"
        );
        assert!(err.contains("purl \"not a purl\""), "{err}");
        files.push(file);
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    assert_valid(&refs);
    let cdx = json(&std::fs::read_to_string(&files[1]).expect("read"));
    let c = &cdx["metadata"]["component"];
    // CPE 2.2 rewritten as 2.3; the unicode homepage in punycode.
    assert_eq!(c["cpe"], "cpe:2.3:a:odd_project:odd:1.0:*:*:*:*:*:*:*");
    assert_eq!(
        c["externalReferences"][0]["url"],
        "https://xn--bcher-kva.example/odd"
    );
    assert_eq!(c["purl"], "pkg:nix/odd@1.0");
}

/// Runs `flakegate ARGS`, expects exit `want`, and returns what it printed
/// on stdout and stderr.
fn gate(args: &[&str], want: i32) -> String {
    let out = run(args);
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(code(&out), want, "{args:?}: {said}");
    said
}

#[test]
fn the_license_gate_names_the_package_and_its_chain() {
    let (_flake, reference) = meta_flake();
    let r = reference.as_str();
    let text = gate(&["licenses", r, "--deny-license", "MIT"], 1);
    assert!(text.contains("libfoo 1.2.3: MIT (mit)"), "{text}");
    assert!(
        text.contains("pulled in by app 2.0 → libfoo 1.2.3"),
        "{text}"
    );
    // libbar's [ asl20 mit ] is a list: its MIT is judged on its own.
    assert!(text.contains("libbar 0.9: MIT"), "{text}");
    let report = json(&gate(
        &["licenses", r, "--deny-license", "MIT", "--json"],
        1,
    ));
    assert_eq!(report["schema"], "flakegate.licenses/1");
    assert_eq!(report["violations"][0]["chain"][0], "app 2.0");
    let md = gate(&["licenses", r, "--deny-license", "MIT", "--markdown"], 1);
    assert!(md.contains("`libfoo 1.2.3`"), "{md}");
    // An allowed license passes.
    gate(
        &[
            "licenses",
            r,
            "--deny-license",
            "MIT",
            "--allow-license",
            "mit",
        ],
        0,
    );
    // Build time: the unfree tool is only a build input.
    gate(&["licenses", r, "--deny-unfree"], 0);
    let text = gate(&["licenses", r, "--deny-unfree", "--buildtime"], 1);
    assert!(text.contains("tool unstable-2024-01-01"), "{text}");
    // Unknown: data-files' free text; app-config declares nothing, but it
    // was never evaluated, so it is not judged.
    let text = gate(&["licenses", r, "--fail-on-unknown-license"], 1);
    assert!(
        text.contains("data-files: Some Custom License v2"),
        "{text}"
    );
    // `sbom` with a policy still writes the document, and exits 1.
    let out = run(&["sbom", r, "--deny-license", "GPL-3.0-or-later"]);
    assert_eq!(code(&out), 1);
    assert_eq!(json(&stdout(&out))["bomFormat"], "CycloneDX");
    assert!(
        stderr(&out).contains("app 2.0: GPL-3.0-or-later"),
        "{}",
        stderr(&out)
    );
    // A term that is no license is a usage error.
    let text = gate(&["licenses", r, "--deny-license", "not a license!"], 2);
    assert!(text.contains("--deny-license"), "{text}");
}

#[test]
fn lib_sbom_enforces_the_license_policy_in_the_build() {
    let _ = meta_flake();
    let build = |attr: &str| {
        Command::new("nix-build")
            .arg(kit::fixture("sbom/lib-sbom.nix"))
            .args(["-A", attr, "--no-out-link", "--argstr", "flakegateBin"])
            .arg(env!("CARGO_BIN_EXE_flakegate"))
            .output()
            .expect("nix-build runs")
    };
    let denied = build("denied");
    assert!(
        !denied.status.success(),
        "a denied license must fail the build"
    );
    let log = String::from_utf8_lossy(&denied.stderr);
    assert!(log.contains("libfoo 1.2.3: MIT"), "{log}");
    assert!(log.contains("app 2.0: GPL-3.0-or-later"), "{log}");
    let allowed = build("allowed");
    assert!(
        allowed.status.success(),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
}
