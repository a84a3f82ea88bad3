//! The health report in Markdown: gates first, then what to do, details
//! folded.

use std::fmt::Write;

use flakegate_lock::HealthReport;

use super::{age, plural, short_rev};
use crate::render::{gates, md_code};

pub fn render(r: &HealthReport) -> String {
    let mut o = String::new();
    let verdict = r.status.emoji();
    let _ = writeln!(
        o,
        "## {verdict} {}: {}, {}\n",
        md_code(&r.file),
        plural(r.inputs.len(), "input"),
        plural(r.extra_nodes, "duplicate node")
    );
    let _ = writeln!(
        o,
        "Ages against {} ({}); lock version {}.\n",
        r.reference_date, r.reference_source, r.lock_version
    );
    o.push_str(&gates::markdown(&r.gates, r.status, "Input"));
    if !r.duplicates.is_empty() {
        let _ = writeln!(o, "### Duplicates\n");
        let lines: Vec<_> = r.duplicates.iter().flat_map(|d| &d.follows).collect();
        if !lines.is_empty() {
            let _ = writeln!(o, "Add to `flake.nix` to remove them:\n\n```nix");
            for l in &lines {
                let _ = writeln!(o, "{}", l.line);
            }
            let _ = writeln!(o, "```\n");
        }
        let _ = writeln!(
            o,
            "| source | nodes | revisions | paths |\n|---|---:|---:|---|"
        );
        for d in &r.duplicates {
            let paths: Vec<String> = d
                .nodes
                .iter()
                .map(|n| {
                    let p = md_code(&n.paths[0].to_string());
                    format!(
                        "{p} {}{}",
                        md_code(&short_rev(n.revision.rev.as_deref())),
                        if n.kept { " (kept)" } else { "" }
                    )
                })
                .collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                md_code(&d.source),
                d.nodes.len(),
                d.revisions,
                paths.join("<br>")
            );
        }
        o.push('\n');
    }

    if !r.pinning.is_empty() {
        let _ = writeln!(o, "### Pinning\n");
        for f in &r.pinning {
            let _ = writeln!(o, "- {}: {}", md_code(&f.path.to_string()), f.message);
        }
        o.push('\n');
    }

    let _ = writeln!(
        o,
        "<details><summary>{}</summary>\n\n| input | rev | date | age | original |\n|---|---|---|---:|---|",
        plural(r.inputs.len(), "input")
    );
    for e in &r.inputs {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            md_code(&e.paths[0].to_string()),
            md_code(&short_rev(e.revision.rev.as_deref())),
            e.revision.date.as_deref().unwrap_or("-"),
            age(e.age_seconds),
            e.original.as_deref().map_or_else(String::new, md_code)
        );
    }
    let _ = writeln!(o, "\n</details>");
    o
}
