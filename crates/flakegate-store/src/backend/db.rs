//! The local store's SQLite database (`$NIX_STATE_DIR/db/db.sqlite`, schema 10
//! in Nix and Lix alike), opened strictly read-only.
//!
//! A closure is read by one walk in Rust: breadth-first over `Refs`, asking
//! for the references of up to [`BATCH`] paths per statement and
//! deduplicating ids in an array indexed by id (faster than SQLite's own recursive query,
//! whose `UNION` keeps a temporary B-tree), then the members' columns, as
//! many as the caller's [`Detail`] needs. All of it is ~10× faster than any
//! `nix` command for large closures, and `nix path-info -rS` is quadratic.
//! How it is opened without creating a file: [`super::db_files`].

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params_from_iter};
use rustc_hash::FxHashMap;

use super::db_files::{Files, Mode, Refusal};
use crate::path_info::{index_u32, order_by_path};
use crate::store::{Detail, DrvSource, Store};
use crate::{Closure, Member, PathInfo, StoreDir, StoreError, StoreUrl, hash};

/// Paths whose references (or columns) one statement asks for.
const BATCH: usize = 256;

/// `ids` as exactly [`BATCH`] parameters: the statement has that many, and
/// repeating an id in an `IN` list changes nothing.
fn padded(ids: &[i64]) -> impl Iterator<Item = i64> + '_ {
    ids.iter()
        .copied()
        .chain(std::iter::repeat(ids[0]))
        .take(BATCH)
}

pub struct DbBackend {
    /// The connection and how it was opened; further connections (same
    /// URI, same flags) are opened only to read several closures at once.
    handle: Mutex<Handle>,
    path: PathBuf,
    file: String,
    url: StoreUrl,
    allow_dangling: bool,
    /// `--db-immutable`.
    forced_immutable: bool,
}

/// An open connection and the files it was opened against.
struct Handle {
    conn: Connection,
    uri: String,
    files: Files,
    mode: Mode,
}

/// Up to how large a row id [`IdSlots`] keeps in an array (256 MiB of
/// address space, touched only where a closure's ids fall).
const DENSE_IDS: usize = 1 << 26;

/// A map from `ValidPaths` row ids to small numbers. Row ids are dense
/// (SQLite hands out `max(id) + 1`), so an array indexed by id replaces a
/// hash map: at 80,000 paths the walk looks ids up once per reference, and
/// hashing them was a tenth of its time. The array is zeroed memory, which
/// the system maps lazily, so a small closure in a large store pays only
/// for the pages its ids fall in. Ids beyond the array (a reference to a
/// row that does not exist, or a huge store) go to a hash map.
struct IdSlots {
    /// `value + 1`, 0 for none.
    dense: Vec<usize>,
    other: FxHashMap<i64, usize>,
}

impl IdSlots {
    fn new(max_id: Option<i64>) -> Self {
        let len = max_id
            .and_then(|m| usize::try_from(m).ok())
            .filter(|&m| m < DENSE_IDS)
            .map_or(0, |m| m + 1);
        Self {
            dense: vec![0; len],
            other: FxHashMap::default(),
        }
    }

    fn get(&self, id: i64) -> Option<usize> {
        match usize::try_from(id).ok().and_then(|i| self.dense.get(i)) {
            Some(0) => None,
            Some(&v) => Some(v - 1),
            None => self.other.get(&id).copied(),
        }
    }

    /// Maps `id` to `value` unless it is mapped already; whether it was not.
    fn insert(&mut self, id: i64, value: usize) -> bool {
        match usize::try_from(id).ok().and_then(|i| self.dense.get_mut(i)) {
            Some(slot) if *slot == 0 => {
                *slot = value.saturating_add(1);
                true
            }
            Some(_) => false,
            None => match self.other.entry(id) {
                std::collections::hash_map::Entry::Occupied(_) => false,
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(value);
                    true
                }
            },
        }
    }
}

/// How often a read that overlapped a writer is done again.
const ATTEMPTS: usize = 3;

