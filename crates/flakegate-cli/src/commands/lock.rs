//! `flakegate lock`: the health of a flake.lock (duplicates with the
//! `follows` lines that remove them, ages, pinning) and, with `--diff`, what
//! an update moved, for the body of an update PR.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use flakegate_lock::{
    HealthOptions, HealthReport, LockDiff, LockGates, LockGraph, PinningGate, analyse, diff,
    newest, time,
};
use flakegate_store::git;

use crate::exit::Outcome;
use crate::output::{self, OutputArgs};
use crate::render::lock::github;
use crate::render::{Paint, Render};

pub const EXAMPLES: &str = "\
Examples:
  flakegate lock                                   # the flake in the current directory
  flakegate lock path/to/flake --max-duplicates 0 --max-age 90d --warn-age 30d
  flakegate lock --format github                   # annotations on flake.lock in a GitHub job
  flakegate lock --markdown >> \"$GITHUB_STEP_SUMMARY\"
  flakegate lock --diff HEAD~1                     # what the last commit changed in flake.lock
  flakegate lock --diff origin/main --markdown > pr-body.md
  flakegate lock --diff old/flake.lock new/flake.lock --json

Ages are measured against the flake's last commit (deterministic in CI), or
--now. A duplicate is one source (repository or URL, whatever the revision)
locked as several nodes; each comes with the `follows` line that removes it.
--diff OLD [NEW]: lock files, or REV / REV:PATH of the flake's git repository;
NEW defaults to the flake's flake.lock as it is on disk.";

#[derive(Debug, Args)]
pub struct LockArgs {
    /// A flake directory or a flake.lock.
    #[arg(value_name = "FLAKE_DIR|flake.lock", default_value = ".")]
    pub path: PathBuf,

    /// Compare two locks: lock files, or REV / REV:PATH of the git repository
    /// (NEW defaults to the flake's flake.lock on disk).
    #[arg(long, num_args = 1..=2, value_names = ["OLD", "NEW"])]
    pub diff: Option<Vec<String>>,

    /// Fail (exit 1) when more than N nodes are duplicates (nodes beyond the
    /// first of each source).
    #[arg(long, value_name = "N", help_heading = "Gates")]
    pub max_duplicates: Option<usize>,
    /// Fail when an input is older than AGE (90d, 12w, 36h).
    #[arg(long, value_name = "AGE", value_parser = time::parse_duration, help_heading = "Gates")]
    pub max_age: Option<i64>,
    /// Warn (exit 0) when an input is older than AGE.
    #[arg(long, value_name = "AGE", value_parser = time::parse_duration, help_heading = "Gates")]
    pub warn_age: Option<i64>,
    /// Judge the age of every input, not only those flake.nix declares.
    #[arg(long, help_heading = "Gates")]
    pub all_ages: bool,
    /// What pinning findings (no narHash, registry inputs, path: inputs
    /// outside the flake, nixpkgs off its channels) do.
    #[arg(long, value_enum, default_value_t = PinningArg::Warn, help_heading = "Gates")]
    pub pinning: PinningArg,
    /// The time ages are measured against: YYYY-MM-DD, an RFC 3339 UTC time
    /// or Unix seconds (default: the flake's last commit).
    #[arg(long, value_name = "TIME", value_parser = time::parse_time, help_heading = "Gates")]
    pub now: Option<i64>,

    /// Also an output format: `github` prints GitHub Actions workflow
    /// commands, annotations on flake.lock (health report only).
    #[arg(long, value_enum, conflicts_with_all = ["json", "markdown"], help_heading = "Output")]
    pub format: Option<FormatArg>,
    #[command(flatten)]
    pub output: OutputArgs,

