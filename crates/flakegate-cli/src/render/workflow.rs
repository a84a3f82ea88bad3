//! GitHub Actions workflow commands (`::warning file=…,line=…::message`),
//! the annotations every `--format github` output and the summary's gate
//! lines are made of, with the escaping the Actions runner expects.

use std::fmt::Write;

/// Where in a file an annotation points.
#[derive(Debug, Clone, Copy)]
pub enum At {
    /// No file.
    Nowhere,
    /// The file as a whole.
    File,
    /// A 1-based line.
    Line(usize),
    /// A 1-based span: line and column where it starts and ends.
    Span {
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
    },
}

/// Appends one workflow command: `level` is `error`, `warning` or `notice`.
pub fn annotate(
    o: &mut String,
    level: &str,
    file: &str,
    at: At,
    title: Option<&str>,
    message: &str,
) {
    let mut properties = Vec::new();
    if !matches!(at, At::Nowhere) {
        properties.push(format!("file={}", property(file)));
    }
    match at {
        At::Nowhere | At::File => {}
        At::Line(line) => properties.push(format!("line={line}")),
        At::Span {
            line,
            column,
            end_line,
            end_column,
        } => properties.push(format!(
            "line={line},col={column},endLine={end_line},endColumn={end_column}"
        )),
    }
    if let Some(t) = title {
        properties.push(format!("title={}", property(t)));
    }
    let _ = writeln!(o, "::{level} {}::{}", properties.join(","), data(message));
}

/// Escaping for a command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a command's properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_properties_and_message() {
        let mut o = String::new();
        annotate(
            &mut o,
            "warning",
            "a,b:c.nix",
            At::Line(3),
            Some("t: x"),
            "50% done\nnext",
        );
        assert_eq!(
            o,
            "::warning file=a%2Cb%3Ac.nix,line=3,title=t%3A x::50%25 done%0Anext\n"
        );
    }

    #[test]
    fn spans_files_and_nowhere() {
        let mut o = String::new();
        let span = At::Span {
            line: 1,
            column: 2,
            end_line: 3,
            end_column: 4,
        };
        annotate(&mut o, "error", "f", span, Some("r"), "m");
        annotate(&mut o, "notice", "f", At::File, None, "ok");
        annotate(&mut o, "error", "f", At::Nowhere, Some("g"), "m");
        assert_eq!(
            o,
            "::error file=f,line=1,col=2,endLine=3,endColumn=4,title=r::m\n\
             ::notice file=f::ok\n\
             ::error title=g::m\n"
        );
    }
}