impl DbBackend {
    /// Opens `<state_dir>/db/db.sqlite` read-only and checks that it can be read.
    pub fn open(
        state_dir: &Path,
        store_dir: StoreDir,
        immutable: bool,
    ) -> Result<Self, StoreError> {
        let path = Self::file_in(state_dir);
        let file = path.display().to_string();
        let handle = Handle::open(&path, &file, immutable)?;
        let db = Self {
            handle: Mutex::new(handle),
            path,
            file,
            url: StoreUrl::Local {
                store_dir,
                state_dir: state_dir.to_path_buf(),
            },
            allow_dangling: false,
            forced_immutable: immutable,
        };
        // Reading something proves permissions and schema in one go.
        db.read(|db, h| {
            h.conn
                .query_row("SELECT count(*) FROM ValidPaths WHERE id = 1", [], |_| {
                    Ok(())
                })
                .map_err(|e| db.err(&e))
        })?;
        Ok(db)
    }

    /// Runs `read` on the connection, reopened first when the files say
    /// another mode is now exact, and done again when a Nix process opened
    /// or rewrote the database during an unlocked read (see
    /// [`super::db_files`]).
    fn read<T>(
        &self,
        mut read: impl FnMut(&Self, &mut Handle) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut handle = self.handle();
        let mut busy_index = 0;
        let mut attempt = 0;
        while attempt < ATTEMPTS {
            if handle.mode != Mode::ForcedImmutable {
                let now = Files::of(&self.path).map_err(|e| self.refused(unreadable(&e)))?;
                if !handle.files.same_for(handle.mode, &now) {
                    *handle = Handle::open(&self.path, &self.file, self.forced_immutable)?;
                }
            }
            let result = read(self, &mut handle);
            // A reader that cannot write the WAL index (`-shm`, owned by the
            // Nix daemon's user) gets SQLite's "readonly database" while a
            // Nix process rebuilds that index: it is done in milliseconds,
            // so wait and read again on a fresh connection (seen as a
            // non-root user of a daemon).
            if handle.mode == Mode::Shared
                && busy_index < INDEX_REBUILD_WAITS
                && result.as_ref().is_err_and(is_readonly_index)
            {
                busy_index += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
                *handle = Handle::open(&self.path, &self.file, self.forced_immutable)?;
                continue;
            }
            if handle.mode != Mode::Immutable || handle.files.unchanged() {
                return result;
            }
            attempt += 1;
        }
        Err(self
            .refused("Nix kept changing the database while flakegate read it; run again".into()))
    }

    fn refused(&self, reason: String) -> StoreError {
        StoreError::Database {
            file: self.file.clone(),
            reason,
        }
    }

    /// Where the database of the state directory `state_dir` is.
    #[must_use]
    pub fn file_in(state_dir: &Path) -> std::path::PathBuf {
        state_dir.join("db").join("db.sqlite")
    }

    /// Reads closures whose references point at rows the database does not
    /// have (a broken store) instead of failing.
    #[must_use]
    pub fn allowing_dangling(mut self, allow: bool) -> Self {
        self.allow_dangling = allow;
        self
    }

    fn err(&self, e: &rusqlite::Error) -> StoreError {
        db_error(&self.file, e)
    }

