//! `flakegate bench`'s report in GitHub-flavoured Markdown, for
//! `$GITHUB_STEP_SUMMARY` or a pull-request comment: gates first, then one
//! table of the benchmarks, then the counter deltas folded.

use std::fmt::Write;

use flakegate_bench::{BenchReport, ReferenceKind};

use super::format::{bytes, count, duration, percent, signed_count};
use crate::render::gates::{self, cell};
use crate::render::{html_code, md_code as code};

pub fn render(r: &BenchReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "### flakegate bench: {} benchmark{}, {}\n",
        r.benchmarks.len(),
        if r.benchmarks.len() == 1 { "" } else { "s" },
        r.nix
    );
    let s = r.settings;
    let mut setup = format!("{} warm-up + {} runs each", s.warmup, s.runs);
    if let Some(reference) = &r.reference {
        match reference.kind {
            ReferenceKind::Baseline => {
                let _ = write!(
                    setup,
                    "; compared with baseline {} ({})",
                    code(&reference.label),
                    reference.nix
                );
            }
            ReferenceKind::Revision => {
                let _ = write!(
                    setup,
                    "; revision {} ({}) against the working tree, interleaved",
                    code(&reference.label),
                    code(
                        reference
                            .commit
                            .as_deref()
                            .map_or("", |c| &c[..c.len().min(12)])
                    )
                );
            }
        }
    }
    let _ = writeln!(o, "{setup}\n");

    o.push_str(&gates::markdown(&r.gates, r.status, "Benchmark"));

    let compared = r.benchmarks.iter().any(|b| b.compared.is_some());
    let _ = writeln!(
        o,
        "| Benchmark | Median | Mean ± σ | Min … max | CPU | Peak RSS | Thunks |{}\n|---|---:|---:|---:|---:|---:|---:|{}",
        if compared { " vs reference |" } else { "" },
        if compared { "---|" } else { "" }
    );
    for b in &r.benchmarks {
        let w = &b.wall;
        let spread = w
            .stddev
            .map_or_else(String::new, |sd| format!(" ± {}", duration(sd)));
        let thunks = b
            .counters
            .exact
            .get("nrThunks")
            .map_or_else(|| "–".to_owned(), |v| count(*v));
        let _ = write!(
            o,
            "| {}{} | {} | {}{spread} | {} … {} | {} | {} | {thunks} |",
            code(&b.name),
            if b.pure { "" } else { " ⚠️ impure" },
            duration(w.median),
            duration(w.mean),
            duration(w.min),
            duration(w.max),
            duration(b.cpu.median),
            bytes(b.max_rss.median)
        );
        if compared {
            let text = b.compared.as_ref().map_or_else(
                || "–".to_owned(),
                |c| {
                    c.time.as_ref().map_or_else(
                        || format!("{} → {}", duration(c.reference_median), duration(w.median)),
                        |t| format!("×{:.3} (×{:.3}–×{:.3})", t.estimate, t.low, t.high),
                    )
                },
            );
            let _ = write!(o, " {text} |");
        }
        o.push('\n');
    }
    o.push('\n');

    for n in &r.notes {
        let _ = writeln!(o, "> ⚠️ {}\n", cell(n));
    }

    for b in &r.benchmarks {
        let Some(deltas) = b.compared.as_ref().and_then(|c| c.counters.as_ref()) else {
            continue;
        };
        let changed = deltas.iter().filter(|d| d.delta != 0).count();
        let _ = writeln!(
            o,
            "<details><summary>Counters of {}: {changed} of {} changed</summary>\n\n| Counter | Before | Now | Delta | % |\n|---|---:|---:|---:|---:|",
            html_code(&b.name),
            deltas.len()
        );
        for d in deltas {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                code(&d.name),
                count(d.before),
                count(d.after),
                signed_count(d.delta),
                percent(d.percent)
            );
        }
        let _ = writeln!(o, "\n</details>\n");
    }
    o
}
