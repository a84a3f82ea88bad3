//! The git facts flakegate needs about a flake's repository, through the
//! `git` command (argv only).

use std::path::Path;

use crate::StoreError;

/// `git -C DIR ARGS…`, its stdout as text.
pub fn run(dir: &Path, args: &[&str]) -> Result<String, StoreError> {
    let mut full = vec!["-C".to_owned(), dir.display().to_string()];
    full.extend(args.iter().map(|s| (*s).to_owned()));
    let out = crate::nix::run("git", &full)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_a_repository_there_is_no_head() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(head(dir.path()), None);
    }
}