    fn handle(&self) -> MutexGuard<'_, Handle> {
        // A panic while holding the lock leaves the connection usable.
        self.handle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One read transaction: every statement of a walk sees the same
    /// snapshot, even if Nix adds or collects paths meanwhile.
    fn walk(
        &self,
        conn: &mut Connection,
        roots: &[String],
        detail: Detail,
    ) -> Result<Closure, StoreError> {
        let e = |e: rusqlite::Error| self.err(&e);
        let tx = conn.transaction().map_err(e)?;
        let mut ids = Vec::with_capacity(roots.len());
        {
            let mut by_path = tx
                .prepare_cached("SELECT id FROM ValidPaths WHERE path = ?1")
                .map_err(e)?;
            for root in roots {
                let id: Option<i64> = by_path
                    .query_row([root], |r| r.get(0))
                    .optional()
                    .map_err(e)?;
                ids.push(id.ok_or_else(|| StoreError::NotValid { path: root.clone() })?);
            }
        }
        if ids.is_empty() {
            return Ok(Closure::new(Vec::new(), Vec::new()));
        }
        let list = vec!["?"; BATCH].join(",");
        let max_id: Option<i64> = tx
            .query_row("SELECT max(id) FROM ValidPaths", [], |r| r.get(0))
            .map_err(e)?;
        let mut seen = IdSlots::new(max_id);
        let mut members: Vec<i64> = Vec::new();
        for &id in &ids {
            if seen.insert(id, 0) {
                members.push(id);
            }
        }
        // (referrer, reference) pairs, self references left out.
        let mut edges: Vec<(i64, i64)> = Vec::new();
        let mut frontier = members.clone();
        {
            let mut refs = tx
                .prepare(&format!(
                    "SELECT referrer, reference FROM Refs WHERE referrer IN ({list})"
                ))
                .map_err(e)?;
            while !frontier.is_empty() {
                // Ids in order: neighbouring ids share B-tree pages.
                frontier.sort_unstable();
                let mut next = Vec::new();
                for batch in frontier.chunks(BATCH) {
                    let mut rows = refs.query(params_from_iter(padded(batch))).map_err(e)?;
                    while let Some(row) = rows.next().map_err(e)? {
                        let from: i64 = row.get(0).map_err(e)?;
                        let to: i64 = row.get(1).map_err(e)?;
                        if detail >= Detail::Graph && from != to {
                            edges.push((from, to));
                        }
                        if seen.insert(to, 0) {
                            next.push(to);
                        }
                    }
                }
                members.extend_from_slice(&next);
                frontier = next;
            }
        }
        let columns = match detail {
            Detail::Sizes => "id, path, narSize",
            Detail::Graph => "id, path, narSize, deriver",
            Detail::Full => "id, path, narSize, deriver, hash, registrationTime",
        };
        members.sort_unstable();
        let mut infos: Vec<Member> = Vec::with_capacity(members.len());
        let mut slot = IdSlots::new(max_id);
        {
            let mut stmt = tx
                .prepare(&format!(
                    "SELECT {columns} FROM ValidPaths WHERE id IN ({list})"
                ))
                .map_err(e)?;
            for batch in members.chunks(BATCH) {
                let mut rows = stmt.query(params_from_iter(padded(batch))).map_err(e)?;
                while let Some(row) = rows.next().map_err(e)? {
                    let id: i64 = row.get(0).map_err(e)?;
                    slot.insert(id, infos.len());
                    infos.push(self.read_info(row, detail)?);
                }
            }
        }
        // The order by path, as ranks: sorting indices moves 8 bytes where
        // sorting path infos would move 120. Each reference then goes in by
        // rank, so every list comes out sorted and without repeats.
        let by_path = order_by_path(&infos.iter().map(|p| p.path.as_str()).collect::<Vec<_>>());
        let mut rank = vec![0usize; infos.len()];
        for (r, &i) in by_path.iter().enumerate() {
            rank[i] = r;
        }
        let mut ranked: Vec<(u32, u32)> = Vec::with_capacity(edges.len());
        for (from, to) in edges {
            let (Some(f), Some(t)) = (slot.get(from), slot.get(to)) else {
                if self.allow_dangling {
                    continue;
                }
                return Err(StoreError::Database {
                    file: self.file.clone(),
                    reason: format!(
                        "reference id {to} of id {from} is missing (a broken store? --allow-dangling reads it anyway)"
                    ),
                });
            };
            ranked.push((index_u32(rank[f]), index_u32(rank[t])));
        }
        ranked.sort_unstable();
        ranked.dedup();
        // Into path order in place, one swap per misplaced path.
        for i in 0..infos.len() {
            while rank[i] != i {
                let r = rank[i];
                infos.swap(i, r);
                rank.swap(i, r);
            }
        }
        for (f, t) in ranked {
            infos[f as usize].references.push(t);
        }
        // Already what `Closure::new` would make of it: sorted by path, no
        // self references (left out above), no repeats.
        Closure {
            roots: roots.to_vec(),
            paths: infos,
        }
        .countable()
    }

    /// One `ValidPaths` row, its columns as [`DbBackend::walk`] selects them.
    fn read_info(&self, row: &rusqlite::Row<'_>, detail: Detail) -> Result<Member, StoreError> {
        let get_err = |e: rusqlite::Error| self.err(&e);
        let path: String = row.get(1).map_err(get_err)?;
        let nar_size: Option<i64> = row.get(2).map_err(get_err)?;
        let nar_size = match nar_size.map(u64::try_from) {
            Some(Ok(size)) => size,
            Some(Err(_)) | None => {
                return Err(StoreError::Database {
                    file: self.file.clone(),
                    reason: format!(
                        "{path}: narSize is {}, not a size",
                        nar_size.map_or_else(|| "NULL".to_owned(), |s| s.to_string())
                    ),
                });
            }
        };
        let mut info = PathInfo {
            nar_size,
            path,
            nar_hash: None,
            references: Vec::new(),
            deriver: None,
            registration_time: None,
        };
        if detail >= Detail::Graph {
            let deriver: Option<String> = row.get(3).map_err(get_err)?;
            info.deriver = deriver.filter(|d| !d.is_empty());
        }
        if detail >= Detail::Full {
            let raw_hash: String = row.get(4).map_err(get_err)?;
            info.nar_hash =
                Some(
                    hash::to_sri(&raw_hash).map_err(|reason| StoreError::Database {
                        file: self.file.clone(),
                        reason: format!("{}: {reason}", info.path),
                    })?,
                );
            info.registration_time = row.get(5).map_err(get_err)?;
        }
        Ok(info)
    }
}

