//! From graphs to a [`Bom`]: the runtime closure (one component per
//! derivation, its outputs folded in, edges from real references) or the
//! derivation graph (one component per `.drv` and per input source, edges
//! from inputs). Metadata from evaluation is joined by `.drv` path.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use flakegate_store::meta_eval::{EvalMeta, EvalPackage};
use flakegate_store::name::{PackageName, parse_drv_name, store_path_name};
use flakegate_store::{Closure, PathInfo};

use crate::SbomError;
use crate::drv::{DrvFacts, nar_hash};
use crate::license::licenses;
use crate::model::{Bom, Component, Kind, MetadataSource, Mode, Output, SourceRef};
use crate::purl::purl;
use crate::serial::uuid_v5;

/// What every SBOM needs besides its graph.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Seconds since the epoch (`SOURCE_DATE_EPOCH`); no date when `None`.
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
    let by_path: HashMap<&str, &PathInfo> =
        closure.paths.iter().map(|p| (p.path.as_str(), p)).collect();
    if !by_path.contains_key(root_path.as_str()) {
        return Err(SbomError::RootNotInClosure { root: root_path });
    }
    let meta_index = MetaIndex::new(meta);

    // Which derivation built each path: the one declaring it as an output.
    let mut built_by: HashMap<&str, &DrvFacts> = HashMap::new();
    for facts in drvs.values() {
        for path in facts.outputs.values().flatten() {
            if by_path.contains_key(path.as_str()) {
                built_by.insert(path.as_str(), facts);
            }
        }
    }

    // Group the closure by derivation; paths without one stand alone.
    let mut groups: BTreeMap<String, Vec<&PathInfo>> = BTreeMap::new();
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
            Some(facts) => runtime_package(facts, members, drvs, &meta_index)?,
            None => standalone(members[0], &meta_index)?,
        };
        components.push(component);
    }

    let mut dependencies: BTreeMap<String, BTreeSet<String>> = groups
        .keys()
        .map(|k| (k.clone(), BTreeSet::new()))
        .collect();
    for info in &closure.paths {
        let from = &ref_of[info.path.as_str()];
        for r in &info.references {
            let to = ref_of.get(r.as_str()).ok_or_else(|| SbomError::Dangling {
                from: info.path.clone(),
                to: r.clone(),
            })?;
            if to != from {
                dependencies
                    .entry(from.clone())
                    .or_default()
                    .insert(to.clone());
            }
        }
    }
    let root_ref = ref_of[root_path.as_str()].clone();
    finish(
        Mode::Runtime,
        &root_path,
        &root_ref,
        components,
        dependencies,
        meta,
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
    let meta_index = MetaIndex::new(meta);
    let mut components = Vec::with_capacity(drvs.len() + sources.paths.len());
    let mut dependencies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let source_paths: BTreeSet<&str> = sources.paths.iter().map(|p| p.path.as_str()).collect();
    for facts in drvs.values() {
        let mut c = package(facts, drvs, &meta_index, facts.drv_path.clone());
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
            if !source_paths.contains(src.as_str()) && !drvs.contains_key(src) {
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
        components.push(standalone(info, &meta_index)?);
        let deps = dependencies.entry(info.path.clone()).or_default();
        for r in &info.references {
            if !source_paths.contains(r.as_str()) && !drvs.contains_key(r) {
                return Err(SbomError::Dangling {
                    from: info.path.clone(),
                    to: r.clone(),
                });
            }
            deps.insert(r.clone());
        }
    }
    finish(
        Mode::Buildtime,
        root_drv,
        root_drv,
        components,
        dependencies,
        meta,
        opts,
    )
}

/// Sorts, picks out the root and derives the serial number.
fn finish(
    mode: Mode,
    root_path: &str,
    root_ref: &str,
    mut components: Vec<Component>,
    dependencies: BTreeMap<String, BTreeSet<String>>,
    meta: Option<&EvalMeta>,
    opts: &Options,
) -> Result<Bom, SbomError> {
    let index = components
        .iter()
        .position(|c| c.bom_ref == root_ref)
        .ok_or_else(|| SbomError::RootNotInClosure {
            root: root_path.to_owned(),
        })?;
    let root = components.swap_remove(index);
    components
        .sort_by(|a, b| (&a.name, &a.version, &a.bom_ref).cmp(&(&b.name, &b.version, &b.bom_ref)));
    Ok(Bom {
        mode,
        metadata: if meta.is_some() {
            MetadataSource::Evaluation
        } else {
            MetadataSource::Unavailable
        },
        serial: uuid_v5(&format!(
            "https://github.com/flakegate/flakegate/sbom/{}{root_path}",
            mode.as_str()
        )),
        timestamp: opts.timestamp,
        tool_version: opts.tool_version.clone(),
        root,
        components,
        dependencies: dependencies
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().collect()))
            .collect(),
    })
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

