//! Code frames for the terminal, drawn by codespan-reporting.

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor::Buffer};
use flakegate_lint::{LintReport, Severity};
use rustc_hash::FxHashMap;

use crate::render::Paint;

pub fn render(report: &LintReport, p: Paint) -> String {
    let mut files = SimpleFiles::new();
    let mut ids = FxHashMap::default();
    for (name, text) in &report.sources {
        ids.insert(name.as_str(), files.add(name.as_str(), text.as_str()));
    }
    let config = Config::default();
    let mut out = String::new();
    for f in &report.findings {
        let finding = &f.finding;
        let severity = match finding.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let mut diag = Diagnostic::new(severity)
            .with_code(finding.rule.id())
            .with_message(&finding.message);
        if let Some(&id) = ids.get(f.file.as_str()) {
            let (s, e) = (finding.span.start.offset, finding.span.end.offset);
            let mut label = Label::primary(id, s..e.max(s));
            if let Some(fix) = &finding.fix {
                label = label.with_message(format!("fix: {}", fix.message));
            }
            diag = diag.with_labels(vec![label]);
        } else {
            diag = diag.with_notes(vec![format!(
                "{}:{}:{}",
                f.file, finding.span.start.line, finding.span.start.column
            )]);
        }
        let text = if p.0 {
            let mut buf = Buffer::ansi();
            term::emit_to_write_style(&mut buf, &config, &files, &diag)
                .ok()
                .map(|()| String::from_utf8_lossy(buf.as_slice()).into_owned())
        } else {
            term::emit_into_string(&config, &files, &diag).ok()
        };
        out.push_str(&text.unwrap_or_else(|| {
            format!(
                "{}:{}:{}: {}[{}]: {}\n",
                f.file,
                finding.span.start.line,
                finding.span.start.column,
                finding.severity.as_str(),
                finding.rule,
                finding.message
            )
        }));
    }
    out
}
