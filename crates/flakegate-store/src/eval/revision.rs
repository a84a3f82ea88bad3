//! A git revision and the working tree of the same repository as two plain
//! directories, for `flakegate bench --compare REV`.
//!
//! Both sides are evaluated as `path:` flakes, so they go through the same
//! fetcher and their `self` has the same attributes. Evaluating REV as
//! `git+file://DIR?rev=REV` (which works offline too) does not: a clean git
//! source carries `rev`, `revCount` and `shortRev`, a dirty working tree does
//! not, and a `path:` one has neither — measured on Nix 2.8, the same code
//! came out 6 to 8 set elements apart, so A/B counter deltas would not be
//! the change's alone. Exporting also leaves the repository untouched (no
//! worktree to register and remove) and skips ignored files such as build
//! outputs, which a `path:` flake of the working directory would copy into
//! the store on every run.
//!
//! - REV: `git archive COMMIT | tar -x` (tracked files at that commit;
//!   files marked `export-ignore` in `.gitattributes` are left out).
//! - Working tree: the files `git ls-files --cached --others
//!   --exclude-standard` lists, as they are on disk (tracked files with
//!   their edits, new files not yet added; deleted and ignored files left out).
//!
//! Submodules are not exported on either side.

use std::path::{Path, PathBuf};

use crate::StoreError;
use crate::command::{Invocation, Program};
use crate::git::run as git;

/// The two sides of an A/B comparison.
#[derive(Debug, Clone)]
pub struct Sides {
    /// The full commit id REV resolved to.
    pub commit: String,
    /// The flake directory at REV.
    pub revision: PathBuf,
    /// The flake directory of the working tree.
    pub worktree: PathBuf,
}

/// Exports `flake_dir` at `rev` and as it is now into two folders under
/// `into` (which must exist and be empty).
pub fn export(flake_dir: &Path, rev: &str, into: &Path) -> Result<Sides, ExportError> {
    let shown = flake_dir.display().to_string();
    let top = git(flake_dir, &["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        StoreError::Nix { message, .. } => failure(
            &shown,
            format!("--compare needs a flake in a git repository ({message})"),
        ),
        other => ExportError::Store(other),
    })?;
    let top = PathBuf::from(top.trim());
    let prefix = git(flake_dir, &["rev-parse", "--show-prefix"])?
        .trim()
        .to_owned();
    let commit = crate::git::commit(&top, rev)
        .map_err(|_| failure(rev, format!("no such revision in {}", top.display())))?;

    let a = into.join("revision");
    let b = into.join("worktree");
    for dir in [&a, &b] {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir.display().to_string(), e))?;
    }
    archive(&top, &commit, &a)?;
    copy_worktree(&top, &b)?;

    let sides = Sides {
        revision: a.join(&prefix),
        worktree: b.join(&prefix),
        commit,
    };
    if !sides.revision.join("flake.nix").is_file() {
        return Err(failure(rev, format!("has no {prefix}flake.nix")));
    }
    Ok(sides)
}

/// Why the two sides could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The flake is not in a git repository, REV is not a commit, or the
    /// commit has no flake where the working tree has one.
    #[error("{input}: {message}")]
    Refused { input: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn failure(input: &str, message: String) -> ExportError {
    ExportError::Refused {
        input: input.to_owned(),
        message,
    }
}

fn archive(top: &Path, commit: &str, into: &Path) -> Result<(), StoreError> {
    let git = Invocation::git(top)
        .options(["archive", "--format=tar"])
        .operand(commit)
        .expression()?;
    let tar = Invocation::new(Program::Tar)
        .options(["-x", "-f", "-", "-C"])
        .option(into.display().to_string())
        .expression()?;
    git.pipe(tar)
        .stderr_capture()
        .stdout_null()
        .run()
        .map(|_| ())
        .map_err(|e| StoreError::Nix {
            command: format!("git archive {commit} | tar -x"),
            message: e.to_string(),
        })
}

fn copy_worktree(top: &Path, into: &Path) -> Result<(), StoreError> {
    let list = git(
        top,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    )?;
    for rel in list.split('\0').filter(|s| !s.is_empty()) {
        let from = top.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&from) else {
            continue; // deleted in the working tree
        };
        let to = into.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::io(parent.display().to_string(), e))?;
        }
        let copied = if meta.file_type().is_symlink() {
            std::fs::read_link(&from).and_then(|target| std::os::unix::fs::symlink(target, &to))
        } else if meta.is_file() {
            std::fs::copy(&from, &to).map(|_| ())
        } else {
            continue; // a submodule's directory
        };
        copied.map_err(|e| StoreError::io(from.display().to_string(), e))?;
    }
    Ok(())
}
