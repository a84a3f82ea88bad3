//! `flakegate diff`: what changed between two generations, closures or
//! derivations, and why.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use flakegate_diff::{ClosureDiff, DiffReport, DrvDiffOptions, Explained, PackageDiff, SortKey};
use flakegate_store::installable::{self, Kind, ResolveOptions};
use flakegate_store::{Closure, Detail, Store, profile};

use super::store_args::BackendArgs;

use crate::exit::Outcome;
use crate::output::{self, OutputArgs};
use crate::progress::Progress;

pub const EXAMPLES: &str = "\
Examples:
  # the last two generations of a profile, or two chosen ones
  flakegate diff --profile /nix/var/nix/profiles/system
  flakegate diff --generations 41 42
  # packages, largest size change first, then why openssl changed
  flakegate diff ./result-old ./result --sort delta --explain openssl
  # derivations of two flake outputs: nothing is built
  attr=nixosConfigurations.h.config.system.build.toplevel
  flakegate diff \"github:o/r/main#$attr\" \".#$attr\"
  flakegate diff old.drv new.drv --depth 3
  flakegate diff ./result-old ./result --markdown >> \"$GITHUB_STEP_SUMMARY\"

Two store paths (or symlinks, profiles, generations) give the package view;
two flake references or .drv files give the derivation view, which needs
nothing built (--build builds and gives the package view). Rebuilt packages
(same version) are one line unless --rebuilt. --exit-code exits 1 when the
sides differ, like git diff.";

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old side: a store path, symlink, .drv or flake reference.
    #[arg(value_name = "BEFORE", requires = "after")]
    pub before: Option<String>,
    /// The new side.
    #[arg(value_name = "AFTER")]
    pub after: Option<String>,

    /// Compare the last two generations of this profile.
    #[arg(long, value_name = "PROFILE", conflicts_with_all = ["before", "after"], help_heading = "Inputs")]
    pub profile: Option<PathBuf>,
    /// Compare these two generations (of --profile, default the system profile).
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["before", "after"], help_heading = "Inputs")]
    pub generations: Option<Vec<u64>>,
    /// Compare derivations even when both sides are realised (via their derivers).
    #[arg(long, help_heading = "Inputs")]
    pub drv: bool,
    /// Build what is not realised (its log goes to stderr), then compare the
    /// packages of the results.
    #[arg(long, conflicts_with = "drv", help_heading = "Inputs")]
    pub build: bool,

    /// List every rebuilt package (same version, new build), not one line
    /// for them all.
    #[arg(long, help_heading = "Package view")]
    pub rebuilt: bool,
    /// Order the packages of each kind of change by name, size, or size
    /// change (largest first).
    #[arg(long, value_enum, default_value_t = SortBy::Name, help_heading = "Package view")]
    pub sort: SortBy,

    /// After the package view, explain why package NAME changed, down to the
    /// derivations (repeatable).
    #[arg(long, value_name = "NAME", help_heading = "Derivation view")]
    pub explain: Vec<String>,
    /// Follow changed inputs at most N levels below the roots.
    #[arg(long, value_name = "N", help_heading = "Derivation view")]
    pub depth: Option<usize>,
    /// Show every compared derivation and whole values, not a bounded summary.
    #[arg(long, help_heading = "Derivation view")]
    pub full: bool,

    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 1 when the two sides differ.
    #[arg(long, help_heading = "Output")]
    pub exit_code: bool,
    /// Say on stderr which backend read the store and how long each step took.
    #[arg(short, long, help_heading = "Output")]
    pub verbose: bool,

    #[command(flatten)]
    pub store: BackendArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortBy {
    Name,
    Size,
    Delta,
}

impl From<SortBy> for SortKey {
    fn from(s: SortBy) -> Self {
        match s {
            SortBy::Name => Self::Name,
            SortBy::Size => Self::Size,
            SortBy::Delta => Self::Delta,
        }
    }
}

const DEFAULT_PROFILE: &str = "/nix/var/nix/profiles/system";

