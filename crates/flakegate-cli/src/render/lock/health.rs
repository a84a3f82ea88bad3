//! The health report for a terminal.

use std::fmt::Write;

use flakegate_lock::HealthReport;

use super::{age, plural, short_rev};
use crate::render::{Paint, gates};

pub fn render(r: &HealthReport, p: Paint) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} (lock version {}), ages against {} ({})",
        p.bold(&r.file),
        plural(r.inputs.len(), "input"),
        r.lock_version,
        r.reference_date,
        r.reference_source
    );

    let _ = writeln!(o, "\n{}", p.bold("Inputs"));
    let width = r
        .inputs
        .iter()
        .map(|e| e.paths[0].to_string().len())
        .max()
        .unwrap_or(0);
    for e in &r.inputs {
        let path = e.paths[0].to_string();
        let mark = if e.direct { " " } else { "·" };
        let _ = writeln!(
            o,
            "  {mark} {path:<width$}  {:<7}  {:<10}  {:>9}  {}",
            short_rev(e.revision.rev.as_deref()),
            e.revision.date.as_deref().unwrap_or("-"),
            age(e.age_seconds),
            p.dim(e.original.as_deref().unwrap_or("")),
        );
    }
    let _ = writeln!(o, "  {}", p.dim("(· an input of an input)"));

    if r.duplicates.is_empty() {
        let _ = writeln!(o, "\n{} none", p.bold("Duplicates:"));
    } else {
        let _ = writeln!(
            o,
            "\n{} {} of {}",
            p.bold("Duplicates:"),
            plural(r.extra_nodes, "extra node"),
            plural(r.duplicates.len(), "source")
        );
        for d in &r.duplicates {
            let _ = writeln!(
                o,
                "  {}: {} at {}",
                p.bold(&d.source),
                plural(d.nodes.len(), "node"),
                plural(d.revisions, "revision")
            );
            for n in &d.nodes {
                let paths: Vec<String> = n.paths.iter().map(ToString::to_string).collect();
                let status = if n.kept {
                    "kept".to_owned()
                } else {
                    n.note.clone().unwrap_or_default()
                };
                let _ = writeln!(
                    o,
                    "    {:<7}  {:<10}  {}  {}",
                    short_rev(n.revision.rev.as_deref()),
                    n.revision.date.as_deref().unwrap_or("-"),
                    paths.join(", "),
                    p.dim(&status)
                );
            }
        }
        let lines: Vec<_> = r.duplicates.iter().flat_map(|d| &d.follows).collect();
        if !lines.is_empty() {
            let _ = writeln!(o, "\n  Add to flake.nix (next to the inputs' url lines):");
            for l in lines {
                let mut removes = vec![l.path.to_string()];
                removes.extend(l.also_removes.iter().cloned());
                let _ = writeln!(o, "    {}", p.green(&l.line));
                let _ = writeln!(
                    o,
                    "      {}",
                    p.dim(&format!("removes {}", removes.join(", ")))
                );
            }
        }
    }

    if !r.pinning.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Pinning"));
        for f in &r.pinning {
            let _ = writeln!(o, "  {}: {}", f.path, f.message);
        }
    }
    if !r.unreachable.is_empty() {
        let _ = writeln!(
            o,
            "\n{} {}",
            p.bold("Unreachable nodes (ignored by Nix):"),
            r.unreachable.join(", ")
        );
    }

    o.push_str(&gates::terminal(&r.gates, r.status, p));
    o
}
