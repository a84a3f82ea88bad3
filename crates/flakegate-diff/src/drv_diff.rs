//! The derivation view: why two derivations differ. Both graphs are walked
//! from the roots; input derivations are paired by name, each pair is compared
//! once, and identical subgraphs are never read. Every difference is tagged as
//! the derivation's *own* change or as a mere consequence of changed inputs
//! (values that are equal once every store path is rewritten to the input it
//! stands for, see [`crate::identity`]), so the report can lead with the
//! causes, and each consequence names the causes it comes from.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use nix_derivation::{Derivation, InputDerivation, Output};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use flakegate_store::name::{parse_drv_name, store_path_name};

use crate::identity::Identities;
use crate::text_diff::{Chunk, lines, mask_placeholders, words};
use rayon::prelude::*;

pub const SCHEMA: &str = "flakegate.diff.drv/2";

/// Values longer than this get a word-level diff.
const WORD_DIFF_MIN_LEN: usize = 60;

/// Where derivations and source files come from: the store crate's
/// [`DrvSource`], which every store is; read on several threads at once.
pub use flakegate_store::DrvSource;

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
    /// Of those, how many changed by themselves (the causes); the others
    /// changed only because their inputs did.
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
    /// For a pair without changes of its own: the causes it comes from, the
    /// nearest changed inputs that changed by themselves (through any number
    /// of inputs that did not). Empty for a pair with changes of its own.
    pub because: Vec<Because>,
    /// How many causes there are; `because` names the first
    /// [`BECAUSE_SHOWN`] (by id).
    #[serde(default)]
    pub because_total: usize,
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
    /// Equal once every store path is rewritten to the input it stands for
    /// (and content-addressed placeholders are masked): a consequence of
    /// changed inputs, not a change of the derivation's own.
    pub consequence: bool,
    /// A word diff of long values, of their rewritten forms: it shows only
    /// the derivation's own changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<Chunk>>,
}

