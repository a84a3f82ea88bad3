//! The diff of two locks: for a terminal, and in Markdown made to be the
//! body of an update PR.

use std::fmt::Write;

use flakegate_lock::diff::{DuplicateChangeKind, Side};
use flakegate_lock::{LockDiff, time};

use super::{plural, short_rev};
use crate::render::{Paint, md_code};

fn gained(s: Option<i64>) -> String {
    match s {
        Some(s) if s >= 0 => format!("+{}", time::age(s)),
        Some(s) => time::age(s),
        None => "-".to_owned(),
    }
}

fn side_line(s: &Side) -> String {
    format!(
        "{} {}",
        short_rev(s.revision.rev.as_deref()),
        s.revision.date.as_deref().unwrap_or("-")
    )
}

pub fn terminal(d: &LockDiff, p: Paint) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} → {}", p.bold(&d.from), p.bold(&d.to));
    if d.is_empty() {
        let _ = writeln!(
            o,
            "\nNo change ({} unchanged).",
            plural(d.unchanged, "input")
        );
        return o;
    }
    if !d.moved.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Moved"));
        let width = d
            .moved
            .iter()
            .map(|m| m.path.to_string().len())
            .max()
            .unwrap_or(0);
        for m in &d.moved {
            let _ = writeln!(
                o,
                "  {:<width$}  {} → {}  {}",
                m.path.to_string(),
                side_line(&m.old),
                side_line(&m.new),
                gained(m.age_gained),
            );
            if m.original_changed {
                let _ = writeln!(
                    o,
                    "  {:<width$}  {}",
                    "",
                    p.yellow(&format!(
                        "{} → {}",
                        m.old.original.as_deref().unwrap_or("-"),
                        m.new.original.as_deref().unwrap_or("-")
                    ))
                );
            }
            if let Some(url) = &m.compare_url {
                let _ = writeln!(o, "  {:<width$}  {}", "", p.dim(url));
            }
        }
    }
    for (title, list) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !list.is_empty() {
            let _ = writeln!(o, "\n{}", p.bold(title));
            for s in list {
                let _ = writeln!(
                    o,
                    "  {}  {}  {}",
                    s.path,
                    side_line(s),
                    p.dim(s.original.as_deref().unwrap_or(""))
                );
            }
        }
    }
    if !d.follows.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Follows"));
        for f in &d.follows {
            let _ = writeln!(o, "  {}", follows_text(f));
        }
    }
    if !d.duplicates.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("Duplicates"));
        for c in &d.duplicates {
            let _ = writeln!(
                o,
                "  {} {}: {} → {} nodes",
                change(c.change),
                c.source,
                c.old_nodes,
                c.new_nodes
            );
        }
    }
    let _ = writeln!(o, "\n{} unchanged.", plural(d.unchanged, "input"));
    o
}

fn follows_text(f: &flakegate_lock::diff::FollowsChange) -> String {
    match (&f.old, &f.new) {
        (None, Some(n)) => format!("{} now follows {n}", f.path),
        (Some(o), None) => format!("{} no longer follows {o}", f.path),
        (Some(o), Some(n)) => format!("{} follows {n} instead of {o}", f.path),
        (None, None) => f.path.to_string(),
    }
}

/// A revision, linked to its commit when the forge is known.
fn md_rev(s: &Side) -> String {
    let code = md_code(&short_rev(s.revision.rev.as_deref()));
    match &s.url {
        Some(u) => format!("[{code}]({u})"),
        None => code,
    }
}

pub fn markdown(d: &LockDiff) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## flake.lock: {}\n", summary(d));
    let _ = writeln!(o, "{} → {}\n", md_code(&d.from), md_code(&d.to));
    if !d.moved.is_empty() {
        let _ = writeln!(
            o,
            "| input | from | to | age gained | changes |\n|---|---|---|---:|---|"
        );
        for m in &d.moved {
            let mut path = md_code(&m.path.to_string());
            if m.direct {
                path = format!("**{path}**");
            }
            let mut changes = m
                .compare_url
                .as_ref()
                .map_or_else(String::new, |u| format!("[compare]({u})"));
            if m.original_changed {
                let _ = write!(
                    changes,
                    "{}{} → {}",
                    if changes.is_empty() { "" } else { "<br>" },
                    md_code(m.old.original.as_deref().unwrap_or("-")),
                    md_code(m.new.original.as_deref().unwrap_or("-"))
                );
            }
            let _ = writeln!(
                o,
                "| {path} | {} {} | {} {} | {} | {changes} |",
                md_rev(&m.old),
                m.old.revision.date.as_deref().unwrap_or("-"),
                md_rev(&m.new),
                m.new.revision.date.as_deref().unwrap_or("-"),
                gained(m.age_gained)
            );
        }
        o.push('\n');
    }
    for (title, list) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !list.is_empty() {
            let _ = writeln!(o, "**{title}**\n");
            for s in list {
                let _ = writeln!(
                    o,
                    "- {} {} {}{}",
                    md_code(&s.path.to_string()),
                    md_rev(s),
                    s.revision.date.as_deref().unwrap_or("-"),
                    s.original
                        .as_deref()
                        .map_or_else(String::new, |r| format!(" ({})", md_code(r)))
                );
            }
            o.push('\n');
        }
    }
    if !d.follows.is_empty() {
        let _ = writeln!(o, "**Follows**\n");
        for f in &d.follows {
            let text = match (&f.old, &f.new) {
                (None, Some(n)) => format!("now follows {}", md_code(&n.to_string())),
                (Some(old), None) => format!("no longer follows {}", md_code(&old.to_string())),
                (Some(old), Some(n)) => format!(
                    "follows {} instead of {}",
                    md_code(&n.to_string()),
                    md_code(&old.to_string())
                ),
                (None, None) => String::new(),
            };
            let _ = writeln!(o, "- {} {text}", md_code(&f.path.to_string()));
        }
        o.push('\n');
    }
    if !d.duplicates.is_empty() {
        let _ = writeln!(o, "**Duplicates**\n");
        for c in &d.duplicates {
            let mark = match c.change {
                DuplicateChangeKind::Resolved => "✅",
                DuplicateChangeKind::Introduced => "⚠️",
            };
            let _ = writeln!(
                o,
                "- {mark} {} {}: {} → {} nodes",
                change(c.change),
                md_code(&c.source),
                c.old_nodes,
                c.new_nodes
            );
        }
        o.push('\n');
    }
    let _ = writeln!(o, "{} unchanged.", plural(d.unchanged, "input"));
    o
}

fn change(c: DuplicateChangeKind) -> &'static str {
    match c {
        DuplicateChangeKind::Introduced => "introduced",
        DuplicateChangeKind::Resolved => "resolved",
    }
}

/// `3 inputs moved, 1 added, 2 removed`.
pub fn summary(d: &LockDiff) -> String {
    if d.is_empty() {
        return "no change".to_owned();
    }
    let mut parts = Vec::new();
    if !d.moved.is_empty() {
        parts.push(format!("{} moved", plural(d.moved.len(), "input")));
    }
    if !d.added.is_empty() {
        parts.push(format!("{} added", d.added.len()));
    }
    if !d.removed.is_empty() {
        parts.push(format!("{} removed", d.removed.len()));
    }
    if !d.follows.is_empty() {
        parts.push(plural(d.follows.len(), "follows change"));
    }
    if parts.is_empty() {
        parts.push("duplicates changed".to_owned());
    }
    parts.join(", ")
}
