//! What an installable needs and where each path can come from, without
//! building anything: the local store, a binary cache, or a build.
//!
//! The walk follows Nix's own planning (`queryMissing`): a wanted path that
//! is valid locally is done (and so is its closure); one a cache has brings
//! in its references, as that cache's narinfo lists them; one no cache has
//! must be built, which brings in every input of its derivation. Local paths
//! are asked about too, so that the hit rate describes the closure, not this
//! machine's store.

mod implied;

use std::collections::{BTreeMap, HashMap};

use nix_derivation::Derivation;

use crate::binary_cache::{Caches, Lookup};
use crate::installable::{self, Kind};
use crate::{PathInfo, Store, StoreError, drv};

/// Where a walk starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// Every output of a derivation.
    Drv(String),
    /// A store path (valid here or not).
    Path(String),
}

/// What the local store knows of a valid path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath {
    pub nar_size: u64,
    pub deriver: Option<String>,
}

/// One path of the needed closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRecord {
    pub path: String,
    /// Set when the path is valid in the local store.
    pub local: Option<LocalPath>,
    /// One answer per cache, in [`Caches::caches`] order.
    pub lookups: Vec<Lookup>,
    /// The derivation and output that produce the path, when the walk came
    /// through the `.drv` graph.
    pub produced_by: Option<(String, String)>,
}

/// The result of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub roots: Vec<Root>,
    /// Every path met, sorted by path.
    pub paths: Vec<PathRecord>,
}

/// Turns what the user typed into a walk root, without building: a flake
/// reference or a `.drv` becomes its derivation, a store path stays a path
/// (it need not be valid here), a symlink is followed to a valid path.
pub fn root_of(input: &str, store: &dyn Store) -> Result<Root, StoreError> {
    let store_dir = store.store_dir();
    match installable::classify(input) {
        Kind::Flake(_) => installable::derivation_of(input, store).map(Root::Drv),
        Kind::Path(_) => {
            if let Some(base) = store_dir.basename_of(input) {
                store_dir.check_path(input)?;
                return Ok(if base.ends_with(".drv") {
                    Root::Drv(input.to_owned())
                } else {
                    Root::Path(input.to_owned())
                });
            }
            let resolved =
                installable::resolve(input, store, installable::ResolveOptions::default());
            match resolved {
                Ok(r) => Ok(r.drv_path.map_or_else(
                    || Root::Path(r.paths.first().cloned().unwrap_or_default()),
                    Root::Drv,
                )),
                // An unrealised .drv behind a symlink is still a fine root.
                Err(StoreError::NotRealised { drv, .. }) => Ok(Root::Drv(drv)),
                Err(e) => Err(e),
            }
        }
    }
}

struct Walk<'a> {
    store: &'a dyn Store,
    drvs: HashMap<String, Derivation>,
    produced_by: HashMap<String, (String, String)>,
    records: BTreeMap<String, PathRecord>,
}

impl Walk<'_> {
    fn derivation(&mut self, path: &str) -> Result<&Derivation, StoreError> {
        if !self.drvs.contains_key(path) {
            let parsed = drv::read(path, self.store.store_dir())?;
            self.drvs.insert(path.to_owned(), parsed);
        }
        Ok(&self.drvs[path])
    }

    /// The output paths of `drv_path` named in `wanted` (all when `None`),
    /// remembering which derivation produces each.
    fn outputs(
        &mut self,
        drv_path: &str,
        wanted: Option<&[String]>,
    ) -> Result<Vec<String>, StoreError> {
        let store_dir = self.store.store_dir().clone();
        let parsed = self.derivation(drv_path)?;
        let outputs = drv::output_paths(parsed, drv_path, &store_dir)?;
        let mut paths = Vec::new();
        for (name, path) in outputs {
            if wanted.is_some_and(|w| !w.contains(&name)) {
                continue;
            }
            // A floating content-addressed output has no path before it is
            // built: it is named after its derivation.
            let path = path.unwrap_or_else(|| format!("{drv_path}^{name}"));
            self.produced_by
                .insert(path.clone(), (drv_path.to_owned(), name));
            paths.push(path);
        }
        Ok(paths)
    }

    /// What building `drv_path` needs: its input derivations' outputs and its
    /// input sources.
    fn build_inputs(&mut self, drv_path: &str) -> Result<Vec<String>, StoreError> {
        let store_dir = self.store.store_dir().clone();
        let dir = nix_derivation::StoreDir::new(store_dir.as_str()).map_err(|e| {
            StoreError::BadDerivation {
                input: drv_path.to_owned(),
                reason: e.to_string(),
            }
        })?;
        let parsed = self.derivation(drv_path)?;
        let sources: Vec<String> = parsed
            .input_sources()
            .iter()
            .map(|p| dir.render_path(p))
            .collect();
        let inputs: Vec<(String, Vec<String>)> = parsed
            .input_derivations()
            .iter()
            .map(|(p, outs)| {
                (
                    dir.render_path(p),
                    outs.outputs().iter().cloned().collect::<Vec<String>>(),
                )
            })
            .collect();
        let mut needed = sources;
        for (input, outs) in inputs {
            needed.extend(self.outputs(&input, Some(&outs))?);
        }
        Ok(needed)
    }
}

