//! The diff as Markdown for a PR comment or `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;

use flakegate_diff::DiffReport;
use flakegate_diff::closure_diff::{ClosureDiff, PackageChange};
use flakegate_diff::drv_diff::{DrvDiffReport, DrvPairDiff};
use flakegate_report::units::signed_size;
use flakegate_store::name::store_path_name;

use super::{
    because, drv_headline, field_text, hidden_values, n, no_differences, pair_title, section,
    shown_and_through, totals, versions, word_diff,
};
use crate::render::{html_code, md_code as code};

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

/// The Change column: one word, so that a row never wraps.
fn change_cell(kind: PackageChange) -> &'static str {
    match kind {
        PackageChange::Rebuilt => "Rebuilt",
        other => section(other),
    }
}

fn closure(o: &mut String, c: &ClosureDiff, full: bool) {
    let s = &c.summary;
    let _ = writeln!(
        o,
        "### {} → {}\n",
        code(store_path_name(&c.before.root)),
        code(store_path_name(&c.after.root)),
    );
    if let Some(same) = no_differences(c) {
        let _ = writeln!(o, "{same}.\n");
        return;
    }
    let (paths, sizes) = totals(c);
    let _ = writeln!(o, "{paths}, **{sizes}**\n");
    let _ = writeln!(
        o,
        "| upgraded | downgraded | changed | added | removed | rebuilt |\n|---:|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} | {} |\n",
        n(s.upgraded),
        n(s.downgraded),
        n(s.changed),
        n(s.added),
        n(s.removed),
        n(s.rebuilt)
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
            change_cell(p.change),
            versions(p).replace('|', "\\|"),
            signed_size(p.size_delta)
        );
    }
    if c.packages.len() > limit {
        let more = c.packages.len() - limit;
        let _ = writeln!(
            o,
            "\n… and {} more {} (`--full` lists them all; `--json` has every one).",
            n(more),
            if more == 1 { "package" } else { "packages" }
        );
    }
    o.push('\n');
    let mut notes = Vec::new();
    if s.rebuilt > 0 {
        notes.push("*Rebuilt*: same version, new build.");
    }
    if c.packages.iter().any(|p| p.selected) {
        notes.push("Packages in **bold** are installed directly.");
    }
    if !notes.is_empty() {
        let _ = writeln!(o, "{}\n", notes.join(" "));
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
        let _ = writeln!(o, "No differences: the same derivation.\n");
        return;
    }
    let _ = writeln!(o, "{}.\n", drv_headline(&r.summary));
    // The root, then the derivations that changed by themselves: the causes.
    let (shown, through) = shown_and_through(r, full);
    let limit = if full { usize::MAX } else { SHOWN_PAIRS };
    for d in shown.iter().take(limit) {
        pair(o, d, full);
    }
    if shown.len() > limit {
        let _ = writeln!(
            o,
            "… and {} more with changes of their own.\n",
            n(shown.len() - limit)
        );
    }
    // What changed only because its inputs did, each with its causes.
    if through.is_empty() {
        return;
    }
    let _ = writeln!(o, "**Changed only through their inputs:**\n");
    for d in through.iter().take(SHOWN_PAIRS) {
        let _ = writeln!(o, "- #{} {} {}", d.id, code(&pair_title(d)), because(d));
    }
    if through.len() > SHOWN_PAIRS {
        let _ = writeln!(o, "- … and {} more", n(through.len() - SHOWN_PAIRS));
    }
    o.push('\n');
}

/// One compared pair, folded: each difference on a line, long values as a
/// word diff with context (`[-old-]{+new+}`), small text sources as a line
/// diff.
fn pair(o: &mut String, d: &DrvPairDiff, full: bool) {
    let _ = writeln!(
        o,
        "<details><summary>#{} {} (depth {})</summary>\n\n```",
        d.id,
        html_code(&pair_title(d)),
        d.depth
    );
    let reason = because(d);
    if !reason.is_empty() {
        let _ = writeln!(o, "{reason}");
    }
    let mut hidden = 0;
    for f in d
        .outputs
        .iter()
        .chain([&d.system, &d.builder, &d.args].into_iter().flatten())
        .chain(&d.env)
    {
        if f.consequence && !full {
            hidden += 1;
            continue;
        }
        let text = match &f.diff {
            Some(chunks) => word_diff(chunks, full, |tag, text| {
                if tag == "delete" {
                    format!("[-{text}-]")
                } else {
                    format!("{{+{text}+}}")
                }
            }),
            None => field_text(f, full),
        };
        // A code block ends at a line of backticks only: none can appear.
        let _ = writeln!(o, "{}: {text}", f.name);
    }
    for src in &d.sources {
        let what = match (&src.before, &src.after) {
            (Some(_), Some(_)) => "changed",
            (None, Some(_)) => "added",
            _ => "removed",
        };
        let _ = writeln!(o, "source {}: {what}", src.name);
        if let Some(chunks) = &src.diff {
            for c in chunks.iter().filter(|c| c.tag != "equal") {
                let sign = if c.tag == "delete" { '-' } else { '+' };
                for line in c.text.lines() {
                    let _ = writeln!(o, "  {sign} {line}");
                }
            }
        }
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
    if hidden > 0 {
        let _ = writeln!(o, "{}", hidden_values(hidden));
    }
    let _ = writeln!(o, "```\n\n</details>\n");
}
