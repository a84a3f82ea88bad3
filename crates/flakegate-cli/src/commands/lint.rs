//! `flakegate lint`: Nix syntax, dead code and anti-patterns in a tree of
//! `.nix` files, with code frames, JSON, Markdown, SARIF and GitHub
//! annotations, and `--fix` for the certain fixes.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use flakegate_lint::{Config, FileResult, LintReport, Rule, Unreadable};
use rayon::prelude::*;

use crate::exit::Outcome;
use crate::output::{self, OutputArgs};
use crate::render::lint::{github, sarif};
use crate::walk;

pub const EXAMPLES: &str = "\
Examples:
  flakegate lint                                  # every .nix file of the repository
  flakegate lint --check modules/ flake.nix       # exit 1 when anything is found
  flakegate lint --fix                            # apply the certain fixes in place
  flakegate lint --select unused-let,syntax --no-lambda-pattern-names
  flakegate lint --format sarif -o lint.sarif     # for GitHub code scanning
  flakegate lint --format github                  # annotations on the pull request
  flakegate lint --markdown >> \"$GITHUB_STEP_SUMMARY\"

Rules: syntax, duplicate-key (errors); unused-let, unused-lambda-arg,
unused-pattern-name, empty-let, empty-pattern, bool-if, bool-comparison,
useless-rec (warnings). Silence one with `# flakegate: ignore[rule]` on its
line, alone on the line above, or above the binding that holds it.";

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories (default: the repository's root, or the current
    /// directory outside a repository).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Skip paths matching GLOB (relative to the walked directory; `vendor/**`).
    /// Repeatable. `result*` links and hidden files are always skipped, and
    /// .gitignore is respected.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Only these rules (comma-separated ids).
    #[arg(
        long,
        value_name = "RULES",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub select: Vec<Rule>,
    /// Never these rules.
    #[arg(
        long,
        value_name = "RULES",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub ignore: Vec<Rule>,
    /// Do not report unused `x:` lambda arguments (deadnix -l).
    #[arg(long, help_heading = "Rules")]
    pub no_lambda_arg: bool,
    /// Do not report unused names of `{ a, ... }:` patterns (deadnix -L).
    #[arg(long, help_heading = "Rules")]
    pub no_lambda_pattern_names: bool,
    /// Do not report bindings whose name starts with `_` (deadnix -_).
    #[arg(long, help_heading = "Rules")]
    pub no_underscore: bool,

    /// Apply the certain fixes in place (each file atomically, only when it
    /// parses before and after), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Exit 1 when anything is found.
    #[arg(long)]
    pub check: bool,
    /// Inside a Nix build (`lib.lint`): lint PATH as the current directory,
    /// print the report to the build log and write report.json and
    /// report.sarif to $out.
    #[arg(long, hide = true)]
    pub in_build: bool,

    /// Another format for the main output: SARIF 2.1.0 (code scanning) or
    /// GitHub workflow annotations.
    #[arg(long, value_enum, help_heading = "Output", conflicts_with_all = ["json", "markdown"])]
    pub format: Option<LintFormat>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Sarif,
    Github,
}

pub fn run(args: &LintArgs) -> anyhow::Result<Outcome> {
    args.output.check()?;
    let config = Config {
        select: (!args.select.is_empty()).then(|| args.select.clone()),
        ignore: args.ignore.clone(),
        skip_lambda_args: args.no_lambda_arg,
        skip_pattern_names: args.no_lambda_pattern_names,
        skip_underscore: args.no_underscore,
    };
    if args.in_build {
        return in_build(args, &config);
    }
    let roots = if args.paths.is_empty() {
        vec![walk::repository_root()]
    } else {
        for p in &args.paths {
            if std::fs::symlink_metadata(p).is_err() {
                bail!("{}: no such file or directory", p.display());
            }
        }
        args.paths.clone()
    };
    let report = lint_tree(&roots, args, &config)?;
    match args.format {
        Some(format) => {
            let text = match format {
                LintFormat::Sarif => sarif::render(&report)?,
                LintFormat::Github => github::render(&report),
            };
            output::put(args.output.output.as_deref(), text.as_bytes())?;
            if let Some(file) = &args.output.json_out {
                let doc = flakegate_report::Document {
                    envelope: crate::envelope::of::<LintReport>(&[]),
                    body: &report,
                };
                output::write_file(file, &output::json(&doc)?)?;
            }
            Ok(Outcome::from_status(report.status))
        }
        None => {
            let envelope = crate::envelope::of::<LintReport>(&[]);
            output::emit(&report, envelope, &args.output)
        }
    }
}

