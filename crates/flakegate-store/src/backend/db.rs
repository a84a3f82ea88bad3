//! The local store's SQLite database (`$NIX_STATE_DIR/db/db.sqlite`, schema 10
//! in Nix and Lix alike), opened strictly read-only. One recursive query walks
//! the whole closure; this is ~10× faster than any `nix` command for large
//! closures, and `nix path-info -rS` is quadratic.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params_from_iter};

use crate::{Closure, PathInfo, StoreDir, StoreError, hash};

pub struct DbBackend {
    conn: Connection,
    file: String,
    store_dir: StoreDir,
}

impl DbBackend {
    /// Opens `<state_dir>/db/db.sqlite` read-only and checks that it can be read.
    pub fn open(
        state_dir: &Path,
        store_dir: StoreDir,
        immutable: bool,
    ) -> Result<Self, StoreError> {
        let path = state_dir.join("db").join("db.sqlite");
        let file = path.display().to_string();
        if !path.exists() {
            return Err(StoreError::Database {
                file,
                reason:
                    "no such file (NIX_STATE_DIR says where it is; --backend cli asks nix instead)"
                        .into(),
            });
        }
        // `mode=ro` never writes. `immutable=1` additionally skips locking and
        // the WAL, for readers without write access to the db directory.
        let uri = format!(
            "file:{}?mode=ro{}",
            file.replace('?', "%3f").replace('#', "%23"),
            if immutable { "&immutable=1" } else { "" }
        );
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let db_err = |e: rusqlite::Error| StoreError::Database {
            file: file.clone(),
            reason: e.to_string(),
        };
        let conn = Connection::open_with_flags(&uri, flags).map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db_err)?;
        // Map the file instead of copying pages through read(2); a read-only
        // mapping cannot change the database.
        conn.pragma_update(None, "mmap_size", 1i64 << 30)
            .map_err(db_err)?;
        // Reading something proves permissions and schema in one go.
        conn.query_row("SELECT count(*) FROM ValidPaths WHERE id = 1", [], |_| {
            Ok(())
        })
        .map_err(db_err)?;
        Ok(Self {
            conn,
            file,
            store_dir,
        })
    }

    fn err(&self, e: &rusqlite::Error) -> StoreError {
        StoreError::Database {
            file: self.file.clone(),
            reason: e.to_string(),
        }
    }

    pub fn is_valid(&self, path: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT 1 FROM ValidPaths WHERE path = ?1", [path], |_| {
                Ok(())
            })
            .optional()
            .map(|row| row.is_some())
            .map_err(|e| self.err(&e))
    }

    pub fn deriver(&self, path: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT deriver FROM ValidPaths WHERE path = ?1",
                [path],
                |row| row.get::<_, Option<String>>(0),
            )
            .optional()
            .map(|d| d.flatten().filter(|d| !d.is_empty()))
            .map_err(|e| self.err(&e))
    }

    pub fn closure(&self, roots: &[String]) -> Result<Closure, StoreError> {
        for root in roots {
            if !self.is_valid(root)? {
                return Err(StoreError::NotValid { path: root.clone() });
            }
        }
        if roots.is_empty() {
            return Ok(Closure::new(Vec::new(), Vec::new()));
        }
        let placeholders = vec!["?"; roots.len()].join(",");
        // One pass: each closure member joined with its references. Rows of one
        // member repeat its columns; we read them only once per id.
        let sql = format!(
            "WITH RECURSIVE closure(id) AS (
                 SELECT id FROM ValidPaths WHERE path IN ({placeholders})
                 UNION
                 SELECT r.reference FROM Refs r JOIN closure c ON r.referrer = c.id
             )
             SELECT v.id, v.path, v.hash, v.narSize, v.deriver, v.registrationTime, r.reference
             FROM closure c
             JOIN ValidPaths v ON v.id = c.id
             LEFT JOIN Refs r ON r.referrer = c.id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(&e))?;
        let mut rows = stmt
            .query(params_from_iter(roots.iter()))
            .map_err(|e| self.err(&e))?;
        let mut by_id: HashMap<i64, usize> = HashMap::new();
        let mut infos: Vec<PathInfo> = Vec::new();
        let mut ref_ids: Vec<Vec<i64>> = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.err(&e))? {
            let id: i64 = row.get(0).map_err(|e| self.err(&e))?;
            let slot = match by_id.get(&id) {
                Some(&slot) => slot,
                None => {
                    let info = self.read_info(row)?;
                    by_id.insert(id, infos.len());
                    infos.push(info);
                    ref_ids.push(Vec::new());
                    infos.len() - 1
                }
            };
            let reference: Option<i64> = row.get(6).map_err(|e| self.err(&e))?;
            if let Some(r) = reference.filter(|&r| r != id) {
                ref_ids[slot].push(r);
            }
        }
        for (slot, refs) in ref_ids.into_iter().enumerate() {
            let mut paths = Vec::with_capacity(refs.len());
            for r in refs {
                let target = by_id.get(&r).ok_or_else(|| StoreError::Database {
                    file: self.file.clone(),
                    reason: format!("reference id {r} of {} is missing", infos[slot].path),
                })?;
                paths.push(infos[*target].path.clone());
            }
            infos[slot].references = paths;
        }
        Ok(Closure::new(roots.to_vec(), infos))
    }

    fn read_info(&self, row: &rusqlite::Row<'_>) -> Result<PathInfo, StoreError> {
        let get_err = |e: rusqlite::Error| self.err(&e);
        let path: String = row.get(1).map_err(get_err)?;
        let raw_hash: String = row.get(2).map_err(get_err)?;
        let nar_size: Option<i64> = row.get(3).map_err(get_err)?;
        let deriver: Option<String> = row.get(4).map_err(get_err)?;
        let registration_time: Option<i64> = row.get(5).map_err(get_err)?;
        let nar_hash = hash::to_sri(&raw_hash).map_err(|reason| StoreError::Database {
            file: self.file.clone(),
            reason: format!("{path}: {reason}"),
        })?;
        debug_assert!(self.store_dir.basename_of(&path).is_some());
        Ok(PathInfo {
            path,
            nar_size: nar_size.and_then(|s| u64::try_from(s).ok()).unwrap_or(0),
            nar_hash: Some(nar_hash),
            references: Vec::new(),
            deriver: deriver.filter(|d| !d.is_empty()),
            registration_time,
        })
    }
}
