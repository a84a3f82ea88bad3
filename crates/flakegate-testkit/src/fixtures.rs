//! The fixtures of `tests/fixtures`, built (or evaluated) once per test
//! process. Their known answers are documented in `tests/fixtures/README.md`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::nix::{eval_expr_json, instantiate, nix_build, nix_build_str};

/// The workspace root (two levels above this crate's manifest).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/flakegate-testkit sits two levels below the root")
        .to_path_buf()
}

/// `tests/fixtures/<name>` under the workspace root.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(name)
}

/// A built package set: `package-set.nix`, or one generation of
/// `generations.nix`.
#[derive(Debug, Clone)]
pub struct PackageSet {
    /// The `nixos-system-demo-*` path.
    pub toplevel: String,
    /// Attribute → output paths, in the derivation's `outputs` order (the
    /// first one is what `${pkg}` means).
    pub packages: BTreeMap<String, Vec<String>>,
    /// Attribute → output name → output path.
    pub outputs: BTreeMap<String, BTreeMap<String, String>>,
}

impl PackageSet {
    /// The path of output `output` of attribute `attr`; panics if absent.
    pub fn path(&self, attr: &str, output: &str) -> &str {
        self.outputs
            .get(attr)
            .and_then(|o| o.get(output))
            .unwrap_or_else(|| panic!("package set has no {attr}.{output}"))
    }

    /// Builds every derivation of `attr` (or of the whole file) and reads
    /// the attribute → outputs map by evaluation (nix-build only prints the
    /// first output of each derivation).
    fn build(file: &Path, attr: Option<&str>) -> PackageSet {
        nix_build(file, attr, &[]);
        let file_str = file.to_str().expect("fixture paths are UTF-8");
        let json = eval_expr_json(
            r#"{ file, attr }:
               let v = import file { }; s = if attr == "" then v else v.${attr};
               in builtins.mapAttrs (_: d: map (o: [ o d.${o}.outPath ]) (d.outputs or [ "out" ])) s"#,
            &[("file", file_str), ("attr", attr.unwrap_or(""))],
        );
        let pairs: BTreeMap<String, Vec<(String, String)>> =
            serde_json::from_value(json).expect("attr -> [[output, path]]");
        let packages = pairs
            .iter()
            .map(|(a, outs)| (a.clone(), outs.iter().map(|(_, p)| p.clone()).collect()))
            .collect();
        let outputs: BTreeMap<String, BTreeMap<String, String>> = pairs
            .into_iter()
            .map(|(a, outs)| (a, outs.into_iter().collect()))
            .collect();
        let toplevel = outputs["toplevel"]["out"].clone();
        PackageSet {
            toplevel,
            packages,
            outputs,
        }
    }
}

/// `package-set.nix` with its defaults (the "old" generation), built.
pub fn package_set() -> &'static PackageSet {
    static SET: OnceLock<PackageSet> = OnceLock::new();
    SET.get_or_init(|| PackageSet::build(&fixture("package-set.nix"), None))
}

/// The two generations of `generations.nix`, built.
#[derive(Debug, Clone)]
pub struct Generations {
    /// Old toplevel (equal to `package_set().toplevel`).
    pub old: String,
    /// New toplevel.
    pub new: String,
    /// Every package of the old generation.
    pub old_set: PackageSet,
    /// Every package of the new generation.
    pub new_set: PackageSet,
}

/// `generations.nix`, both generations built.
pub fn generations() -> &'static Generations {
    static GENS: OnceLock<Generations> = OnceLock::new();
    GENS.get_or_init(|| {
        let file = fixture("generations.nix");
        let old_set = PackageSet::build(&file, Some("oldSet"));
        let new_set = PackageSet::build(&file, Some("newSet"));
        Generations {
            old: old_set.toplevel.clone(),
            new: new_set.toplevel.clone(),
            old_set,
            new_set,
        }
    })
}

/// Root of a `synthetic-closure.nix` closure of exactly `n` paths (seed
/// "a"). Valid as soon as it is evaluated: nothing is built.
pub fn synthetic_closure(n: usize) -> String {
    synthetic_closure_seeded(n, "a")
}

/// [`synthetic_closure`] with a seed: two seeds give closures of the same
/// shape whose versions differ for about 1 node in 8 (1 in 16 per seed).
/// Cached per (n, seed): 20,000 paths take ~7 s cold, ~0.7 s warm.
pub fn synthetic_closure_seeded(n: usize, seed: &str) -> String {
    static ROOTS: Mutex<Option<HashMap<(usize, String), String>>> = Mutex::new(None);
    let mut roots = ROOTS.lock().unwrap_or_else(|e| e.into_inner());
    let roots = roots.get_or_insert_with(HashMap::new);
    roots
        .entry((n, seed.to_owned()))
        .or_insert_with(|| {
            // Everything goes through --argstr (no quoting of paths in Nix code),
            // so `n` is parsed back with fromJSON.
            let json = eval_expr_json(
                "{ file, n, seed }: import file { n = builtins.fromJSON n; inherit seed; }",
                &[
                    (
                        "file",
                        fixture("synthetic-closure.nix").to_str().expect("UTF-8"),
                    ),
                    ("n", &n.to_string()),
                    ("seed", seed),
                ],
            );
            json.as_str()
                .expect("the fixture returns a string")
                .to_owned()
        })
        .clone()
}

/// Path of a real `.attrs.json` (a store file) as seen by a structured-attrs
/// builder with `exportReferencesGraph.closure = [ root ]`. Nix computes
/// `closureSize` per member, quadratically: ~12 s for 3,000 paths, so keep
/// `root`'s closure small.
pub fn attrs_json_of(root: &str) -> String {
    let out = nix_build_str(&fixture("attrs-json.nix"), None, &[("root", root)]);
    out.into_iter()
        .next()
        .expect("attrs-json.nix has one output")
}

/// A `.drv` whose output is not valid (its builder always fails).
pub fn unrealised_drv() -> String {
    instantiate(&fixture("unrealised.nix"), None)
        .into_iter()
        .next()
        .expect("unrealised.nix instantiates to one .drv")
}
