//! Rendering of `flakegate diff`: the package view and the derivation view.

mod markdown;
mod terminal;

use flakegate_diff::DiffReport;
use flakegate_diff::closure_diff::{ClosureDiff, PackageChange, PackageDiff};
use flakegate_diff::drv_diff::{DrvDiffReport, DrvPairDiff, DrvSummary, FieldChange};
use flakegate_diff::text_diff::Chunk;
use flakegate_report::units::{count, signed_size, size};

use super::{Paint, Render, counted};

impl Render for DiffReport {
    fn terminal(&self, paint: Paint) -> String {
        terminal::render(self, paint, self.full)
    }

    fn markdown(&self) -> String {
        markdown::render(self, self.full)
    }

    fn headline(&self) -> String {
        match &self.closure {
            Some(c) => format!(
                "{}, {} → {}",
                counted(c.packages.len(), "package changed", "packages changed"),
                size(c.before.size),
                size(c.after.size)
            ),
            None => {
                let pairs: usize = self
                    .derivations
                    .iter()
                    .map(|d| d.report.summary.compared)
                    .sum();
                counted(pairs, "derivation pair differs", "derivation pairs differ")
            }
        }
    }
}

/// A count with thousands separators.
fn n(x: usize) -> String {
    count(u64::try_from(x).unwrap_or(u64::MAX))
}

/// `No differences: 52 paths, 324.5 KiB on both sides` when the two closures
/// are the same.
fn no_differences(c: &ClosureDiff) -> Option<String> {
    let s = &c.summary;
    (c.packages.is_empty() && s.paths_added + s.paths_removed == 0).then(|| {
        format!(
            "No differences: {}, {} on both sides",
            counted(c.after.paths, "path", "paths"),
            size(c.after.size)
        )
    })
}

/// The closure totals: (`52 → 53 paths (+15, -14)`, `324.5 KiB → 323.9 KiB
/// (-600 B)`).
fn totals(c: &ClosureDiff) -> (String, String) {
    let s = &c.summary;
    (
        format!(
            "{} → {} (+{}, -{})",
            n(c.before.paths),
            counted(c.after.paths, "path", "paths"),
            n(s.paths_added),
            n(s.paths_removed)
        ),
        format!(
            "{} → {} ({})",
            size(c.before.size),
            size(c.after.size),
            signed_size(s.size_delta)
        ),
    )
}

/// Section titles in report order.
fn section(kind: PackageChange) -> &'static str {
    match kind {
        PackageChange::Upgraded => "Upgraded",
        PackageChange::Downgraded => "Downgraded",
        PackageChange::Changed => "Changed",
        PackageChange::Added => "Added",
        PackageChange::Removed => "Removed",
        PackageChange::Rebuilt => "Rebuilt (same version, new build)",
    }
}

/// The derivation view's headline: how many pairs differ, how many changed
/// by themselves (the causes), how many only through their inputs.
fn drv_headline(s: &DrvSummary) -> String {
    let pairs = counted(
        s.compared,
        "derivation pair differs",
        "derivation pairs differ",
    );
    let through = s.compared.saturating_sub(s.with_own_changes);
    let mut text = match (s.with_own_changes, through) {
        (_, 0) if s.compared == 1 => format!("{pairs}, with changes of its own"),
        (_, 0) => format!("{pairs}, all with changes of their own"),
        (0, _) => format!("{pairs}, all only through their inputs"),
        (own, _) => format!(
            "{pairs}: {} with changes of {}, {} only through {}",
            count(u64::try_from(own).unwrap_or(u64::MAX)),
            if own == 1 { "its own" } else { "their own" },
            count(u64::try_from(through).unwrap_or(u64::MAX)),
            if through == 1 {
                "its inputs"
            } else {
                "their inputs"
            },
        ),
    };
    if s.not_followed > 0 {
        text.push_str(&format!(
            "; {} not followed (--depth)",
            counted(s.not_followed, "changed input", "changed inputs")
        ));
    }
    text
}

/// The pairs a derivation view shows in full (the root, then the causes;
/// every pair with `full`) and those it lists with their causes only (the
/// other consequences; none with `full`, which shows them in full).
fn shown_and_through(r: &DrvDiffReport, full: bool) -> (Vec<&DrvPairDiff>, Vec<&DrvPairDiff>) {
    r.derivations
        .iter()
        .partition(|d| full || d.id == 0 || d.own_changes)
}

/// `widget-1.0 → widget-1.1`, or the one name when it did not change.
fn pair_title(d: &DrvPairDiff) -> String {
    if d.name_before == d.name_after {
        d.name_before.clone()
    } else {
        format!("{} → {}", d.name_before, d.name_after)
    }
}

