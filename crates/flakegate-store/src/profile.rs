//! Profiles and their generations (`/nix/var/nix/profiles/system` →
//! `system-42-link` → `/nix/store/…`), and NixOS's `sw` link, which tells
//! which packages the user selected.

use std::path::{Path, PathBuf};

use crate::{StoreDir, StoreError};

/// One generation of a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    pub number: u64,
    /// The `NAME-N-link` symlink.
    pub link: PathBuf,
}

/// The generations of `profile`, oldest first: the `NAME-N-link` entries next
/// to it.
pub fn generations(profile: &Path) -> Result<Vec<Generation>, StoreError> {
    let input = profile.display().to_string();
    let name = profile
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| StoreError::Missing {
            input: input.clone(),
        })?;
    let dir = match profile.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let entries = std::fs::read_dir(&dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::Missing {
            input: input.clone(),
        },
        _ => StoreError::io(input.clone(), e),
    })?;
    let prefix = format!("{name}-");
    let mut out: Vec<Generation> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let file = e.file_name().into_string().ok()?;
            let number = file
                .strip_prefix(&prefix)?
                .strip_suffix("-link")?
                .parse()
                .ok()?;
            Some(Generation {
                number,
                link: e.path(),
            })
        })
        .collect();
    out.sort_by_key(|g| g.number);
    if out.is_empty() {
        // A profile that is not there is missing, not an invalid store path.
        if std::fs::symlink_metadata(profile).is_err() {
            return Err(StoreError::Missing { input });
        }
        return Err(StoreError::NotAProfile {
            input,
            name: name.to_owned(),
        });
    }
    Ok(out)
}

/// The link of generation `number` of `profile`.
pub fn generation(profile: &Path, number: u64) -> Result<PathBuf, StoreError> {
    let all = generations(profile)?;
    all.iter()
        .find(|g| g.number == number)
        .map(|g| g.link.clone())
        .ok_or_else(|| {
            let known: Vec<String> = all.iter().map(|g| g.number.to_string()).collect();
            StoreError::Missing {
                input: format!(
                    "{} generation {number} (generations: {})",
                    profile.display(),
                    known.join(", ")
                ),
            }
        })
}

/// For a NixOS system (a store path with an `sw` link to its `system-path`),
/// the store path of `sw`; `None` for anything else.
#[must_use]
pub fn nixos_sw(root: &str, store_dir: &StoreDir) -> Option<String> {
    let target = std::fs::read_link(Path::new(root).join("sw")).ok()?;
    store_dir.top_level_of(target.to_str()?)
}
