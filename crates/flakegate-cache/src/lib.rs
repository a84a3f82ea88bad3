//! The binary-cache engine: a pure function from a survey of the needed
//! closure (which paths are local, which each cache has, which must be built)
//! to hit rates, per-cache figures and what to push.
//!
//! Definitions (also in docs/cache.md):
//! - a path is **in a cache** when a cache has its narinfo (and, with
//!   `require_signed`, a trusted key signed it, or the cache is trusted);
//! - the **hit rate** is the share of the closure's paths that some cache
//!   has, by count and by NAR bytes (paths that must be built have no size
//!   yet and are left out of the byte rate);
//! - **local / fetch / build / missing** is what `nix build` would do on this
//!   machine: nothing, substitute, build, or fail.
//!
//! Nothing here runs `nix` or touches the network.

mod analyse;
mod report;

pub use analyse::{CacheInput, Options, analyse};
pub use report::{CacheReport, CacheSummary, Class, Counts, SCHEMA, UncachedPath};
