//! Finding the `.nix` files to lint: .gitignore respected, hidden files and
//! `result*` links skipped, `--exclude` globs, symlinks followed with loop
//! detection (a loop is reported, not fatal).

use std::path::{Path, PathBuf};

use anyhow::Context;
use flakegate_lint::Unreadable;
use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;

pub struct Found {
    pub path: PathBuf,
    /// The path as reports show it (no leading `./`).
    pub shown: String,
}

pub struct Walked {
    pub files: Vec<Found>,
    pub unreadable: Vec<Unreadable>,
}

/// The root of the git repository around the current directory, or the
/// current directory.
pub fn repository_root() -> PathBuf {
    let cwd = PathBuf::from(".");
    let Ok(abs) = std::env::current_dir() else {
        return cwd;
    };
    for dir in abs.ancestors() {
        if dir.join(".git").exists() {
            return pathdiff(dir, &abs);
        }
    }
    cwd
}

/// `dir` relative to `base` when it is an ancestor (`..`, `../..`).
fn pathdiff(dir: &Path, base: &Path) -> PathBuf {
    let up = base.components().count() - dir.components().count();
    if up == 0 {
        PathBuf::from(".")
    } else {
        (0..up).map(|_| "..").collect()
    }
}

pub fn nix_files(roots: &[PathBuf], excludes: &[String]) -> anyhow::Result<Walked> {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for root in roots {
        let mut overrides = OverrideBuilder::new(root);
        for glob in excludes {
            overrides
                .add(&format!("!{glob}"))
                .with_context(|| format!("--exclude {glob}: not a glob"))?;
        }
        let overrides = overrides.build().context("--exclude")?;
        let walker = WalkBuilder::new(root)
            .follow_links(true)
            .require_git(false)
            .overrides(overrides)
            .filter_entry(|e| {
                // `nix build` links (result, result-dev) point into the store.
                let name = e.file_name().to_string_lossy();
                !(e.depth() > 0 && name.starts_with("result") && e.path_is_symlink())
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    let named = e.depth() == 0;
                    let nix = e.path().extension().is_some_and(|x| x == "nix");
                    if is_file && (nix || named) {
                        files.push(Found {
                            shown: shown(e.path()),
                            path: e.into_path(),
                        });
                    }
                }
                Err(err) => unreadable.push(walk_error(&err)),
            }
        }
    }
    files.sort_by(|a, b| a.shown.cmp(&b.shown));
    files.dedup_by(|a, b| a.shown == b.shown);
    Ok(Walked { files, unreadable })
}

fn shown(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// One line naming the path the walker could not enter.
fn walk_error(err: &ignore::Error) -> Unreadable {
    match err {
        ignore::Error::WithPath { path, err } => Unreadable {
            file: shown(path),
            reason: one_line(err),
        },
        ignore::Error::Loop { child, .. } => Unreadable {
            file: shown(child),
            reason: "a directory loop (a link to one of its own parents)".to_owned(),
        },
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        other => Unreadable {
            file: String::new(),
            reason: other.to_string(),
        },
    }
}

fn one_line(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}
