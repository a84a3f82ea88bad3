//! `flakegate bench`'s report for a terminal or a CI log.

use std::fmt::Write;

use flakegate_bench::counters::CounterDelta;
use flakegate_bench::{BenchReport, Benchmark, ReferenceKind};

use super::format::{HEADLINE_COUNTERS, bytes, count, duration, percent, ratio, signed_count};
use crate::render::{Paint, gates};

/// How many changed counters a comparison lists (the JSON has all).
const TOP_DELTAS: usize = 8;

pub fn render(r: &BenchReport, p: Paint) -> String {
    let mut o = String::new();
    let s = r.settings;
    let _ = writeln!(
        o,
        "{} {} benchmark{}, {}, {} warm-up{} + {} run{} each{}",
        p.bold("bench:"),
        r.benchmarks.len(),
        plural(r.benchmarks.len()),
        r.nix,
        s.warmup,
        plural(s.warmup as usize),
        s.runs,
        plural(s.runs as usize),
        if s.min_time > 0.0 {
            format!(" (at least {})", duration(s.min_time))
        } else {
            String::new()
        }
    );
    if let Some(reference) = &r.reference {
        let line = match reference.kind {
            ReferenceKind::Baseline => {
                format!("baseline {} ({})", reference.label, reference.nix)
            }
            ReferenceKind::Revision => format!(
                "revision {} ({}) against the working tree, interleaved",
                reference.label,
                reference
                    .commit
                    .as_deref()
                    .map_or("", |c| &c[..c.len().min(12)])
            ),
        };
        let _ = writeln!(o, "{} {line}", p.bold("compared with:"));
    }

    for b in &r.benchmarks {
        benchmark(&mut o, p, b, r);
    }

    if !r.notes.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Notes"));
        for n in &r.notes {
            let _ = writeln!(o, "  {} {n}", p.yellow("!"));
        }
    }
    o.push_str(&gates::terminal(&r.gates, r.status, p));
    o
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn benchmark(o: &mut String, p: Paint, b: &Benchmark, r: &BenchReport) {
    let _ = writeln!(o, "\n{}", p.bold(&b.name));
    let _ = writeln!(
        o,
        "  {}",
        p.dim(&format!("{} → {}", b.frontend.label(), b.drv_path))
    );
    times(o, "", b);
    let pure = if b.pure {
        format!("exact in all {} runs", b.wall.count)
    } else {
        p.red("IMPURE: differ between runs")
    };
    let headline: Vec<String> = HEADLINE_COUNTERS
        .iter()
        .filter_map(|name| {
            b.counters
                .exact
                .get(*name)
                .map(|v| format!("{name} {}", count(*v)))
        })
        .collect();
    let _ = writeln!(o, "  {:<9} {pure}: {}", "counters", headline.join(" · "));

    let Some(c) = &b.compared else {
        return;
    };
    let against = match &r.reference {
        Some(x) if x.kind == ReferenceKind::Revision => x.label.clone(),
        _ => "baseline".to_owned(),
    };
    if let Some(rev) = &c.revision {
        times(o, &format!("{against}: "), rev);
    }
    let time = c.time.as_ref().map_or_else(
        || "no interval (fewer than two runs on a side)".to_owned(),
        ratio,
    );
    let _ = writeln!(
        o,
        "  {:<9} median {} → {}, {time}",
        format!("vs {}", short_label(&against)),
        duration(c.reference_median),
        duration(b.wall.median),
    );
    match &c.counters {
        Some(deltas) => counter_table(o, p, deltas),
        None => {
            let _ = writeln!(
                o,
                "  {}",
                p.yellow(&format!(
                    "counters not compared: {}",
                    c.counters_not_compared.as_deref().unwrap_or("")
                ))
            );
        }
    }
}

/// The time lines of one benchmark (or of the revision side, `prefix`).
fn times(o: &mut String, prefix: &str, b: &Benchmark) {
    let w = &b.wall;
    let spread = w
        .stddev
        .map_or_else(String::new, |sd| format!(" ± {}", duration(sd)));
    let _ = writeln!(
        o,
        "  {:<9} median {}  mean {}{spread}  MAD {}  min {}  max {}{}",
        format!("{prefix}wall"),
        duration(w.median),
        duration(w.mean),
        duration(w.mad),
        duration(w.min),
        duration(w.max),
        if b.outliers > 0 {
            format!("  ({} outlier{})", b.outliers, plural(b.outliers))
        } else {
            String::new()
        }
    );
    if prefix.is_empty() {
        let _ = writeln!(
            o,
            "  {:<9} median {}  (user {}, system {})",
            "cpu",
            duration(b.cpu.median),
            duration(b.user.median),
            duration(b.system.median)
        );
        let _ = writeln!(
            o,
            "  {:<9} median {}  max {}",
            "peak RSS",
            bytes(b.max_rss.median),
            bytes(b.max_rss.max)
        );
    }
}

fn short_label(label: &str) -> String {
    if label.chars().count() > 12 {
        format!("{}…", label.chars().take(11).collect::<String>())
    } else {
        label.to_owned()
    }
}

fn counter_table(o: &mut String, p: Paint, deltas: &[CounterDelta]) {
    let mut changed: Vec<&CounterDelta> = deltas.iter().filter(|d| d.delta != 0).collect();
    if changed.is_empty() {
        let _ = writeln!(
            o,
            "  {:<9} all {} exact counters identical",
            "",
            deltas.len()
        );
        return;
    }
    changed.sort_by(|a, b| {
        b.percent
            .unwrap_or(f64::INFINITY)
            .abs()
            .total_cmp(&a.percent.unwrap_or(f64::INFINITY).abs())
            .then_with(|| a.name.cmp(&b.name))
    });
    let _ = writeln!(
        o,
        "  {:<9} {:<24} {:>14} {:>14} {:>12} {:>9}",
        "", "COUNTER", "BEFORE", "NOW", "DELTA", "%"
    );
    for d in changed.iter().take(TOP_DELTAS) {
        let _ = writeln!(
            o,
            "  {:<9} {:<24} {:>14} {:>14} {:>12} {:>9}",
            "",
            d.name,
            count(d.before),
            count(d.after),
            signed_count(d.delta),
            percent(d.percent)
        );
    }
    let rest = changed.len().saturating_sub(TOP_DELTAS);
    let same = deltas.len() - changed.len();
    if rest > 0 || same > 0 {
        let _ = writeln!(
            o,
            "  {:<9} {}",
            "",
            p.dim(&format!(
                "{rest} more changed, {same} identical (all in --json)"
            ))
        );
    }
}
