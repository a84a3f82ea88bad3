//! How the store database is opened so that reading it creates no file.
//!
//! Nix keeps `db.sqlite` in WAL mode. While any Nix process has it open,
//! `db.sqlite-wal` and `db.sqlite-shm` exist; the last process to close it
//! checkpoints the WAL into `db.sqlite` and deletes both. SQLite, measured
//! (3.40 and the bundled 3.46): a `mode=ro` connection to a WAL database
//! whose `-wal`/`-shm` are absent creates them and, unable to checkpoint,
//! leaves them behind; `locking_mode=EXCLUSIVE` fails with an I/O error; only
//! `immutable=1` creates nothing, and it reads `db.sqlite` alone, ignoring any
//! `-wal`. So:
//!
//! | files present | mode | why it is exact |
//! |---|---|---|
//! | `-wal` and `-shm` | `mode=ro` | SQLite uses them as they are and creates nothing |
//! | no `-wal` | `mode=ro&immutable=1`, guarded | no Nix process has the database open, so everything committed is in `db.sqlite` |
//! | `-wal` without `-shm` for 2 s | refused (`--backend auto` asks `nix`) | reading it exactly would create `-shm`; a Nix process opening the database passes through this state for an instant, so it is looked at again first |
//!
//! The files are looked at before every read, and the connection reopened
//! when they call for another mode: a Nix process (flakegate's own `nix`
//! calls included) may open and close the database between two reads. An
//! unlocked read is also checked after it ran ([`Files::unchanged`]): a Nix
//! process that opened the database meanwhile makes its `-wal` appear at
//! once, and `db.sqlite` changes only by a checkpoint, which changes its
//! size or modification time. Such a read is done again, through the
//! writer's WAL (up to three times, then an error): never a torn answer.
//!
//! Two things are left as they are: a shared reader that outlives the last
//! Nix process leaves the WAL files it found (a read-only connection cannot
//! checkpoint; the next Nix process does), and `--db-immutable` reads without
//! any check, as asked.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The database's files as they were when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    db: PathBuf,
    identity: Identity,
    wal: bool,
    shm: bool,
}

/// What a checkpoint would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: i64,
    mtime_nsec: i64,
}

/// How to open the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `mode=ro`: the WAL files exist; SQLite shares them with Nix.
    Shared,
    /// `mode=ro&immutable=1`, checked by [`Files::unchanged`] after reads.
    Immutable,
    /// `immutable=1` because the user asked for it (`--db-immutable`): no
    /// guard, the user accepts what a concurrent writer may do.
    ForcedImmutable,
}

impl Mode {
    /// The query part of the database's `file:` URI.
    #[must_use]
    pub fn uri_query(self) -> &'static str {
        match self {
            Self::Shared => "mode=ro",
            Self::Immutable | Self::ForcedImmutable => "mode=ro&immutable=1",
        }
    }
}

/// Why the database cannot be read without creating a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `-wal` exists but `-shm` does not.
    WalWithoutShm,
}

impl Files {
    /// Looks at `db` and its WAL files. The I/O error is `db`'s own
    /// (missing, permission denied).
    pub fn of(db: &Path) -> std::io::Result<Self> {
        let meta = std::fs::metadata(db)?;
        Ok(Self {
            db: db.to_path_buf(),
            identity: Identity::of(&meta),
            wal: sibling(db, "-wal").exists(),
            shm: sibling(db, "-shm").exists(),
        })
    }

    /// The mode that reads the database exactly and creates nothing.
    pub fn mode(&self, forced_immutable: bool) -> Result<Mode, Refusal> {
        match (forced_immutable, self.wal, self.shm) {
            (true, _, _) => Ok(Mode::ForcedImmutable),
            (false, false, _) => Ok(Mode::Immutable),
            (false, true, true) => Ok(Mode::Shared),
            (false, true, false) => Err(Refusal::WalWithoutShm),
        }
    }

    /// Whether a connection opened in `mode` against `self` still reads
    /// `now` exactly: an unlocked one only while nothing changed, a shared
    /// one while the WAL files are the same ones.
    #[must_use]
    pub fn same_for(&self, mode: Mode, now: &Self) -> bool {
        match mode {
            Mode::Shared => (self.wal, self.shm) == (now.wal, now.shm),
            Mode::Immutable | Mode::ForcedImmutable => self == now,
        }
    }

    /// Whether the files are as they were when the database was opened: no
    /// `-wal` has appeared and `db.sqlite` was not rewritten.
    #[must_use]
    pub fn unchanged(&self) -> bool {
        let now = std::fs::metadata(&self.db).map(|m| Identity::of(&m));
        now.is_ok_and(|id| id == self.identity) && sibling(&self.db, "-wal").exists() == self.wal
    }
}

impl Identity {
    fn of(meta: &std::fs::Metadata) -> Self {
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
        }
    }
}

/// `db.sqlite-wal` next to `db.sqlite`.
fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_follows_the_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("db.sqlite");
        std::fs::write(&db, "x").expect("write");
        let files = Files::of(&db).expect("files");
        assert_eq!(files.mode(false), Ok(Mode::Immutable));
        assert_eq!(files.mode(true), Ok(Mode::ForcedImmutable));
        assert!(files.unchanged());
        std::fs::write(sibling(&db, "-wal"), "").expect("wal");
        assert!(!files.unchanged(), "a writer's -wal appeared");
        assert_eq!(
            Files::of(&db).expect("files").mode(false),
            Err(Refusal::WalWithoutShm)
        );
        std::fs::write(sibling(&db, "-shm"), "").expect("shm");
        let files = Files::of(&db).expect("files");
        assert_eq!(files.mode(false), Ok(Mode::Shared));
        std::fs::write(&db, "checkpointed").expect("rewrite");
        assert!(!files.unchanged(), "a checkpoint rewrote the database");
    }
}
