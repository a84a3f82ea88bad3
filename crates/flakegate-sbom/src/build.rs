//! From graphs to a [`Bom`]: the runtime closure (one component per
//! derivation, its outputs folded in, edges from real references) or the
//! derivation graph (one component per `.drv` and per input source, edges
//! from inputs). Metadata from evaluation is joined by `.drv` path.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use flakegate_store::meta_eval::{EvalMeta, EvalPackage};
use flakegate_store::name::{PackageName, parse_drv_name, store_path_name};
use flakegate_store::{Closure, Member};

use sha1::{Digest, Sha1};

use crate::SbomError;
use crate::drv::{DrvFacts, nar_hash};
use crate::meta;
use crate::model::{Bom, Component, Kind, MetadataSource, Mode, Output, Patch, SourceRef};
use crate::purl::nix_purl;
use crate::serial::uuid_v5;

/// What every SBOM needs besides its graph.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Seconds since the epoch (`SOURCE_DATE_EPOCH`); when `None`, the
    /// newest registration time in the graph (0 when none is known).
    pub timestamp: Option<i64>,
    /// flakegate's version, for the document's tool entry.
    pub tool_version: String,
}

/// The runtime SBOM of `closure` (whose single root is described). `drvs`
/// are the derivations that may have built its paths (the closure of the
/// root's `.drv`; empty when unknown); `meta` is what evaluation said.
pub fn runtime(
    closure: &Closure,
    drvs: &BTreeMap<String, DrvFacts>,
    meta: Option<&EvalMeta>,
    opts: &Options,
) -> Result<Bom, SbomError> {
    let root_path = closure.roots.first().cloned().unwrap_or_default();
    if !closure.contains(&root_path) {
        return Err(SbomError::RootNotInClosure { root: root_path });
    }
    // Which derivation built each path: the one declaring it as an output.
    let mut built_by: HashMap<&str, &DrvFacts> = HashMap::new();
    for facts in drvs.values() {
        for path in facts.outputs.values().flatten() {
            if closure.contains(path) {
                built_by.insert(path.as_str(), facts);
            }
        }
    }

    // Group the closure by derivation; paths without one stand alone.
    let mut groups: BTreeMap<String, Vec<&Member>> = BTreeMap::new();
    for info in &closure.paths {
        let key = built_by
            .get(info.path.as_str())
            .map_or_else(|| info.path.clone(), |f| f.drv_path.clone());
        groups.entry(key).or_default().push(info);
    }

    let mut components: Vec<Component> = Vec::with_capacity(groups.len());
    let mut ref_of: HashMap<&str, String> = HashMap::new();
    for (key, members) in &groups {
        for m in members {
            ref_of.insert(m.path.as_str(), key.clone());
        }
        let component = match drvs.get(key) {
            Some(facts) => runtime_package(facts, members, drvs)?,
            None => standalone(members[0])?,
        };
        components.push(component);
    }

    let mut dependencies: BTreeMap<String, BTreeSet<String>> = groups
        .keys()
        .map(|k| (k.clone(), BTreeSet::new()))
        .collect();
    // Every member is in a group, and a member's references are members.
    for info in &closure.paths {
        let from = &ref_of[info.path.as_str()];
        for r in closure.reference_paths(info) {
            let to = &ref_of[r];
            if to != from {
                dependencies
                    .entry(from.clone())
                    .or_default()
                    .insert(to.clone());
            }
        }
    }
    let root_ref = ref_of[root_path.as_str()].clone();
    let newest = closure
        .paths
        .iter()
        .filter_map(|p| p.registration_time)
        .max();
    finish(
        Mode::Runtime,
        &root_path,
        &root_ref,
        components,
        dependencies,
        meta,
        newest,
        opts,
    )
}

