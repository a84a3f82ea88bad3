//! The derivation view: why two derivations differ. Both graphs are walked
//! from the roots; input derivations are paired by name, each pair is compared
//! once, and identical subgraphs are never read. Every difference is tagged as
//! the derivation's *own* change or as a mere consequence of changed inputs
//! (output paths, values that differ only in store hashes), so the report can
//! lead with the causes.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use nix_derivation::{Derivation, Output};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use flakegate_store::name::store_path_name;

use crate::text_diff::{Chunk, lines, mask_store_hashes, words};

pub const SCHEMA: &str = "flakegate.diff.drv/1";

/// Values longer than this get a word-level diff.
const WORD_DIFF_MIN_LEN: usize = 60;

/// Where derivations and source files come from (the store crate reads them).
pub trait DrvSource {
    /// Reads and parses a `.drv`; the error names the path.
    fn load(&self, drv_path: &str) -> Result<Derivation, String>;
    /// The contents of a small UTF-8 text file in the store, if it is one.
    fn read_small_text(&self, path: &str, limit: u64) -> Option<String>;
    /// The store directory, for masking store hashes.
    fn store_dir(&self) -> &str;
}

#[derive(Debug, Clone)]
pub struct DrvDiffOptions {
    /// Follow changed inputs at most this deep (the roots are depth 0).
    pub max_depth: Option<usize>,
    /// Input source files up to this size are diffed line by line.
    pub text_limit: u64,
}