/// How many 10 ms looks a `-wal` without `-shm` gets before it is taken
/// for a crashed process's leftover (2 s).
const WAL_WITHOUT_SHM_WAITS: u32 = 200;

impl Handle {
    /// Opens `path` in the mode its files call for.
    fn open(path: &Path, file: &str, forced_immutable: bool) -> Result<Self, StoreError> {
        let refused = |reason: String| StoreError::Database {
            file: file.to_owned(),
            reason,
        };
        // Both the file's metadata and its bytes must be readable; SQLite
        // would say only "unable to open database file".
        let look = || {
            Files::of(path)
                .and_then(|files| std::fs::File::open(path).map(|_| files))
                .map_err(|e| refused(unreadable(&e)))
        };
        let mut files = look()?;
        // A Nix process opening the database creates `-wal` an instant
        // before `-shm`: wait that instant out (seen while another Nix
        // ran beside us) before calling the pair a crash's leftover.
        let mut waited = 0;
        while files.mode(forced_immutable).is_err() && waited < WAL_WITHOUT_SHM_WAITS {
            std::thread::sleep(std::time::Duration::from_millis(10));
            files = look()?;
            waited += 1;
        }
        let mode = files
            .mode(forced_immutable)
            .map_err(|Refusal::WalWithoutShm| {
                refused(
                    "db.sqlite-wal exists without db.sqlite-shm (a Nix process ended without \
                 closing the database), and reading it would create db.sqlite-shm; any nix \
                 command repairs it, or --backend cli asks nix instead"
                        .into(),
                )
            })?;
        let uri = format!(
            "file:{}?{}",
            file.replace('?', "%3f").replace('#', "%23"),
            mode.uri_query()
        );
        Ok(Self {
            conn: connect(&uri, file)?,
            uri,
            files,
            mode,
        })
    }
}

/// Why the database file cannot be read, as the user must hear it.
fn unreadable(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            "no such file (NIX_STATE_DIR says where it is; --backend cli asks nix instead)".into()
        }
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (--backend cli asks nix instead)".into()
        }
        _ => e.to_string(),
    }
}

/// A read-only connection to `uri`, reading through a memory map.
fn connect(uri: &str, file: &str) -> Result<Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let err = |e: rusqlite::Error| db_error(file, &e);
    let conn = Connection::open_with_flags(uri, flags).map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(err)?;
    // Map the file instead of copying pages through read(2); a read-only
    // mapping cannot change the database.
    conn.pragma_update(None, "mmap_size", 1i64 << 30)
        .map_err(err)?;
    Ok(conn)
}

/// How many 20 ms waits a read gets while Nix rebuilds the WAL index that
/// this user cannot write (2 s).
const INDEX_REBUILD_WAITS: u32 = 100;

/// What a read-only reader of a WAL database meets while a writer rebuilds
/// the WAL index (see [`StoreError::ReadOnlyIndex`]).
fn is_readonly_index(e: &StoreError) -> bool {
    matches!(e, StoreError::ReadOnlyIndex { .. })
}

/// SQLite's error, told apart by its code, not its message.
fn db_error(file: &str, e: &rusqlite::Error) -> StoreError {
    let (file, reason) = (file.to_owned(), e.to_string());
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
        StoreError::ReadOnlyIndex { file, reason }
    } else {
        StoreError::Database { file, reason }
    }
}

impl DrvSource for DbBackend {
    fn store_dir(&self) -> &StoreDir {
        self.url.store_dir()
    }
}

impl Store for DbBackend {
    fn url(&self) -> &StoreUrl {
        &self.url
    }

