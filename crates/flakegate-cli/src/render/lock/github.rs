//! GitHub Actions workflow commands: each finding becomes an annotation on
//! the line of flake.lock that holds the node (`::warning file=…,line=…`),
//! each failed gate an error.

use flakegate_lock::HealthReport;
use flakegate_report::{GateId, Status};

use crate::render::plural;
use crate::render::workflow::{At, annotate};

/// `text` is the lock file's content, to find each node's line.
pub fn render(r: &HealthReport, text: &str) -> String {
    let file = r.file.as_str();
    let mut o = String::new();
    for d in &r.duplicates {
        for l in &d.follows {
            let line = node_line(text, &l.removes);
            annotate(
                &mut o,
                "warning",
                file,
                line,
                Some(&format!("duplicate {}", d.source)),
                &format!(
                    "`{}` duplicates `{}` ({} at {}); add to flake.nix: {}",
                    l.path,
                    l.follows,
                    plural(d.nodes.len(), "node"),
                    plural(d.revisions, "revision"),
                    l.line
                ),
            );
        }
    }
    for f in &r.pinning {
        let level = if r
            .gates
            .iter()
            .any(|g| g.gate == GateId::Pinning && g.status == Status::Fail)
        {
            "error"
        } else {
            "warning"
        };
        annotate(
            &mut o,
            level,
            file,
            node_line(text, &f.key),
            Some("pinning"),
            &format!("{}: {}", f.path, f.message),
        );
    }
    for g in &r.gates {
        let level = match g.status {
            Status::Pass | Status::Skipped => continue,
            Status::Warn => "warning",
            Status::Fail => "error",
        };
        let mut message = format!("{} (limit {})", g.actual_text(), g.limit_text());
        if let Some(s) = &g.subject {
            message = format!("{s}: {message}");
        }
        if let Some(d) = &g.detail {
            message = format!("{message}; {d}");
        }
        annotate(
            &mut o,
            level,
            file,
            At::File,
            Some(g.gate.label()),
            &message,
        );
    }
    if o.is_empty() {
        annotate(
            &mut o,
            "notice",
            file,
            At::File,
            None,
            "flake.lock is healthy",
        );
    }
    o
}

/// The 1-based line of `"KEY": {` among the nodes (Nix writes them at an
/// indent of four spaces); the file as a whole when it is not found.
fn node_line(text: &str, key: &str) -> At {
    let Ok(quoted) = serde_json::to_string(key) else {
        return At::File;
    };
    let needle = format!("{quoted}: {{");
    text.lines()
        .position(|l| l.trim_start() == needle && l.len() - l.trim_start().len() == 4)
        .map_or(At::File, |i| At::Line(i + 1))
}
