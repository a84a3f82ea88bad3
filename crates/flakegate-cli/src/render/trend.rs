//! `flakegate trend`'s report: a summary row per metric, then each metric's
//! runs with commit, value, limits and the change from the run before.

use flakegate_report::{Status, Unit};
use flakegate_trend::{Point, Series, TrendReport, short_commit};

use super::{Paint, Render, counted, md_code};

impl Render for TrendReport {
    fn terminal(&self, paint: Paint) -> String {
        let mut out = format!(
            "{} {}\n",
            paint.bold("trend:"),
            counted(self.runs, "run", "runs")
        );
        for s in &self.series {
            out.push_str(&format!("\n{}\n", paint.bold(&heading(s))));
            for (i, p) in s.points.iter().enumerate() {
                let status = match p.status {
                    _ if p.limits.is_empty() => String::new(),
                    Status::Fail => paint.red("fail"),
                    Status::Warn => paint.yellow("warn"),
                    other => other.word().to_owned(),
                };
                out.push_str(&format!(
                    "  #{:<3} {:<10} {:<8} {:>14}  {:>14}  limit {}  {status}\n",
                    i + 1,
                    day(p),
                    short_commit(p),
                    s.unit.value(p.value),
                    delta(s.unit, p.delta),
                    limits(s.unit, p),
                ));
            }
        }
        skipped_lines(&mut out, self);
        out
    }

    fn markdown(&self) -> String {
        let mut out = format!(
            "## Trend: {}\n\nNewest runs: {} {}. History: {}.\n\n",
            counted(self.runs, "run", "runs"),
            self.status.emoji(),
            self.status.word(),
            self.files
                .iter()
                .map(|f| md_code(f))
                .collect::<Vec<_>>()
                .join(", ")
        );
        out.push_str("| metric | tool | newest | limit | change since the first run | status |\n");
        out.push_str("| --- | --- | ---: | --- | ---: | --- |\n");
        for s in &self.series {
            let (Some(first), Some(last)) = (s.points.first(), s.points.last()) else {
                continue;
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                s.title().replace('|', "\\|"),
                s.tool,
                s.unit.value(last.value),
                limits(s.unit, last),
                delta(
                    s.unit,
                    (s.points.len() > 1).then_some(last.value - first.value)
                ),
                verdict(last)
            ));
        }
        for s in &self.series {
            out.push_str(&format!("\n### {}\n\n", heading(s)));
            out.push_str("| run | date | commit | value | limit | delta | status |\n");
            out.push_str("| ---: | --- | --- | ---: | --- | ---: | --- |\n");
            for (i, p) in s.points.iter().enumerate() {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} |\n",
                    i + 1,
                    day(p),
                    md_code(&short_commit(p)),
                    s.unit.value(p.value),
                    limits(s.unit, p),
                    delta(s.unit, p.delta),
                    verdict(p)
                ));
            }
        }
        skipped_lines(&mut out, self);
        out
    }

    fn headline(&self) -> String {
        format!(
            "{} of {}",
            counted(self.series.len(), "metric", "metrics"),
            counted(self.runs, "run", "runs")
        )
    }
}

/// The point's verdict, or `–` when no gate judged it.
fn verdict(p: &Point) -> &'static str {
    if p.limits.is_empty() {
        "–"
    } else {
        p.status.emoji()
    }
}

fn heading(s: &Series) -> String {
    format!("{} ({})", s.title(), s.tool)
}

/// The run's day (`2026-01-01`), or `–`.
fn day(p: &Point) -> String {
    p.date
        .as_deref()
        .map_or_else(|| "–".to_owned(), |d| d.chars().take(10).collect())
}

/// `max size 20.0 MiB, warn size 15.0 MiB`, or `–`.
fn limits(unit: Unit, p: &Point) -> String {
    if p.limits.is_empty() {
        return "–".to_owned();
    }
    p.limits
        .iter()
        .map(|l| format!("{} {}", l.gate.label(), unit.limit(l.value)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A change in the unit: `+1.2 MiB`, `-0.300 s`, `+2.50 pp` for rates.
fn delta(unit: Unit, d: Option<f64>) -> String {
    let Some(d) = d else {
        return "–".to_owned();
    };
    if d == 0.0 {
        return "±0".to_owned();
    }
    let sign = if d > 0.0 { '+' } else { '-' };
    match unit {
        Unit::Percent | Unit::Rate => format!("{sign}{:.2} pp", d.abs()),
        _ => format!("{sign}{}", unit.value(d.abs())),
    }
}

fn skipped_lines(out: &mut String, report: &TrendReport) {
    if !report.skipped.is_empty() {
        out.push_str(&format!(
            "\nSkipped torn lines (a run cut short): {}\n",
            report.skipped.join(", ")
        ));
    }
}
