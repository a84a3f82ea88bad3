//! `flakegate sbom`: a CycloneDX 1.6 or SPDX 2.3 document for a closure
//! (runtime) or a derivation graph (build time).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use flakegate_sbom::policy::Policy;
use flakegate_sbom::{Bom, DrvFacts, Format, Options};
use flakegate_store::backend::attrs_json::{self, AttrsJsonStore};
use flakegate_store::installable::{self, Kind, ResolveOptions};
use flakegate_store::meta_eval::{self, EvalMeta};
use flakegate_store::{Store, StoreError, drv};

use super::store_args::BackendArgs;

use crate::commands::licenses::{PolicyArgs, warn};
use crate::exit::Outcome;
use crate::output::{put, write_file};
use crate::progress::Progress;
use crate::render::{Paint, Render};

pub const EXAMPLES: &str = "\
Examples:
  flakegate sbom .#hello > hello.cdx.json
  flakegate sbom .#hello --format spdx -o hello.spdx.json
  flakegate sbom ./result --build
  flakegate sbom .#nixosConfigurations.host.config.system.build.toplevel --buildtime

--runtime (default) describes the realised closure and its real references;
--buildtime the derivation graph: every input derivation and source, nothing
built. A flake reference is evaluated once for licenses, homepages,
descriptions and CPEs; a store path or .drv gets what the store and the .drv
files give, and the document says that metadata was unavailable.
Output is byte-reproducible; SOURCE_DATE_EPOCH sets the document's date.";

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// A flake reference (.#pkg), a store path or a symlink to one
    /// (./result), or a .drv.
    #[arg(value_name = "INSTALLABLE", required_unless_present = "in_build")]
    pub installable: Option<String>,

    /// The document format.
    #[arg(long, value_enum, default_value_t = FormatArg::Cyclonedx, help_heading = "Output")]
    pub format: FormatArg,
    /// Write the document to FILE (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Explain where data came from, on stderr.
    #[arg(short, long, help_heading = "Output")]
    pub verbose: bool,

    /// Describe the realised runtime closure (the default).
    #[arg(long, conflicts_with = "buildtime", help_heading = "Graph")]
    pub runtime: bool,
    /// Describe the derivation graph instead: every input derivation and
    /// source; nothing needs to be built.
    #[arg(long, help_heading = "Graph")]
    pub buildtime: bool,

    /// Build the installable when it is not realised (runtime SBOMs).
    #[arg(long, conflicts_with = "buildtime", help_heading = "Store")]
    pub build: bool,
    #[command(flatten)]
    pub store: BackendArgs,
    /// Run as a Nix builder (see the flake's lib.sbom): read the closure,
    /// the .drv and the evaluated metadata from $NIX_ATTRS_JSON_FILE or
    /// ./.attrs.json and write the document to $out.
    #[arg(long, conflicts_with_all = ["installable", "buildtime", "output"], help_heading = "Store")]
    pub in_build: bool,

    /// A license policy: the document is still written, and the run exits 1
    /// (a `lib.sbom` build fails) naming every package that breaks it.
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// CycloneDX 1.6 JSON.
    #[value(alias = "cdx")]
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            Self::Cyclonedx => Format::CycloneDx,
            Self::Spdx => Format::Spdx,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Cyclonedx => "CycloneDX 1.6",
            Self::Spdx => "SPDX 2.3",
        }
    }
}

