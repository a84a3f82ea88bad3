//! Pinning: inputs whose lock does not say exactly what was fetched, that
//! depend on the machine, or (nixpkgs) that follow a branch nobody tests.

use serde::{Deserialize, Serialize};

use crate::graph::{InputPath, LockGraph};
use crate::source::{InputType, Source};

/// What is wrong with an input's pinning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PinningKind {
    /// No `locked` set, or one without a `narHash`: the content is not fixed.
    NoNarHash,
    /// An `indirect` input (`nixpkgs`, `flake:nixpkgs`): resolved through
    /// the flake registry of whoever locked it.
    Indirect,
    /// A `path:` input outside the flake: it exists only on one machine.
    PathOutside,
    /// A nixpkgs input on a branch that is neither a release nor
    /// `nixos-unstable` / `nixpkgs-unstable` (flake-checker's rule).
    NixpkgsBranch,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinningFinding {
    pub kind: PinningKind,
    /// The node's key and shortest path.
    pub key: String,
    pub path: InputPath,
    pub message: String,
}

/// Pinning findings, in path order. `flake_dir` is the flake's directory as
/// an absolute path, when known, to tell a `path:` inside the flake from
/// one outside.
pub fn find(graph: &LockGraph, flake_dir: Option<&str>) -> Vec<PinningFinding> {
    let mut out = Vec::new();
    let direct: Vec<usize> = graph.direct_inputs().map(|i| i.target).collect();
    for (id, node) in graph.inputs() {
        let Some(path) = node.paths.first() else {
            continue;
        };
        let mut push = |kind, message: String| {
            out.push(PinningFinding {
                kind,
                key: node.key.clone(),
                path: path.clone(),
                message,
            });
        };
        match &node.locked {
            None => push(PinningKind::NoNarHash, "not locked".to_owned()),
            Some(l) if l.nar_hash.is_none() => {
                push(
                    PinningKind::NoNarHash,
                    "locked without a narHash".to_owned(),
                );
            }
            Some(_) => {}
        }
        let Some(original) = &node.original else {
            continue;
        };
        match original.kind {
            InputType::Indirect => push(
                PinningKind::Indirect,
                format!(
                    "`{}` is resolved through the flake registry; write the full reference",
                    original.flake_ref()
                ),
            ),
            InputType::Path => {
                let p = original.path.as_deref().unwrap_or("");
                if !inside(p, flake_dir) {
                    push(
                        PinningKind::PathOutside,
                        format!("`path:{p}` is outside the flake: it exists on one machine only"),
                    );
                }
            }
            _ => {}
        }
        if direct.contains(&id)
            && let Some(message) = nixpkgs_branch(node.source(), original)
        {
            push(PinningKind::NixpkgsBranch, message);
        }
    }
    out.sort_by(|a, b| (a.path.len(), &a.path, a.kind).cmp(&(b.path.len(), &b.path, b.kind)));
    out
}

/// A relative path that stays inside, or an absolute one under `flake_dir`.
fn inside(path: &str, flake_dir: Option<&str>) -> bool {
    if let Some(rel) = path
        .strip_prefix("./")
        .or((!path.starts_with('/')).then_some(path))
    {
        let mut depth: i64 = 0;
        for part in rel.split('/') {
            match part {
                ".." => depth -= 1,
                "" | "." => {}
                _ => depth += 1,
            }
            if depth < 0 {
                return false;
            }
        }
        return true;
    }
    match flake_dir {
        Some(dir) => {
            let dir = dir.trim_end_matches('/');
            path == dir || path.starts_with(&format!("{dir}/"))
        }
        None => false,
    }
}

/// flake-checker's rule for a root nixpkgs input: its branch must be
/// `nixos-YY.MM`, `nixos-YY.MM-small`, `nixpkgs-YY.MM-darwin`,
/// `nixos-unstable`, `nixos-unstable-small` or `nixpkgs-unstable`. (It
/// also knows which releases are still supported; an old release is caught
/// by the age gate instead.) Only branch-carrying fetchers are judged.
fn nixpkgs_branch(source: Option<&Source>, original: &Source) -> Option<String> {
    let forge = source?.forge()?;
    if !(forge.owner.eq_ignore_ascii_case("nixos") && forge.repo.eq_ignore_ascii_case("nixpkgs")) {
        return None;
    }
    if !matches!(original.kind, InputType::Github | InputType::Git) {
        return None;
    }
    match (&original.git_ref, &original.rev) {
        (None, None) => Some(
            "nixpkgs without a branch follows its default branch, which no channel tests; \
             use nixos-unstable, nixpkgs-unstable or a release"
                .to_owned(),
        ),
        (None, Some(_)) => None,
        (Some(r), _) if supported_branch(r) => None,
        (Some(r), _) => Some(format!(
            "nixpkgs branch `{r}` is neither a release nor nixos-unstable / nixpkgs-unstable"
        )),
    }
}

pub fn supported_branch(branch: &str) -> bool {
    let b = branch.strip_prefix("refs/heads/").unwrap_or(branch);
    if matches!(
        b,
        "nixos-unstable" | "nixos-unstable-small" | "nixpkgs-unstable"
    ) {
        return true;
    }
    let release = |v: &str| {
        let bytes = v.as_bytes();
        bytes.len() == 5
            && bytes[2] == b'.'
            && [0, 1, 3, 4].iter().all(|&i| bytes[i].is_ascii_digit())
    };
    if let Some(v) = b.strip_prefix("nixos-") {
        return release(v.strip_suffix("-small").unwrap_or(v));
    }
    b.strip_prefix("nixpkgs-")
        .and_then(|v| v.strip_suffix("-darwin"))
        .is_some_and(release)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branches() {
        for ok in [
            "nixos-unstable",
            "nixpkgs-unstable",
            "nixos-unstable-small",
            "nixos-24.05",
            "nixos-24.11-small",
            "nixpkgs-24.05-darwin",
        ] {
            assert!(supported_branch(ok), "{ok}");
        }
        for bad in [
            "master",
            "staging",
            "nixos-24.5",
            "release-24.05",
            "nixpkgs-24.05",
            "haskell-updates",
        ] {
            assert!(!supported_branch(bad), "{bad}");
        }
    }

    #[test]
    fn paths_inside_the_flake() {
        assert!(inside("./sub", None));
        assert!(inside("sub/../x", None));
        assert!(!inside("../other", None));
        assert!(!inside("./a/../../b", None));
        assert!(inside("/src/flake/sub", Some("/src/flake")));
        assert!(!inside("/src/flake2", Some("/src/flake")));
        assert!(!inside("/src/other", None));
    }
}
