//! GitHub-flavoured Markdown for PR comments and `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;

use flakegate_closure::ClosureReport;
use flakegate_report::units::{signed_size, size};

use super::{baseline_figures, duplicate_instances, short, versions};
use crate::render::{counted, gates, html_code, md_code as code};

pub fn render(r: &ClosureReport) -> String {
    let mut o = String::new();
    let title: Vec<String> = r.roots.iter().map(|x| code(short(&x.path))).collect();
    let _ = writeln!(
        o,
        "### Closure of {}: {} in {}\n",
        if title.is_empty() {
            "nothing".to_owned()
        } else {
            title.join(", ")
        },
        size(r.total_size),
        counted(r.path_count, "path", "paths")
    );
    o.push_str(&gates::markdown(&r.gates, r.status, "Root"));
    if let Some(b) = &r.baseline {
        let _ = writeln!(o, "**Baseline:** {}\n", baseline_figures(r, b));
        if !b.causes.is_empty() {
            let _ = writeln!(o, "| Grew by | Package | Versions |\n|---:|---|---|");
            for c in &b.causes {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} |",
                    signed_size(c.delta),
                    code(&c.name),
                    versions(&c.before_versions, &c.after_versions)
                );
            }
            o.push('\n');
        }
    }
    // One line per query; a package name with several instances gets a
    // list, a chain per instance.
    let mut i = 0;
    while i < r.why.len() {
        let query = &r.why[i].query;
        let end = r.why[i..]
            .iter()
            .position(|w| &w.query != query)
            .map_or(r.why.len(), |k| i + k);
        let chains: Vec<String> = r.why[i..end]
            .iter()
            .map(|w| {
                if w.chain.is_empty() {
                    "not in the closure".to_owned()
                } else {
                    let links: Vec<String> = w.chain.iter().map(|c| code(short(c))).collect();
                    links.join(" → ")
                }
            })
            .collect();
        if let [one] = chains.as_slice() {
            let _ = writeln!(o, "**Why {}:** {one}\n", code(query));
        } else {
            let _ = writeln!(o, "**Why {}:**\n", code(query));
            for c in &chains {
                let _ = writeln!(o, "- {c}");
            }
            o.push('\n');
        }
        i = end;
    }
    let added: Vec<String> = r
        .top_by_added
        .iter()
        .map(|e| {
            format!(
                "| {} | {} | {} | {} |",
                size(e.added_size),
                size(e.self_size),
                size(e.exclusive_size),
                code(short(&e.path))
            )
        })
        .collect();
    folded_table(
        &mut o,
        "Largest by added size",
        "| Added | Self | Exclusive | Path |\n|---:|---:|---:|---|",
        &added,
    );
    let by_self: Vec<String> = r
        .top_by_self
        .iter()
        .map(|e| {
            format!(
                "| {} | {} | {} |",
                size(e.self_size),
                size(e.added_size),
                code(short(&e.path))
            )
        })
        .collect();
    folded_table(
        &mut o,
        "Largest by self size",
        "| Self | Added | Path |\n|---:|---:|---|",
        &by_self,
    );
    for root in r.roots.iter().filter(|x| !x.direct_dependencies.is_empty()) {
        let _ = writeln!(
            o,
            "<details><summary>Direct dependencies of {}</summary>\n\n| Added | Closure | Path |\n|---:|---:|---|",
            html_code(short(&root.path))
        );
        for d in root.direct_dependencies.iter().take(20) {
            let closure = d.closure_size.map_or_else(|| "–".to_owned(), size);
            let _ = writeln!(
                o,
                "| {} | {closure} | {} |",
                size(d.added_size),
                code(short(&d.path))
            );
        }
        let _ = writeln!(o, "\n</details>\n");
    }
    if !r.duplicates.is_empty() {
        let _ = writeln!(
            o,
            "<details><summary>Duplicates ({})</summary>\n\n| Extra | Package | Versions |\n|---:|---|---|",
            r.duplicates.len()
        );
        for d in &r.duplicates {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                size(d.extra_size),
                code(&d.name),
                duplicate_instances(d)
            );
        }
        let _ = writeln!(o, "\n</details>\n");
    }
    o
}

/// A table folded under a `<details>` summary; nothing when it has no rows.
fn folded_table(o: &mut String, summary: &str, header: &str, rows: &[String]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(o, "<details><summary>{summary}</summary>\n\n{header}");
    for row in rows {
        let _ = writeln!(o, "{row}");
    }
    let _ = writeln!(o, "\n</details>\n");
}
