//! The git facts flakegate needs about a flake's repository, through the
//! `git` command (argv only): `HEAD` ([`head`]: its commit time is what
//! Nix gives a git flake as `self.lastModified`), and files as they are at
//! a revision ([`show`], for `flakegate lock --diff REV`).

use std::path::Path;

use crate::StoreError;
use crate::command::Invocation;

/// `git -C DIR OPTIONS…` (no operands), its stdout as text.
pub fn run(dir: &Path, options: &[&str]) -> Result<String, StoreError> {
    Invocation::git(dir)
        .options(options.iter().copied())
        .run_text()
}

/// Where a repository's `HEAD` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The full commit id.
    pub revision: String,
    /// Seconds since the epoch of the commit (committer date).
    pub commit_time: i64,
    /// Whether tracked files differ from `HEAD`.
    pub dirty: bool,
}

/// `HEAD` of the repository holding `dir`; `None` when `dir` is not in a git
/// working tree with a commit, or git is missing. Two quick `git` calls.
#[must_use]
pub fn head(dir: &Path) -> Option<Head> {
    let log = run(dir, &["log", "-1", "--format=%H %ct"]).ok()?;
    let (revision, time) = log.trim().split_once(' ')?;
    let status = run(dir, &["status", "--porcelain", "--untracked-files=no"]).ok()?;
    Some(Head {
        revision: revision.to_owned(),
        commit_time: time.parse().ok()?,
        dirty: !status.trim().is_empty(),
    })
}

/// Why a file at a revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{dir}: not in a git repository")]
    NotARepository { dir: String },
    #[error("{rev}: no such revision in {repo}")]
    NoRevision { rev: String, repo: String },
    #[error("{rev}:{path}: no such file at that revision")]
    NoFile { rev: String, path: String },
}

/// The full commit id `rev` names in the repository holding `dir`.
pub fn commit(dir: &Path, rev: &str) -> Result<String, GitError> {
    let repo = run(dir, &["rev-parse", "--show-toplevel"])
        .map(|s| s.trim().to_owned())
        .map_err(|_| GitError::NotARepository {
            dir: dir.display().to_string(),
        })?;
    Invocation::git(dir)
        .options(["rev-parse", "--verify", "--quiet"])
        .operand(format!("{rev}^{{commit}}"))
        .run_text()
        .map(|s| s.trim().to_owned())
        .map_err(|_| GitError::NoRevision {
            rev: rev.to_owned(),
            repo,
        })
}

/// The bytes of `path` at `rev`, with git's meaning of the path: relative
/// to the repository's top, or to `dir` when it starts with `./`.
pub fn show(dir: &Path, rev: &str, path: &str) -> Result<Vec<u8>, GitError> {
    let commit = commit(dir, rev)?;
    Invocation::git(dir)
        .option("show")
        .operand(format!("{commit}:{path}"))
        .run()
        .map_err(|_| GitError::NoFile {
            rev: rev.to_owned(),
            path: path.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_repository_there_is_no_head() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(head(dir.path()), None);
    }

    #[allow(clippy::disallowed_methods)] // a fixed command on the test's own repository
    fn git(dir: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .env("GIT_COMMITTER_DATE", "2024-06-01T00:00:00Z")
            .env("GIT_AUTHOR_DATE", "2024-06-01T00:00:00Z")
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn files_at_revisions() {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        assert!(matches!(
            show(d, "HEAD", "f"),
            Err(GitError::NotARepository { .. })
        ));
        git(d, &["init", "-q"]);
        assert!(matches!(
            show(d, "HEAD", "f"),
            Err(GitError::NoRevision { .. })
        ));
        std::fs::create_dir(d.join("sub")).expect("mkdir");
        std::fs::write(d.join("sub/f"), "one").expect("write");
        git(d, &["add", "."]);
        git(d, &["commit", "-qm", "one"]);
        std::fs::write(d.join("sub/f"), "two").expect("write");
        git(d, &["commit", "-qam", "two"]);
        assert_eq!(head(d).expect("head").commit_time, 1_717_200_000);
        assert_eq!(show(d, "HEAD~1", "sub/f").expect("file"), b"one");
        assert_eq!(show(&d.join("sub"), "HEAD", "./f").expect("file"), b"two");
        let err = show(d, "HEAD", "nope").expect_err("no file").to_string();
        assert_eq!(err, "HEAD:nope: no such file at that revision");
        // A revision spelled like an option is a revision.
        for rev in ["--output=x", "-h"] {
            assert!(matches!(
                show(d, rev, "sub/f"),
                Err(GitError::NoRevision { .. })
            ));
        }
        let err = show(d, "nosuchrev", "sub/f")
            .expect_err("no rev")
            .to_string();
        assert!(err.starts_with("nosuchrev: no such revision in "), "{err}");
    }
}