/// The build-time SBOM of `root_drv`: every derivation of `drvs` (its
/// closure) and every path of `sources` (the closure of their input
/// sources, with NAR hashes).
pub fn buildtime(
    root_drv: &str,
    drvs: &BTreeMap<String, DrvFacts>,
    sources: &Closure,
    meta: Option<&EvalMeta>,
    opts: &Options,
) -> Result<Bom, SbomError> {
    if !drvs.contains_key(root_drv) {
        return Err(SbomError::RootNotInClosure {
            root: root_drv.to_owned(),
        });
    }
    let mut components = Vec::with_capacity(drvs.len() + sources.paths.len());
    let mut dependencies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for facts in drvs.values() {
        let mut c = package(facts, drvs, facts.drv_path.clone());
        c.outputs = facts
            .output_order
            .iter()
            .map(|name| Output {
                name: name.clone(),
                path: facts.outputs.get(name).cloned().flatten(),
                nar_hash: None,
            })
            .collect();
        components.push(c);
        let deps = dependencies.entry(facts.drv_path.clone()).or_default();
        for input in &facts.input_drvs {
            if !drvs.contains_key(input) {
                return Err(SbomError::MissingDerivation {
                    drv: input.clone(),
                    by: facts.drv_path.clone(),
                });
            }
            deps.insert(input.clone());
        }
        for src in &facts.input_srcs {
            if !sources.contains(src) && !drvs.contains_key(src) {
                return Err(SbomError::Dangling {
                    from: facts.drv_path.clone(),
                    to: src.clone(),
                });
            }
            deps.insert(src.clone());
        }
    }
    for info in &sources.paths {
        if drvs.contains_key(&info.path) {
            continue;
        }
        components.push(standalone(info)?);
        // A member's references are members of `sources`: nothing dangles.
        dependencies
            .entry(info.path.clone())
            .or_default()
            .extend(sources.reference_paths(info).map(str::to_owned));
    }
    let newest = sources
        .paths
        .iter()
        .filter_map(|p| p.registration_time)
        .max();
    finish(
        Mode::Buildtime,
        root_drv,
        root_drv,
        components,
        dependencies,
        meta,
        newest,
        opts,
    )
}

/// Sorts, picks out the root, dates the document and derives its serial
/// number.
#[allow(clippy::too_many_arguments)]
fn finish(
    mode: Mode,
    root_path: &str,
    root_ref: &str,
    mut components: Vec<Component>,
    dependencies: BTreeMap<String, BTreeSet<String>>,
    meta: Option<&EvalMeta>,
    newest_registration: Option<i64>,
    opts: &Options,
) -> Result<Bom, SbomError> {
    let mut warnings = Vec::new();
    let meta_index = MetaIndex::new(meta);
    for c in &mut components {
        let by_drv = c.drv_path.as_deref().and_then(|d| meta_index.by_drv.get(d));
        let p = by_drv.or_else(|| meta_index.by_out.get(c.store_path.as_str()));
        meta::apply(c, p.copied(), &mut warnings);
        meta::normalise_urls(c, &mut warnings);
    }
    inherit_from_consumers(&mut components);
    for c in &mut components {
        if c.purl.is_empty() {
            c.purl = nix_purl(
                &c.name,
                c.version.as_deref(),
                c.supplier.name == meta::NIXPKGS,
            );
        }
    }
    let index = components
        .iter()
        .position(|c| c.bom_ref == root_ref)
        .ok_or_else(|| SbomError::RootNotInClosure {
            root: root_path.to_owned(),
        })?;
    let root = components.swap_remove(index);
    components
        .sort_by(|a, b| (&a.name, &a.version, &a.bom_ref).cmp(&(&b.name, &b.version, &b.bom_ref)));
    let mut bom = Bom {
        mode,
        metadata: if meta.is_some() {
            MetadataSource::Evaluation
        } else {
            MetadataSource::Unavailable
        },
        serial: String::new(),
        timestamp: opts.timestamp.or(newest_registration).unwrap_or(0),
        tool_version: opts.tool_version.clone(),
        root,
        components,
        dependencies: dependencies
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().collect()))
            .collect(),
        warnings,
    };
    // Distinct documents, distinct serials: the name hashed is the whole
    // model (graph, metadata, date), so the same input still gives the same
    // serial. The JSON is streamed into the hash: a 6,000-derivation model
    // is megabytes that need not be held at once.
    let mut hasher = Sha1::new();
    serde_json::to_writer(&mut hasher, &bom).unwrap_or_default();
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    bom.serial = uuid_v5(&format!(
        "https://github.com/flakegate/flakegate/sbom/{}/{hex}",
        mode.as_str()
    ));
    Ok(bom)
}