pub fn run(args: &DiffArgs) -> anyhow::Result<Outcome> {
    let opened = args.store.open(args.verbose)?;
    let store = &*opened;
    let progress = Progress::new(false);
    let opts = DrvDiffOptions {
        max_depth: args.depth,
        ..DrvDiffOptions::default()
    };
    let (before, after) = sides(args)?;
    let drv_view = args.drv
        || !args.build
            && [&before, &after]
                .iter()
                .any(|s| matches!(installable::classify(s), Kind::Flake(_)) || s.ends_with(".drv"));
    args.output.check()?;
    let report = if drv_view {
        progress.step("evaluating derivations");
        let a = installable::derivation_of(&before, store)?;
        let b = installable::derivation_of(&after, store)?;
        progress.step("comparing derivations");
        let started = Instant::now();
        let report = flakegate_diff::diff_derivations(store, &a, &b, &opts)?;
        note(args, || {
            format!(
                "compared {} derivation pairs in {} ms",
                report.summary.compared,
                started.elapsed().as_millis()
            )
        });
        DiffReport {
            closure: None,
            derivations: vec![Explained {
                package: None,
                report,
            }],
            full: args.full,
            rebuilt: args.rebuilt,
        }
    } else {
        progress.step("reading closures");
        let resolve = |s: &str| -> anyhow::Result<String> {
            let opts = ResolveOptions { build: args.build };
            // A build writes its log to stderr: no spinner over it.
            let r = progress.suspend(|| installable::resolve(s, store, opts))?;
            match r.paths.as_slice() {
                [one] => Ok(one.clone()),
                _ => bail!("{s}: stands for {} store paths; give one", r.paths.len()),
            }
        };
        let (a, b) = (resolve(&before)?, resolve(&after)?);
        let started = Instant::now();
        let (old, new, selected) = read_sides(store, &a, &b)?;
        note(args, || {
            format!(
                "read the closures ({} and {} paths) with the {} backend in {} ms",
                old.paths.len(),
                new.paths.len(),
                store.kind(),
                started.elapsed().as_millis()
            )
        });
        let started = Instant::now();
        let mut diff = flakegate_diff::diff_closures(&old, &new, &selected);
        diff.sort_packages(args.sort.into());
        std::mem::forget((old, new)); // see the end of `run`
        note(args, || {
            format!(
                "compared {} packages in {} ms",
                diff.packages.len() + diff.summary.unchanged,
                started.elapsed().as_millis()
            )
        });
        let mut derivations = Vec::new();
        for name in &args.explain {
            progress.step(format!("explaining {name}"));
            derivations.push(explain(store, &diff, name, &opts)?);
        }
        DiffReport {
            closure: Some(diff),
            derivations,
            full: args.full,
            rebuilt: args.rebuilt,
        }
    };
    progress.finish();

    let started = Instant::now();
    let envelope = crate::envelope::of::<DiffReport>(&[&before, &after]);
    let outcome = output::emit(&report, envelope, &args.output)?;
    note(args, || {
        format!(
            "rendered the output in {} ms",
            started.elapsed().as_millis()
        )
    });
    let differs = report.differs();
    // The process ends here: freeing tens of thousands of strings one by one,
    // and SQLite's page caches, would only add ~10% to a large diff.
    std::mem::forget(report);
    std::mem::forget(opened);
    Ok(if args.exit_code && differs {
        Outcome::GateFailed
    } else {
        outcome
    })
}

/// The two installables to compare, from positional arguments or a profile.
fn sides(args: &DiffArgs) -> anyhow::Result<(String, String)> {
    if let (Some(a), Some(b)) = (&args.before, &args.after) {
        return Ok((a.clone(), b.clone()));
    }
    let profile_path = args
        .profile
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_PROFILE));
    if args.profile.is_none() && args.generations.is_none() {
        bail!(
            "nothing to compare: give BEFORE and AFTER, --profile PROFILE or --generations OLD NEW (see --help)"
        );
    }
    let link = |p: PathBuf| {
        p.to_str()
            .map(str::to_owned)
            .context("profile path is not UTF-8")
    };
    if let Some(g) = &args.generations {
        let a = profile::generation(&profile_path, g[0])?;
        let b = profile::generation(&profile_path, g[1])?;
        return Ok((link(a)?, link(b)?));
    }
    let all = profile::generations(&profile_path)?;
    match all.as_slice() {
        [.., a, b] => Ok((link(a.link.clone())?, link(b.link.clone())?)),
        _ => bail!(
            "{}: only one generation, nothing to compare",
            profile_path.display()
        ),
    }
}

/// The two closures, read at once where the backend can, and the paths the
/// user selected on either side: the root's direct references, or those of
/// its `sw` (system-path) for a NixOS system.
fn read_sides(
    store: &dyn Store,
    a: &str,
    b: &str,
) -> anyhow::Result<(Closure, Closure, BTreeSet<String>)> {
    let (a, b) = ([a.to_owned()], [b.to_owned()]);
    let mut sides = store.closures(&[&a, &b], Detail::Sizes)?.into_iter();
    let (Some(old), Some(new)) = (sides.next(), sides.next()) else {
        bail!("the store returned fewer closures than asked for");
    };
    let mut selected = BTreeSet::new();
    for side in [&old, &new] {
        let root = &side.roots[0];
        let holder = profile::nixos_sw(root, store.store_dir()).unwrap_or_else(|| root.clone());
        if side.contains(&holder) {
            selected.extend(store.references(&holder)?);
        }
    }
    Ok((old, new, selected))
}

/// A `--verbose` note on stderr.
fn note(args: &DiffArgs, text: impl FnOnce() -> String) {
    if args.verbose {
        eprintln!("note: {}", text());
    }
}

/// Why package `name` changed: the derivations of its before and after paths.
fn explain(
    store: &dyn Store,
    diff: &ClosureDiff,
    name: &str,
    opts: &DrvDiffOptions,
) -> anyhow::Result<Explained> {
    let package: &PackageDiff =
        diff.packages
            .iter()
            .find(|p| p.name == name)
            .with_context(|| {
                let names: Vec<&str> = diff
                    .packages
                    .iter()
                    .map(|p| p.name.as_str())
                    .take(12)
                    .collect();
                format!(
                    "--explain {name}: not among the changed packages ({})",
                    names.join(", ")
                )
            })?;
    let pick = |paths: &[String]| -> Option<String> {
        // The default output names the package best: the path without an output suffix.
        paths
            .iter()
            .find(|p| {
                flakegate_store::name::PackageName::of_path(p)
                    .output
                    .is_none()
            })
            .or_else(|| paths.first())
            .cloned()
    };
    let (Some(a), Some(b)) = (pick(&package.before_paths), pick(&package.after_paths)) else {
        bail!(
            "--explain {name}: the package was {} — there is no pair of derivations to compare",
            if package.before_paths.is_empty() {
                "added"
            } else {
                "removed"
            }
        );
    };
    let deriver = |p: &str| -> anyhow::Result<String> {
        store
            .deriver(p)?
            .with_context(|| format!("--explain {name}: the store does not know the .drv of {p}"))
    };
    let report = flakegate_diff::diff_derivations(store, &deriver(&a)?, &deriver(&b)?, opts)?;
    Ok(Explained {
        package: Some(name.to_owned()),
        report,
    })
}