    fn kind(&self) -> &'static str {
        "db"
    }

    fn is_valid(&self, path: &str) -> Result<bool, StoreError> {
        self.read(|db, h| {
            h.conn
                .prepare_cached("SELECT 1 FROM ValidPaths WHERE path = ?1")
                .and_then(|mut s| s.query_row([path], |_| Ok(())).optional())
                .map(|row| row.is_some())
                .map_err(|e| db.err(&e))
        })
    }

    fn path_info(&self, path: &str) -> Result<Option<PathInfo>, StoreError> {
        self.read(|db, h| {
            let Some(mut info) = db.row_of(&h.conn, path)? else {
                return Ok(None);
            };
            info.references = db.references_on(&h.conn, path)?;
            Ok(Some(info))
        })
    }

    fn references(&self, path: &str) -> Result<Vec<String>, StoreError> {
        self.read(|db, h| db.references_on(&h.conn, path))
    }

    fn recorded_deriver(&self, path: &str) -> Result<Option<String>, StoreError> {
        self.read(|db, h| {
            h.conn
                .prepare_cached("SELECT deriver FROM ValidPaths WHERE path = ?1")
                .and_then(|mut s| {
                    s.query_row([path], |row| row.get::<_, Option<String>>(0))
                        .optional()
                })
                .map(|d| d.flatten().filter(|d| !d.is_empty()))
                .map_err(|e| db.err(&e))
        })
    }

    fn closure_with(&self, roots: &[String], detail: Detail) -> Result<Closure, StoreError> {
        self.read(|db, h| db.walk(&mut h.conn, roots, detail))
    }

    /// The first closure on this connection, each other one on a connection
    /// of its own (same URI and flags), all at the same time.
    fn closures(&self, roots: &[&[String]], detail: Detail) -> Result<Vec<Closure>, StoreError> {
        let Some((first, rest)) = roots.split_first() else {
            return Ok(Vec::new());
        };
        self.read(|db, h| {
            let Handle { conn, uri, .. } = h;
            let uri = &*uri;
            std::thread::scope(|s| {
                let others: Vec<_> = rest
                    .iter()
                    .map(|r| {
                        s.spawn(move || {
                            let mut conn = connect(uri, &db.file)?;
                            db.walk(&mut conn, r, detail)
                        })
                    })
                    .collect();
                let mut out = vec![db.walk(conn, first, detail)?];
                for other in others {
                    out.push(
                        other
                            .join()
                            .unwrap_or_else(|e| std::panic::resume_unwind(e))?,
                    );
                }
                Ok(out)
            })
        })
    }
}

impl DbBackend {
    fn references_on(&self, conn: &Connection, path: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = conn
            .prepare_cached(
                "SELECT t.path FROM ValidPaths v
                 JOIN Refs r ON r.referrer = v.id
                 JOIN ValidPaths t ON t.id = r.reference
                 WHERE v.path = ?1 AND r.reference != v.id",
            )
            .map_err(|e| self.err(&e))?;
        let mut refs = stmt
            .query_map([path], |row| row.get::<_, String>(0))
            .map_err(|e| self.err(&e))?
            .collect::<Result<Vec<String>, _>>()
            .map_err(|e| self.err(&e))?;
        refs.sort_unstable();
        Ok(refs)
    }