pub fn run(args: &SbomArgs) -> anyhow::Result<Outcome> {
    let policy = args.policy.policy()?;
    let opts = Options {
        timestamp: source_date_epoch()?,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    if args.in_build {
        return in_build(args, &opts, &policy);
    }
    let input = args
        .installable
        .as_deref()
        .context("no installable given (try `flakegate sbom .#pkg`, or --help)")?;
    let progress = Progress::new(false);
    let store = args.store.open(args.verbose)?;
    let started = std::time::Instant::now();
    let bom = if args.buildtime {
        buildtime(input, &*store, &opts, &progress, args.verbose)?
    } else {
        runtime(input, &*store, args.build, &opts, &progress, args.verbose)?
    };
    progress.finish();
    warn(&bom);
    if args.verbose {
        eprintln!(
            "note: {} components, {} dependencies in {} ms",
            bom.components.len() + 1,
            bom.edge_count(),
            started.elapsed().as_millis()
        );
    }
    let rendering = std::time::Instant::now();
    let text = flakegate_sbom::render(&bom, args.format.format());
    if args.verbose {
        eprintln!(
            "note: rendered {} bytes in {} ms",
            text.len(),
            rendering.elapsed().as_millis()
        );
    }
    put(args.output.as_deref(), text.as_bytes())?;
    if let Some(file) = &args.output {
        eprintln!(
            "wrote {} ({}, {} components, {} dependencies)",
            file.display(),
            args.format.label(),
            bom.components.len() + 1,
            bom.edge_count()
        );
    }
    if policy.is_empty() {
        return Ok(Outcome::Success);
    }
    // The license gate: its report goes to stderr, beside the document.
    let report = policy.report(&bom, input);
    eprint!(
        "{}",
        report.terminal(Paint(crate::render::use_color(
            crate::render::ColorChoice::Auto
        )))
    );
    Ok(Outcome::from_status(report.status))
}

/// `SOURCE_DATE_EPOCH` (seconds), the only date an SBOM carries.
pub(crate) fn source_date_epoch() -> anyhow::Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds")),
        _ => Ok(None),
    }
}

pub(crate) fn runtime(
    input: &str,
    store: &dyn Store,
    build: bool,
    opts: &Options,
    progress: &Progress,
    verbose: bool,
) -> anyhow::Result<Bom> {
    progress.step(format!("resolving {input}"));
    // A build writes its log to stderr: no spinner over it.
    let resolve = ResolveOptions { build };
    let resolved = match progress.suspend(|| meta_eval::resolve(input, store, resolve, true)) {
        Ok(r) => r,
        Err(StoreError::NotRealised { input, path, drv }) => bail!(
            "{input}: not realised ({path} is not in the store); a runtime SBOM describes the \
             built closure: pass --build to build it, or --buildtime for the graph of {drv} \
             (nothing is built)"
        ),
        Err(e) => return Err(e.into()),
    };
    let roots = resolved.resolved.paths.clone();
    progress.step(format!("reading the closure of {input}"));
    let closure = store.closure(&roots)?;
    let root_drv = match &resolved.resolved.drv_path {
        Some(d) => Some(d.clone()),
        None => match roots.first() {
            Some(root) => store.deriver(root)?,
            None => None,
        },
    };
    progress.step("reading the derivation graph");
    let drvs = match &root_drv {
        Some(d) => match read_drvs(d, store) {
            Ok(drvs) => drvs,
            Err(e) => {
                // The store path is still described, by its store facts.
                eprintln!(
                    "note: {input}: cannot read its derivation graph ({e:#}); outputs are not grouped by package and sources are not listed"
                );
                BTreeMap::new()
            }
        },
        None => {
            if verbose {
                eprintln!(
                    "note: {input}: the store knows no .drv for it; every path is its own component"
                );
            }
            BTreeMap::new()
        }
    };
    if verbose {
        eprintln!(
            "note: {} paths, {} derivations, metadata {}",
            closure.paths.len(),
            drvs.len(),
            if resolved.meta.is_some() {
                "from evaluation"
            } else {
                "unavailable (not a flake reference)"
            }
        );
    }
    Ok(flakegate_sbom::runtime(
        &closure,
        &drvs,
        resolved.meta.as_ref(),
        opts,
    )?)
}

