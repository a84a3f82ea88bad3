//! Asking binary caches for `<hash>.narinfo`, many at a time. One HTTP agent
//! (connections are reused) and a bounded pool of threads; a cache that
//! keeps failing is given up after a few errors, so one dead or slow cache
//! costs a few timeouts, not one per path. Each failure is kept as the
//! lookup's answer, so the report can say which cache failed and how.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::narinfo::{self, NarInfo};
use super::signature::{PublicKey, is_signed_by};
use super::url::{CacheUrl, Transport};
use crate::StoreDir;

/// Nix's priority for a cache that states none.
pub const DEFAULT_PRIORITY: u64 = 50;

/// Errors after which a cache is given up for the rest of the run.
const GIVE_UP_AFTER: usize = 5;

/// How to query.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// Per request, connection included.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub jobs: usize,
    /// `netrc-file` (HTTP credentials by host).
    pub netrc_file: Option<PathBuf>,
    /// Keys whose signatures make a narinfo trusted.
    pub trusted_keys: Vec<PublicKey>,
}

impl Default for QueryOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            jobs: 32,
            netrc_file: None,
            trusted_keys: Vec::new(),
        }
    }
}

/// One cache's answer for one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The cache has the path; `signed` says whether a trusted key signed it
    /// (or the cache is `trusted=1`, or the path is content-addressed).
    Hit {
        info: NarInfo,
        signed: bool,
    },
    Miss,
    /// Not asked: known from a binary cache's closure property (a cache
    /// that has a path has everything it refers to, so a hit implies the
    /// closure is there and a miss implies no path referring to it is).
    Implied {
        hit: bool,
    },
    /// The cache could not answer (HTTP error, timeout, malformed narinfo).
    Error(String),
}

/// An open cache.
#[derive(Debug)]
pub struct BinaryCache {
    pub url: CacheUrl,
    /// `?priority=`, else the cache's `Priority:`, else 50.
    pub priority: u64,
    /// Why the cache cannot be used at all (no `nix-cache-info`, another
    /// store directory, unreachable).
    pub unusable: Option<String>,
    auth: Option<String>,
    errors: AtomicUsize,
    given_up: AtomicBool,
}

/// The caches of one query, in priority order.
pub struct Caches {
    pub caches: Vec<BinaryCache>,
    agent: ureq::Agent,
    options: QueryOptions,
    store_dir: StoreDir,
}

enum Fetched {
    Body(String),
    NotFound,
}

