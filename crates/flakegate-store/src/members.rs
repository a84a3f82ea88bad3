//! Closure members with their NAR sizes, and nothing else: all that a
//! package-level diff needs.
//!
//! [`Store::closure`] reads full path infos (hashes, derivers, registration
//! times, every reference), which is most of the cost of diffing two large
//! closures. From the store database this module reads only the member ids
//! (a walk in Rust, see [`MembersDb::closure`]), then their paths and sizes,
//! each root on its own read-only connection, so that the two sides of a
//! diff can be read at the same time on two threads. Other backends go
//! through [`Store::closure`].

use std::path::PathBuf;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params_from_iter};
use rustc_hash::FxHashSet;

use crate::{Store, StoreDir, StoreError};

/// Paths whose references (or infos) one statement asks for.
const BATCH: usize = 256;

/// `ids` as exactly [`BATCH`] parameters: the statement has that many, and
/// repeating an id in an `IN` list changes nothing.
fn padded(ids: &[i64]) -> impl Iterator<Item = i64> + '_ {
    ids.iter()
        .copied()
        .chain(std::iter::repeat(ids[0]))
        .take(BATCH)
}

/// A member of a closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Absolute store path.
    pub path: String,
    /// The path's NAR size in bytes.
    pub nar_size: u64,
}

/// A closure as a package diff sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Members {
    pub root: String,
    /// Every member, the root included, sorted by path.
    pub paths: Vec<Member>,
}

/// Reads members from the store database. Holds only the file name, so one
/// value can serve several threads, each with its own connection.
#[derive(Debug, Clone)]
pub struct MembersDb {
    file: PathBuf,
}

impl MembersDb {
    /// The database `store` reads, or `None` when it reads through `nix`.
    #[must_use]
    pub fn of(store: &Store) -> Option<Self> {
        (store.backend_name() == "db").then(|| Self {
            file: StoreDir::state_dir().join("db").join("db.sqlite"),
        })
    }

    fn err(&self, e: &rusqlite::Error) -> StoreError {
        StoreError::Database {
            file: self.file.display().to_string(),
            reason: e.to_string(),
        }
    }

    /// A read-only connection, opened as the store's own backend opens it
    /// (`mode=ro`, memory-mapped reads).
    fn connect(&self) -> Result<Connection, StoreError> {
        let file = self.file.display().to_string();
        let uri = format!(
            "file:{}?mode=ro",
            file.replace('?', "%3f").replace('#', "%23")
        );
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&uri, flags).map_err(|e| self.err(&e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| self.err(&e))?;
        conn.pragma_update(None, "mmap_size", 1i64 << 30)
            .map_err(|e| self.err(&e))?;
        Ok(conn)
    }