/// Sources and patches are the package's: a source takes the version of the
/// package built from it (`zlib` 1.3.1, not `1.3.1.tar.gz`), and both take
/// its supplier when they have none of their own.
fn inherit_from_consumers(components: &mut [Component]) {
    let mut owner: HashMap<String, (Option<String>, crate::model::Supplier)> = HashMap::new();
    let mut by_path: HashMap<String, String> = HashMap::new();
    for c in components.iter() {
        by_path.insert(c.store_path.clone(), c.bom_ref.clone());
        for o in &c.outputs {
            if let Some(p) = &o.path {
                by_path.insert(p.clone(), c.bom_ref.clone());
            }
        }
    }
    let mut consumers: Vec<&Component> = components
        .iter()
        .filter(|c| c.kind == Kind::Package)
        .collect();
    consumers.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));
    for c in consumers {
        let inherited = (c.version.clone(), c.supplier.clone());
        let patch_refs = c
            .patches
            .iter()
            .filter_map(|p| by_path.get(&p.store_path).cloned());
        for r in c
            .sources
            .iter()
            .map(|s| s.drv_path.clone())
            .chain(patch_refs)
        {
            owner.entry(r).or_insert_with(|| inherited.clone());
        }
    }
    for c in components.iter_mut().filter(|c| c.kind != Kind::Package) {
        match owner.get(&c.bom_ref) {
            Some((version, supplier)) => {
                if version.is_some() {
                    c.version.clone_from(version);
                }
                if c.supplier.name == meta::UNKNOWN_SUPPLIER {
                    c.supplier = supplier.clone();
                }
            }
            None => c.version = c.version.take().and_then(|v| strip_file_suffix(&v)),
        }
    }
}

/// A version without an archive or patch file suffix (`1.3.1.tar.gz` →
/// `1.3.1`); `None` when nothing is left.
fn strip_file_suffix(v: &str) -> Option<String> {
    const SUFFIXES: &[&str] = &[
        ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst", ".tar.lz", ".tgz", ".tbz2", ".txz", ".tar",
        ".zip", ".gz", ".xz", ".bz2", ".patch", ".diff",
    ];
    let stripped = SUFFIXES.iter().find_map(|s| v.strip_suffix(s)).unwrap_or(v);
    (!stripped.is_empty()).then(|| stripped.to_owned())
}

/// Evaluation metadata by `.drv` and by output path.
struct MetaIndex<'a> {
    by_drv: HashMap<&'a str, &'a EvalPackage>,
    by_out: HashMap<&'a str, &'a EvalPackage>,
}

impl<'a> MetaIndex<'a> {
    fn new(meta: Option<&'a EvalMeta>) -> Self {
        let mut by_drv = HashMap::new();
        let mut by_out = HashMap::new();
        for p in meta.map(|m| m.packages.as_slice()).unwrap_or_default() {
            by_drv.insert(p.drv_path.as_str(), p);
            for out in p.outputs.values() {
                by_out.insert(out.as_str(), p);
            }
        }
        Self { by_drv, by_out }
    }
}

/// Whether a file name is a patch's (`CVE-2024-12345.patch`): such names
/// are not split into a name and a version.
fn is_patch_name(name: &str) -> bool {
    [".patch", ".diff", ".patch.gz", ".diff.gz"]
        .iter()
        .any(|s| name.ends_with(s))
}

/// `pname`/`version` when the derivation has both, else Nix's split of its
/// name (a patch keeps its whole name). A missing version is never a reason
/// to drop a component.
fn name_version(facts: &DrvFacts) -> (String, Option<String>) {
    if let (Some(p), Some(v)) = (&facts.pname, &facts.version) {
        return (p.clone(), Some(v.clone()));
    }
    if is_patch_name(&facts.name) {
        return (facts.name.clone(), None);
    }
    let (name, version) = parse_drv_name(&facts.name);
    (
        name.to_owned(),
        (!version.is_empty()).then(|| version.to_owned()),
    )
}

/// The fixed-output inputs of a derivation that say where they came from.
fn sources_of(facts: &DrvFacts, drvs: &BTreeMap<String, DrvFacts>) -> Vec<SourceRef> {
    facts
        .input_drvs
        .iter()
        .filter_map(|i| drvs.get(i))
        .filter(|s| s.is_source() && !s.urls.is_empty() && !is_patch_of(facts, s))
        .map(|s| SourceRef {
            drv_path: s.drv_path.clone(),
            urls: s.urls.clone(),
            hash: s.fixed.as_ref().map(|(h, _)| h.clone()),
            recursive: s.fixed.as_ref().is_some_and(|(_, r)| *r),
            rev: s.rev.clone(),
        })
        .collect()
}

/// Whether `input` produces one of `facts`' patches (fetchpatch).
fn is_patch_of(facts: &DrvFacts, input: &DrvFacts) -> bool {
    input
        .outputs
        .values()
        .flatten()
        .any(|o| facts.patches.contains(o))
}

/// The patches of a derivation, with the URL of a downloaded one.
fn patches_of(facts: &DrvFacts, drvs: &BTreeMap<String, DrvFacts>) -> Vec<Patch> {
    facts
        .patches
        .iter()
        .map(|path| {
            let fetched = facts
                .input_drvs
                .iter()
                .filter_map(|i| drvs.get(i))
                .find(|d| d.outputs.values().flatten().any(|o| o == path));
            let name = store_path_name(path).to_owned();
            Patch {
                resolves: cve_ids(&name),
                name,
                store_path: path.clone(),
                url: fetched.and_then(|d| d.urls.first().cloned()),
            }
        })
        .collect()
}

