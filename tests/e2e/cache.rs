//! `flakegate cache` end to end: a real `file://` cache filled by `nix copy`
//! (signed by a `nix key`), the same directory over HTTP on loopback with
//! faults, and `nix build --dry-run` as the oracle for what is fetched and
//! built.

use flakegate_testkit::{self as kit, Fault};
use insta::assert_snapshot;
use serde_json::Value;

use crate::util::{code, normalise, run, stderr, stdout};

fn report(args: &[&str]) -> (i32, Value, String) {
    let mut full = vec!["cache"];
    full.extend_from_slice(args);
    full.push("--json");
    let out = run(&full);
    let doc: Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    assert_eq!(doc["schema"], "flakegate.cache/1");
    (code(&out), doc, stderr(&out))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

/// What `nix build --dry-run` of the fixture's top derivation would build
/// and fetch, with its cache as the only substituter: (drvs, paths); `None`
/// when Nix cannot say (a daemon that does not trust this user).
fn dry_run(f: &kit::CacheFixture) -> Option<(Vec<String>, Vec<String>)> {
    let nix = flakegate_store::nix_version::nix_version().expect("nix --version");
    let top = flakegate_store::installable::for_nix_build(&f.top_drv, nix.drv_means_the_file());
    kit::dry_run(&top, &f.url)
}

/// `derivationsToBuild` sorted like `nix build --dry-run`'s list.
fn to_build(r: &Value) -> Vec<String> {
    let mut drvs = strings(&r["derivationsToBuild"]);
    drvs.sort();
    drvs
}

#[test]
fn file_and_http_caches_agree_with_nix_dry_run() {
    let f = kit::cache_fixture(&["mid"]);
    let nix = dry_run(&f);
    let server = kit::serve(&f.cache_dir, Fault::None, 1000);
    for url in [&f.url, &server.url] {
        let (status, r, err) = report(&[&f.top_drv, "--cache", url]);
        assert_eq!(status, 0, "{err}");
        if let Some((built, fetched)) = &nix {
            assert_eq!(&to_build(&r), built, "{url}");
            assert_eq!(r["fetch"]["paths"], fetched.len(), "{url}");
        }
        // top, mid, leaf, side and mid's source; 3 of them cached.
        assert_eq!(r["total"]["paths"], 5);
        assert_eq!(r["cached"]["paths"], 3);
        assert_eq!(r["hitRate"], 60.0);
        assert!(r["warnings"].as_array().expect("warnings").is_empty());
    }
}

#[test]
fn terminal_and_markdown_reports() {
    let f = kit::cache_fixture(&["mid"]);
    let out = run(&["cache", &f.top_drv, "--cache", &f.url, "--color", "never"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_snapshot!("terminal", normalise(&stdout(&out)));
    let out = run(&[
        "cache",
        &f.top_drv,
        "--cache",
        &f.url,
        "--markdown",
        "--min-hit-rate",
        "50%",
        "--warn-hit-rate",
        "80%",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_snapshot!("markdown", normalise(&stdout(&out)));
}

#[test]
fn hit_rate_gates_exit_1_exactly_below_the_minimum() {
    let f = kit::cache_fixture(&["mid"]);
    let (status, r, _) = report(&[&f.top_drv, "--cache", &f.url, "--min-hit-rate", "60%"]);
    assert_eq!((status, r["status"].as_str()), (0, Some("pass")));
    let dir = tempfile::tempdir().expect("tempdir");
    let history = dir.path().join("cache.jsonl");
    let h = history.to_str().expect("utf-8");
    let (status, r, _) = report(&[
        &f.top_drv,
        "--cache",
        &f.url,
        "--min-hit-rate",
        "60.01%",
        "--history",
        h,
    ]);
    assert_eq!((status, r["status"].as_str()), (1, Some("fail")));
    let (status, r, _) = report(&[&f.top_drv, "--cache", &f.url, "--warn-hit-rate", "70%"]);
    assert_eq!((status, r["status"].as_str()), (0, Some("warn")));
    // By bytes, every path of known size is cached (those to build have none yet).
    let (status, r, _) = report(&[
        &f.top_drv,
        "--cache",
        &f.url,
        "--by-bytes",
        "--min-hit-rate",
        "100%",
        "--history",
        h,
    ]);
    assert_eq!((status, r["hitRateBytes"].as_f64()), (0, Some(100.0)));
    // One history line per run; the gates judge the rate the run gated on.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&history)
        .expect("history")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["status"], "fail");
    assert_eq!(lines[0]["figures"][0]["metric"], "hitRate");
    assert_eq!(lines[0]["figures"][0]["value"], 60.0);
    assert_eq!(lines[0]["figures"][0]["gates"][0], "minHitRate");
    assert_eq!(lines[1]["figures"][1]["metric"], "hitRateBytes");
    assert_eq!(lines[1]["figures"][1]["gates"][0], "minHitRate");
    assert!(lines[1]["figures"][0].get("gates").is_none());
}

#[test]
fn failing_caches_warn_and_the_others_still_count() {
    let f = kit::cache_fixture(&["mid"]);
    let nix = dry_run(&f);
    let failing = kit::serve(&f.cache_dir, Fault::ServerError, 1000);
    let truncated = kit::serve(&f.cache_dir, Fault::Truncated, 1000);
    let absent = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    for (url, says) in [
        (&failing.url, "HTTP 500"),
        (&truncated.url, "truncated"),
        (&absent, "cannot be used"),
    ] {
        let first = format!("{url}?priority=1");
        let (status, r, err) = report(&[&f.top_drv, "--cache", &first, "--cache", &f.url]);
        assert_eq!(status, 0, "{err}");
        if let Some((built, fetched)) = &nix {
            assert_eq!(&to_build(&r), built, "{says}");
            assert_eq!(r["fetch"]["paths"], fetched.len(), "{says}");
        }
        let warnings = strings(&r["warnings"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(&first) && warnings[0].contains(says),
            "{warnings:?}"
        );
        assert!(
            err.contains(&warnings[0]),
            "warnings go to stderr too: {err}"
        );
    }
}

#[test]
fn require_signed_counts_only_trusted_signatures() {
    let f = kit::cache_fixture(&["mid"]);
    let bad = kit::serve(&f.cache_dir, Fault::BadSignature, 1000);
    let signed = |url: &str, key: &str| {
        let (_, r, err) = report(&[
            &f.top_drv,
            "--cache",
            url,
            "--require-signed",
            "--trusted-key",
            key,
        ]);
        assert!(r["caches"][0]["unusable"].is_null(), "{err}");
        r["cached"]["paths"].as_u64().expect("count")
    };
    assert_eq!(signed(&f.url, &f.public_key), 3);
    // Only mid's source is left: content-addressed paths need no signature.
    assert_eq!(signed(&bad.url, &f.public_key), 1);
    // A valid key of another name signs nothing here.
    let other = f
        .public_key
        .replacen("flakegate-test-1:", "someone-else-1:", 1);
    assert_eq!(signed(&f.url, &other), 1);
    // Without --require-signed, the bad signatures still count as hits.
    let (_, r, _) = report(&[&f.top_drv, "--cache", &bad.url]);
    assert_eq!(r["cached"]["paths"], 3);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let f = kit::cache_fixture(&[]);
    for (args, says) in [
        (
            vec!["cache", f.top_drv.as_str(), "--cache", "s3://bucket"],
            "--cache s3://bucket",
        ),
        (
            vec![
                "cache",
                "/nix/store/00000000000000000000000000000000-x.drv",
                "--cache",
                f.url.as_str(),
            ],
            "00000000000000000000000000000000-x.drv",
        ),
        (
            vec!["cache", f.top_drv.as_str(), "--trusted-key", "nonsense"],
            "--trusted-key",
        ),
    ] {
        let out = run(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
    }
}