impl Default for DrvDiffOptions {
    fn default() -> Self {
        Self {
            max_depth: None,
            text_limit: 64 * 1024,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DrvDiffError(pub String);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DrvDiffReport {
    pub schema: String,
    pub before: String,
    pub after: String,
    pub summary: DrvSummary,
    /// Compared pairs in breadth-first order; the roots are entry 0.
    pub derivations: Vec<DrvPairDiff>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DrvSummary {
    /// Pairs of differing derivations compared.
    pub compared: usize,
    /// Of those, how many differ in more than their inputs' hashes.
    pub with_own_changes: usize,
    /// Changed input pairs not followed because of `max_depth`.
    pub not_followed: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DrvPairDiff {
    pub id: usize,
    pub depth: usize,
    pub before: String,
    pub after: String,
    pub name_before: String,
    pub name_after: String,
    /// Whether anything differs besides what changed inputs imply.
    pub own_changes: bool,
    pub outputs: Vec<FieldChange>,
    pub system: Option<FieldChange>,
    pub builder: Option<FieldChange>,
    pub args: Option<FieldChange>,
    /// Environment variables (and structured attributes, as `__json.NAME`).
    pub env: Vec<FieldChange>,
    pub sources: Vec<SourceChange>,
    pub inputs_added: Vec<String>,
    pub inputs_removed: Vec<String>,
    pub inputs_changed: Vec<InputChange>,
}

/// One differing field or value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Equal once store hashes are masked: a consequence of changed inputs.
    pub hashes_only: bool,
    /// A word diff of long values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<Chunk>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceChange {
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// A line diff when both sides are small text files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<Chunk>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputChange {
    pub name: String,
    pub before: String,
    pub after: String,
    /// Outputs used from the input, when they differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<(Vec<String>, Vec<String>)>,
    /// The `id` of this pair's own entry; `None` when not followed.
    pub diff: Option<usize>,
}

/// Compares the derivations `before` and `after` and, recursively, their
/// changed inputs.
pub fn diff_derivations(
    source: &dyn DrvSource,
    before: &str,
    after: &str,
    opts: &DrvDiffOptions,
) -> Result<DrvDiffReport, DrvDiffError> {
    let mut report = DrvDiffReport {
        schema: SCHEMA.to_owned(),
        before: before.to_owned(),
        after: after.to_owned(),
        summary: DrvSummary::default(),
        derivations: Vec::new(),
    };
    if before == after {
        return Ok(report);
    }
    let mut ids: FxHashMap<(String, String), usize> = FxHashMap::default();
    let mut queue: VecDeque<(String, String, usize, usize)> = VecDeque::new();
    ids.insert((before.to_owned(), after.to_owned()), 0);
    queue.push_back((before.to_owned(), after.to_owned(), 0, 0));
    let mut next_id = 1;
    while let Some((a_path, b_path, depth, id)) = queue.pop_front() {
        let a = source.load(&a_path).map_err(DrvDiffError)?;
        let b = source.load(&b_path).map_err(DrvDiffError)?;
        let mut pair = compare(source, &a, &b, opts, id, depth, &a_path, &b_path);
        for input in &mut pair.inputs_changed {
            let key = (input.before.clone(), input.after.clone());
            if let Some(&existing) = ids.get(&key) {
                input.diff = Some(existing);
            } else if opts.max_depth.is_none_or(|m| depth < m) {
                ids.insert(key, next_id);
                queue.push_back((
                    input.before.clone(),
                    input.after.clone(),
                    depth + 1,
                    next_id,
                ));
                input.diff = Some(next_id);
                next_id += 1;
            } else {
                report.summary.not_followed += 1;
            }
        }
        report.summary.compared += 1;
        if pair.own_changes {
            report.summary.with_own_changes += 1;
        }
        report.derivations.push(pair);
    }
    Ok(report)
}

fn describe_output(o: &Output) -> (String, bool) {
    // (description, whether a change of it is only a consequence of inputs)
    match o {
        Output::InputAddressed { path } => (path.to_string(), true),
        Output::Fixed { ca } => (ca.to_string(), false),
        Output::Floating {
            method,
            hash_algorithm,
        } => (format!("floating {method}:{hash_algorithm}"), false),
        Output::Deferred => ("deferred".to_owned(), false),
        Output::Impure {
            method,
            hash_algorithm,
        } => (format!("impure {method}:{hash_algorithm}"), false),
    }
}

fn field(
    name: &str,
    before: Option<&str>,
    after: Option<&str>,
    store_dir: &str,
) -> Option<FieldChange> {
    if before == after {
        return None;
    }
    let hashes_only = match (before, after) {
        (Some(x), Some(y)) => mask_store_hashes(x, store_dir) == mask_store_hashes(y, store_dir),
        _ => false,
    };
    // The word diff is of the masked values: a store hash that changed only
    // because an input did is a consequence, not a difference to show.
    let diff = match (before, after) {
        (Some(x), Some(y))
            if !hashes_only && (x.len() > WORD_DIFF_MIN_LEN || y.len() > WORD_DIFF_MIN_LEN) =>
        {
            Some(words(
                &mask_store_hashes(x, store_dir),
                &mask_store_hashes(y, store_dir),
            ))
        }
        _ => None,
    };
    Some(FieldChange {
        name: name.to_owned(),
        before: before.map(str::to_owned),
        after: after.map(str::to_owned),
        hashes_only,
        diff,
    })
}

fn drv_name(path: &str) -> String {
    let name = flakegate_store::name::store_path_name(path);
    name.strip_suffix(".drv").unwrap_or(name).to_owned()
}

#[allow(clippy::too_many_arguments)]
fn compare(
    source: &dyn DrvSource,
    a: &Derivation,
    b: &Derivation,
    opts: &DrvDiffOptions,
    id: usize,
    depth: usize,
    a_path: &str,
    b_path: &str,
) -> DrvPairDiff {
    let store_dir = source.store_dir();
    let mut own = a.name() != b.name();

    // Outputs: an input-addressed path changes whenever anything does.
    let mut outputs = Vec::new();
    let names: BTreeSet<&String> = a.outputs().keys().chain(b.outputs().keys()).collect();
    for name in names {
        let x = a.outputs().get(name).map(describe_output);
        let y = b.outputs().get(name).map(describe_output);
        if x.as_ref().map(|d| &d.0) != y.as_ref().map(|d| &d.0) {
            let consequence = matches!((&x, &y), (Some((_, true)), Some((_, true))));
            own |= !consequence;
            outputs.push(FieldChange {
                name: name.clone(),
                before: x.map(|d| d.0),
                after: y.map(|d| d.0),
                hashes_only: consequence,
                diff: None,
            });
        }
    }

    let system = field("system", Some(a.system()), Some(b.system()), store_dir);
    let builder = field("builder", Some(a.builder()), Some(b.builder()), store_dir);
    let args = field(
        "args",
        Some(&a.arguments().join("\n")),
        Some(&b.arguments().join("\n")),
        store_dir,
    );
    for f in [&system, &builder, &args].into_iter().flatten() {
        own |= !f.hashes_only;
    }

    // Environment, without the variables that only carry output paths.
    let output_names: BTreeSet<&str> = a
        .outputs()
        .keys()
        .chain(b.outputs().keys())
        .map(String::as_str)
        .collect();
    let env_a = env_map(a);
    let env_b = env_map(b);
    let keys: BTreeSet<&String> = env_a.keys().chain(env_b.keys()).collect();
    let mut env = Vec::new();
    for k in keys {
        if output_names.contains(k.as_str()) || k == "__json.outputs" {
            continue;
        }
        if let Some(f) = field(
            k,
            env_a.get(k).map(String::as_str),
            env_b.get(k).map(String::as_str),
            store_dir,
        ) {
            own |= !f.hashes_only;
            env.push(f);
        }
    }

    // Input sources: content-addressed, so a new path is new content.
    let src_a = by_name(
        a.input_sources()
            .iter()
            .map(|p| a.store_dir().render_path(p)),
    );
    let src_b = by_name(
        b.input_sources()
            .iter()
            .map(|p| b.store_dir().render_path(p)),
    );
    let mut sources = Vec::new();
    let src_names: BTreeSet<&String> = src_a.keys().chain(src_b.keys()).collect();
    for group in src_names {
        let (xs, ys) = (
            src_a.get(group).cloned().unwrap_or_default(),
            src_b.get(group).cloned().unwrap_or_default(),
        );
        let (pairs, removed, added) = pair_paths(xs, ys);
        for (x, y) in pairs {
            let name = if store_path_name(&x) == store_path_name(&y) {
                store_path_name(&x).to_owned()
            } else {
                format!("{} → {}", store_path_name(&x), store_path_name(&y))
            };
            let diff = match (
                source.read_small_text(&x, opts.text_limit),
                source.read_small_text(&y, opts.text_limit),
            ) {
                (Some(tx), Some(ty)) => Some(lines(&tx, &ty)),
                _ => None,
            };
            sources.push(SourceChange {
                name,
                before: Some(x),
                after: Some(y),
                diff,
            });
        }
        for x in removed {
            sources.push(SourceChange {
                name: store_path_name(&x).to_owned(),
                before: Some(x),
                after: None,
                diff: None,
            });
        }
        for y in added {
            sources.push(SourceChange {
                name: store_path_name(&y).to_owned(),
                before: None,
                after: Some(y),
                diff: None,
            });
        }
    }
    own |= !sources.is_empty();

    // Input derivations, paired by name.
    let outs = |d: &Derivation| -> BTreeMap<String, Vec<String>> {
        d.input_derivations()
            .iter()
            .map(|(p, i)| {
                (
                    d.store_dir().render_path(p),
                    i.outputs().iter().cloned().collect(),
                )
            })
            .collect()
    };
    let (in_a, in_b) = (outs(a), outs(b));
    let names_a = by_name(in_a.keys().cloned());
    let names_b = by_name(in_b.keys().cloned());
    let mut inputs_added = Vec::new();
    let mut inputs_removed = Vec::new();
    let mut inputs_changed = Vec::new();
    let all: BTreeSet<&String> = names_a.keys().chain(names_b.keys()).collect();
    for name in all {
        let xs = names_a.get(name).cloned().unwrap_or_default();
        let ys = names_b.get(name).cloned().unwrap_or_default();
        // Identical inputs may still be used through other outputs.
        for same in xs.iter().filter(|x| ys.contains(x)) {
            if in_a[same] != in_b[same] {
                own = true;
                inputs_changed.push(InputChange {
                    name: drv_name(same),
                    before: same.clone(),
                    after: same.clone(),
                    outputs: Some((in_a[same].clone(), in_b[same].clone())),
                    diff: None,
                });
            }
        }
        let (pairs, removed, added) = pair_paths(xs, ys);
        for (x, y) in pairs {
            let outputs = (in_a[&x] != in_b[&y]).then(|| (in_a[&x].clone(), in_b[&y].clone()));
            own |= outputs.is_some();
            inputs_changed.push(InputChange {
                name: drv_name(&x),
                before: x,
                after: y,
                outputs,
                diff: None,
            });
        }
        inputs_removed.extend(removed);
        inputs_added.extend(added);
    }
    inputs_changed.retain(|c| c.before != c.after || c.outputs.is_some());
    own |= !inputs_added.is_empty() || !inputs_removed.is_empty();

    DrvPairDiff {
        id,
        depth,
        before: a_path.to_owned(),
        after: b_path.to_owned(),
        name_before: a.name().to_owned(),
        name_after: b.name().to_owned(),
        own_changes: own,
        outputs,
        system,
        builder,
        args,
        env,
        sources,
        inputs_added,
        inputs_removed,
        inputs_changed,
    }
}

/// Environment variables as text, with structured attributes flattened to
/// `__json.KEY` (compact JSON values).
fn env_map(d: &Derivation) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = d
        .environment()
        .iter()
        .filter(|(k, _)| k.as_str() != "__json")
        .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    if let Some(attrs) = d.structured_attrs() {
        for (k, v) in attrs.iter() {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            m.insert(format!("__json.{k}"), text);
        }
    }
    m
}

/// Paths grouped by package name without version (`zlib` for
/// `zlib-1.3.1.drv` and `zlib-1.3.2.drv`), so that a version bump pairs the
/// two derivations instead of listing one as removed and one as added.
fn by_name(paths: impl Iterator<Item = String>) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in paths {
        let name = flakegate_store::name::PackageName::of_path(&p).name;
        m.entry(name).or_default().push(p);
    }
    for v in m.values_mut() {
        v.sort();
    }
    m
}

/// Pairs two same-name lists: identical paths drop out, the rest pair in
/// order; leftovers are (removed, added).
fn pair_paths(
    xs: Vec<String>,
    ys: Vec<String>,
) -> (Vec<(String, String)>, Vec<String>, Vec<String>) {
    let x_rest: Vec<String> = xs.iter().filter(|x| !ys.contains(x)).cloned().collect();
    let y_rest: Vec<String> = ys.iter().filter(|y| !xs.contains(y)).cloned().collect();
    let n = x_rest.len().min(y_rest.len());
    let pairs = x_rest
        .iter()
        .cloned()
        .zip(y_rest.iter().cloned())
        .take(n)
        .collect();
    (pairs, x_rest[n..].to_vec(), y_rest[n..].to_vec())
}
