//! Real binary caches for tests: `tests/fixtures/cache/graph.nix` (fresh
//! paths per call) built in a private store and copied with `nix copy` into
//! a `file://` cache signed by a key made with `nix key generate-secret`, so
//! the cached paths are *not* valid in the main store; and a small HTTP
//! server on 127.0.0.1 that serves such a directory, with faults on demand.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use crate::fixtures::fixture;
use crate::nix::{nonce, run};

/// A filled `file://` cache and the graph it was filled from.
pub struct CacheFixture {
    /// Holds the cache, the private store and the keys.
    pub dir: tempfile::TempDir,
    /// `file:///…/cache`.
    pub url: String,
    pub cache_dir: PathBuf,
    /// The nonce given to `graph.nix`.
    pub nonce: String,
    /// `top.drv`, instantiated in the main store (nothing built there).
    pub top_drv: String,
    /// Attribute (`leaf`, `mid`, `side`, `top`) → output path.
    pub outputs: BTreeMap<String, String>,
    /// `name:base64` of the key that signed the cache.
    pub public_key: String,
    pub secret_key_file: PathBuf,
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// Builds `cached` attributes of a fresh `graph.nix` in a private store and
/// copies their closures into a signed `file://` cache.
pub fn cache_fixture(cached: &[&str]) -> CacheFixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let nonce = nonce().to_string();
    let file = fixture("cache/graph.nix");
    let file = file.to_str().expect("UTF-8");
    let private = dir.path().join("store");
    let private = private.to_str().expect("UTF-8");
    let cache_dir = dir.path().join("cache");
    let url = format!("file://{}", cache_dir.display());
    let secret_key_file = dir.path().join("key.sec");
    let secret = run(
        "nix",
        &os(&[
            "--extra-experimental-features",
            "nix-command",
            "key",
            "generate-secret",
            "--key-name",
            "flakegate-test-1",
        ]),
    );
    std::fs::write(&secret_key_file, &secret).expect("write key");
    let public_key = duct::cmd!(
        "nix",
        "--extra-experimental-features",
        "nix-command",
        "key",
        "convert-secret-to-public"
    )
    .stdin_path(&secret_key_file)
    .read()
    .expect("nix key convert-secret-to-public");
    std::fs::create_dir_all(&cache_dir).expect("cache dir");
    // A private (chroot) store builds in a sandbox whatever the `sandbox`
    // setting: the builder needs /bin/sh and what it links to. The paths
    // replace Nix's default ones rather than extend them: a distribution's
    // default (`/bin/sh=…` on Debian's Nix 2.34) collides with a merged-/usr
    // `/bin` symlink.
    for attr in cached {
        let out = run(
            "nix-build",
            &os(&[
                file,
                "-A",
                attr,
                "--argstr",
                "nonce",
                &nonce,
                "--no-out-link",
                "--store",
                private,
                "--option",
                "sandbox-paths",
                "/bin /lib /lib64 /usr",
                // Where the kernel refuses namespaces, a clear error rather
                // than a build outside the sandbox, which writes its output
                // where the private store does not look.
                "--option",
                "sandbox-fallback",
                "false",
            ]),
        );
        let out = out.trim();
        let closure = run("nix-store", &os(&["--store", private, "-qR", out]));
        let mut args = os(&[
            "--extra-experimental-features",
            "nix-command",
            "copy",
            "--from",
            private,
            "--to",
        ]);
        args.push(format!("{url}?secret-key={}", secret_key_file.display()).into());
        args.extend(closure.lines().map(OsString::from));
        run("nix", &args);
    }
    let top_drv = run(
        "nix-instantiate",
        &os(&[file, "-A", "top", "--argstr", "nonce", &nonce]),
    )
    .trim()
    .to_owned();
    let json = run(
        "nix-instantiate",
        &os(&[
            "--eval",
            "--strict",
            "--json",
            "-E",
            "{ file, nonce }: builtins.mapAttrs (_: d: d.outPath) (import file { inherit nonce; })",
            "--argstr",
            "file",
            file,
            "--argstr",
            "nonce",
            &nonce,
        ]),
    );
    let outputs = serde_json::from_str(&json).expect("attr -> path");
    CacheFixture {
        dir,
        url,
        cache_dir,
        nonce,
        top_drv,
        outputs,
        public_key: public_key.trim().to_owned(),
        secret_key_file,
    }
}

