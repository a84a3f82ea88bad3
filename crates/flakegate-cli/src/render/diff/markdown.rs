//! The diff as Markdown for a PR comment or `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;

use flakegate_diff::closure_diff::ClosureDiff;
use flakegate_diff::drv_diff::DrvDiffReport;
use flakegate_store::name::store_path_name;

use super::{field_text, section, versions};
use flakegate_diff::DiffReport;

use crate::render::md_code as code;
use flakegate_report::units::{signed_size, size};

const SHOWN_PAIRS: usize = 12;

pub fn render(out: &DiffReport, full: bool) -> String {
    let mut o = String::new();
    if let Some(c) = &out.closure {
        closure(&mut o, c, full);
    }
    for d in &out.derivations {
        match &d.package {
            Some(name) => {
                let _ = writeln!(o, "#### Why {} changed\n", code(name));
            }
            None => {
                let _ = writeln!(o, "### Derivation diff\n");
            }
        }
        derivations(&mut o, &d.report, full);
    }
    o
}

/// Package rows a Markdown report shows without --full: GitHub caps a step
/// summary at 1 MiB, and a PR comment is read, not searched.
const SHOWN_PACKAGES: usize = 300;

fn closure(o: &mut String, c: &ClosureDiff, full: bool) {
    let s = &c.summary;
    let _ = writeln!(
        o,
        "### {} → {}\n\n{} → {} paths (+{}, −{}), **{} → {} ({})**\n",
        code(store_path_name(&c.before.root)),
        code(store_path_name(&c.after.root)),
        c.before.paths,
        c.after.paths,
        s.paths_added,
        s.paths_removed,
        size(c.before.size),
        size(c.after.size),
        signed_size(s.size_delta)
    );
    let _ = writeln!(
        o,
        "| upgraded | downgraded | changed | added | removed | rebuilt |\n|---:|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} | {} |\n",
        s.upgraded, s.downgraded, s.changed, s.added, s.removed, s.rebuilt
    );
    if c.packages.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "| Change | Package | Versions | Size |\n|---|---|---|---:|"
    );
    // Report order puts rebuilds last, so they are the first to be left out.
    let limit = if full { usize::MAX } else { SHOWN_PACKAGES };
    for p in c.packages.iter().take(limit) {
        let name = if p.selected {
            format!("**{}**", code(&p.name))
        } else {
            code(&p.name)
        };
        let _ = writeln!(
            o,
            "| {} | {name} | {} | {} |",
            section(p.change),
            versions(p).replace('|', "\\|"),
            signed_size(p.size_delta)
        );
    }
    if c.packages.len() > limit {
        let _ = writeln!(
            o,
            "\n… and {} more packages (`--full` lists them all; `--json` has every one).",
            c.packages.len() - limit
        );
    }
    o.push('\n');
    if c.packages.iter().any(|p| p.selected) {
        let _ = writeln!(o, "Packages in **bold** are installed directly.\n");
    }
}

fn derivations(o: &mut String, r: &DrvDiffReport, full: bool) {
    let _ = writeln!(
        o,
        "{} → {}\n",
        code(store_path_name(&r.before)),
        code(store_path_name(&r.after))
    );
    if r.derivations.is_empty() {
        let _ = writeln!(o, "Identical.\n");
        return;
    }
    let s = &r.summary;
    let _ = writeln!(
        o,
        "{} derivation pairs differ; **{} with changes of their own**, the rest only through their inputs.\n",
        s.compared, s.with_own_changes
    );
    let shown: Vec<_> = r
        .derivations
        .iter()
        .filter(|d| full || d.id == 0 || d.own_changes)
        .collect();
    let limit = if full { usize::MAX } else { SHOWN_PAIRS };
    for d in shown.iter().take(limit) {
        let title = if d.name_before == d.name_after {
            d.name_before.clone()
        } else {
            format!("{} → {}", d.name_before, d.name_after)
        };
        let _ = writeln!(
            o,
            "<details><summary>#{} {} (depth {})</summary>\n\n```",
            d.id,
            code(&title),
            d.depth
        );
        for f in d
            .outputs
            .iter()
            .chain([&d.system, &d.builder, &d.args].into_iter().flatten())
            .chain(&d.env)
        {
            if !f.consequence || full {
                let _ = writeln!(o, "{}: {}", f.name, field_text(f, full));
            }
        }
        for src in &d.sources {
            let _ = writeln!(
                o,
                "source {}: {}",
                src.name,
                if src.before.is_some() && src.after.is_some() {
                    "changed"
                } else if src.after.is_some() {
                    "added"
                } else {
                    "removed"
                }
            );
        }
        for a in &d.inputs_added {
            let _ = writeln!(o, "input added: {}", store_path_name(a));
        }
        for a in &d.inputs_removed {
            let _ = writeln!(o, "input removed: {}", store_path_name(a));
        }
        for c in &d.inputs_changed {
            let _ = writeln!(
                o,
                "input changed: {} {}",
                store_path_name(&c.after),
                c.diff
                    .map_or_else(|| "(not followed)".to_owned(), |i| format!("#{i}"))
            );
        }
        let _ = writeln!(o, "```\n\n</details>\n");
    }
    if shown.len() > limit {
        let _ = writeln!(
            o,
            "… and {} more derivations with changes of their own.\n",
            shown.len() - limit
        );
    }
}
