//! Oracle tests: the three backends give the same closure for the same roots,
//! and the totals equal what `nix path-info` itself reports.

use flakegate_store::backend::{attrs_json, cli, db};
use flakegate_store::{Closure, Store, StoreDir};
use flakegate_testkit as kit;

fn db() -> db::DbBackend {
    db::DbBackend::open(&StoreDir::state_dir(), StoreDir::from_env(), false)
        .expect("store database opens")
}

fn without_provenance(c: &Closure) -> Closure {
    let mut c = c.clone();
    for p in &mut c.paths {
        p.deriver = None;
        p.registration_time = None;
    }
    c
}

#[test]
fn database_and_cli_agree_field_by_field() {
    let root = kit::package_set().toplevel.clone();
    let from_db = db()
        .closure(std::slice::from_ref(&root))
        .expect("db closure");
    let from_cli = cli::CliBackend::new(StoreDir::from_env())
        .closure(std::slice::from_ref(&root))
        .expect("cli closure");
    assert_eq!(from_db, from_cli);
    // The oracle: the same members as `nix-store -qR`.
    let mut requisites = kit::requisites(&root);
    requisites.sort();
    let members: Vec<String> = from_db.paths.iter().map(|p| p.path.clone()).collect();
    assert_eq!(members, requisites);
    assert!(
        from_db
            .paths
            .iter()
            .all(|p| p.deriver.is_some() && p.nar_hash.is_some())
    );
}

#[test]
fn attrs_json_agrees_with_the_database() {
    let root = kit::package_set().toplevel.clone();
    let file = kit::attrs_json_of(&root);
    let attrs = attrs_json::read(std::path::Path::new(&file)).expect("attrs.json parses");
    assert_eq!(attrs.closure.roots, vec![root.clone()]);
    let from_db = db()
        .closure(std::slice::from_ref(&root))
        .expect("db closure");
    assert_eq!(attrs.closure, without_provenance(&from_db));
}

#[test]
fn total_equals_nix_path_info_closure_size() {
    let root = kit::package_set().toplevel.clone();
    let format = flakegate_store::backend::cli::json_format_args().expect("nix --version");
    let infos = kit::path_info(&format, &["-S"], &[&root]);
    let expected = infos[&root]["closureSize"].as_u64().expect("closureSize");
    let closure = db()
        .closure(std::slice::from_ref(&root))
        .expect("db closure");
    assert_eq!(closure.total_nar_size(), expected);
}

#[test]
fn an_invalid_root_is_named() {
    let drv = kit::unrealised_drv();
    let parsed = flakegate_store::drv::read(&drv, &StoreDir::from_env()).expect("drv parses");
    let out =
        flakegate_store::drv::output_paths(&parsed, &drv, &StoreDir::from_env()).expect("outputs");
    let out = out["out"].clone().expect("input-addressed");
    for result in [
        db().closure(std::slice::from_ref(&out)),
        cli::CliBackend::new(StoreDir::from_env()).closure(std::slice::from_ref(&out)),
    ] {
        let err = result.expect_err("not valid").to_string();
        assert!(err.contains(&out) && err.contains("not valid"), "{err}");
    }
}

#[test]
fn every_backend_answers_path_questions_alike() {
    let root = kit::package_set().toplevel.clone();
    let file = kit::attrs_json_of(&root);
    let attrs = attrs_json::read(std::path::Path::new(&file)).expect("attrs.json parses");
    let exported = attrs_json::AttrsJsonStore::new(attrs.closure);
    let cli = cli::CliBackend::new(StoreDir::from_env());
    let db = db();
    let closure = db.closure(std::slice::from_ref(&root)).expect("db closure");
    assert_eq!(
        exported
            .closure(std::slice::from_ref(&root))
            .expect("exported closure"),
        without_provenance(&closure)
    );
    let stores: [&dyn Store; 3] = [&db, &cli, &exported];
    for member in closure.paths.iter().step_by(7) {
        let info = closure.path_info(member);
        for store in stores {
            assert!(
                store.is_valid(&info.path).expect("valid"),
                "{}",
                store.kind()
            );
            assert_eq!(
                store.references(&info.path).expect("references"),
                info.references,
                "{}",
                store.kind()
            );
        }
        assert_eq!(db.path_info(&info.path).expect("db"), Some(info.clone()));
        assert_eq!(cli.path_info(&info.path).expect("cli"), Some(info.clone()));
        assert_eq!(cli.recorded_deriver(&info.path).expect("cli"), info.deriver);
    }
    let missing = format!(
        "{}/00000000000000000000000000000000-missing",
        StoreDir::from_env().as_str()
    );
    for store in stores {
        assert!(
            !store.is_valid(&missing).expect("query"),
            "{}",
            store.kind()
        );
        assert_eq!(store.path_info(&missing).expect("query"), None);
    }
}
