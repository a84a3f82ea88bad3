//! `flakegate cache`: of the closure an installable needs, what is local,
//! what each binary cache has, and what must be built — without building
//! anything — with the hit-rate gates.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use flakegate_cache::{CacheInput, CacheReport, Options};
use flakegate_store::availability::{Thoroughness, root_of, survey};
use flakegate_store::binary_cache::{CacheUrl, Caches, PublicKey, QueryOptions};
use flakegate_store::nix_config;

use super::store_args::BackendArgs;

use crate::exit::Outcome;
use crate::output::{self, HistoryArgs, OutputArgs};
use crate::units::{parse_duration, parse_percent};

pub const EXAMPLES: &str = "\
Examples:
  flakegate cache .#nixosConfigurations.host.config.system.build.toplevel
  flakegate cache .#default --cache https://cache.example.org --min-hit-rate 70% --warn-hit-rate 80%
  flakegate cache .#default --cache 'https://cache.example.org?priority=30' --require-signed \\
      --trusted-key 'cache.example.org-1:AbC…=' --markdown >> \"$GITHUB_STEP_SUMMARY\"
  flakegate cache ./result --cache file:///srv/nix-cache --top 20 --json

Without --cache, the substituters of nix.conf are asked, with its
trusted-public-keys and netrc-file. The hit rate is the share of the needed
closure that some cache has, by path count (or --by-bytes, by NAR size).";

#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Flake references (.#attr), .drv files, store paths or symlinks to
    /// them. Nothing is built.
    #[arg(value_name = "INSTALLABLE", required = true)]
    pub installables: Vec<String>,
    /// A binary cache to ask (file://, http://, https://; `?priority=N`
    /// and `?trusted=1` work as in Nix). Repeatable. Default: nix.conf's
    /// substituters.
    #[arg(long = "cache", value_name = "URL")]
    pub caches: Vec<String>,
    /// Count a path as cached only when a trusted key signed its narinfo
    /// (or the cache is trusted=1, or the path is content-addressed).
    #[arg(long)]
    pub require_signed: bool,
    /// A public key to trust besides nix.conf's trusted-public-keys
    /// (name:base64). Repeatable.
    #[arg(long, value_name = "KEY")]
    pub trusted_key: Vec<String>,
    /// Ask every cache about every path, instead of inferring from the
    /// closure property of caches written by Nix (a hit implies the
    /// closure; a miss implies every path referring to it).
    #[arg(long)]
    pub exhaustive: bool,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub jobs: usize,
    /// Time limit of one request (10s, 500ms).
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: f64,

    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub history: HistoryArgs,
    /// How many uncached paths to list.
    #[arg(long, default_value_t = 10, value_name = "N", help_heading = "Output")]
    pub top: usize,

    /// Fail (exit 1) when the hit rate is below PCT (e.g. 70%).
    #[arg(long, value_name = "PCT", value_parser = parse_percent, help_heading = "Gates")]
    pub min_hit_rate: Option<f64>,
    /// Warn (exit 0) when the hit rate is below PCT.
    #[arg(long, value_name = "PCT", value_parser = parse_percent, help_heading = "Gates")]
    pub warn_hit_rate: Option<f64>,
    /// Gate the hit rate by NAR bytes instead of by path count.
    #[arg(long, help_heading = "Gates")]
    pub by_bytes: bool,

    #[command(flatten)]
    pub store: BackendArgs,
}

pub fn run(args: &CacheArgs) -> anyhow::Result<Outcome> {
    args.output.check()?;
    args.history.check()?;
    let config = nix_config::read()?;
    let mut warnings = Vec::new();
    let mut urls = Vec::new();
    if args.caches.is_empty() {
        for url in &config.substituters {
            match CacheUrl::parse(url) {
                Ok(u) => urls.push(u),
                Err(e) => warnings.push(format!("{url}: skipped: {e}")),
            }
        }
        if config.substituters.is_empty() {
            warnings.push(
                "no binary cache to ask: no --cache, and nix.conf has no substituters".into(),
            );
        }
    } else {
        for url in &args.caches {
            urls.push(CacheUrl::parse(url).map_err(|e| anyhow::anyhow!("--cache {url}: {e}"))?);
        }
    }
    // nix.conf's trusted substituters are trusted as they are in Nix.
    for url in &mut urls {
        url.trusted |= config.trusted_substituters.contains(&url.original);
    }
    let mut trusted_keys = Vec::new();
    for key in config.trusted_public_keys.iter().chain(&args.trusted_key) {
        match PublicKey::parse(key) {
            Ok(k) => trusted_keys.push(k),
            Err(e) if args.trusted_key.contains(key) => {
                anyhow::bail!("--trusted-key: {e}")
            }
            Err(e) => warnings.push(format!("nix.conf trusted-public-keys: {e}; ignored")),
        }
    }
    let store = args.store.open(false)?;
    let mut roots = Vec::new();
    for input in &args.installables {
        roots.push(root_of(input, &*store)?);
    }
    let caches = Caches::open(
        urls,
        QueryOptions {
            timeout: Duration::from_secs_f64(args.timeout.max(0.001)),
            jobs: args.jobs.max(1),
            netrc_file: config.netrc_file.as_ref().map(PathBuf::from),
            trusted_keys,
        },
        store.store_dir().clone(),
    );
    // Signatures can be checked only on narinfos actually fetched.
    let thoroughness = if args.exhaustive || args.require_signed {
        Thoroughness::Exhaustive
    } else {
        Thoroughness::Implied
    };
    let surveyed = survey(&roots, &*store, &caches, thoroughness)
        .with_context(|| format!("surveying {}", args.installables.join(" ")))?;
    let inputs: Vec<CacheInput> = caches
        .caches
        .iter()
        .map(|c| CacheInput {
            url: c.url.original.clone(),
            priority: c.priority,
            trusted: c.url.trusted,
            unusable: c.unusable.clone(),
        })
        .collect();
    let mut report = flakegate_cache::analyse(
        args.installables.clone(),
        &surveyed,
        &inputs,
        &Options {
            require_signed: args.require_signed,
            top: args.top,
            min_hit_rate: args.min_hit_rate,
            warn_hit_rate: args.warn_hit_rate,
            by_bytes: args.by_bytes,
        },
    );
    warnings.append(&mut report.warnings);
    report.warnings = warnings;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let inputs: Vec<&str> = args.installables.iter().map(String::as_str).collect();
    let envelope = crate::envelope::of::<CacheReport>(&inputs);
    let outcome = output::emit(&report, envelope.clone(), &args.output)?;
    args.history.record(&report, &envelope)?;
    Ok(outcome)
}
