//! The human report for a terminal or a CI log.

use std::fmt::Write;

use flakegate_closure::ClosureReport;
use flakegate_report::units::{signed_size, size};

use super::{baseline_figures, duplicate_instances, short, versions};
use crate::render::{Paint, counted, gates};

pub fn render(r: &ClosureReport, p: Paint) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {}, {}, {}",
        p.bold("closure:"),
        counted(r.roots.len(), "root", "roots"),
        counted(r.path_count, "path", "paths"),
        p.bold(&size(r.total_size))
    );

    for root in &r.roots {
        let _ = writeln!(o, "\n{}", p.bold(short(&root.path)));
        let _ = writeln!(
            o,
            "  closure {} in {}",
            size(root.closure_size),
            counted(root.path_count, "path", "paths")
        );
        if !root.direct_dependencies.is_empty() {
            let _ = writeln!(o, "  {}", p.dim("direct dependencies, by added size:"));
            let _ = writeln!(o, "  {:>10}  {:>10}  NAME", "ADDED", "CLOSURE");
            for d in root.direct_dependencies.iter().take(10) {
                let closure = d.closure_size.map_or_else(|| "-".to_owned(), size);
                let _ = writeln!(
                    o,
                    "  {:>10}  {:>10}  {}",
                    size(d.added_size),
                    closure,
                    short(&d.path)
                );
            }
            let more = root.direct_dependencies.len().saturating_sub(10);
            if more > 0 {
                let _ = writeln!(o, "  {}", p.dim(&format!("… and {more} more")));
            }
        }
    }

    if !r.top_by_added.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            p.bold("Largest by added size (what removing the path would save)")
        );
        let _ = writeln!(
            o,
            "  {:>10}  {:>10}  {:>10}  NAME",
            "ADDED", "SELF", "EXCLUSIVE"
        );
        for e in &r.top_by_added {
            let _ = writeln!(
                o,
                "  {:>10}  {:>10}  {:>10}  {}",
                size(e.added_size),
                size(e.self_size),
                size(e.exclusive_size),
                short(&e.path)
            );
        }
        let _ = writeln!(o, "\n{}", p.bold("Largest by self size"));
        let _ = writeln!(o, "  {:>10}  {:>10}  NAME", "SELF", "ADDED");
        for e in &r.top_by_self {
            let _ = writeln!(
                o,
                "  {:>10}  {:>10}  {}",
                size(e.self_size),
                size(e.added_size),
                short(&e.path)
            );
        }
    }

    if !r.duplicates.is_empty() {
        let extra: u64 = r.duplicates.iter().map(|d| d.extra_size).sum();
        let _ = writeln!(
            o,
            "\n{} {} package{} in several versions or builds, {} extra",
            p.bold("Duplicates:"),
            r.duplicates.len(),
            if r.duplicates.len() == 1 { "" } else { "s" },
            size(extra)
        );
        for d in &r.duplicates {
            let _ = writeln!(
                o,
                "  {:>10}  {}: {}",
                size(d.extra_size),
                d.name,
                duplicate_instances(d)
            );
        }
    }

    // One heading per query; a package name has a chain per instance.
    for (i, w) in r.why.iter().enumerate() {
        if i == 0 || r.why[i - 1].query != w.query {
            let _ = writeln!(o, "\n{} {}", p.bold("Why"), w.query);
        }
        if w.chain.is_empty() {
            let _ = writeln!(o, "  not in the closure");
        } else {
            let chain: Vec<&str> = w.chain.iter().map(|c| short(c)).collect();
            let _ = writeln!(o, "  {}", chain.join(" → "));
        }
    }

    if let Some(b) = &r.baseline {
        let _ = writeln!(o, "\n{} {}", p.bold("Baseline:"), baseline_figures(r, b));
        for c in &b.causes {
            let _ = writeln!(
                o,
                "  {:>11}  {}  {}",
                signed_size(c.delta),
                c.name,
                versions(&c.before_versions, &c.after_versions)
            );
        }
    }

    o.push_str(&gates::terminal(&r.gates, r.status, p));
    o
}