/// `nix build --dry-run` of `installable` with `substituters` only, read
/// back: (derivations to build, paths to fetch), each sorted. A `.drv`'s
/// outputs are `DRV^*` from Nix 2.15 on (a bare `.drv` is the file, which
/// needs nothing): the caller names them as the running Nix reads them.
///
/// `None` when a Nix daemon ignored `substituters` because this user is not
/// one it trusts (`trusted-users`; a non-root user of a multi-user Nix by
/// default): Nix then answers for its own caches, and cannot be the oracle.
/// That fails the test in CI (`CI=true`; CI runs as root) and skips the
/// comparison elsewhere, saying so.
pub fn dry_run(installable: &str, substituters: &str) -> Option<(Vec<String>, Vec<String>)> {
    let output = duct::cmd(
        "nix",
        os(&[
            "--extra-experimental-features",
            "nix-command flakes",
            "build",
            "--dry-run",
            "--option",
            "substituters",
            substituters,
            "--option",
            "require-sigs",
            "false",
            installable,
        ]),
    )
    .stderr_capture()
    .stdout_null()
    .unchecked()
    .run()
    .expect("nix build --dry-run");
    let text = String::from_utf8_lossy(&output.stderr);
    // Nix 2.8 to 2.34 word it as the first; the second is the general one.
    if text.contains("ignoring untrusted substituter")
        || (text.contains("'substituters'") && text.contains("not a trusted user"))
    {
        let msg = format!(
            "`nix build --dry-run` ignored the substituter {substituters}: the Nix daemon does not \
             trust this user, so Nix cannot be the oracle"
        );
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("SKIPPED comparison with Nix: {msg}");
        return None;
    }
    let (mut built, mut fetched) = (Vec::new(), Vec::new());
    let mut into: Option<&mut Vec<String>> = None;
    for line in text.lines() {
        if line.contains("will be built") {
            into = Some(&mut built);
        } else if line.contains("will be fetched") {
            into = Some(&mut fetched);
        } else if let (Some(list), Some(path)) = (into.as_mut(), line.strip_prefix("  ")) {
            list.push(path.trim().to_owned());
        } else {
            into = None;
        }
    }
    built.sort();
    fetched.sort();
    Some((built, fetched))
}

/// How the test server misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Every answer waits this long first.
    Slow(Duration),
    /// Every `.narinfo` answers HTTP 500.
    ServerError,
    /// Every `.narinfo` is cut before its `NarHash`.
    Truncated,
    /// Every `.narinfo` signature is corrupted.
    BadSignature,
}

/// A tiny HTTP/1.1 server on 127.0.0.1 serving a cache directory. It answers
/// at most `limit` requests, and stops when dropped.
pub struct CacheServer {
    pub url: String,
    pub requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Drop for CacheServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Serves `dir` over HTTP with `fault`.
pub fn serve(dir: &Path, fault: Fault, limit: usize) -> CacheServer {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("addr");
    let stop = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let dir = dir.to_path_buf();
    {
        let stop = stop.clone();
        let requests = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) || requests.load(Ordering::SeqCst) >= limit {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let dir = dir.clone();
                let requests = requests.clone();
                std::thread::spawn(move || answer(stream, &dir, fault, &requests, limit));
            }
        });
    }
    CacheServer {
        url: format!("http://{addr}"),
        requests,
        stop,
        addr,
    }
}

/// Answers the requests of one connection (keep-alive) until it closes.
fn answer(stream: TcpStream, dir: &Path, fault: Fault, requests: &AtomicUsize, limit: usize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        // Skip the headers.
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header.trim().is_empty() {
                break;
            }
        }
        if requests.fetch_add(1, Ordering::SeqCst) >= limit {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/");
        let file = target.trim_start_matches('/');
        if let Fault::Slow(d) = fault {
            std::thread::sleep(d);
        }
        let narinfo = file.ends_with(".narinfo");
        let body = if file.contains("..") {
            None
        } else {
            std::fs::read(dir.join(file)).ok()
        };
        let (status, body) = match (fault, body) {
            (Fault::ServerError, _) if narinfo => ("500 Internal Server Error", b"oops".to_vec()),
            (_, None) => ("404 Not Found", b"not found".to_vec()),
            (Fault::Truncated, Some(b)) if narinfo => {
                let text = String::from_utf8_lossy(&b);
                let cut = text.find("NarHash").unwrap_or(text.len());
                ("200 OK", text[..cut].as_bytes().to_vec())
            }
            (Fault::BadSignature, Some(b)) if narinfo => {
                let text = String::from_utf8_lossy(&b)
                    .replace("Sig: flakegate-test-1:", "Sig: flakegate-test-1:AAAA");
                ("200 OK", text.into_bytes())
            }
            (_, Some(b)) => ("200 OK", b),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: text/plain\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&body).is_err() {
            return;
        }
    }
}