impl Caches {
    /// Opens every cache: reads its `nix-cache-info` (priority, store
    /// directory). A cache that cannot be opened stays in the list, marked
    /// unusable, so the report can name it.
    #[must_use]
    pub fn open(urls: Vec<CacheUrl>, options: QueryOptions, store_dir: StoreDir) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(options.timeout))
            .http_status_as_error(false)
            .max_idle_connections(options.jobs.max(1) * 2)
            .max_idle_connections_per_host(options.jobs.max(1))
            .user_agent(concat!("flakegate/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = ureq::Agent::new_with_config(config);
        let netrc = options
            .netrc_file
            .as_deref()
            .filter(|f| f.exists())
            .and_then(|f| netrc::Netrc::from_file(f).ok());
        let mut this = Self {
            caches: Vec::new(),
            agent,
            options,
            store_dir,
        };
        for url in urls {
            let auth = url.host().and_then(|host| {
                let netrc = netrc.as_ref()?;
                let entry = netrc
                    .hosts
                    .get(host)
                    .or_else(|| netrc.hosts.get("default"))?;
                Some(format!(
                    "Basic {}",
                    STANDARD.encode(format!("{}:{}", entry.login, entry.password))
                ))
            });
            let mut cache = BinaryCache {
                url,
                priority: DEFAULT_PRIORITY,
                unusable: None,
                auth,
                errors: AtomicUsize::new(0),
                given_up: AtomicBool::new(false),
            };
            match this.fetch(&cache, "nix-cache-info") {
                Ok(Fetched::Body(info)) => {
                    let (priority, dir) = parse_cache_info(&info);
                    cache.priority = cache.url.priority.or(priority).unwrap_or(DEFAULT_PRIORITY);
                    if let Some(dir) = dir.filter(|d| d != this.store_dir.as_str()) {
                        cache.unusable = Some(format!(
                            "it holds paths of store {dir}, not {}",
                            this.store_dir.as_str()
                        ));
                    }
                }
                Ok(Fetched::NotFound) => {
                    cache.unusable =
                        Some("no nix-cache-info: not a binary cache (or the URL is wrong)".into());
                }
                Err(e) => cache.unusable = Some(e),
            }
            this.caches.push(cache);
        }
        // Nix tries lower priorities first; equal priorities keep the user's order.
        this.caches.sort_by_key(|c| c.priority);
        this
    }

    fn fetch(&self, cache: &BinaryCache, file: &str) -> Result<Fetched, String> {
        match &cache.url.transport {
            Transport::File(dir) => match std::fs::read_to_string(dir.join(file)) {
                Ok(text) => Ok(Fetched::Body(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Fetched::NotFound),
                Err(e) => Err(format!("{file}: {e}")),
            },
            Transport::Http(base) => {
                let url = format!("{base}/{file}");
                let mut request = self.agent.get(&url);
                if let Some(auth) = &cache.auth {
                    request = request.header("Authorization", auth);
                }
                let mut response = request.call().map_err(|e| format!("{file}: {e}"))?;
                let status = response.status().as_u16();
                match status {
                    200 => response
                        .body_mut()
                        .with_config()
                        .limit(1 << 20)
                        .read_to_string()
                        .map(Fetched::Body)
                        .map_err(|e| format!("{file}: {e}")),
                    // Nix treats these as "not here" (S3 answers 403 for absent keys).
                    403 | 404 | 410 => Ok(Fetched::NotFound),
                    _ => Err(format!("{file}: HTTP {status}")),
                }
            }
        }
    }

    fn lookup(&self, cache: &BinaryCache, path: &str) -> Lookup {
        if let Some(reason) = &cache.unusable {
            return Lookup::Error(reason.clone());
        }
        if cache.given_up.load(Ordering::Relaxed) {
            return Lookup::Error(format!("not asked: the cache failed {GIVE_UP_AFTER} times"));
        }
        let Some(hash) = self.store_dir.basename_of(path).and_then(|b| b.get(..32)) else {
            return Lookup::Error(format!("{path}: not a store path"));
        };
        let result =
            self.fetch(cache, &format!("{hash}.narinfo"))
                .and_then(|fetched| match fetched {
                    Fetched::NotFound => Ok(Lookup::Miss),
                    Fetched::Body(text) => {
                        let info = narinfo::parse(&text, path, &self.store_dir)
                            .map_err(|e| format!("{hash}.narinfo: {e}"))?;
                        let signed = cache.url.trusted
                            || info.ca.is_some()
                            || is_signed_by(&info, &self.options.trusted_keys);
                        Ok(Lookup::Hit { info, signed })
                    }
                });
        result.unwrap_or_else(|e| {
            if cache.errors.fetch_add(1, Ordering::Relaxed) + 1 >= GIVE_UP_AFTER {
                cache.given_up.store(true, Ordering::Relaxed);
            }
            Lookup::Error(e)
        })
    }

    /// Asks every cache about every path: `result[i][c]` is cache `c`'s
    /// answer for `paths[i]` (caches in [`Caches::caches`] order).
    #[must_use]
    pub fn query(&self, paths: &[String]) -> Vec<Vec<Lookup>> {
        let n_caches = self.caches.len();
        let tasks: Vec<(&str, usize)> = paths
            .iter()
            .flat_map(|p| (0..n_caches).map(move |c| (p.as_str(), c)))
            .collect();
        let mut answers = self.query_pairs(&tasks).into_iter();
        paths
            .iter()
            .map(|_| answers.by_ref().take(n_caches).collect())
            .collect()
    }

    /// Whether cache `cache` will not be asked any more (unusable, or given
    /// up after repeated failures).
    #[must_use]
    pub fn is_out(&self, cache: usize) -> bool {
        let c = &self.caches[cache];
        c.unusable.is_some() || c.given_up.load(Ordering::Relaxed)
    }

    /// Asks cache `c` about path `p` for each `(p, c)`, on the bounded pool;
    /// the answers come in the order of `tasks`.
    #[must_use]
    pub fn query_pairs(&self, tasks: &[(&str, usize)]) -> Vec<Lookup> {
        let total = tasks.len();
        if total == 0 {
            return Vec::new();
        }
        let next = AtomicUsize::new(0);
        let workers = self.options.jobs.clamp(1, total);
        let mut answers: Vec<(usize, Lookup)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let task = next.fetch_add(1, Ordering::Relaxed);
                            let Some((path, cache)) = tasks.get(task) else {
                                return mine;
                            };
                            mine.push((task, self.lookup(&self.caches[*cache], path)));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        answers.sort_unstable_by_key(|(task, _)| *task);
        let mut answers = answers.into_iter().peekable();
        (0..total)
            .map(|i| match answers.next_if(|(task, _)| *task == i) {
                Some((_, lookup)) => lookup,
                None => Lookup::Error("the lookup thread failed".into()),
            })
            .collect()
    }

    /// Requests in flight at once.
    #[must_use]
    pub fn jobs(&self) -> usize {
        self.options.jobs.max(1)
    }
}

/// `Priority:` and `StoreDir:` of a `nix-cache-info`.
fn parse_cache_info(text: &str) -> (Option<u64>, Option<String>) {
    let mut priority = None;
    let mut dir = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("Priority:") {
            priority = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("StoreDir:") {
            dir = Some(v.trim().trim_end_matches('/').to_owned());
        }
    }
    (priority, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cache_info() {
        assert_eq!(
            parse_cache_info("StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n"),
            (Some(40), Some("/nix/store".into()))
        );
        assert_eq!(parse_cache_info(""), (None, None));
    }
}
