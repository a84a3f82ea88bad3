//! The license gate's report: terminal and Markdown.

use std::fmt::Write;

use flakegate_sbom::policy::{LicenseReport, Violation};

use super::{Paint, Render, gates, md_code};

impl Render for LicenseReport {
    fn terminal(&self, p: Paint) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{} {} ({} graph, {} packages)",
            p.bold("Licenses of"),
            self.installable,
            self.graph,
            self.packages
        );
        if !self.metadata {
            let _ = writeln!(
                o,
                "  no license metadata: only a flake reference is evaluated"
            );
        }
        for v in &self.violations {
            let _ = writeln!(
                o,
                "  {} {}: {}\n      pulled in by {}",
                p.red(&format!("{:<8}", v.rule.word())),
                p.bold(&v.package),
                license_text(v),
                v.chain.join(" → ")
            );
        }
        o.push_str(&gates::terminal(&self.gates, self.status, p));
        o
    }

    fn markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "### Licenses of {}\n\n{} graph, {} packages.\n",
            md_code(&self.installable),
            self.graph,
            self.packages
        );
        o.push_str(&gates::markdown(&self.gates, self.status, "Subject"));
        if !self.violations.is_empty() {
            let _ = writeln!(
                o,
                "\n| rule | package | license | pulled in by |\n|---|---|---|---|"
            );
            for v in &self.violations {
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} |",
                    v.rule.word(),
                    md_code(&v.package),
                    md_code(&license_text(v)),
                    v.chain
                        .iter()
                        .map(|c| md_code(c))
                        .collect::<Vec<_>>()
                        .join(" → ")
                );
            }
        }
        o
    }

    fn headline(&self) -> String {
        format!(
            "{} license violations in {} packages",
            self.violations.len(),
            self.packages
        )
    }
}

fn license_text(v: &Violation) -> String {
    match &v.license_name {
        Some(n) => format!("{} ({n})", v.license),
        None => v.license.clone(),
    }
}