/// The CVE ids a patch name carries (`CVE-2024-12345`, any case).
fn cve_ids(name: &str) -> Vec<String> {
    let upper = name.to_ascii_uppercase();
    let mut out: Vec<String> = Vec::new();
    let mut rest = upper.as_str();
    while let Some(i) = rest.find("CVE-") {
        let tail = &rest[i + 4..];
        let year: String = tail.chars().take_while(char::is_ascii_digit).collect();
        let after_year = &tail[year.len()..];
        let number: String = after_year
            .strip_prefix('-')
            .map(|t| t.chars().take_while(char::is_ascii_digit).collect())
            .unwrap_or_default();
        if year.len() == 4 && number.len() >= 4 {
            let id = format!("CVE-{year}-{number}");
            if !out.contains(&id) {
                out.push(id);
            }
        }
        rest = tail;
    }
    out
}

/// A component with nothing but its identity; the rest is filled in by
/// whoever builds it.
fn bare(
    bom_ref: String,
    kind: Kind,
    name: String,
    version: Option<String>,
    store_path: String,
) -> Component {
    Component {
        bom_ref,
        kind,
        name,
        version,
        purl: String::new(),
        store_path,
        drv_path: None,
        outputs: Vec::new(),
        hash: None,
        urls: Vec::new(),
        sources: Vec::new(),
        licenses: Vec::new(),
        description: None,
        homepages: Vec::new(),
        cpe: None,
        possible_cpes: Vec::new(),
        other_purls: Vec::new(),
        supplier: meta::unknown_supplier(),
        evaluated: false,
        patches: Vec::new(),
        rev: None,
        recursive: false,
    }
}

/// A component for a derivation; `store_path` stands for it.
fn package(facts: &DrvFacts, drvs: &BTreeMap<String, DrvFacts>, store_path: String) -> Component {
    let (name, version) = name_version(facts);
    let kind = if facts.is_source() {
        Kind::Source
    } else {
        Kind::Package
    };
    let mut c = bare(facts.drv_path.clone(), kind, name, version, store_path);
    c.drv_path = Some(facts.drv_path.clone());
    c.hash = facts.fixed.as_ref().map(|(h, _)| h.clone());
    if facts.is_source() {
        c.urls.clone_from(&facts.urls);
        c.rev.clone_from(&facts.rev);
        c.recursive = facts.fixed.as_ref().is_some_and(|(_, r)| *r);
    }
    c.sources = sources_of(facts, drvs);
    c.patches = patches_of(facts, drvs);
    c
}

/// The runtime component of a derivation: the outputs of it that are in
/// the closure; the main one (`out`, else the first declared) stands for it.
fn runtime_package(
    facts: &DrvFacts,
    members: &[&Member],
    drvs: &BTreeMap<String, DrvFacts>,
) -> Result<Component, SbomError> {
    let present: HashMap<&str, &Member> = members.iter().map(|m| (m.path.as_str(), *m)).collect();
    let mut outputs = Vec::new();
    for name in &facts.output_order {
        let Some(Some(path)) = facts.outputs.get(name) else {
            continue;
        };
        let Some(info) = present.get(path.as_str()) else {
            continue;
        };
        let hash = info
            .nar_hash
            .as_deref()
            .map(|h| nar_hash(&info.path, h))
            .transpose()?;
        outputs.push(Output {
            name: name.clone(),
            path: Some(path.clone()),
            nar_hash: hash,
        });
    }
    let main = outputs
        .iter()
        .find(|o| o.name == "out")
        .or_else(|| outputs.first())
        .cloned()
        .ok_or_else(|| SbomError::BadDerivation {
            drv: facts.drv_path.clone(),
            reason: "none of its outputs is in the closure".into(),
        })?;
    let mut c = package(facts, drvs, main.path.clone().unwrap_or_default());
    // A realised output's NAR hash identifies what is installed; the
    // fixed-output hash stays with the source it describes.
    c.hash = main.nar_hash.clone().or(c.hash);
    c.outputs = outputs;
    Ok(c)
}

