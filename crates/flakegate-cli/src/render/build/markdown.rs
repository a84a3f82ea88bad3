//! GitHub-flavoured Markdown for PR comments and `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;

use flakegate_build::{BuildReport, StepKind};
use flakegate_report::units::{duration, size};

use super::{name, share};
use crate::render::gates::cell;
use crate::render::{gates, md_code as code};

pub fn render(r: &BuildReport) -> String {
    let mut o = String::new();
    let targets: Vec<String> = r.installables.iter().map(|i| code(i)).collect();
    let _ = writeln!(
        o,
        "### Build of {}: {} wall, {} built, {} fetched{}\n",
        targets.join(", "),
        duration(r.wall),
        r.built,
        r.substituted,
        if r.success { "" } else { " — **failed**" }
    );
    o.push_str(&gates::markdown(&r.gates, r.status, "Subject"));
    if r.built > 0 {
        let chain: Vec<String> = r
            .critical_path
            .steps
            .iter()
            .map(|s| code(&name(s)))
            .collect();
        let _ = writeln!(
            o,
            "**Critical path:** {} ({} of the wall time; builds summed {}; {} downloaded): {}\n",
            duration(r.critical_path.duration),
            share(r.critical_path.duration, r.wall),
            duration(r.build_time),
            size(r.downloaded_bytes),
            chain.join(" → ")
        );
    }
    if !r.slowest.is_empty() {
        let _ = writeln!(o, "| Build | Duration | Machine |\n|---|---:|---|");
        for s in &r.slowest {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                code(&s.name),
                duration(s.duration),
                s.machine
                    .as_deref()
                    .map(cell)
                    .unwrap_or_else(|| "local".into())
            );
        }
        o.push('\n');
    }
    if let Some(b) = &r.baseline {
        let _ = writeln!(
            o,
            "**Baseline:** {} → {} ({:+.2}%), {} → {} built\n",
            duration(b.baseline_wall),
            duration(r.wall),
            b.wall_change_percent,
            b.baseline_built,
            r.built
        );
    }
    for e in &r.errors {
        let _ = writeln!(o, "> {}\n", cell(e.lines().next().unwrap_or_default()));
    }
    if !r.steps.is_empty() {
        let _ = writeln!(
            o,
            "<details><summary>All {} steps</summary>\n\n| Step | Kind | Start | Duration | Phases |\n|---|---|---:|---:|---|",
            r.steps.len()
        );
        for s in &r.steps {
            let phases: Vec<String> = s
                .phases
                .iter()
                .map(|ph| format!("{} {}", ph.name, duration(ph.end - ph.start)))
                .collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                code(&s.name),
                match s.kind {
                    StepKind::Built => "built",
                    StepKind::Substituted => "fetched",
                },
                duration(s.start),
                duration(s.duration),
                cell(&phases.join(", "))
            );
        }
        let _ = writeln!(o, "\n</details>");
    }
    o
}