/// A cause of a consequence: a compared pair with changes of its own, or a
/// changed input that was not followed (`--depth`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Because {
    /// The `id` of the cause's own entry; `None` when it was not followed.
    pub id: Option<usize>,
    /// What changed, as a reader says it: `curl 8.9.1 → 8.10.0`, `jq 1.7.1`.
    pub name: String,
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
pub fn diff_derivations<S: DrvSource + ?Sized>(
    source: &S,
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
    // Breadth first, one level at a time: the pairs of a level are read and
    // compared in parallel, then numbered in order, which gives the same ids
    // as a plain first-in first-out walk.
    let mut ids: FxHashMap<(String, String), usize> = FxHashMap::default();
    ids.insert((before.to_owned(), after.to_owned()), 0);
    let mut level: Vec<(String, String, usize)> = vec![(before.to_owned(), after.to_owned(), 0)];
    let mut next_id = 1;
    let mut depth = 0;
    while !level.is_empty() {
        let compared: Vec<Result<DrvPairDiff, DrvDiffError>> = level
            .par_iter()
            .map(|(a_path, b_path, id)| {
                let load = |p: &str| source.read_drv(p).map_err(|e| DrvDiffError(e.to_string()));
                let (a, b) = (load(a_path)?, load(b_path)?);
                Ok(compare(source, &a, &b, opts, *id, depth, a_path, b_path))
            })
            .collect();
        let mut next = Vec::new();
        for pair in compared {
            let mut pair = pair?;
            for input in &mut pair.inputs_changed {
                let key = (input.before.clone(), input.after.clone());
                if let Some(&existing) = ids.get(&key) {
                    input.diff = Some(existing);
                } else if opts.max_depth.is_none_or(|m| depth < m) {
                    ids.insert(key, next_id);
                    next.push((input.before.clone(), input.after.clone(), next_id));
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
        level = next;
        depth += 1;
    }
    attribute_causes(&mut report.derivations);
    Ok(report)
}

/// `curl 8.9.1 → 8.10.0`, `jq 1.7.1`, `etc-motd`: a pair of derivation names
/// as a reader says it.
#[must_use]
pub fn change_label(before: &str, after: &str) -> String {
    let (pa, va) = parse_drv_name(before);
    let (pb, vb) = parse_drv_name(after);
    match (pa == pb, va == vb) {
        (true, true) if va.is_empty() => pa.to_owned(),
        (true, true) => format!("{pa} {va}"),
        (true, false) if !va.is_empty() && !vb.is_empty() => format!("{pa} {va} → {vb}"),
        _ => format!("{before} → {after}"),
    }
}

/// Causes named in `because`; `because_total` counts them all. A change deep
/// in a large graph is a cause of almost every pair above it: naming every
/// cause of every pair would be quadratic in time, memory and JSON.
pub const BECAUSE_SHOWN: usize = 8;

/// Fills `because` of every pair without changes of its own: the nearest
/// causes below it, found through its changed inputs. Each pair's causes are
/// a bit set over the distinct causes, so a graph of 20,000 pairs with a
/// hundred causes costs kilobytes, not a copy of every name per pair.
fn attribute_causes(pairs: &mut [DrvPairDiff]) {
    struct Walk<'a> {
        pairs: &'a [DrvPairDiff],
        /// Every distinct cause met, in the order met; bits index it.
        keys: Vec<Because>,
        index: FxHashMap<Because, usize>,
        memo: Vec<Option<Vec<u64>>>,
    }
    impl Walk<'_> {
        fn bit(&mut self, key: Because) -> usize {
            let next = self.keys.len();
            *self.index.entry(key.clone()).or_insert_with(|| {
                self.keys.push(key);
                next
            })
        }
        fn set(bits: &mut Vec<u64>, b: usize) {
            if bits.len() <= b / 64 {
                bits.resize(b / 64 + 1, 0);
            }
            bits[b / 64] |= 1 << (b % 64);
        }
        fn causes(&mut self, i: usize) -> Vec<u64> {
            if let Some(done) = &self.memo[i] {
                return done.clone();
            }
            // Guards against a cycle, which a derivation graph cannot have.
            self.memo[i] = Some(Vec::new());
            let mut bits = Vec::new();
            let pairs = self.pairs;
            for input in &pairs[i].inputs_changed {
                match input.diff {
                    Some(j) if pairs[j].own_changes => {
                        let b = self.bit(Because {
                            id: Some(j),
                            name: change_label(&pairs[j].name_before, &pairs[j].name_after),
                        });
                        Self::set(&mut bits, b);
                    }
                    Some(j) => {
                        let below = self.causes(j);
                        if bits.len() < below.len() {
                            bits.resize(below.len(), 0);
                        }
                        for (w, x) in bits.iter_mut().zip(below) {
                            *w |= x;
                        }
                    }
                    None => {
                        let b = self.bit(Because {
                            id: None,
                            name: change_label(&drv_name(&input.before), &drv_name(&input.after)),
                        });
                        Self::set(&mut bits, b);
                    }
                }
            }
            self.memo[i] = Some(bits.clone());
            bits
        }
    }
    let mut walk = Walk {
        pairs,
        keys: Vec::new(),
        index: FxHashMap::default(),
        memo: vec![None; pairs.len()],
    };
    let mut found: Vec<(usize, Vec<Because>, usize)> = Vec::new();
    for (i, pair) in pairs.iter().enumerate() {
        if pair.own_changes {
            continue;
        }
        let bits = walk.causes(i);
        let mut all: Vec<&Because> = bits
            .iter()
            .enumerate()
            .flat_map(|(w, &x)| {
                (0..64)
                    .filter(move |b| x & (1 << b) != 0)
                    .map(move |b| w * 64 + b)
            })
            .map(|b| &walk.keys[b])
            .collect();
        all.sort_unstable();
        let total = all.len();
        found.push((
            i,
            all.into_iter().take(BECAUSE_SHOWN).cloned().collect(),
            total,
        ));
    }
    for (i, because, total) in found {
        pairs[i].because = because;
        pairs[i].because_total = total;
    }
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

/// Values of the two derivations of a pair in their canonical form: store
/// paths rewritten to identities, placeholders masked. The identities are
/// made on first use: most pairs of a large diff need none.
struct Canon<'a> {
    a: &'a Derivation,
    b: &'a Derivation,
    store_dir: &'a str,
    ids: OnceCell<(Identities, Identities)>,
}

impl<'a> Canon<'a> {
    fn new(a: &'a Derivation, b: &'a Derivation, store_dir: &'a str) -> Self {
        Self {
            a,
            b,
            store_dir,
            ids: OnceCell::new(),
        }
    }

    fn pair(&self, x: &str, y: &str) -> (String, String) {
        let (ia, ib) = self
            .ids
            .get_or_init(|| (Identities::of(self.a), Identities::of(self.b)));
        (
            mask_placeholders(&ia.rewrite(x, self.store_dir)),
            mask_placeholders(&ib.rewrite(y, self.store_dir)),
        )
    }

    fn field(&self, name: &str, before: Option<&str>, after: Option<&str>) -> Option<FieldChange> {
        if before == after {
            return None;
        }
        Some(self.change(name, before.map(str::to_owned), after.map(str::to_owned)))
    }

    /// The change of a field whose values differ (taken, not copied: a large
    /// diff has tens of thousands of them).
    fn change(&self, name: &str, before: Option<String>, after: Option<String>) -> FieldChange {
        let mut consequence = false;
        let mut diff = None;
        if let (Some(x), Some(y)) = (&before, &after) {
            let (cx, cy) = self.pair(x, y);
            consequence = cx == cy;
            // The word diff is of the canonical values: a path that changed
            // only because an input did is a consequence, not a difference.
            if !consequence && (x.len() > WORD_DIFF_MIN_LEN || y.len() > WORD_DIFF_MIN_LEN) {
                diff = Some(words(&cx, &cy));
            }
        }
        FieldChange {
            name: name.to_owned(),
            before,
            after,
            consequence,
            diff,
        }
    }
}

fn drv_name(path: &str) -> String {
    let name = flakegate_store::name::store_path_name(path);
    name.strip_suffix(".drv").unwrap_or(name).to_owned()
}

#[allow(clippy::too_many_arguments)]
fn compare<S: DrvSource + ?Sized>(
    source: &S,
    a: &Derivation,
    b: &Derivation,
    opts: &DrvDiffOptions,
    id: usize,
    depth: usize,
    a_path: &str,
    b_path: &str,
) -> DrvPairDiff {
    let canon = Canon::new(a, b, source.store_dir().as_str());
    let mut own = a.name() != b.name();

    // Outputs: an input-addressed path changes whenever anything does.
    let mut outputs = Vec::new();
    let names: BTreeSet<&String> = a.outputs().keys().chain(b.outputs().keys()).collect();
    for name in names {
        let (x, y) = (a.outputs().get(name), b.outputs().get(name));
        if x == y {
            continue;
        }
        let (x, y) = (x.map(describe_output), y.map(describe_output));
        if x.as_ref().map(|d| &d.0) != y.as_ref().map(|d| &d.0) {
            let consequence = matches!((&x, &y), (Some((_, true)), Some((_, true))));
            own |= !consequence;
            outputs.push(FieldChange {
                name: name.clone(),
                before: x.map(|d| d.0),
                after: y.map(|d| d.0),
                consequence,
                diff: None,
            });
        }
    }

    let system = canon.field("system", Some(a.system()), Some(b.system()));
    let builder = canon.field("builder", Some(a.builder()), Some(b.builder()));
    let args = if a.arguments() == b.arguments() {
        None
    } else {
        canon.field(
            "args",
            Some(&a.arguments().join("\n")),
            Some(&b.arguments().join("\n")),
        )
    };
    for f in [&system, &builder, &args].into_iter().flatten() {
        own |= !f.consequence;
    }

    // Environment, without the variables that only carry output paths.
    let output_names: BTreeSet<&str> = a
        .outputs()
        .keys()
        .chain(b.outputs().keys())
        .map(String::as_str)
        .collect();
    let env = env_changes(a, b, &output_names, &canon);
    own |= env.iter().any(|f| !f.consequence);

    // Input sources: content-addressed, so a new path is new content.
    let mut sources = Vec::new();
    if a.input_sources() != b.input_sources() {
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
        for (xs, ys) in zip_groups(src_a, src_b) {
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
    }
    own |= !sources.is_empty();

    // Input derivations, paired by name. Only those that differ (in path or
    // in the outputs used) matter, so only those are turned into text.
    let (ia, ib) = (a.input_derivations(), b.input_derivations());
    let mut in_a: BTreeMap<String, &InputDerivation> = BTreeMap::new();
    let mut in_b: BTreeMap<String, &InputDerivation> = BTreeMap::new();
    for (p, x) in ia {
        match ib.get(p) {
            Some(y) if x.outputs() == y.outputs() => {}
            Some(y) => {
                let path = a.store_dir().render_path(p);
                in_b.insert(path.clone(), y);
                in_a.insert(path, x);
            }
            None => {
                in_a.insert(a.store_dir().render_path(p), x);
            }
        }
    }
    for (p, y) in ib {
        if !ia.contains_key(p) {
            in_b.insert(b.store_dir().render_path(p), y);
        }
    }
    let outputs_of = |i: &InputDerivation| -> Vec<String> { i.outputs().iter().cloned().collect() };
    let mut inputs_added = Vec::new();
    let mut inputs_removed = Vec::new();
    let mut inputs_changed = Vec::new();
    let groups = zip_groups(by_name(in_a.keys().cloned()), by_name(in_b.keys().cloned()));
    for (xs, ys) in groups {
        // Identical inputs may still be used through other outputs.
        for same in xs.iter().filter(|x| ys.contains(x)) {
            let (x, y) = (in_a[same], in_b[same]);
            if x.outputs() != y.outputs() {
                own = true;
                inputs_changed.push(InputChange {
                    name: drv_name(same),
                    before: same.clone(),
                    after: same.clone(),
                    outputs: Some((outputs_of(x), outputs_of(y))),
                    diff: None,
                });
            }
        }
        let (pairs, removed, added) = pair_paths(xs, ys);
        for (x, y) in pairs {
            let (ox, oy) = (in_a[&x], in_b[&y]);
            let outputs = (ox.outputs() != oy.outputs()).then(|| (outputs_of(ox), outputs_of(oy)));
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
        because: Vec::new(),
        because_total: 0,
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

/// The differing environment variables, in name order, without those that
/// only carry output paths.
fn env_changes(
    a: &Derivation,
    b: &Derivation,
    output_names: &BTreeSet<&str>,
    canon: &Canon,
) -> Vec<FieldChange> {
    let skip = |k: &str| output_names.contains(k) || k == "__json.outputs";
    let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
    if a.structured_attrs().is_some() || b.structured_attrs().is_some() {
        let (env_a, env_b) = (env_map(a), env_map(b));
        let keys: BTreeSet<&String> = env_a.keys().chain(env_b.keys()).collect();
        return keys
            .into_iter()
            .filter(|k| !skip(k))
            .filter_map(|k| {
                canon.field(
                    k,
                    env_a.get(k).map(String::as_str),
                    env_b.get(k).map(String::as_str),
                )
            })
            .collect();
    }
    // Without structured attributes: walk both (sorted) maps together and
    // turn into text only the values that differ.
    let (mut xs, mut ys) = (
        a.environment().iter().peekable(),
        b.environment().iter().peekable(),
    );
    let mut out = Vec::new();
    loop {
        let order = match (xs.peek(), ys.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((kx, _)), Some((ky, _))) => kx.cmp(ky),
        };
        let (k, x, y) = match (
            order,
            xs.next_if(|_| order.is_le()),
            ys.next_if(|_| order.is_ge()),
        ) {
            (Ordering::Equal, Some((_, x)), Some((_, y))) if x == y => continue,
            (_, Some((k, x)), y) => (k, Some(x), y.map(|(_, y)| y)),
            (_, None, Some((k, y))) => (k, None, Some(y)),
            (_, None, None) => break,
        };
        if skip(k) {
            continue;
        }
        let (x, y) = (x.map(|v| text(v)), y.map(|v| text(v)));
        // Distinct bytes can read as the same text (invalid UTF-8).
        if x != y {
            out.push(canon.change(k, x, y));
        }
    }
    out
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
        // The name part of Nix's parseDrvName, as `PackageName` has it.
        let base = store_path_name(&p);
        let name = parse_drv_name(base.strip_suffix(".drv").unwrap_or(base)).0;
        m.entry(name.to_owned()).or_default().push(p);
    }
    for v in m.values_mut() {
        v.sort();
    }
    m
}

/// The groups of two [`by_name`] maps side by side, in name order (a name
/// missing on one side has an empty group there).
fn zip_groups(
    a: BTreeMap<String, Vec<String>>,
    mut b: BTreeMap<String, Vec<String>>,
) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for (name, xs) in a {
        while let Some(first) = b.first_entry() {
            if *first.key() >= name {
                break;
            }
            out.push((Vec::new(), first.remove()));
        }
        out.push((xs, b.remove(&name).unwrap_or_default()));
    }
    out.extend(b.into_values().map(|ys| (Vec::new(), ys)));
    out
}

/// Pairs two same-name lists: identical paths drop out, the rest pair in
/// order; leftovers are (removed, added).
fn pair_paths(
    xs: Vec<String>,
    ys: Vec<String>,
) -> (Vec<(String, String)>, Vec<String>, Vec<String>) {
    let x_only: Vec<bool> = xs.iter().map(|x| !ys.contains(x)).collect();
    let y_only: Vec<bool> = ys.iter().map(|y| !xs.contains(y)).collect();
    let rest = |v: Vec<String>, keep: Vec<bool>| -> Vec<String> {
        v.into_iter()
            .zip(keep)
            .filter_map(|(p, k)| k.then_some(p))
            .collect()
    };
    let (x_rest, y_rest) = (rest(xs, x_only), rest(ys, y_only));
    let n = x_rest.len().min(y_rest.len());
    let (mut x_rest, mut y_rest) = (x_rest.into_iter(), y_rest.into_iter());
    // `take(n)` on both: a bare zip would drop an unpaired item of the first.
    let pairs = x_rest
        .by_ref()
        .take(n)
        .zip(y_rest.by_ref().take(n))
        .collect();
    (pairs, x_rest.collect(), y_rest.collect())
}