pub(crate) fn buildtime(
    input: &str,
    store: &dyn Store,
    opts: &Options,
    progress: &Progress,
    verbose: bool,
) -> anyhow::Result<Bom> {
    progress.step(format!("resolving {input}"));
    let (root_drv, meta) = match installable::classify(input) {
        Kind::Flake(reference) => {
            let meta = meta_eval::evaluate(&reference)?;
            (meta.root_drv.clone(), Some(meta))
        }
        Kind::Path(_) => (installable::derivation_of(input, store)?, None),
    };
    progress.step("reading the derivation graph");
    let started = std::time::Instant::now();
    let drvs = read_drvs(&root_drv, store)?;
    if verbose {
        eprintln!(
            "note: read {} .drv files in {} ms",
            drvs.len(),
            started.elapsed().as_millis()
        );
    }
    let mut sources: Vec<String> = drvs
        .values()
        .flat_map(|f| f.input_srcs.iter().cloned())
        .collect();
    sources.sort_unstable();
    sources.dedup();
    progress.step(format!("reading {} input sources", sources.len()));
    let sources = store.closure(&sources)?;
    if verbose {
        eprintln!(
            "note: {} derivations, {} input sources (with their references)",
            drvs.len(),
            sources.paths.len()
        );
    }
    Ok(flakegate_sbom::buildtime(
        &root_drv,
        &drvs,
        &sources,
        meta.as_ref(),
        opts,
    )?)
}

/// The closure of a `.drv`, each file read once.
fn read_drvs(root: &str, store: &dyn Store) -> anyhow::Result<BTreeMap<String, DrvFacts>> {
    let graph = drv::closure(&[root.to_owned()], store)?;
    Ok(DrvFacts::read_all(&graph, store.store_dir())?)
}

/// Inside a build (lib.sbom): the runtime closure from
/// `exportReferencesGraph`, the `.drv` from `drvPath` (its files are inputs
/// of the build), the metadata from `sbomMeta`; the document goes to $out.
fn in_build(args: &SbomArgs, opts: &Options, policy: &Policy) -> anyhow::Result<Outcome> {
    let file = attrs_json::locate();
    let attrs = attrs_json::read(&file)?;
    let name = file.display().to_string();
    let out = attrs.out_path(&file)?;
    let meta = match attrs.attrs.get("sbomMeta") {
        Some(serde_json::Value::String(json)) => Some(
            EvalMeta::from_json(json.as_bytes())
                .map_err(|e| anyhow::anyhow!("{name}: sbomMeta is not the walker's JSON: {e}"))?,
        ),
        None | Some(serde_json::Value::Null) => None,
        Some(_) => bail!("{name}: sbomMeta is not a JSON string"),
    };
    let drv_path = attrs
        .attrs
        .get("drvPath")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    let store = AttrsJsonStore::new(attrs.closure);
    let drvs = match drv_path {
        Some(d) => read_drvs(&d, &store)?,
        None => BTreeMap::new(),
    };
    // lib.sbom's `sourceDateEpoch`: a build sees no registration times.
    let mut opts = opts.clone();
    if let Some(v) = attrs.attrs.get("sourceDateEpoch") {
        let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
        opts.timestamp = Some(text.parse::<i64>().map_err(|_| {
            anyhow::anyhow!("{name}: sourceDateEpoch {text:?} is not a number of seconds")
        })?);
    }
    let closure = store.exported();
    let bom = flakegate_sbom::runtime(closure, &drvs, meta.as_ref(), &opts)?;
    warn(&bom);
    // A broken policy fails the build before $out exists; the log says why.
    if !policy.is_empty() {
        let report = policy.report(&bom, &bom.root.store_path);
        if report.status.failed() {
            print!("{}", report.terminal(Paint(false)));
            return Ok(Outcome::GateFailed);
        }
    }
    let text = flakegate_sbom::render(&bom, args.format.format());
    write_file(&out, text.as_bytes())?;
    println!(
        "flakegate sbom: {} of {} ({} components, {} dependencies)",
        args.format.label(),
        bom.root.store_path,
        bom.components.len() + 1,
        bom.edge_count()
    );
    Ok(Outcome::Success)
}
