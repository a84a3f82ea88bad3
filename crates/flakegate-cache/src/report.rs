//! The cache report: one value every renderer reads; its JSON form is
//! versioned by [`SCHEMA`].

use flakegate_report::{Gate, Status};
use serde::{Deserialize, Serialize};

/// The JSON schema identifier; bumped on incompatible changes.
pub const SCHEMA: &str = "flakegate.cache/1";

/// What `nix build` would do with a path on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Valid in the local store already.
    Local,
    /// Not local; a cache has it: substituted.
    Fetch,
    /// Not local, in no cache: its derivation is built.
    Build,
    /// Not local, in no cache, and no derivation known: the build fails.
    Missing,
}

/// Paths and NAR bytes of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub paths: usize,
    /// NAR bytes of the paths whose size is known.
    pub nar_bytes: u64,
}

impl Counts {
    pub(crate) fn add(&mut self, size: Option<u64>) {
        self.paths += 1;
        self.nar_bytes = self.nar_bytes.saturating_add(size.unwrap_or(0));
    }
}

/// One cache's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheSummary {
    pub url: String,
    pub priority: u64,
    pub trusted: bool,
    /// Paths of the closure this cache has (signed ones only with
    /// `--require-signed`).
    pub hits: Counts,
    /// Its own hit rate over the closure, by count, in percent.
    pub hit_rate: f64,
    pub misses: usize,
    /// Lookups that failed (HTTP errors, timeouts, malformed narinfos).
    pub errors: usize,
    /// Hits not signed by a trusted key.
    pub unsigned: usize,
    /// Why the cache could not be used at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<String>,
}

/// A path no cache has, with the derivation to build or push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UncachedPath {
    pub path: String,
    pub class: Class,
    /// NAR size, when the path is local.
    pub nar_size: Option<u64>,
    pub deriver: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheReport {
    pub installables: Vec<String>,
    /// Every path of the needed closure.
    pub total: Counts,
    /// Paths some cache has.
    pub cached: Counts,
    /// Hit rate by count, in percent (100 for an empty closure).
    pub hit_rate: f64,
    /// Hit rate by NAR bytes, in percent, over the paths of known size.
    pub hit_rate_bytes: f64,
    /// Paths whose size is unknown (to be built), left out of the byte rate.
    pub unknown_size_paths: usize,
    pub local: Counts,
    pub fetch: Counts,
    /// Compressed bytes to download for the `fetch` paths, when the caches say.
    pub download_bytes: u64,
    pub build: Counts,
    pub missing: Counts,
    /// The derivations `nix build` would build, by name.
    pub derivations_to_build: Vec<String>,
    pub caches: Vec<CacheSummary>,
    /// The largest paths no cache has, largest first.
    pub largest_uncached: Vec<UncachedPath>,
    /// One line per cache that failed or was refused.
    pub warnings: Vec<String>,
    pub gates: Vec<Gate>,
    pub status: Status,
}

flakegate_report::impl_report!(CacheReport, "cache", SCHEMA);

/// A history line's figures: the hit rate by path count and by NAR bytes;
/// the hit-rate gates judge the one the run gated on (`--by-bytes`).
impl flakegate_report::KeyFigures for CacheReport {
    fn figures(&self) -> Vec<flakegate_report::Figure> {
        use flakegate_report::{Figure, GateId, Unit};
        let rate_gates = [GateId::MinHitRate, GateId::WarnHitRate];
        let by_bytes = self
            .gates
            .iter()
            .any(|g| rate_gates.contains(&g.gate) && g.subject.as_deref() == Some("by NAR bytes"));
        let (count_gates, byte_gates): (&[GateId], &[GateId]) = if by_bytes {
            (&[], &rate_gates)
        } else {
            (&rate_gates, &[])
        };
        vec![
            Figure::new("hitRate", "cache hit rate", Unit::Rate, self.hit_rate)
                .judged_by(count_gates),
            Figure::new(
                "hitRateBytes",
                "cache hit rate by bytes",
                Unit::Rate,
                self.hit_rate_bytes,
            )
            .judged_by(byte_gates),
        ]
    }
}