/// A store path with no known derivation.
fn standalone(info: &Member) -> Result<Component, SbomError> {
    let base = store_path_name(&info.path);
    let parsed = PackageName::parse(base);
    let (name, version) = if is_patch_name(base) {
        (base.to_owned(), None)
    } else {
        (parsed.name, parsed.version)
    };
    let hash = info
        .nar_hash
        .as_deref()
        .map(|h| nar_hash(&info.path, h))
        .transpose()?;
    let mut c = bare(
        info.path.clone(),
        Kind::File,
        name,
        version,
        info.path.clone(),
    );
    c.outputs = vec![Output {
        name: parsed.output.unwrap_or_else(|| "out".to_owned()),
        path: Some(info.path.clone()),
        nar_hash: hash.clone(),
    }];
    c.hash = hash;
    Ok(c)
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::{Component, Kind, bare};

    /// A bare package component, for other modules' tests.
    pub fn component(name: &str) -> Component {
        bare(
            format!("/nix/store/{name}.drv"),
            Kind::Package,
            name.to_owned(),
            None,
            String::new(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HashAlg;

    const A: &str = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-app-1.0";
    const B: &str = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-etc-motd";
    const C: &str = "/nix/store/cccccccccccccccccccccccccccccccc-lib-2.1-dev";
    const SRI: &str = "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=";

    fn info(path: &str, refs: &[&str]) -> flakegate_store::PathInfo {
        flakegate_store::PathInfo {
            path: path.to_owned(),
            nar_size: 8,
            nar_hash: Some(SRI.to_owned()),
            references: refs.iter().map(|r| (*r).to_owned()).collect(),
            deriver: None,
            registration_time: None,
        }
    }

    fn opts() -> Options {
        Options {
            timestamp: None,
            tool_version: "0".into(),
        }
    }

    #[test]
    fn paths_without_derivations_stand_alone() {
        let closure = Closure::new(
            vec![A.to_owned()],
            vec![info(A, &[B, C, A]), info(B, &[]), info(C, &[B])],
        );
        let bom = runtime(&closure, &BTreeMap::new(), None, &opts()).expect("bom");
        assert_eq!(bom.root.bom_ref, A);
        assert_eq!(bom.root.name, "app");
        // Sorted by name; the root is not repeated.
        let names: Vec<(&str, Option<&str>)> = bom
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_deref()))
            .collect();
        assert_eq!(names, [("etc-motd", None), ("lib", Some("2.1"))]);
        assert_eq!(bom.components[1].outputs[0].name, "dev");
        assert_eq!(bom.root.hash.as_ref().map(|h| h.alg), Some(HashAlg::Sha256));
        // The self reference is not an edge.
        assert_eq!(bom.dependencies[A], vec![B.to_owned(), C.to_owned()]);
        assert_eq!(bom.dependencies[C], vec![B.to_owned()]);
        assert_eq!(bom.dependencies[B], Vec::<String>::new());
        assert_eq!(bom.metadata, MetadataSource::Unavailable);
        assert_eq!(bom.edge_count(), 3);
        // The same input, the same serial; another root, another.
        let again = runtime(&closure, &BTreeMap::new(), None, &opts()).expect("bom");
        assert_eq!(bom, again);
        let other = Closure::new(vec![B.to_owned()], vec![info(B, &[])]);
        let other = runtime(&other, &BTreeMap::new(), None, &opts()).expect("bom");
        assert_ne!(bom.serial, other.serial);
    }

    #[test]
    fn inconsistent_graphs_are_errors() {
        let missing_root = Closure::new(vec![A.to_owned()], vec![info(B, &[])]);
        assert!(matches!(
            runtime(&missing_root, &BTreeMap::new(), None, &opts()),
            Err(SbomError::RootNotInClosure { .. })
        ));
        let empty = Closure::new(Vec::new(), Vec::new());
        assert!(
            buildtime(
                "/nix/store/dddddddddddddddddddddddddddddddd-x.drv",
                &BTreeMap::new(),
                &empty,
                None,
                &opts()
            )
            .is_err()
        );
        // A source the derivation names but the sources' closure lacks.
        let drv = "/nix/store/dddddddddddddddddddddddddddddddd-x.drv";
        let facts = DrvFacts {
            drv_path: drv.to_owned(),
            name: "x".to_owned(),
            pname: None,
            version: None,
            output_order: Vec::new(),
            outputs: BTreeMap::new(),
            fixed: None,
            urls: Vec::new(),
            input_drvs: Vec::new(),
            input_srcs: vec![C.to_owned()],
            patches: Vec::new(),
            rev: None,
        };
        let drvs = BTreeMap::from([(drv.to_owned(), facts)]);
        let sources = Closure::new(Vec::new(), vec![info(B, &[])]);
        let err = buildtime(drv, &drvs, &sources, None, &opts()).expect_err("dangling source");
        assert!(
            matches!(&err, SbomError::Dangling { from, to } if from == drv && to == C),
            "{err}"
        );
    }
}
