//! The diff for a terminal or CI log.

use std::fmt::Write;

use flakegate_diff::DiffReport;
use flakegate_diff::closure_diff::{ClosureDiff, PackageChange, PackageDiff};
use flakegate_diff::drv_diff::{DrvDiffReport, DrvPairDiff};
use flakegate_report::units::signed_size;
use flakegate_store::name::store_path_name;

use super::{
    because, drv_headline, field_text, hidden_values, n, no_differences, pair_title, section,
    shown_and_through, totals, versions, word_diff,
};
use crate::render::Paint;

/// Derivation pairs shown without --full, and consequences listed.
const SHOWN_PAIRS: usize = 12;

pub fn render(out: &DiffReport, p: Paint, full: bool) -> String {
    let mut o = String::new();
    if let Some(c) = &out.closure {
        closure(&mut o, c, p, full || out.rebuilt);
    }
    for d in &out.derivations {
        if let Some(name) = &d.package {
            let _ = writeln!(o, "\n{} {name}", p.bold("Why did this change:"));
        }
        derivations(&mut o, &d.report, p, full);
    }
    o
}

fn closure(o: &mut String, c: &ClosureDiff, p: Paint, rebuilt: bool) {
    // Every line counts in a large diff: a header of two or three lines,
    // then one line per package (a 5,000-path diff prints fewer than dix).
    let s = &c.summary;
    let (before, after) = (
        store_path_name(&c.before.root),
        store_path_name(&c.after.root),
    );
    let totals = no_differences(c).unwrap_or_else(|| {
        let (paths, sizes) = totals(c);
        format!("{paths}, {sizes}")
    });
    if before == after {
        let _ = writeln!(o, "{}: {totals}", p.bold(before));
    } else {
        let _ = writeln!(o, "{} → {}\n{totals}", p.bold(before), p.bold(after));
    }
    if no_differences(c).is_some() {
        return;
    }
    let (shown, folded): (Vec<&PackageDiff>, Vec<&PackageDiff>) = c
        .packages
        .iter()
        .partition(|x| rebuilt || x.change != PackageChange::Rebuilt);
    // The counts: kinds that occur, rebuilt ones folded unless asked, and
    // what the `*` marks.
    let mut counts: Vec<String> = [
        (s.upgraded, "upgraded"),
        (s.downgraded, "downgraded"),
        (s.changed, "changed"),
        (s.added, "added"),
        (s.removed, "removed"),
    ]
    .into_iter()
    .filter(|(k, _)| *k > 0)
    .map(|(k, what)| format!("{} {what}", n(k)))
    .collect();
    if !folded.is_empty() {
        let delta: i64 = folded.iter().map(|x| x.size_delta).sum();
        counts.push(format!(
            "{} rebuilt, same version ({}; --rebuilt lists them)",
            n(folded.len()),
            signed_size(delta)
        ));
    } else if s.rebuilt > 0 {
        counts.push(format!("{} rebuilt", n(s.rebuilt)));
    }
    counts.push(format!("{} unchanged", n(s.unchanged)));
    let mark = if shown.iter().any(|x| x.selected) {
        "; * installed directly"
    } else {
        ""
    };
    let _ = writeln!(o, "{}{mark}", counts.join(", "));
    let width = shown
        .iter()
        .map(|x| x.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    // Each package's versions text, made once: it sets the column width too.
    let texts: Vec<String> = shown.iter().map(|x| versions(x)).collect();
    let vwidth = texts
        .iter()
        .map(|v| v.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    let mut current: Option<PackageChange> = None;
    for (pkg, text) in shown.iter().zip(&texts) {
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
        let _ = writeln!(o, "No differences: the same derivation");
        return;
    }
    let _ = writeln!(o, "{}", drv_headline(&r.summary));
    // The root, then the derivations that changed by themselves: the causes.
    let (shown, through) = shown_and_through(r, full);
    let limit = if full { usize::MAX } else { SHOWN_PAIRS };
    for d in shown.iter().take(limit) {
        pair(o, d, p, full);
    }
    if shown.len() > limit {
        let _ = writeln!(
            o,
            "\n… {} more with changes of their own (--full shows all)",
            n(shown.len() - limit)
        );
    }
    // What changed only because its inputs did, each with its causes.
    if through.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n{}", p.bold("Changed only through their inputs:"));
    for d in through.iter().take(SHOWN_PAIRS) {
        let _ = writeln!(
            o,
            "  {} {}  {}",
            p.dim(&format!("#{}", d.id)),
            pair_title(d),
            because(d)
        );
    }
    if through.len() > SHOWN_PAIRS {
        let _ = writeln!(
            o,
            "  … {} more (--full shows all)",
            n(through.len() - SHOWN_PAIRS)
        );
    }
}

fn pair(o: &mut String, d: &DrvPairDiff, p: Paint, full: bool) {
    let _ = writeln!(
        o,
        "\n{} {}  {}",
        p.bold(&format!("#{}", d.id)),
        p.bold(&pair_title(d)),
        p.dim(&format!("(depth {})", d.depth))
    );
    let reason = because(d);
    if !reason.is_empty() {
        let _ = writeln!(o, "  {reason}");
    }
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
        let text = match &f.diff {
            Some(chunks) => word_diff(chunks, full, |tag, text| {
                if tag == "delete" {
                    p.red(&format!("[-{text}-]"))
                } else {
                    p.green(&format!("{{+{text}+}}"))
                }
            }),
            None => field_text(f, full),
        };
        let _ = writeln!(o, "  {label}: {text}");
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
        let _ = writeln!(o, "  {}", p.dim(&hidden_values(hidden)));
    }
}
