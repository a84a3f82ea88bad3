//! The human report for a terminal or a CI log.

use std::fmt::Write;

use flakegate_cache::CacheReport;
use flakegate_report::units::size;

use super::{class_word, short};
use crate::render::{Paint, gates};

pub fn render(r: &CacheReport, p: Paint) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} of {} paths ({} of {} NAR bytes{})",
        p.bold("cache hit rate:"),
        p.bold(&format!("{:.2}%", r.hit_rate)),
        r.total.paths,
        format_args!("{:.2}%", r.hit_rate_bytes),
        size(r.total.nar_bytes),
        if r.unknown_size_paths > 0 {
            format!("; {} paths to build, size unknown", r.unknown_size_paths)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        o,
        "  local {} ({}), fetch {} ({} to download), build {} paths of {} derivations, missing {}",
        r.local.paths,
        size(r.local.nar_bytes),
        r.fetch.paths,
        size(r.download_bytes),
        r.build.paths,
        r.derivations_to_build.len(),
        r.missing.paths
    );
    if !r.caches.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Caches"));
        let _ = writeln!(
            o,
            "  {:>8}  {:>8}  {:>7}  {:>7}  {:>6}  URL",
            "PRIORITY", "HIT RATE", "HITS", "MISSES", "ERRORS"
        );
        for c in &r.caches {
            let url = if c.unusable.is_some() {
                p.red(&c.url)
            } else {
                c.url.clone()
            };
            let _ = writeln!(
                o,
                "  {:>8}  {:>7.2}%  {:>7}  {:>7}  {:>6}  {url}",
                c.priority, c.hit_rate, c.hits.paths, c.misses, c.errors
            );
        }
    }
    if !r.largest_uncached.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Largest paths no cache has"));
        for u in &r.largest_uncached {
            let deriver = u
                .deriver
                .as_deref()
                .map(|d| format!("  ({})", short(d)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {:>10}  {:<7}  {}{}",
                u.nar_size.map_or_else(|| "?".to_owned(), size),
                class_word(u.class),
                short(&u.path),
                p.dim(&deriver)
            );
        }
    }
    if !r.derivations_to_build.is_empty() {
        let _ = writeln!(
            o,
            "\n{} ({})",
            p.bold("Derivations to build"),
            r.derivations_to_build.len()
        );
        for d in r.derivations_to_build.iter().take(20) {
            let _ = writeln!(o, "  {}", short(d));
        }
        if r.derivations_to_build.len() > 20 {
            let more = r.derivations_to_build.len() - 20;
            let _ = writeln!(o, "  {}", p.dim(&format!("… and {more} more")));
        }
    }
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Warnings"));
        for w in &r.warnings {
            let _ = writeln!(o, "  {}", p.yellow(w));
        }
    }
    o.push_str(&gates::terminal(&r.gates, r.status, p));
    o
}