/// `because curl 8.9.1 → 8.10.0, etc-motd` for a pair that changed only
/// through its inputs; empty for a cause.
fn because(d: &DrvPairDiff) -> String {
    if d.own_changes || d.because.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = d.because.iter().map(|b| b.name.as_str()).collect();
    let more = d.because_total.saturating_sub(d.because.len());
    if more > 0 {
        format!("because {} and {} more", names.join(", "), n(more))
    } else {
        format!("because {}", names.join(", "))
    }
}

/// `N more values differ only through changed inputs`, for the hidden ones.
fn hidden_values(n: usize) -> String {
    format!(
        "{} only through changed inputs",
        counted(n, "more value differs", "more values differ")
    )
}

/// A word diff on one line: unchanged runs cut to their ends (unless
/// `full`), changes through `mark(tag, text)`; newlines shown as `⏎` so that
/// a value never breaks the report's indentation.
fn word_diff(chunks: &[Chunk], full: bool, mark: impl Fn(&str, &str) -> String) -> String {
    let mut line = String::new();
    for c in chunks {
        if c.tag == "equal" {
            line.push_str(&context(&c.text, full));
        } else {
            line.push_str(&mark(&c.tag, &c.text.replace('\n', "⏎")));
        }
    }
    line
}

/// `8.9.1 → 8.10.0`, `3.3.0`, `1.7.1` for a package's versions.
fn versions(p: &PackageDiff) -> String {
    let show = |v: &str| {
        if v.is_empty() {
            "(no version)".to_owned()
        } else {
            v.to_owned()
        }
    };
    let parts: Vec<String> = p
        .versions
        .iter()
        .map(|e| match (&e.before, &e.after) {
            (Some(a), Some(b)) if a == b => show(a),
            (Some(a), Some(b)) => format!("{} → {}", show(a), show(b)),
            (Some(a), None) => format!("{} → ∅", show(a)),
            (None, Some(b)) => format!("∅ → {}", show(b)),
            (None, None) => String::new(),
        })
        .collect();
    parts.join(", ")
}

/// A value shortened for a summary line.
fn clip(s: &str, full: bool) -> String {
    const MAX: usize = 100;
    let one_line = s.replace('\n', "⏎");
    if full || one_line.chars().count() <= MAX {
        one_line
    } else {
        format!("{}…", one_line.chars().take(MAX).collect::<String>())
    }
}

/// Unchanged text between two changes of a word diff: long runs keep only
/// their ends, which is the context a reader needs.
fn context(s: &str, full: bool) -> String {
    const EDGE: usize = 24;
    let one_line = s.replace('\n', "⏎");
    let n = one_line.chars().count();
    if full || n <= 2 * EDGE + 1 {
        return one_line;
    }
    let head: String = one_line.chars().take(EDGE).collect();
    let tail: String = one_line.chars().skip(n - EDGE).collect();
    format!("{head}…{tail}")
}

/// What a field change says, without colour: `a → b`, `+ b`, `- a`.
fn field_text(f: &FieldChange, full: bool) -> String {
    match (&f.before, &f.after) {
        (Some(a), Some(b)) => format!("{} → {}", clip(a, full), clip(b, full)),
        (None, Some(b)) => format!("added: {}", clip(b, full)),
        (Some(a), None) => format!("removed: {}", clip(a, full)),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(tag: &str, text: &str) -> Chunk {
        Chunk {
            tag: tag.to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn a_word_diff_stays_on_one_line() {
        let chunks = [
            chunk("equal", "echo a\n"),
            chunk("delete", "old\nline"),
            chunk("insert", "new\nline"),
        ];
        let line = word_diff(&chunks, false, |tag, text| format!("<{tag}:{text}>"));
        assert_eq!(line, "echo a⏎<delete:old⏎line><insert:new⏎line>");
    }

    #[test]
    fn headlines_count_in_words() {
        let summary = |compared, with_own_changes, not_followed| DrvSummary {
            compared,
            with_own_changes,
            not_followed,
        };
        assert_eq!(
            drv_headline(&summary(1, 1, 0)),
            "1 derivation pair differs, with changes of its own"
        );
        assert_eq!(
            drv_headline(&summary(4, 4, 0)),
            "4 derivation pairs differ, all with changes of their own"
        );
        assert_eq!(
            drv_headline(&summary(18_257, 7, 1)),
            "18,257 derivation pairs differ: 7 with changes of their own, \
             18,250 only through their inputs; 1 changed input not followed (--depth)"
        );
        assert_eq!(
            hidden_values(1),
            "1 more value differs only through changed inputs"
        );
    }
}
