//! History lines in, one series per metric out: each figure a run recorded
//! (`closureSize` of `closure`, `evalTime` of benchmark `eval`), with the
//! limits of the gates that judge it; each gate that judges no figure (a
//! growth over a baseline) is a series of its own.

use flakegate_report::{Gate, GateId, HistoryLine, Status, Unit};
use serde::Serialize;

/// One run of one series.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    /// The git revision the run measured, when it knew it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Whether the working tree had uncommitted changes.
    pub dirty: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub value: f64,
    /// The change from the previous point; `None` for the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
    /// The worst verdict of the limits below (`pass` without any).
    pub status: Status,
    pub limits: Vec<Limit>,
}

/// A gate's limit on a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limit {
    pub gate: GateId,
    pub value: f64,
    pub status: Status,
}

/// One metric over the runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    /// The tool whose runs recorded it (`closure`).
    pub tool: String,
    /// The figure's key (`closureSize`), or the gate's (`maxGrowth`).
    pub metric: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub unit: Unit,
    pub points: Vec<Point>,
}

impl Series {
    /// The series' file name stem: `closure-closure-size`,
    /// `bench-eval-time-eval` (tool, metric and subject, kebab-case).
    #[must_use]
    pub fn slug(&self) -> String {
        let mut parts = vec![kebab(&self.tool), kebab(&self.metric)];
        if let Some(s) = &self.subject {
            parts.push(kebab(s));
        }
        parts.retain(|p| !p.is_empty());
        parts.join("-")
    }

    /// What a chart or table calls it: `closure size`, `eval time (eval)`.
    #[must_use]
    pub fn title(&self) -> String {
        match &self.subject {
            Some(s) => format!("{} ({s})", self.label),
            None => self.label.clone(),
        }
    }

    #[must_use]
    pub fn latest(&self) -> Option<&Point> {
        self.points.last()
    }
}

/// The short form of a revision, as `git log --oneline` prints it, with a
/// `+` when the tree was dirty.
#[must_use]
pub fn short_commit(point: &Point) -> String {
    let short = point
        .commit
        .as_deref()
        .map_or_else(|| "–".to_owned(), |c| c.chars().take(7).collect());
    if point.dirty {
        format!("{short}+")
    } else {
        short
    }
}

/// `camelCase` or free text to `kebab-case`, ASCII letters and digits only.
fn kebab(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The series of `lines`, in the order their metrics first appear; points
/// in the order of the lines.
#[must_use]
pub fn series(lines: &[HistoryLine]) -> Vec<Series> {
    let mut all: Vec<Series> = Vec::new();
    for line in lines {
        for (proto, point) in points_of(line) {
            let found = all.iter_mut().find(|s| {
                s.tool == proto.tool && s.metric == proto.metric && s.subject == proto.subject
            });
            let series = match found {
                Some(s) => s,
                None => {
                    all.push(proto);
                    all.last_mut().expect("just pushed")
                }
            };
            let mut point = point;
            point.delta = series.points.last().map(|p| point.value - p.value);
            series.points.push(point);
        }
    }
    all
}

/// Every (series, point) one line contributes.
fn points_of(line: &HistoryLine) -> Vec<(Series, Point)> {
    let tool = &line.envelope.tool;
    let point = |value: f64, gates: Vec<&Gate>| {
        let limits: Vec<Limit> = gates
            .into_iter()
            .map(|g| Limit {
                gate: g.gate,
                value: g.limit,
                status: g.status,
            })
            .collect();
        Point {
            commit: line.envelope.git.as_ref().map(|g| g.revision.clone()),
            dirty: line.envelope.git.as_ref().is_some_and(|g| g.dirty),
            date: line.envelope.date.clone(),
            value,
            delta: None,
            status: Status::overall(limits.iter().map(|l| l.status)),
            limits,
        }
    };
    let proto = |metric: String, label: &str, subject: Option<String>, unit: Unit| Series {
        tool: tool.clone(),
        metric,
        label: label.to_owned(),
        subject,
        unit,
        points: Vec::new(),
    };
    let mut out = Vec::new();
    let mut covered = vec![false; line.gates.len()];
    for f in &line.figures {
        let mut gates = Vec::new();
        for (i, g) in line.gates.iter().enumerate() {
            let same_subject = f.subject.is_none() || f.subject == g.subject;
            if f.gates.contains(&g.gate) && same_subject {
                covered[i] = true;
                gates.push(g);
            }
        }
        out.push((
            proto(f.metric.clone(), &f.label, f.subject.clone(), f.unit),
            point(f.value, gates),
        ));
    }
    for (g, _) in line.gates.iter().zip(covered).filter(|(_, c)| !c) {
        // A skipped gate measured nothing: no point.
        let Some(actual) = g.actual else { continue };
        let metric = serde_json::to_value(g.gate)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| g.gate.label().to_owned());
        out.push((
            proto(metric, g.gate.label(), g.subject.clone(), g.unit),
            point(actual, vec![g]),
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use flakegate_report::{Envelope, Figure, GitState};

    pub fn line(rev: &str, size: f64, growth: Option<f64>) -> HistoryLine {
        let mut gates = vec![
            Gate::judge(GateId::MaxSize, size, 3000.0),
            Gate::judge(GateId::WarnSize, size, 2000.0),
        ];
        if let Some(g) = growth {
            gates.push(Gate::judge(GateId::MaxGrowth, g, 5.0));
        }
        let mut envelope = Envelope::new("closure", flakegate_report::history::SCHEMA);
        envelope.date = Some("2026-01-01T00:00:00Z".into());
        envelope.git = Some(GitState {
            revision: rev.repeat(40 / rev.len()),
            dirty: false,
            commit_date: None,
        });
        HistoryLine {
            envelope,
            status: Status::overall(gates.iter().map(|g| g.status)),
            figures: vec![
                Figure::new("closureSize", "closure size", Unit::Bytes, size)
                    .judged_by(&[GateId::MaxSize, GateId::WarnSize]),
            ],
            gates,
        }
    }

    #[test]
    fn figures_carry_their_gates_and_other_gates_are_series_of_their_own() {
        let lines = [
            line("a", 1000.0, None),
            line("b", 2500.0, Some(150.0)),
            line("c", 3500.0, Some(40.0)),
        ];
        let s = series(&lines);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].slug(), "closure-closure-size");
        let statuses: Vec<Status> = s[0].points.iter().map(|p| p.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Warn, Status::Fail]);
        assert_eq!(s[0].points[1].delta, Some(1500.0));
        assert_eq!(s[0].points[0].limits.len(), 2);
        assert_eq!(short_commit(&s[0].points[2]), "ccccccc");
        assert_eq!(s[1].metric, "maxGrowth");
        assert_eq!(s[1].points.len(), 2);
        assert_eq!(s[1].points[0].status, Status::Fail);
    }

    #[test]
    fn slugs_are_kebab_case() {
        assert_eq!(kebab("evalTime"), "eval-time");
        assert_eq!(kebab("my bench/№1"), "my-bench-1");
    }
}
