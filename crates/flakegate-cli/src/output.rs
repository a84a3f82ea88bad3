//! Writing files so that a reader never sees half of one: write a temporary
//! file next to the target, then rename it over the target.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| {
        format!(
            "{}: cannot create a file in {}",
            path.display(),
            dir.display()
        )
    })?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("{}: write failed", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("{}: cannot replace the file", path.display()))?;
    Ok(())
}

/// Writes a report to `file` (atomically) or, without one, to stdout.
pub fn emit(file: Option<&Path>, contents: &[u8]) -> anyhow::Result<()> {
    match file {
        Some(f) => write_atomic(f, contents),
        None => {
            std::io::stdout().write_all(contents)?;
            Ok(())
        }
    }
}
