//! GitHub-flavoured Markdown for PR comments and `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;

use flakegate_cache::CacheReport;
use flakegate_report::units::size;

use super::{class_word, short};
use crate::render::gates::cell;
use crate::render::{gates, md_code as code};

pub fn render(r: &CacheReport) -> String {
    let mut o = String::new();
    let targets: Vec<String> = r.installables.iter().map(|i| code(i)).collect();
    let _ = writeln!(
        o,
        "### Binary cache: {:.2}% of {} paths cached ({:.2}% of NAR bytes) for {}\n",
        r.hit_rate,
        r.total.paths,
        r.hit_rate_bytes,
        targets.join(", ")
    );
    o.push_str(&gates::markdown(&r.gates, r.status, "Rate"));
    let _ = writeln!(
        o,
        "| Local | Fetch | Build | Missing |\n|---:|---:|---:|---:|\n| {} ({}) | {} ({} download) | {} paths, {} derivations | {} |\n",
        r.local.paths,
        size(r.local.nar_bytes),
        r.fetch.paths,
        size(r.download_bytes),
        r.build.paths,
        r.derivations_to_build.len(),
        r.missing.paths
    );
    if !r.caches.is_empty() {
        let _ = writeln!(
            o,
            "| Cache | Priority | Hit rate | Hits | Misses | Errors |\n|---|---:|---:|---:|---:|---:|"
        );
        for c in &r.caches {
            let _ = writeln!(
                o,
                "| {}{} | {} | {:.2}% | {} | {} | {} |",
                code(&c.url),
                if c.unusable.is_some() { " ⚠️" } else { "" },
                c.priority,
                c.hit_rate,
                c.hits.paths,
                c.misses,
                c.errors
            );
        }
        o.push('\n');
    }
    for w in &r.warnings {
        let _ = writeln!(o, "> ⚠️ {}\n", cell(w));
    }
    if !r.largest_uncached.is_empty() {
        let _ = writeln!(
            o,
            "<details><summary>Largest paths no cache has</summary>\n\n| Size | Path | Class | Derivation |\n|---:|---|---|---|"
        );
        for u in &r.largest_uncached {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                u.nar_size.map_or_else(|| "?".to_owned(), size),
                code(short(&u.path)),
                class_word(u.class),
                u.deriver
                    .as_deref()
                    .map(|d| code(short(d)))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(o, "\n</details>\n");
    }
    o
}
