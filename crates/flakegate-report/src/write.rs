//! Output files that a reader never sees half-written, and that never
//! clobber what is at the path:
//!
//! - `-` is standard output;
//! - a character device or a FIFO (`/dev/stdout`, `/dev/null`, a pipe) is
//!   written straight through, never replaced;
//! - a regular file is replaced atomically (a temporary file next to it,
//!   then a rename), keeping its mode; a new file gets `0666` less the umask;
//! - a symlink is followed, and its target replaced the same way;
//! - anything else (a directory, a socket) is refused.
//!
//! Temporary files are registered so that [`remove_pending_on_signal`] can
//! delete them when the process is interrupted.

use std::fs::{self, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: the directory {dir} does not exist")]
    NoDirectory { path: PathBuf, dir: PathBuf },
    #[error("{path}: {dir} is not a directory")]
    NotADirectory { path: PathBuf, dir: PathBuf },
    #[error("{path}: is a {kind}, not a file flakegate can write")]
    Unwritable { path: PathBuf, kind: &'static str },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// Temporary files not yet renamed into place.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Where the bytes go, once the path is understood.
enum Target {
    Stdout,
    /// Written in place: a device or a FIFO.
    Stream(PathBuf),
    /// Replaced atomically; the mode to give the new file, if one is kept.
    File(PathBuf, Option<u32>),
}

/// Checks, before any work is done, that `path` could be written: its
/// directory exists and it is not a directory or a socket. The write itself
/// still reports any error it meets.
pub fn check(path: &Path) -> Result<(), WriteError> {
    target(path).map(|_| ())
}

/// Writes `contents` to `path` as described in the module documentation.
pub fn write(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    match target(path)? {
        Target::Stdout => {
            let mut out = io::stdout().lock();
            out.write_all(contents)
                .and_then(|()| out.flush())
                .map_err(|source| io_error(path, source))
        }
        Target::Stream(p) => OpenOptions::new()
            .write(true)
            .open(&p)
            .and_then(|mut f| f.write_all(contents))
            .map_err(|source| io_error(path, source)),
        Target::File(p, mode) => replace(path, &p, mode, contents),
    }
}

fn target(path: &Path) -> Result<Target, WriteError> {
    if path.as_os_str() == "-" {
        return Ok(Target::Stdout);
    }
    // Follow symlinks: their target is what the user means to write.
    // `metadata` also follows /proc's links to pipes (`/dev/stdout`), which
    // have no path to canonicalise.
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return new_file(path),
        Err(source) => return Err(io_error(path, source)),
    };
    let ft = meta.file_type();
    if ft.is_file() {
        let resolved = fs::canonicalize(path).map_err(|source| io_error(path, source))?;
        Ok(Target::File(
            resolved,
            Some(meta.permissions().mode() & 0o7777),
        ))
    } else if ft.is_char_device() || ft.is_fifo() {
        Ok(Target::Stream(path.to_owned()))
    } else {
        let kind = if ft.is_dir() {
            "directory"
        } else if ft.is_socket() {
            "socket"
        } else if ft.is_block_device() {
            "block device"
        } else {
            "special file"
        };
        Err(WriteError::Unwritable {
            path: path.to_owned(),
            kind,
        })
    }
}

/// A path that does not exist yet (or a dangling symlink, which is refused):
/// its directory must.
fn new_file(path: &Path) -> Result<Target, WriteError> {
    if fs::symlink_metadata(path).is_ok() {
        return Err(WriteError::Unwritable {
            path: path.to_owned(),
            kind: "dangling symlink",
        });
    }
    let dir = parent(path);
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(Target::File(path.to_owned(), None)),
        Ok(_) => Err(WriteError::NotADirectory {
            path: path.to_owned(),
            dir: dir.to_owned(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(WriteError::NoDirectory {
            path: path.to_owned(),
            dir: dir.to_owned(),
        }),
        Err(source) => Err(io_error(path, source)),
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn replace(
    shown: &Path,
    path: &Path,
    mode: Option<u32>,
    contents: &[u8],
) -> Result<(), WriteError> {
    let dir = parent(path);
    // A new file is created 0666 and the kernel applies the umask, as any
    // other program's output would be.
    let mut tmp = tempfile::Builder::new()
        .prefix(".flakegate-")
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(|source| io_error(shown, source))?;
    let tmp_path = tmp.path().to_owned();
    register(&tmp_path);
    let written = (|| {
        tmp.write_all(contents)?;
        if let Some(mode) = mode {
            // An existing file keeps its mode; set_permissions ignores the umask.
            fs::set_permissions(tmp.path(), Permissions::from_mode(mode))?;
        }
        tmp.as_file().sync_all()?;
        tmp.persist(path).map(|_| ()).map_err(|e| e.error)
    })();
    unregister(&tmp_path);
    written.map_err(|source| io_error(shown, source))
}

fn io_error(path: &Path, source: io::Error) -> WriteError {
    WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

fn register(p: &Path) {
    if let Ok(mut v) = PENDING.lock() {
        v.push(p.to_owned());
    }
}

fn unregister(p: &Path) {
    if let Ok(mut v) = PENDING.lock() {
        v.retain(|q| q != p);
    }
}

/// Installs a handler for SIGINT and SIGTERM that deletes every temporary
/// file still pending and exits with the shell's code for the signal (130).
/// Call once, early in `main`.
pub fn remove_pending_on_signal() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(v) = PENDING.lock() {
            for p in v.iter() {
                let _ = fs::remove_file(p);
            }
        }
        std::process::exit(130);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn a_regular_file_is_replaced_and_keeps_its_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("report.json");
        fs::write(&f, "old").expect("write");
        fs::set_permissions(&f, Permissions::from_mode(0o664)).expect("chmod");
        write(&f, b"new").expect("write");
        assert_eq!(fs::read_to_string(&f).expect("read"), "new");
        assert_eq!(mode(&f), 0o664);
        assert_eq!(
            fs::read_dir(dir.path()).expect("ls").count(),
            1,
            "no temp left"
        );
    }

    #[test]
    fn a_new_file_is_not_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("new.md");
        write(&f, b"x").expect("write");
        // 0666 less a umask: group or others can read unless the umask
        // forbids it, which the test environment's 022 does not.
        assert_ne!(mode(&f) & 0o044, 0, "mode {:o}", mode(&f));
    }

    #[test]
    fn a_symlink_is_followed_and_stays_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        fs::write(&real, "old").expect("write");
        symlink(&real, &link).expect("symlink");
        write(&link, b"new").expect("write");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).expect("read"), "new");
    }

    #[test]
    fn a_device_is_written_through_not_replaced() {
        write(Path::new("/dev/null"), b"x").expect("write");
        let meta = fs::metadata("/dev/null").expect("meta");
        assert!(meta.file_type().is_char_device());
    }

    #[test]
    fn bad_targets_are_named_in_one_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = write(dir.path(), b"x").expect_err("a directory");
        assert!(
            err.to_string()
                .ends_with("is a directory, not a file flakegate can write"),
            "{err}"
        );
        let missing = dir.path().join("no/such/dir/x.json");
        let err = check(&missing).expect_err("missing dir").to_string();
        assert!(
            err.contains("does not exist") && !err.contains(".flakegate-"),
            "{err}"
        );
    }
}
