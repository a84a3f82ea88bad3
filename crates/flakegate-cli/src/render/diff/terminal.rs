//! The diff for a terminal or CI log.

use std::fmt::Write;

use flakegate_diff::closure_diff::{ClosureDiff, PackageChange};
use flakegate_diff::drv_diff::{DrvDiffReport, DrvPairDiff};
use flakegate_store::name::store_path_name;

use super::{field_text, section, versions};
use flakegate_diff::DiffReport;

use crate::render::Paint;
use flakegate_report::units::{signed_size, size};

/// Derivation pairs shown without --full.
const SHOWN_PAIRS: usize = 12;

pub fn render(out: &DiffReport, p: Paint, full: bool) -> String {
    let mut o = String::new();
    if let Some(c) = &out.closure {
        closure(&mut o, c, p);
    }
    for d in &out.derivations {
        if let Some(name) = &d.package {
            let _ = writeln!(o, "\n{} {name}", p.bold("Why did this change:"));
        }
        derivations(&mut o, &d.report, p, full);
    }
    o
}

fn closure(o: &mut String, c: &ClosureDiff, p: Paint) {
    let s = &c.summary;
    let _ = writeln!(
        o,
        "{} → {}",
        p.bold(store_path_name(&c.before.root)),
        p.bold(store_path_name(&c.after.root))
    );
    let _ = writeln!(
        o,
        "{} → {} paths (+{}, -{}), {} → {} ({})",
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
        "{} upgraded, {} downgraded, {} changed, {} added, {} removed, {} rebuilt; {} unchanged",
        s.upgraded, s.downgraded, s.changed, s.added, s.removed, s.rebuilt, s.unchanged
    );
    let width = c
        .packages
        .iter()
        .map(|x| x.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    // Each package's versions text, made once: it sets the column width too.
    let texts: Vec<String> = c.packages.iter().map(versions).collect();
    let vwidth = texts
        .iter()
        .map(|v| v.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    let mut current: Option<PackageChange> = None;
    for (pkg, text) in c.packages.iter().zip(&texts) {
        if current != Some(pkg.change) {
            current = Some(pkg.change);
            let title = section(pkg.change);
            let painted = match pkg.change {
                PackageChange::Upgraded | PackageChange::Added => p.green(title),
                PackageChange::Downgraded | PackageChange::Removed => p.red(title),
                _ => p.yellow(title),
            };
            let _ = writeln!(o, "\n{painted}");
        }
        let mark = if pkg.selected { "*" } else { " " };
        let _ = writeln!(
            o,
            "  {mark} {:<width$}  {:<vwidth$}  {:>10}",
            pkg.name,
            text,
            signed_size(pkg.size_delta)
        );
    }
    if c.packages.iter().any(|x| x.selected) {
        let _ = writeln!(
            o,
            "\n* selected: installed directly, not pulled in by another package"
        );
    }
}

fn derivations(o: &mut String, r: &DrvDiffReport, p: Paint, full: bool) {
    if !o.is_empty() {
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "{} {} → {}",
        p.bold("derivations:"),
        store_path_name(&r.before),
        store_path_name(&r.after)
    );
    if r.derivations.is_empty() {
        let _ = writeln!(o, "identical");
        return;
    }
    let s = &r.summary;
    let _ = writeln!(
        o,
        "{} derivation pairs differ; {} with changes of their own, the rest only through their inputs{}",
        s.compared,
        s.with_own_changes,
        if s.not_followed > 0 {
            format!("; {} changed inputs not followed (--depth)", s.not_followed)
        } else {
            String::new()
        }
    );
    // The root, then the derivations that changed by themselves: the causes.
    let shown: Vec<&DrvPairDiff> = r
        .derivations
        .iter()
        .filter(|d| full || d.id == 0 || d.own_changes)
        .collect();
    let limit = if full { usize::MAX } else { SHOWN_PAIRS };
    for d in shown.iter().take(limit) {
        pair(o, d, p, full);
    }
    if shown.len() > limit {
        let _ = writeln!(
            o,
            "\n… {} more derivations with changes of their own (--full shows all)",
            shown.len() - limit
        );
    }
}

fn pair(o: &mut String, d: &DrvPairDiff, p: Paint, full: bool) {
    let title = if d.name_before == d.name_after {
        d.name_before.clone()
    } else {
        format!("{} → {}", d.name_before, d.name_after)
    };
    let _ = writeln!(
        o,
        "\n{} {}  {}",
        p.bold(&format!("#{}", d.id)),
        p.bold(&title),
        p.dim(&format!("(depth {})", d.depth))
    );
    let mut hidden = 0;
    let fields = d
        .outputs
        .iter()
        .map(|f| ("output", f))
        .chain(
            [&d.system, &d.builder, &d.args]
                .into_iter()
                .flatten()
                .map(|f| ("", f)),
        )
        .chain(d.env.iter().map(|f| ("env", f)));
    for (kind, f) in fields {
        if f.consequence && !full {
            hidden += 1;
            continue;
        }
        let label = if kind.is_empty() {
            f.name.clone()
        } else {
            format!("{kind} {}", f.name)
        };
        match (&f.diff, full) {
            (Some(chunks), _) => {
                let mut line = String::new();
                for c in chunks {
                    match c.tag.as_str() {
                        "delete" => line.push_str(&p.red(&format!("[-{}-]", c.text))),
                        "insert" => line.push_str(&p.green(&format!("{{+{}+}}", c.text))),
                        _ => line.push_str(&super::context(&c.text, full)),
                    }
                }
                let _ = writeln!(o, "  {label}: {line}");
            }
            _ => {
                let _ = writeln!(o, "  {label}: {}", field_text(f, full));
            }
        }
    }
    for s in &d.sources {
        let what = match (&s.before, &s.after) {
            (Some(_), Some(_)) => "changed",
            (None, Some(_)) => "added",
            _ => "removed",
        };
        let _ = writeln!(o, "  source {}: {what}", s.name);
        if let Some(chunks) = &s.diff {
            for c in chunks.iter().filter(|c| c.tag != "equal") {
                for line in c.text.lines() {
                    let text = if c.tag == "delete" {
                        p.red(&format!("    - {line}"))
                    } else {
                        p.green(&format!("    + {line}"))
                    };
                    let _ = writeln!(o, "{text}");
                }
            }
        }
    }
    for a in &d.inputs_added {
        let _ = writeln!(o, "  input added: {}", store_path_name(a));
    }
    for r in &d.inputs_removed {
        let _ = writeln!(o, "  input removed: {}", store_path_name(r));
    }
    for c in &d.inputs_changed {
        let target = c
            .diff
            .map_or_else(|| "not followed".to_owned(), |id| format!("#{id}"));
        let outputs = c
            .outputs
            .as_ref()
            .map(|(a, b)| format!(" (outputs {} → {})", a.join(","), b.join(",")))
            .unwrap_or_default();
        let names = if store_path_name(&c.before) == store_path_name(&c.after) {
            store_path_name(&c.before).to_owned()
        } else {
            format!(
                "{} → {}",
                store_path_name(&c.before),
                store_path_name(&c.after)
            )
        };
        let _ = writeln!(o, "  input changed: {names}{outputs}  {}", p.dim(&target));
    }
    if hidden > 0 {
        let _ = writeln!(
            o,
            "  {}",
            p.dim(&format!("{hidden} more values differ only in input hashes"))
        );
    }
}
