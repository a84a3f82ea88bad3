//! The envelope of this run's documents: which tool and schema, the Nix that
//! was run, and the flake's git state when the inputs name a local flake.

use std::path::PathBuf;

use flakegate_report::{Envelope, GitState, Report, format_epoch};
use flakegate_store::installable::{self, Kind};
use flakegate_store::nix_version::NixVersion;

/// The envelope for a report of type `R` about `inputs` (installables or
/// flake directories as the user typed them).
pub fn of<R: Report>(inputs: &[&str]) -> Envelope {
    let git = inputs
        .iter()
        .find_map(|i| local_flake(i))
        .and_then(|dir| flakegate_store::git::head(&dir))
        .map(|h| GitState {
            revision: h.revision,
            dirty: h.dirty,
            commit_date: format_epoch(h.commit_time),
        });
    Envelope::new(R::TOOL, R::SCHEMA)
        .with_nix_version(flakegate_store::nix_version::known().map(NixVersion::number))
        .with_git(git)
}

/// The directory of a flake reference to a local flake (`.#x`,
/// `path:./dir#x`, `/srv/flake#x`); `None` for store paths and remote flakes.
fn local_flake(input: &str) -> Option<PathBuf> {
    let Kind::Flake(reference) = installable::classify(input) else {
        return None;
    };
    let url = reference.split('#').next().unwrap_or_default();
    let url = url.split('?').next().unwrap_or_default();
    let path = url
        .strip_prefix("path:")
        .or_else(|| url.strip_prefix("git+file://"))
        .unwrap_or(url);
    let local = path.is_empty()
        || path == "."
        || path.starts_with('/')
        || path.starts_with("./")
        || path.starts_with("../");
    local.then(|| PathBuf::from(if path.is_empty() { "." } else { path }))
}

#[cfg(test)]
mod tests {
    use super::local_flake;
    use std::path::PathBuf;

    #[test]
    fn only_local_flakes_have_a_directory() {
        assert_eq!(local_flake(".#hello"), Some(PathBuf::from(".")));
        assert_eq!(local_flake("path:./sub#x"), Some(PathBuf::from("./sub")));
        assert_eq!(local_flake("github:o/r#x"), None);
    }
}