/// How thoroughly local paths are asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Thoroughness {
    /// Ask as few as the caches' closure property allows (see [`implied`]).
    #[default]
    Implied,
    /// Ask every cache about every path (caches not written by Nix, or
    /// garbage-collected ones, may not hold closed sets; signatures can
    /// only be checked on narinfos actually fetched).
    Exhaustive,
}

/// Walks the closure `roots` need, asking `caches` about every path.
/// Paths that are not local are always asked (their references come from
/// the narinfo); local ones as `thoroughness` says.
pub fn survey(
    roots: &[Root],
    store: &dyn Store,
    caches: &Caches,
    thoroughness: Thoroughness,
) -> Result<Survey, StoreError> {
    let mut walk = Walk {
        store,
        drvs: HashMap::new(),
        produced_by: HashMap::new(),
        records: BTreeMap::new(),
    };
    let mut frontier = Vec::new();
    for root in roots {
        match root {
            Root::Drv(d) => frontier.extend(walk.outputs(d, None)?),
            Root::Path(p) => frontier.push(p.clone()),
        }
    }
    let mut local_roots = Vec::new();
    while !frontier.is_empty() {
        frontier.sort_unstable();
        frontier.dedup();
        frontier.retain(|p| !walk.records.contains_key(p));
        let mut remote = Vec::new();
        for path in std::mem::take(&mut frontier) {
            let valid = !path.contains('^') && store.is_valid(&path)?;
            if valid {
                local_roots.push(path);
            } else {
                remote.push(path);
            }
        }
        let askable: Vec<String> = remote
            .iter()
            .filter(|p| !p.contains('^'))
            .cloned()
            .collect();
        let mut answers: HashMap<String, Vec<Lookup>> = askable
            .iter()
            .cloned()
            .zip(caches.query(&askable))
            .collect();
        for path in remote {
            let lookups = answers.remove(&path).unwrap_or_default();
            let hit = lookups.iter().find_map(|l| match l {
                Lookup::Hit { info, .. } => Some(info.references.clone()),
                _ => None,
            });
            let produced_by = walk.produced_by.get(&path).cloned();
            match (hit, &produced_by) {
                (Some(references), _) => frontier.extend(references),
                (None, Some((drv_path, _))) => {
                    let drv_path = drv_path.clone();
                    frontier.extend(walk.build_inputs(&drv_path)?);
                }
                (None, None) => {}
            }
            walk.records.insert(
                path.clone(),
                PathRecord {
                    path,
                    local: None,
                    lookups,
                    produced_by,
                },
            );
        }
    }
    // Valid paths have valid closures: one read of the store gives them all.
    local_roots.sort_unstable();
    local_roots.dedup();
    let closure = store.closure(&local_roots)?;
    let local: Vec<PathInfo> = closure
        .paths
        .iter()
        .filter(|i| !walk.records.contains_key(&i.path))
        .map(|m| closure.path_info(m))
        .collect();
    let answers = match thoroughness {
        Thoroughness::Exhaustive => {
            let paths: Vec<String> = local.iter().map(|i| i.path.clone()).collect();
            caches.query(&paths)
        }
        Thoroughness::Implied => implied::query_closed(caches, &local),
    };
    let mut answers: HashMap<String, Vec<Lookup>> =
        local.into_iter().map(|i| i.path).zip(answers).collect();
    for info in closure.paths {
        let lookups = answers.remove(&info.path).unwrap_or_default();
        let produced_by = walk.produced_by.get(&info.path).cloned();
        walk.records.insert(
            info.path.clone(),
            PathRecord {
                path: info.path,
                local: Some(LocalPath {
                    nar_size: info.nar_size,
                    deriver: info.deriver,
                }),
                lookups,
                produced_by,
            },
        );
    }
    Ok(Survey {
        roots: roots.to_vec(),
        paths: walk.records.into_values().collect(),
    })
}