    /// Inside a Nix build (`lib.lockHealth`): print the report to the log,
    /// write report.{txt,json,md} to $out.
    #[arg(long, hide = true)]
    pub in_build: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PinningArg {
    Fail,
    Warn,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// GitHub Actions workflow commands: annotations on flake.lock.
    Github,
}

pub fn run(args: &LockArgs) -> anyhow::Result<Outcome> {
    args.output.check()?;
    let (lock_file, flake_dir) = locate(&args.path)?;
    // `flake.lock`, not `./flake.lock`: GitHub matches annotations by the
    // path from the repository's top.
    let shown = lock_file
        .strip_prefix(".")
        .unwrap_or(&lock_file)
        .display()
        .to_string();
    if let Some(sides) = &args.diff {
        if args.format.is_some() {
            bail!("--format github annotates the health report, not --diff");
        }
        let d = run_diff(sides, &lock_file, &flake_dir)?;
        let envelope = crate::envelope::of::<LockDiff>(&[&flake_ref(&flake_dir)]);
        return output::emit(&d, envelope, &args.output);
    }

    let text = read(&lock_file)?;
    let graph = LockGraph::parse(&text).with_context(|| shown.clone())?;
    let (now, reference_source) = match args.now {
        Some(t) => (t, "--now".to_owned()),
        None if args.in_build => (newest(&graph).unwrap_or(0), "newest input".to_owned()),
        None => reference_time(&flake_dir),
    };
    let options = HealthOptions {
        file: shown.clone(),
        now,
        flake_dir: std::fs::canonicalize(&flake_dir)
            .ok()
            .map(|d| d.display().to_string()),
        reference_source,
        gates: LockGates {
            max_duplicates: args.max_duplicates,
            max_age: args.max_age,
            warn_age: args.warn_age,
            age_all: args.all_ages,
            pinning: match args.pinning {
                PinningArg::Fail => PinningGate::Fail,
                PinningArg::Warn => PinningGate::Warn,
                PinningArg::Off => PinningGate::Off,
            },
        },
    };
    let report = analyse(&graph, &options);
    let envelope = crate::envelope::of::<HealthReport>(&[&flake_ref(&flake_dir)]);
    if args.in_build {
        let out = std::env::var_os("out").context("--in-build: $out is not set")?;
        output::write_build_reports(Path::new(&out), &report, envelope)?;
        print!("{}", report.terminal(Paint(false)));
        return Ok(Outcome::from_status(report.status));
    }
    if args.format == Some(FormatArg::Github) {
        output::put(
            args.output.output.as_deref(),
            github(&report, &text).as_bytes(),
        )?;
        return Ok(Outcome::from_status(report.status));
    }
    output::emit(&report, envelope, &args.output)
}

/// `path:DIR`, so the envelope finds the flake's git state.
fn flake_ref(dir: &Path) -> String {
    format!("path:{}", dir.display())
}

fn run_diff(sides: &[String], lock_file: &Path, flake_dir: &Path) -> anyhow::Result<LockDiff> {
    let (old_label, old_text) = side(&sides[0], flake_dir)?;
    let (new_label, new_text) = match sides.get(1) {
        Some(s) => side(s, flake_dir)?,
        None => (lock_file.display().to_string(), read(lock_file)?),
    };
    let old = LockGraph::parse(&old_text).with_context(|| old_label.clone())?;
    let new = LockGraph::parse(&new_text).with_context(|| new_label.clone())?;
    let mut d = diff(&old, &new);
    d.from = old_label;
    d.to = new_label;
    Ok(d)
}

/// The lock file and the flake directory a path names.
fn locate(path: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    if path.is_dir() {
        return Ok((path.join("flake.lock"), path.to_owned()));
    }
    if !path.exists() {
        bail!("{}: no such file or directory", path.display());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    Ok((path.to_owned(), dir))
}

fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| {
        if file.file_name().is_some_and(|n| n == "flake.lock") && !file.exists() {
            format!(
                "{}: no such file (is this a flake with a lock?)",
                file.display()
            )
        } else {
            format!("{}: cannot read", file.display())
        }
    })
}

/// The flake's last commit, else the clock (outside a git repository).
fn reference_time(flake_dir: &Path) -> (i64, String) {
    match git::head(flake_dir) {
        Some(h) => (h.commit_time, "last commit".to_owned()),
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            (now, "clock (not a git repository)".to_owned())
        }
    }
}

/// One side of `--diff`: a lock file (or a flake directory), `REV:PATH`, or
/// `REV` (the flake's flake.lock at REV).
fn side(spec: &str, flake_dir: &Path) -> anyhow::Result<(String, String)> {
    let as_path = Path::new(spec);
    if as_path.is_dir() {
        let file = as_path.join("flake.lock");
        return Ok((file.display().to_string(), read(&file)?));
    }
    if as_path.is_file() {
        return Ok((spec.to_owned(), read(as_path)?));
    }
    let (rev, path) = match spec.split_once(':') {
        Some((rev, path)) if !rev.is_empty() => (rev, path),
        _ => (spec, "./flake.lock"),
    };
    let bytes = git::show(flake_dir, rev, path).map_err(|e| match e {
        git::GitError::NoRevision { .. } | git::GitError::NotARepository { .. } => {
            anyhow::anyhow!(
                "{spec}: neither a file nor a revision of the flake's git repository ({e})"
            )
        }
        other => other.into(),
    })?;
    let text = String::from_utf8(bytes).with_context(|| format!("{spec}: not UTF-8 text"))?;
    let label = if spec.contains(':') {
        spec.to_owned()
    } else {
        format!("{rev}:flake.lock")
    };
    Ok((label, text))
}
