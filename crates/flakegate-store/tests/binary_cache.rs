//! The cache primitives against real caches: a `file://` cache filled by
//! `nix copy` and signed by a `nix key`, the same directory over HTTP on
//! loopback (healthy, slow, failing, truncated, badly signed, absent), and
//! `nix build --dry-run` as the oracle.

// Fixed commands on the tests' own fixtures (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeSet;
use std::time::Duration;

use flakegate_store::availability::{Root, Survey, Thoroughness, survey};
use flakegate_store::binary_cache::{CacheUrl, Caches, Lookup, PublicKey, QueryOptions};
use flakegate_store::{BackendChoice, OpenOptions, Store, StoreDir, StoreUrl};
use flakegate_testkit::{CacheFixture, Fault, cache_fixture, dry_run, serve};

fn open(urls: &[&str], fixture: &CacheFixture, timeout: Duration) -> Caches {
    let options = QueryOptions {
        timeout,
        jobs: 8,
        netrc_file: None,
        trusted_keys: vec![PublicKey::parse(&fixture.public_key).expect("key")],
    };
    let urls = urls
        .iter()
        .map(|u| CacheUrl::parse(u).expect("url"))
        .collect();
    Caches::open(urls, options, StoreDir::from_env())
}

fn walk(fixture: &CacheFixture, caches: &Caches) -> Survey {
    let store = local_store();
    survey(
        &[Root::Drv(fixture.top_drv.clone())],
        &*store,
        caches,
        Thoroughness::Implied,
    )
    .expect("survey")
}

/// (paths to fetch, derivations to build) as the survey sees them.
fn plan(s: &Survey) -> (Vec<String>, Vec<String>) {
    let mut fetch = Vec::new();
    let mut build = BTreeSet::new();
    for p in &s.paths {
        if p.local.is_some() {
            continue;
        }
        if p.lookups
            .iter()
            .any(|l| matches!(l, Lookup::Hit { .. } | Lookup::Implied { hit: true }))
        {
            fetch.push(p.path.clone());
        } else if let Some((drv, _)) = &p.produced_by {
            build.insert(drv.clone());
        }
    }
    fetch.sort();
    (fetch, build.into_iter().collect())
}

/// What Nix would fetch and build; `None` when Nix cannot say (see `dry_run`).
fn expected(fixture: &CacheFixture) -> Option<(Vec<String>, Vec<String>)> {
    let nix = flakegate_store::nix_version::nix_version().expect("nix --version");
    let top =
        flakegate_store::installable::for_nix_build(&fixture.top_drv, nix.drv_means_the_file());
    let (built, fetched) = dry_run(&top, &fixture.url)?;
    Some((fetched, built))
}

