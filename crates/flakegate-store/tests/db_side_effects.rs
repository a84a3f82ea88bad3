//! Reading the store database leaves its directory as it was: no
//! `db.sqlite-wal` or `db.sqlite-shm` appears (see `backend/db_files.rs`),
//! whether Nix has the database open or not, and a read that overlaps a
//! writer is an error rather than a torn answer.

use std::collections::BTreeSet;
use std::path::Path;

use flakegate_store::backend::db::DbBackend;
use flakegate_store::{Detail, Store, StoreDir};
use rusqlite::Connection;

const PATH: &str = "/nix/store/00000000000000000000000000000000-p";

/// A state directory whose database is in WAL mode, as Nix keeps it, with
/// one valid path; every connection closed (so no `-wal`, no `-shm`).
fn wal_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("db")).expect("mkdir");
    let conn = Connection::open(DbBackend::file_in(dir.path())).expect("create");
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE ValidPaths (id integer primary key autoincrement not null,
             path text unique not null, hash text not null, registrationTime integer not null,
             deriver text, narSize integer, ultimate integer, sigs text, ca text);
         CREATE TABLE Refs (referrer integer not null, reference integer not null);
         INSERT INTO ValidPaths (path, hash, registrationTime, narSize)
             VALUES ('{PATH}', 'sha256:{}', 0, 120);",
        "0".repeat(64)
    ))
    .expect("schema");
    drop(conn);
    dir
}

fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir.join("db"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

/// Every kind of read the backend does.
fn read_everything(db: &DbBackend) {
    assert!(db.is_valid(PATH).expect("is_valid"));
    assert_eq!(
        db.closure_with(&[PATH.to_owned()], Detail::Full)
            .expect("closure")
            .paths
            .len(),
        1
    );
    db.path_info(PATH).expect("path info").expect("valid");
    db.closures(&[&[PATH.to_owned()], &[PATH.to_owned()]], Detail::Sizes)
        .expect("closures");
}

#[test]
fn reading_a_closed_database_creates_no_file() {
    let dir = wal_store();
    let before = files(dir.path());
    assert_eq!(before, BTreeSet::from(["db.sqlite".to_owned()]));
    for forced in [false, true] {
        let db = DbBackend::open(dir.path(), StoreDir::new("/nix/store"), forced).expect("open");
        read_everything(&db);
        drop(db);
        assert_eq!(files(dir.path()), before, "forced immutable: {forced}");
    }
}

#[test]
fn reading_beside_a_writer_uses_its_files_and_adds_none() {
    let dir = wal_store();
    let writer = Connection::open(DbBackend::file_in(dir.path())).expect("writer");
    writer
        .execute_batch("UPDATE ValidPaths SET narSize = 121")
        .expect("write");
    let with_writer = files(dir.path());
    assert!(with_writer.contains("db.sqlite-wal") && with_writer.contains("db.sqlite-shm"));
    let db = DbBackend::open(dir.path(), StoreDir::new("/nix/store"), false).expect("open");
    read_everything(&db);
    // The writer's last commit is still in its WAL, and is read.
    let info = db.path_info(PATH).expect("path info").expect("valid");
    assert_eq!(info.nar_size, 121);
    drop(db);
    assert_eq!(files(dir.path()), with_writer);
}

#[test]
fn a_writer_that_came_between_two_reads_is_read_through_its_wal() {
    let dir = wal_store();
    let db = DbBackend::open(dir.path(), StoreDir::new("/nix/store"), false).expect("open");
    let size = |db: &DbBackend| db.path_info(PATH).expect("read").expect("valid").nar_size;
    assert_eq!(size(&db), 120);
    let writer = Connection::open(DbBackend::file_in(dir.path())).expect("writer");
    writer
        .execute_batch("UPDATE ValidPaths SET narSize = 121")
        .expect("write");
    let with_writer = files(dir.path());
    assert_eq!(size(&db), 121, "the commit in the writer's WAL");
    // The writer closes while flakegate still reads: its WAL files stay
    // (a reader holds them), and nothing else appears.
    drop(writer);
    assert_eq!(size(&db), 121);
    drop(db);
    assert!(files(dir.path()).is_subset(&with_writer));
}

#[test]
fn a_wal_without_its_shared_memory_file_is_refused_not_created() {
    let dir = wal_store();
    std::fs::write(dir.path().join("db/db.sqlite-wal"), "").expect("wal");
    let err = DbBackend::open(dir.path(), StoreDir::new("/nix/store"), false)
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("would create db.sqlite-shm"), "{err}");
    assert!(!dir.path().join("db/db.sqlite-shm").exists());
}

/// A Nix process opening the database makes `-wal` an instant before
/// `-shm`: a reader that comes in between waits for the pair and reads.
#[test]
fn a_wal_whose_shared_memory_file_follows_is_read() {
    let dir = wal_store();
    let file = DbBackend::file_in(dir.path());
    std::fs::write(dir.path().join("db/db.sqlite-wal"), "").expect("wal");
    let writer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        // A writer's first read makes `-shm`; it stays open meanwhile.
        let conn = Connection::open(file).expect("writer");
        conn.query_row("SELECT count(*) FROM ValidPaths", [], |r| {
            r.get::<_, i64>(0)
        })
        .expect("writer reads");
        // Returned, so the writer keeps the database open until joined.
        conn
    });
    let db = DbBackend::open(dir.path(), StoreDir::new("/nix/store"), false)
        .expect("opened once -shm is there");
    read_everything(&db);
    drop(writer.join().expect("writer thread"));
}

/// A copy of the real store database, as Nix left it, read like the real one.
#[test]
fn live_nix_a_copy_of_the_store_database_gains_no_file() {
    let top = flakegate_testkit::package_set().toplevel.clone();
    let real = DbBackend::file_in(&StoreDir::state_dir());
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("db")).expect("mkdir");
    std::fs::copy(&real, DbBackend::file_in(dir.path())).expect("copy the database");
    let header = std::fs::read(DbBackend::file_in(dir.path())).expect("read");
    assert_eq!(
        header.get(18..20),
        Some(&[2u8, 2][..]),
        "Nix keeps it in WAL mode"
    );
    let before = files(dir.path());
    let db = DbBackend::open(dir.path(), StoreDir::from_env(), false).expect("open");
    // The copy holds what was committed outside a WAL Nix keeps open, so it
    // may not know the fixtures yet; whatever it says, it reads.
    db.closure_with(std::slice::from_ref(&top), Detail::Full)
        .map(|_| ())
        .or_else(|e| match e {
            flakegate_store::StoreError::NotValid { .. } => Ok(()),
            e => Err(e),
        })
        .expect("reads");
    drop(db);
    assert_eq!(files(dir.path()), before);
}
