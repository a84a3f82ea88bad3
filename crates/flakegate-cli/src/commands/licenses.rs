//! `flakegate licenses`: the license gate on its own, with a report in the
//! terminal, `--json` and `--markdown`; and the policy flags `flakegate
//! sbom` shares (there, and in `lib.sbom`, a failed policy fails the run).

use anyhow::Context;
use clap::Args;
use flakegate_sbom::Options;
use flakegate_sbom::policy::{LicenseReport, Policy, Term};

use super::store_args::BackendArgs;
use crate::commands::sbom::{buildtime, runtime, source_date_epoch};
use crate::exit::Outcome;
use crate::output::{OutputArgs, emit};
use crate::progress::Progress;

pub const EXAMPLES: &str = "\
Examples:
  flakegate licenses .#hello --deny-license GPL-3.0-only --deny-license agpl3Plus
  flakegate licenses .#nixosConfigurations.host.config.system.build.toplevel --deny-unfree \\
      --allow-license unfreeRedistributableFirmware --markdown >> \"$GITHUB_STEP_SUMMARY\"
  flakegate licenses .#app --buildtime --fail-on-unknown-license --json

A license is an SPDX id or expression (MIT, GPL-3.0-only) or a lib.licenses
name (gpl3Only, unfreeRedistributable). A package fails when every reading of
its license is denied (MIT OR GPL-3.0-only survives a denied GPL); each value
of a license list is judged on its own. --allow-license wins over every deny
rule. Licenses come from evaluating a flake reference; a store path has none
and every gate is skipped. Exit 1 when a gate fails: each offending package is
named with its license and the chain of dependencies that pulls it in.";

/// The license policy, shared by `licenses`, `sbom` and `lib.sbom`.
#[derive(Debug, Clone, Args, Default)]
pub struct PolicyArgs {
    /// Fail on packages under LICENSE (an SPDX id or a lib.licenses name;
    /// repeatable).
    #[arg(long, value_name = "LICENSE", help_heading = "License policy")]
    pub deny_license: Vec<String>,
    /// Accept LICENSE whatever the other rules say (repeatable).
    #[arg(long, value_name = "LICENSE", help_heading = "License policy")]
    pub allow_license: Vec<String>,
    /// Fail on packages whose license nixpkgs marks unfree.
    #[arg(long, help_heading = "License policy")]
    pub deny_unfree: bool,
    /// Fail on licenses that are no SPDX expression, and on evaluated
    /// packages that declare none.
    #[arg(long, help_heading = "License policy")]
    pub fail_on_unknown_license: bool,
}

impl PolicyArgs {
    /// The policy; a term that is no license is a usage error.
    pub fn policy(&self) -> anyhow::Result<Policy> {
        let terms = |flag: &str, values: &[String]| -> anyhow::Result<Vec<Term>> {
            values
                .iter()
                .map(|v| Term::parse(v).map_err(|e| anyhow::anyhow!("--{flag}: {e}")))
                .collect()
        };
        Ok(Policy {
            deny: terms("deny-license", &self.deny_license)?,
            allow: terms("allow-license", &self.allow_license)?,
            deny_unfree: self.deny_unfree,
            fail_on_unknown: self.fail_on_unknown_license,
        })
    }
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    /// A flake reference (.#pkg); a store path or .drv has no license
    /// metadata.
    #[arg(value_name = "INSTALLABLE")]
    pub installable: String,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Check the derivation graph (build-time dependencies too) instead of
    /// the runtime closure.
    #[arg(long, help_heading = "Graph")]
    pub buildtime: bool,
    /// Build the installable when it is not realised (runtime).
    #[arg(long, conflicts_with = "buildtime", help_heading = "Graph")]
    pub build: bool,
    #[command(flatten)]
    pub store: BackendArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &LicensesArgs) -> anyhow::Result<Outcome> {
    let policy = args.policy.policy()?;
    args.output.check()?;
    let opts = Options {
        timestamp: source_date_epoch()?,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let progress = Progress::new(false);
    let store = args.store.open(false)?;
    let input = args.installable.as_str();
    let bom = if args.buildtime {
        buildtime(input, &*store, &opts, &progress, false)?
    } else {
        runtime(input, &*store, args.build, &opts, &progress, false)?
    };
    progress.finish();
    warn(&bom);
    let report = policy.report(&bom, input);
    let envelope = crate::envelope::of::<LicenseReport>(&[input]);
    emit(&report, envelope, &args.output).context("writing the license report")
}

/// Prints the metadata the SBOM dropped or normalised, one line each.
pub fn warn(bom: &flakegate_sbom::Bom) {
    for w in &bom.warnings {
        eprintln!("warning: {w}");
    }
}