    /// The columns of one path, without its references; `None` when it is
    /// not valid.
    fn row_of(&self, conn: &Connection, path: &str) -> Result<Option<PathInfo>, StoreError> {
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, path, narSize, deriver, hash, registrationTime
                 FROM ValidPaths WHERE path = ?1",
            )
            .map_err(|e| self.err(&e))?;
        let mut rows = stmt.query([path]).map_err(|e| self.err(&e))?;
        match rows.next().map_err(|e| self.err(&e))? {
            Some(row) => self
                .read_info(row, Detail::Full)
                .map(|m| Some(m.with_references(Vec::new()))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> DbBackend {
        DbBackend::open(&StoreDir::state_dir(), StoreDir::from_env(), false).expect("db")
    }

    #[test]
    fn id_slots_map_each_id_once_inside_and_beyond_the_array() {
        let mut slots = IdSlots::new(Some(10));
        // Inside the array, at its last id, beyond it, negative.
        for (id, value) in [(3, 0), (10, 7), (11, 5), (-1, 9), (1 << 40, 2)] {
            assert_eq!(slots.get(id), None);
            assert!(slots.insert(id, value));
            assert!(!slots.insert(id, value + 1), "{id} mapped twice");
            assert_eq!(slots.get(id), Some(value));
        }
        assert_eq!(slots.get(4), None);
        assert_eq!(slots.other.len(), 3);
        // An empty table (no max id), and one too large for an array.
        for max in [None, Some(i64::MAX)] {
            let mut slots = IdSlots::new(max);
            assert!(slots.insert(1, 4));
            assert_eq!(slots.get(1), Some(4));
            assert!(slots.dense.is_empty());
        }
    }

    /// A reference: the closure through SQLite's own recursive query.
    fn recursive_query(db: &DbBackend, root: &str) -> Vec<(String, u64)> {
        let handle = db.handle();
        let conn = &handle.conn;
        let mut stmt = conn
            .prepare(
                "WITH RECURSIVE closure(id) AS (
                     SELECT id FROM ValidPaths WHERE path = ?1
                     UNION
                     SELECT r.reference FROM Refs r JOIN closure c ON r.referrer = c.id
                 )
                 SELECT v.path, v.narSize FROM closure c JOIN ValidPaths v ON v.id = c.id
                 ORDER BY v.path",
            )
            .expect("prepare");
        stmt.query_map([root], |row| {
            Ok((row.get(0)?, row.get::<_, i64>(1)?.try_into().unwrap_or(0)))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    /// The walk, the recursive query and every level of detail describe the
    /// same closures: the fixture system, and a synthetic closure of 1,000
    /// paths full of diamonds; two closures read at once equal each read
    /// alone.
    #[test]
    fn live_nix_the_walk_equals_the_recursive_query_at_every_detail() {
        let db = db();
        let system = flakegate_testkit::generations().old.clone();
        let synthetic = flakegate_testkit::synthetic_closure(1000);
        for root in [&system, &synthetic] {
            let roots = std::slice::from_ref(root);
            let full = db.closure(roots).expect("full");
            let members: Vec<(String, u64)> = full
                .paths
                .iter()
                .map(|p| (p.path.clone(), p.nar_size))
                .collect();
            assert_eq!(members, recursive_query(&db, root));
            for detail in [Detail::Sizes, Detail::Graph] {
                let lean = db.closure_with(roots, detail).expect("lean");
                let mut expected = full.clone();
                for p in &mut expected.paths {
                    p.nar_hash = None;
                    p.registration_time = None;
                    if detail == Detail::Sizes {
                        p.references.clear();
                        p.deriver = None;
                    }
                }
                assert_eq!(lean, expected);
            }
            let info = db.path_info(root).expect("info").expect("valid");
            let member = full.paths.iter().find(|p| &p.path == root).expect("member");
            assert_eq!(info, full.path_info(member));
            assert_eq!(db.references(root).expect("references"), info.references);
        }
        let both = db
            .closures(
                &[
                    std::slice::from_ref(&system),
                    std::slice::from_ref(&synthetic),
                ],
                Detail::Sizes,
            )
            .expect("both");
        assert_eq!(both[0].paths.len(), 52);
        assert_eq!(both[0].total_nar_size(), 332_272);
        assert_eq!(both[1].paths.len(), 1000);
        let missing = format!(
            "{}/00000000000000000000000000000000-missing",
            db.store_dir().as_str()
        );
        assert!(matches!(
            db.closure_with(std::slice::from_ref(&missing), Detail::Sizes),
            Err(StoreError::NotValid { .. })
        ));
        assert_eq!(db.path_info(&missing).expect("query"), None);
    }

    /// A database made by hand, with the schema's two tables: a root and
    /// four 4 EiB paths.
    fn corrupt_store() -> (tempfile::TempDir, Vec<String>) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("db")).expect("db dir");
        let conn = Connection::open(dir.path().join("db").join("db.sqlite")).expect("create");
        conn.execute_batch(
            "CREATE TABLE ValidPaths (id integer primary key, path text unique not null,
                 hash text not null, registrationTime integer not null, deriver text,
                 narSize integer, ultimate integer, sigs text, ca text);
             CREATE TABLE Refs (referrer integer not null, reference integer not null);",
        )
        .expect("schema");
        let paths: Vec<String> = (0..5)
            .map(|i| format!("/nix/store/{i:0>32}-p{i}"))
            .collect();
        for (i, path) in (1i64..).zip(&paths) {
            let size: i64 = if i == 1 { 1 } else { 1 << 62 };
            conn.execute(
                "INSERT INTO ValidPaths (id, path, hash, registrationTime, narSize)
                 VALUES (?1, ?2, 'sha256:00', 0, ?3)",
                rusqlite::params![i, path, size],
            )
            .expect("insert");
            if i > 0 {
                conn.execute("INSERT INTO Refs VALUES (1, ?1)", rusqlite::params![i + 1])
                    .expect("reference");
            }
        }
        (dir, paths)
    }

    #[test]
    fn sizes_that_cannot_be_counted_are_errors_naming_the_path() {
        let (dir, paths) = corrupt_store();
        let open = || DbBackend::open(dir.path(), StoreDir::new("/nix/store"), false).expect("db");
        let roots = std::slice::from_ref(&paths[0]);
        let err = open()
            .closure_with(roots, Detail::Sizes)
            .expect_err("16 EiB do not fit")
            .to_string();
        assert!(err.contains("64 bits") && err.contains(&paths[0]), "{err}");
        let edit = Connection::open(dir.path().join("db").join("db.sqlite")).expect("open");
        for (size, shown) in [("NULL", "NULL"), ("-1", "-1")] {
            edit.execute(
                &format!("UPDATE ValidPaths SET narSize = {size} WHERE id = 3"),
                [],
            )
            .expect("update");
            let err = open()
                .closure_with(roots, Detail::Sizes)
                .expect_err("not a size")
                .to_string();
            assert!(
                err.contains(&paths[2]) && err.contains(&format!("narSize is {shown}")),
                "{err}"
            );
        }
    }

    /// An unlocked read that a writer overlapped is done again, on a
    /// connection reopened for the files as they now are; a database that
    /// keeps changing is an error, not an answer.
    #[test]
    fn a_read_overlapped_by_a_writer_is_done_again() {
        let (dir, paths) = corrupt_store();
        let db = DbBackend::open(dir.path(), StoreDir::new("/nix/store"), false).expect("db");
        let file = dir.path().join("db").join("db.sqlite");
        let write = |size: i64| {
            let conn = Connection::open(&file).expect("writer");
            conn.execute("UPDATE ValidPaths SET narSize = ?1 WHERE id = 1", [size])
                .expect("update");
        };
        let read = |db: &DbBackend, h: &mut Handle| {
            h.conn
                .query_row("SELECT narSize FROM ValidPaths WHERE id = 1", [], |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(|e| db.err(&e))
        };
        let mut attempts = 0;
        let size = db
            .read(|db, h| {
                attempts += 1;
                let size = read(db, h);
                if attempts == 1 {
                    // Nix writes while the first attempt reads.
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    write(7);
                }
                size
            })
            .expect("read again");
        assert_eq!((attempts, size), (2, 7));
        let mut n = 0;
        let err = db
            .read(|db, h| {
                n += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
                write(100 + n);
                read(db, h)
            })
            .expect_err("never the same twice")
            .to_string();
        assert!(err.contains("kept changing"), "{err}");
        assert_eq!(n, i64::try_from(ATTEMPTS).expect("small"));
        assert!(db.is_valid(&paths[0]).expect("quiet again"));
    }

    #[test]
    fn an_unreadable_database_says_permission_denied() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(unreadable(&denied).starts_with("permission denied"));
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert!(unreadable(&missing).starts_with("no such file"));
    }

    #[test]
    fn a_readonly_wal_index_is_told_by_its_code() {
        use rusqlite::ffi;
        let failure = |code| {
            db_error(
                "db.sqlite",
                &rusqlite::Error::SqliteFailure(ffi::Error::new(code), None),
            )
        };
        for code in [
            ffi::SQLITE_READONLY,
            ffi::SQLITE_READONLY_RECOVERY,
            ffi::SQLITE_READONLY_CANTINIT,
        ] {
            let e = failure(code);
            assert!(is_readonly_index(&e), "{code}: {e}");
            assert!(
                e.to_string().starts_with("store database db.sqlite: "),
                "{e}"
            );
        }
        for code in [ffi::SQLITE_BUSY, ffi::SQLITE_CORRUPT, ffi::SQLITE_CANTOPEN] {
            assert!(!is_readonly_index(&failure(code)), "{code}");
        }
    }
}
