//! The human report for a terminal or a CI log.

use std::fmt::Write;

use flakegate_build::{BuildReport, StepKind};
use flakegate_report::units::{duration, size};

use super::{name, share};
use crate::render::{Paint, gates};

pub fn render(r: &BuildReport, p: Paint) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} wall, {} built, {} fetched ({} downloaded){}",
        p.bold("build:"),
        p.bold(&duration(r.wall)),
        r.built,
        r.substituted,
        size(r.downloaded_bytes),
        if r.success {
            String::new()
        } else {
            format!(", {}", p.red("FAILED"))
        }
    );
    if r.built > 0 {
        let chain: Vec<String> = r.critical_path.steps.iter().map(|s| name(s)).collect();
        let _ = writeln!(
            o,
            "\n{} {} ({} of the wall time; builds summed: {})",
            p.bold("Critical path:"),
            duration(r.critical_path.duration),
            share(r.critical_path.duration, r.wall),
            duration(r.build_time)
        );
        let _ = writeln!(o, "  {}", chain.join(" → "));
    }
    if !r.slowest.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Slowest builds"));
        for s in &r.slowest {
            let machine = s
                .machine
                .as_deref()
                .map(|m| format!("  on {m}"))
                .unwrap_or_default();
            let _ = writeln!(o, "  {:>10}  {}{machine}", duration(s.duration), s.name);
        }
    }
    let fetched: Vec<_> = r
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::Substituted)
        .collect();
    if !fetched.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Fetched"));
        for s in fetched.iter().take(10) {
            let _ = writeln!(
                o,
                "  {:>10}  {}  {}",
                duration(s.duration),
                s.name,
                p.dim(s.cache.as_deref().unwrap_or_default())
            );
        }
        if fetched.len() > 10 {
            let _ = writeln!(
                o,
                "  {}",
                p.dim(&format!("… and {} more", fetched.len() - 10))
            );
        }
    }
    if let Some(b) = &r.baseline {
        let _ = writeln!(
            o,
            "\n{} {} → {} ({:+.2}%), {} → {} built",
            p.bold("Baseline:"),
            duration(b.baseline_wall),
            duration(r.wall),
            b.wall_change_percent,
            b.baseline_built,
            r.built
        );
        for c in &b.slower {
            let _ = writeln!(
                o,
                "  {}  {} → {}",
                c.name,
                duration(c.before),
                duration(c.after)
            );
        }
    }
    if !r.errors.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Errors"));
        for e in &r.errors {
            let _ = writeln!(o, "  {}", p.red(e.lines().next().unwrap_or_default()));
        }
    }
    o.push_str(&gates::terminal(&r.gates, r.status, p));
    o
}