#[test]
fn file_cache_agrees_with_nix_dry_run() {
    let fixture = cache_fixture(&["mid"]);
    let caches = open(&[&fixture.url], &fixture, Duration::from_secs(10));
    let s = walk(&fixture, &caches);
    let (fetch, build) = plan(&s);
    if let Some(nix) = expected(&fixture) {
        assert_eq!((fetch.clone(), build.clone()), nix);
    }
    // The shape we built: leaf and mid cached; side and top to build.
    assert_eq!(
        fetch,
        [&fixture.outputs["leaf"], &fixture.outputs["mid"]]
            .iter()
            .map(|s| (*s).clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    assert_eq!(build.len(), 2);
    // Every hit is signed by the fixture's key.
    for p in &s.paths {
        for l in &p.lookups {
            if let Lookup::Hit { signed, .. } = l {
                assert!(*signed, "{} not signed", p.path);
            }
        }
    }
}

#[test]
fn http_cache_agrees_with_file_cache() {
    let fixture = cache_fixture(&["mid"]);
    let server = serve(&fixture.cache_dir, Fault::None, 1000);
    let http = format!("{}?priority=10", server.url);
    let caches = open(&[&http], &fixture, Duration::from_secs(10));
    assert_eq!(caches.caches[0].priority, 10);
    assert!(caches.caches[0].unusable.is_none());
    let s = walk(&fixture, &caches);
    if let Some(nix) = expected(&fixture) {
        assert_eq!(plan(&s), nix);
    }
    assert!(server.requests.load(std::sync::atomic::Ordering::SeqCst) > 3);
}

#[test]
fn failing_caches_are_reported_and_the_others_still_count() {
    let fixture = cache_fixture(&["mid"]);
    // Without Nix's answer, the good cache alone: a faulty one changes nothing.
    let want = expected(&fixture).unwrap_or_else(|| {
        plan(&walk(
            &fixture,
            &open(&[&fixture.url], &fixture, Duration::from_secs(10)),
        ))
    });
    let absent = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let failing = serve(&fixture.cache_dir, Fault::ServerError, 1000);
    let truncated = serve(&fixture.cache_dir, Fault::Truncated, 1000);
    let slow = serve(
        &fixture.cache_dir,
        Fault::Slow(Duration::from_millis(200)),
        1000,
    );
    for (url, what) in [
        (absent.as_str(), "unusable"),
        (failing.url.as_str(), "HTTP 500"),
        (truncated.url.as_str(), "truncated"),
    ] {
        // The faulty cache first, so the good one does not hide it.
        let faulty_url = format!("{url}?priority=1");
        let caches = open(
            &[&faulty_url, &fixture.url],
            &fixture,
            Duration::from_secs(5),
        );
        let s = walk(&fixture, &caches);
        assert_eq!(plan(&s), want, "with a {what} cache");
        let faulty = caches
            .caches
            .iter()
            .position(|c| c.url.original == faulty_url)
            .expect("cache");
        let errors: Vec<&String> = s
            .paths
            .iter()
            .filter_map(|p| match &p.lookups[faulty] {
                Lookup::Error(e) => Some(e),
                _ => None,
            })
            .collect();
        // A truncated narinfo fails where the cache has the path (leaf, mid
        // and mid's source); the others fail for every path.
        let failed = if what == "truncated" {
            3
        } else {
            s.paths.len()
        };
        assert_eq!(errors.len(), failed, "{what}: {errors:?}");
        if what == "unusable" {
            assert!(caches.caches[faulty].unusable.is_some());
        } else {
            assert!(caches.caches[faulty].unusable.is_none());
            assert!(errors[0].contains(what), "{what}: {errors:?}");
        }
    }
    // Slow but within the timeout: exactly as good as the file cache.
    let caches = open(&[&slow.url], &fixture, Duration::from_secs(10));
    assert_eq!(plan(&walk(&fixture, &caches)), want);
    // Slower than the timeout: every lookup fails, nothing is a hit.
    let caches = open(&[&slow.url], &fixture, Duration::from_millis(50));
    let s = walk(&fixture, &caches);
    assert!(
        s.paths
            .iter()
            .all(|p| !p.lookups.iter().any(|l| matches!(l, Lookup::Hit { .. })))
    );
}

#[test]
fn bad_signatures_are_not_signed() {
    let fixture = cache_fixture(&["leaf"]);
    let bad = serve(&fixture.cache_dir, Fault::BadSignature, 1000);
    let caches = open(&[&bad.url, &fixture.url], &fixture, Duration::from_secs(5));
    let s = walk(&fixture, &caches);
    let leaf = s
        .paths
        .iter()
        .find(|p| p.path == fixture.outputs["leaf"])
        .expect("leaf surveyed");
    let by = |url: &str| {
        let i = caches
            .caches
            .iter()
            .position(|c| c.url.original == url)
            .expect("cache");
        match &leaf.lookups[i] {
            Lookup::Hit { signed, .. } => *signed,
            other => panic!("{url}: {other:?}"),
        }
    };
    assert!(!by(&bad.url));
    assert!(by(&fixture.url));
}

#[test]
fn a_cache_of_another_store_or_none_at_all_is_unusable() {
    let fixture = cache_fixture(&[]);
    let empty = tempfile::tempdir().expect("dir");
    let url = format!("file://{}", empty.path().display());
    let caches = open(&[&url], &fixture, Duration::from_secs(1));
    assert!(
        caches.caches[0]
            .unusable
            .as_deref()
            .is_some_and(|u| u.contains("nix-cache-info")),
        "{:?}",
        caches.caches[0].unusable
    );
    // With no cache at all the survey is the plain "needed outputs" list.
    let s = walk(&fixture, &open(&[], &fixture, Duration::from_secs(1)));
    let (fetch, build) = plan(&s);
    assert!(fetch.is_empty());
    assert_eq!(build.len(), 4, "{build:?}");
}

#[test]
fn implied_answers_equal_exhaustive_ones_with_fewer_requests() {
    // The package set is local; a cache holds the closure of some of its
    // members (a reference-closed set, as every cache Nix writes).
    let set = flakegate_testkit::package_set();
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("file://{}/cache", dir.path().display());
    let mut args: Vec<String> = [
        "--extra-experimental-features",
        "nix-command",
        "copy",
        "--to",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.push(url.clone());
    args.push(set.path("python3", "out").to_owned());
    args.push(set.path("curl", "out").to_owned());
    duct::cmd("nix", &args)
        .stderr_null()
        .run()
        .expect("nix copy");
    let server = serve(&dir.path().join("cache"), Fault::None, 100_000);
    let store = local_store();
    let roots = [Root::Path(set.toplevel.clone())];
    let options = || QueryOptions {
        jobs: 4,
        ..QueryOptions::default()
    };
    let hits = |t: Thoroughness| {
        let before = server.requests.load(std::sync::atomic::Ordering::SeqCst);
        let caches = Caches::open(
            vec![CacheUrl::parse(&server.url).expect("url")],
            options(),
            StoreDir::from_env(),
        );
        let s = survey(&roots, &*store, &caches, t).expect("survey");
        let asked = server.requests.load(std::sync::atomic::Ordering::SeqCst) - before;
        let hits: BTreeSet<String> = s
            .paths
            .iter()
            .filter(|p| {
                matches!(
                    p.lookups[0],
                    Lookup::Hit { .. } | Lookup::Implied { hit: true }
                )
            })
            .map(|p| p.path.clone())
            .collect();
        (hits, asked, s.paths.len())
    };
    let (exhaustive, asked_all, n) = hits(Thoroughness::Exhaustive);
    let (implied, asked_few, _) = hits(Thoroughness::Implied);
    assert_eq!(n, 52);
    let cached: BTreeSet<String> = flakegate_testkit::requisites(set.path("python3", "out"))
        .into_iter()
        .chain(flakegate_testkit::requisites(set.path("curl", "out")))
        .collect();
    assert_eq!(exhaustive, cached);
    assert_eq!(implied, cached);
    // nix-cache-info + one narinfo per path, against far fewer.
    assert_eq!(asked_all, 1 + 52);
    assert!(asked_few < asked_all, "{asked_few} requests");
}

#[test]
fn the_installed_nix_gives_its_settings() {
    // Whichever version is installed, the command chosen from it works.
    let config = flakegate_store::nix_config::read().expect("nix show-config / config show");
    assert!(config.netrc_file.is_some());
}

/// The local store, as the CLI opens it by default.
fn local_store() -> Box<dyn Store> {
    flakegate_store::open(&OpenOptions {
        url: StoreUrl::local_from_env(),
        backend: BackendChoice::Auto,
        immutable_db: false,
        allow_dangling: false,
    })
    .expect("the local store opens")
    .store
}
