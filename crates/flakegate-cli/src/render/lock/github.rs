//! GitHub Actions workflow commands: each finding becomes an annotation on
//! the line of flake.lock that holds the node (`::warning file=…,line=…`),
//! each failed gate an error.

use std::fmt::Write;

use flakegate_lock::HealthReport;
use flakegate_report::{GateId, Status};

use super::plural;

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
                &format!("duplicate {}", d.source),
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
            "pinning",
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
        annotate(&mut o, level, file, None, g.gate.label(), &message);
    }
    if o.is_empty() {
        let _ = writeln!(
            o,
            "::notice file={}::flake.lock is healthy",
            escape_property(file)
        );
    }
    o
}

fn annotate(
    o: &mut String,
    level: &str,
    file: &str,
    line: Option<usize>,
    title: &str,
    message: &str,
) {
    let line = line.map_or_else(String::new, |l| format!(",line={l}"));
    let _ = writeln!(
        o,
        "::{level} file={}{line},title={}::{}",
        escape_property(file),
        escape_property(title),
        escape_data(message)
    );
}

/// The 1-based line of `"KEY": {` among the nodes (Nix writes them at an
/// indent of four spaces).
fn node_line(text: &str, key: &str) -> Option<usize> {
    let quoted = serde_json::to_string(key).ok()?;
    let needle = format!("{quoted}: {{");
    text.lines()
        .position(|l| l.trim_start() == needle && l.len() - l.trim_start().len() == 4)
        .map(|i| i + 1)
}

// Workflow command escaping, as the Actions toolkit does it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