/// Walks `roots` and lints every file in parallel.
fn lint_tree(roots: &[PathBuf], args: &LintArgs, config: &Config) -> anyhow::Result<LintReport> {
    let found = walk::nix_files(roots, &args.exclude)?;
    let mut unreadable = found.unreadable;
    let results: Vec<Result<FileResult, Unreadable>> = found
        .files
        .par_iter()
        .map(|path| lint_file(path, config, args.fix))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(u) => unreadable.push(u),
        }
    }
    unreadable.sort_by(|a, b| a.file.cmp(&b.file));
    for u in &unreadable {
        eprintln!("warning: {}: {}", u.file, u.reason);
    }
    Ok(LintReport::new(files, unreadable, args.check, args.fix))
}

/// `lib.lint`'s builder: the sources are the one PATH, $out the reports'
/// directory; the terminal report goes to the build log.
fn in_build(args: &LintArgs, config: &Config) -> anyhow::Result<Outcome> {
    let [src] = args.paths.as_slice() else {
        bail!("--in-build takes the source directory as its one PATH");
    };
    let out = PathBuf::from(std::env::var_os("out").context("--in-build: $out is not set")?);
    std::env::set_current_dir(src).with_context(|| format!("{}: cannot enter", src.display()))?;
    let report = lint_tree(&[PathBuf::from(".")], args, config)?;
    std::fs::create_dir_all(&out).with_context(|| format!("{}: cannot create", out.display()))?;
    let doc = flakegate_report::Document {
        envelope: flakegate_report::Envelope::new(
            <LintReport as flakegate_report::Report>::TOOL,
            <LintReport as flakegate_report::Report>::SCHEMA,
        ),
        body: &report,
    };
    output::write_file(&out.join("report.json"), &output::json(&doc)?)?;
    output::write_file(
        &out.join("report.sarif"),
        sarif::render(&report)?.as_bytes(),
    )?;
    let text = crate::render::Render::terminal(&report, crate::render::Paint(false));
    output::put(None, text.as_bytes())?;
    Ok(Outcome::from_status(report.status))
}

/// Lints one file (and fixes it with `fix`); a file that cannot be read as
/// UTF-8 text is reported, not fatal.
fn lint_file(path: &walk::Found, config: &Config, fix: bool) -> Result<FileResult, Unreadable> {
    let unreadable = |reason: String| Unreadable {
        file: path.shown.clone(),
        reason,
    };
    let bytes = std::fs::read(&path.path).map_err(|e| unreadable(format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        unreadable(format!(
            "not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    if fix {
        let fixed = flakegate_lint::fix(&text, config);
        if fixed.applied > 0 {
            output::write_file(&path.path, fixed.text.as_bytes())
                .with_context(|| format!("{}: cannot write the fixes", path.shown))
                .map_err(|e| unreadable(format!("{e:#}")))?;
        }
        return Ok(FileResult {
            file: path.shown.clone(),
            findings: fixed.findings,
            source: Some(fixed.text),
            fixed: fixed.applied,
        });
    }
    let findings = flakegate_lint::lint(&text, config);
    Ok(FileResult {
        file: path.shown.clone(),
        findings,
        source: Some(text),
        fixed: 0,
    })
}