fn apply_meta(c: &mut Component, p: Option<&EvalPackage>) {
    let Some(p) = p else { return };
    c.licenses = licenses(&p.meta.license);
    c.description.clone_from(&p.meta.description);
    c.homepages.clone_from(&p.meta.homepage);
    c.cpe.clone_from(&p.meta.cpe);
    c.possible_cpes = p
        .meta
        .possible_cpes
        .iter()
        .filter(|x| Some(*x) != p.meta.cpe.as_ref())
        .cloned()
        .collect();
}

/// `pname`/`version` when the derivation has both, else Nix's split of its
/// name. A missing version is never a reason to drop a component.
fn name_version(facts: &DrvFacts) -> (String, Option<String>) {
    if let (Some(p), Some(v)) = (&facts.pname, &facts.version) {
        return (p.clone(), Some(v.clone()));
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
        .filter(|s| s.is_source() && !s.urls.is_empty())
        .map(|s| SourceRef {
            drv_path: s.drv_path.clone(),
            urls: s.urls.clone(),
            hash: s.fixed.as_ref().map(|(h, _)| h.clone()),
            recursive: s.fixed.as_ref().is_some_and(|(_, r)| *r),
        })
        .collect()
}

/// A component for a derivation; `store_path` stands for it.
fn package(
    facts: &DrvFacts,
    drvs: &BTreeMap<String, DrvFacts>,
    meta: &MetaIndex<'_>,
    store_path: String,
) -> Component {
    let (name, version) = name_version(facts);
    let kind = if facts.is_source() {
        Kind::Source
    } else {
        Kind::Package
    };
    let mut c = Component {
        bom_ref: facts.drv_path.clone(),
        kind,
        purl: purl(&name, version.as_deref(), &store_path),
        name,
        version,
        store_path,
        drv_path: Some(facts.drv_path.clone()),
        outputs: Vec::new(),
        hash: facts.fixed.as_ref().map(|(h, _)| h.clone()),
        urls: if facts.is_source() {
            facts.urls.clone()
        } else {
            Vec::new()
        },
        sources: sources_of(facts, drvs),
        licenses: Vec::new(),
        description: None,
        homepages: Vec::new(),
        cpe: None,
        possible_cpes: Vec::new(),
    };
    apply_meta(&mut c, meta.by_drv.get(facts.drv_path.as_str()).copied());
    c
}

/// The runtime component of a derivation: the outputs of it that are in
/// the closure; the main one (`out`, else the first declared) stands for it.
fn runtime_package(
    facts: &DrvFacts,
    members: &[&PathInfo],
    drvs: &BTreeMap<String, DrvFacts>,
    meta: &MetaIndex<'_>,
) -> Result<Component, SbomError> {
    let present: HashMap<&str, &PathInfo> = members.iter().map(|m| (m.path.as_str(), *m)).collect();
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
    let mut c = package(facts, drvs, meta, main.path.clone().unwrap_or_default());
    // A realised output's NAR hash identifies what is installed; the
    // fixed-output hash stays with the source it describes.
    c.hash = main.nar_hash.clone().or(c.hash);
    c.outputs = outputs;
    Ok(c)
}

/// A store path with no known derivation.
fn standalone(info: &PathInfo, meta: &MetaIndex<'_>) -> Result<Component, SbomError> {
    let parsed = PackageName::parse(store_path_name(&info.path));
    let hash = info
        .nar_hash
        .as_deref()
        .map(|h| nar_hash(&info.path, h))
        .transpose()?;
    let mut c = Component {
        bom_ref: info.path.clone(),
        kind: Kind::File,
        purl: purl(&parsed.name, parsed.version.as_deref(), &info.path),
        name: parsed.name,
        version: parsed.version,
        store_path: info.path.clone(),
        drv_path: None,
        outputs: vec![Output {
            name: parsed.output.unwrap_or_else(|| "out".to_owned()),
            path: Some(info.path.clone()),
            nar_hash: hash.clone(),
        }],
        hash,
        urls: Vec::new(),
        sources: Vec::new(),
        licenses: Vec::new(),
        description: None,
        homepages: Vec::new(),
        cpe: None,
        possible_cpes: Vec::new(),
    };
    apply_meta(&mut c, meta.by_out.get(info.path.as_str()).copied());
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HashAlg;

    const A: &str = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-app-1.0";
    const B: &str = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-etc-motd";
    const C: &str = "/nix/store/cccccccccccccccccccccccccccccccc-lib-2.1-dev";
    const SRI: &str = "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=";

    fn info(path: &str, refs: &[&str]) -> PathInfo {
        PathInfo {
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
        let missing_root = Closure {
            roots: vec![A.to_owned()],
            paths: vec![info(B, &[])],
        };
        assert!(matches!(
            runtime(&missing_root, &BTreeMap::new(), None, &opts()),
            Err(SbomError::RootNotInClosure { .. })
        ));
        let dangling = Closure {
            roots: vec![A.to_owned()],
            paths: vec![info(A, &[C])],
        };
        let err = runtime(&dangling, &BTreeMap::new(), None, &opts()).expect_err("dangling");
        assert!(err.to_string().contains("not in the graph"), "{err}");
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
    }
}
