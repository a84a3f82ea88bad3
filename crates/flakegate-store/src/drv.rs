//! The derivation graph: `.drv` files read from disk (the stable on-disk
//! format, identical across Nix versions) with the `nix-derivation` crate.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::Read;

use nix_derivation::Derivation;

use crate::{DrvSource, StoreDir, StoreError, name::store_path_name};

/// Reads and parses one `.drv` file.
pub fn read(drv_path: &str, store_dir: &StoreDir) -> Result<Derivation, StoreError> {
    // A diff reads tens of thousands of these small files, on several
    // threads: each thread reuses one buffer, and reads in chunks rather than
    // with `read_to_end`, which asks `statx` for a size hint first.
    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(64 * 1024));
    }
    BUFFER.with_borrow_mut(|bytes| {
        bytes.clear();
        File::open(drv_path)
            .and_then(|mut f| {
                let mut chunk = [0u8; 16 * 1024];
                loop {
                    match f.read(&mut chunk) {
                        Ok(0) => return Ok(()),
                        Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
            })
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => StoreError::Missing {
                    input: drv_path.to_owned(),
                },
                _ => StoreError::io(drv_path, e),
            })?;
        let parsed = parse(drv_path, bytes, store_dir);
        if bytes.capacity() > 1 << 20 {
            // Do not keep a rare huge file's buffer for the rest of the run.
            *bytes = Vec::new();
        }
        parsed
    })
}

/// Parses the bytes of the `.drv` file at `drv_path` (which names it in
/// errors and gives the derivation its name).
pub fn parse(drv_path: &str, bytes: &[u8], store_dir: &StoreDir) -> Result<Derivation, StoreError> {
    let name = store_path_name(drv_path);
    let name = name
        .strip_suffix(".drv")
        .ok_or_else(|| StoreError::BadDerivation {
            input: drv_path.to_owned(),
            reason: "the file name does not end in .drv".into(),
        })?;
    let dir = store_dir.to_nix()?;
    Derivation::from_aterm_bytes_in(bytes, name, dir).map_err(|e| StoreError::BadDerivation {
        input: drv_path.to_owned(),
        reason: e.to_string(),
    })
}

/// The output paths a derivation declares (`None` for floating
/// content-addressed outputs, which are known only after the build).
pub fn output_paths(
    drv: &Derivation,
    drv_path: &str,
    store_dir: &StoreDir,
) -> Result<BTreeMap<String, Option<String>>, StoreError> {
    let resolved = drv
        .resolved_outputs()
        .map_err(|e| StoreError::BadDerivation {
            input: drv_path.to_owned(),
            reason: e.to_string(),
        })?;
    let dir = store_dir.to_nix()?;
    Ok(resolved
        .into_iter()
        .map(|(name, out)| (name, out.path.map(|p| dir.render_path(&p))))
        .collect())
}

/// Every derivation reachable from `roots` through input derivations, keyed by
/// `.drv` path, read from `source`. Each file is read once.
pub fn closure(
    roots: &[String],
    source: &(impl DrvSource + ?Sized),
) -> Result<BTreeMap<String, Derivation>, StoreError> {
    let dir = source.store_dir().to_nix()?;
    let mut seen: BTreeMap<String, Derivation> = BTreeMap::new();
    let mut queue: VecDeque<String> = roots.iter().cloned().collect();
    while let Some(path) = queue.pop_front() {
        if seen.contains_key(&path) {
            continue;
        }
        let drv = source.read_drv(&path)?;
        for input in drv.input_derivations().keys() {
            let p = dir.render_path(input);
            if !seen.contains_key(&p) {
                queue.push_back(p);
            }
        }
        seen.insert(path, drv);
    }
    Ok(seen)
}

/// The contents of `path` when it is a regular UTF-8 text file of at most
/// `limit` bytes (for showing how a small input source changed).
#[must_use]
pub fn read_small_text(path: &str, limit: u64) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > limit {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}