    /// The closure of `root`, a valid store path: a breadth-first walk of
    /// the references in Rust, asking SQLite for the references of up to
    /// [`BATCH`] paths at a time. Deduplicating in a hash set is what makes
    /// this faster than SQLite's own recursive query (whose `UNION` keeps a
    /// temporary B-tree).
    pub fn closure(&self, root: &str) -> Result<Members, StoreError> {
        let mut conn = self.connect()?;
        let e = |e: rusqlite::Error| self.err(&e);
        // One read transaction: every statement sees the same snapshot, even
        // if Nix adds or collects paths meanwhile.
        let conn = conn.transaction().map_err(e)?;
        let root_id: Option<i64> = conn
            .query_row("SELECT id FROM ValidPaths WHERE path = ?1", [root], |r| {
                r.get(0)
            })
            .optional()
            .map_err(e)?;
        let Some(root_id) = root_id else {
            return Err(StoreError::NotValid {
                path: root.to_owned(),
            });
        };
        let list = vec!["?"; BATCH].join(",");
        let mut refs = conn
            .prepare(&format!(
                "SELECT reference FROM Refs WHERE referrer IN ({list})"
            ))
            .map_err(e)?;
        let mut seen: FxHashSet<i64> = FxHashSet::default();
        seen.insert(root_id);
        let mut members = vec![root_id];
        let mut frontier = vec![root_id];
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for batch in frontier.chunks(BATCH) {
                let mut rows = refs.query(params_from_iter(padded(batch))).map_err(e)?;
                while let Some(row) = rows.next().map_err(e)? {
                    let id: i64 = row.get(0).map_err(e)?;
                    if seen.insert(id) {
                        next.push(id);
                    }
                }
            }
            members.extend_from_slice(&next);
            frontier = next;
        }
        let mut infos = conn
            .prepare(&format!(
                "SELECT path, narSize FROM ValidPaths WHERE id IN ({list})"
            ))
            .map_err(e)?;
        let mut paths = Vec::with_capacity(members.len());
        for batch in members.chunks(BATCH) {
            let mut rows = infos.query(params_from_iter(padded(batch))).map_err(e)?;
            while let Some(row) = rows.next().map_err(e)? {
                let size: Option<i64> = row.get(1).map_err(e)?;
                paths.push(Member {
                    path: row.get(0).map_err(e)?,
                    nar_size: size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
                });
            }
        }
        paths.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        Ok(Members {
            root: root.to_owned(),
            paths,
        })
    }

    /// The direct references of `path`, without itself, sorted.
    pub fn references(&self, path: &str) -> Result<Vec<String>, StoreError> {
        let conn = self.connect()?;
        let mut stmt = conn
            .prepare(
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
}

/// The members of `root`'s closure through any backend (the full path infos,
/// trimmed), and `holder`'s direct references when it is in that closure.
pub fn from_store(
    store: &Store,
    root: &str,
    holder: &str,
) -> Result<(Members, Vec<String>), StoreError> {
    let closure = store.closure(&[root.to_owned()])?;
    let references = closure
        .paths
        .iter()
        .find(|p| p.path == holder)
        .map(|p| p.references.clone())
        .unwrap_or_default();
    let paths = closure
        .paths
        .into_iter()
        .map(|p| Member {
            path: p.path,
            nar_size: p.nar_size,
        })
        .collect();
    Ok((
        Members {
            root: root.to_owned(),
            paths,
        },
        references,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BackendChoice;

    /// A reference: the closure through SQLite's own recursive query.
    fn recursive_query(db: &MembersDb, root: &str) -> Vec<Member> {
        let conn = db.connect().expect("connect");
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
            Ok(Member {
                path: row.get(0)?,
                nar_size: row.get::<_, i64>(1)?.try_into().unwrap_or(0),
            })
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    /// The walk, the recursive query and the full path infos describe the
    /// same closures: the fixture system, and a synthetic closure of 1,000
    /// paths full of diamonds.
    #[test]
    fn live_nix_database_members_equal_the_full_closure() {
        let store = Store::open(BackendChoice::Db, false).expect("store");
        let db = MembersDb::of(&store).expect("read through the database");
        let system = flakegate_testkit::generations().old.clone();
        let synthetic = flakegate_testkit::synthetic_closure(1000);
        for root in [&system, &synthetic] {
            let walked = db.closure(root).expect("members");
            let (full, references) = from_store(&store, root, root).expect("closure");
            assert_eq!(walked, full);
            assert_eq!(walked.paths, recursive_query(&db, root));
            assert_eq!(db.references(root).expect("references"), references);
        }
        let lean = db.closure(&system).expect("members");
        assert_eq!(lean.paths.len(), 52);
        assert_eq!(lean.paths.iter().map(|m| m.nar_size).sum::<u64>(), 332_272);
        assert_eq!(db.closure(&synthetic).expect("members").paths.len(), 1000);
        let missing = format!(
            "{}/00000000000000000000000000000000-missing",
            store.store_dir().as_str()
        );
        assert!(matches!(
            db.closure(&missing),
            Err(StoreError::NotValid { .. })
        ));
    }
}
