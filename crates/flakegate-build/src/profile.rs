//! From Nix's event stream to steps. A build activity (type 105) names its
//! `.drv` and, for a remote build, the machine; `setPhase` results mark its
//! phases; a substitute activity (108) names the path and the cache, and the
//! copy (100) and download (101) activities under it carry byte progress.

use std::collections::BTreeMap;
use std::time::Duration;

use flakegate_store::build::{ActivityKind, Event, Field, ResultKind, TimedEvent};
use flakegate_store::name::store_path_name;
use serde::{Deserialize, Serialize};

/// Built from a derivation, or fetched from a cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    Built,
    Substituted,
}

/// One phase of a build (`setPhase`), as long as it lasted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Phase {
    pub name: String,
    pub start: f64,
    pub end: f64,
}

/// One build or substitution. Times are seconds since `nix build` started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub kind: StepKind,
    /// The `.drv` built, or the store path fetched.
    pub path: String,
    /// The store path name, without hash (and without `.drv`).
    pub name: String,
    pub start: f64,
    pub end: f64,
    pub duration: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<Phase>,
    /// The remote machine that built it (`None`: this machine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// The cache a substitution came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<String>,
    /// Bytes downloaded for a substitution (compressed), when Nix said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloaded_bytes: Option<u64>,
    /// Whether Nix reported this build as failed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failed: bool,
    /// Whether the step was still running when Nix exited.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unfinished: bool,
}

/// All steps of a run, in start order, and what they add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub steps: Vec<Step>,
    /// Sum of the bytes of every file transfer (narinfos and NARs).
    pub downloaded_bytes: u64,
}

/// Seconds with millisecond resolution (what reports show and JSON keeps).
#[must_use]
pub fn seconds(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// `/nix/store/<hash>-<name>[.drv]` → `<name>`.
#[must_use]
pub fn step_name(path: &str) -> String {
    let name = store_path_name(path);
    name.strip_suffix(".drv").unwrap_or(name).to_owned()
}

/// A built step without phases, for tests.
#[cfg(test)]
pub(crate) fn built_step(path: &str, start: f64, end: f64) -> Step {
    Step {
        kind: StepKind::Built,
        path: path.into(),
        name: path.into(),
        start,
        end,
        duration: end - start,
        phases: Vec::new(),
        machine: None,
        cache: None,
        downloaded_bytes: None,
        failed: false,
        unfinished: false,
    }
}

struct Open {
    step: Step,
    phase: Option<(String, f64)>,
}

fn text(fields: &[Field], i: usize) -> Option<&str> {
    fields.get(i).and_then(Field::as_str)
}

/// Turns a run's events into steps. `wall` ends the steps Nix never
/// stopped (a failed or interrupted build).
#[must_use]
pub fn profile(events: &[TimedEvent], wall: Duration) -> Profile {
    let mut open: BTreeMap<u64, Open> = BTreeMap::new();
    // Transfer and copy activities: id → (path they belong to, last byte count).
    let mut transfers: BTreeMap<u64, u64> = BTreeMap::new();
    let mut copies: BTreeMap<u64, String> = BTreeMap::new();
    let mut done: Vec<Step> = Vec::new();
    let mut failed_drvs: Vec<String> = Vec::new();
    for TimedEvent { at, event } in events {
        let at = seconds(*at);
        match event {
            Event::Start {
                id, kind, fields, ..
            } => match kind {
                ActivityKind::Build | ActivityKind::Substitute => {
                    let Some(path) = text(fields, 0) else {
                        continue;
                    };
                    let other = text(fields, 1).filter(|s| !s.is_empty()).map(str::to_owned);
                    let built = *kind == ActivityKind::Build;
                    open.insert(
                        *id,
                        Open {
                            step: Step {
                                kind: if built {
                                    StepKind::Built
                                } else {
                                    StepKind::Substituted
                                },
                                path: path.to_owned(),
                                name: step_name(path),
                                start: at,
                                end: at,
                                duration: 0.0,
                                phases: Vec::new(),
                                machine: if built { other.clone() } else { None },
                                cache: if built { None } else { other },
                                downloaded_bytes: None,
                                failed: false,
                                unfinished: false,
                            },
                            phase: None,
                        },
                    );
                }
                ActivityKind::FileTransfer => {
                    transfers.insert(*id, 0);
                }
                ActivityKind::CopyPath => {
                    if let Some(path) = text(fields, 0) {
                        copies.insert(*id, path.to_owned());
                    }
                }
                _ => {}
            },
            Event::Result { id, kind, fields } => match kind {
                ResultKind::SetPhase => {
                    if let (Some(o), Some(name)) = (open.get_mut(id), text(fields, 0)) {
                        if let Some((prev, start)) = o.phase.take() {
                            o.step.phases.push(Phase {
                                name: prev,
                                start,
                                end: at,
                            });
                        }
                        o.phase = Some((name.to_owned(), at));
                    }
                }
                ResultKind::Progress => {
                    let done_bytes = fields.first().and_then(Field::as_int).unwrap_or(0);
                    if let Some(t) = transfers.get_mut(id) {
                        *t = (*t).max(done_bytes);
                    } else if let Some(path) = copies.get(id) {
                        // Bytes copied into the store for a substitution.
                        if let Some(o) = open
                            .values_mut()
                            .find(|o| o.step.kind == StepKind::Substituted && o.step.path == *path)
                        {
                            let b = o.step.downloaded_bytes.unwrap_or(0).max(done_bytes);
                            o.step.downloaded_bytes = Some(b);
                        }
                    }
                }
                _ => {}
            },
            Event::Stop { id } => {
                if let Some(mut o) = open.remove(id) {
                    close(&mut o, at, false);
                    done.push(o.step);
                }
            }
            Event::Msg { level: 0, text } => {
                // "builder for '/nix/store/…-x.drv' failed with exit code 1"
                if let Some(drv) = text
                    .split('\'')
                    .find(|s| s.ends_with(".drv") && s.starts_with('/'))
                {
                    failed_drvs.push(drv.to_owned());
                }
            }
            Event::Msg { .. } => {}
        }
    }
    let end = seconds(wall);
    for (_, mut o) in std::mem::take(&mut open) {
        close(&mut o, end, true);
        done.push(o.step);
    }
    for step in &mut done {
        step.failed = step.kind == StepKind::Built && failed_drvs.contains(&step.path);
    }
    done.sort_by(|a, b| {
        a.start
            .total_cmp(&b.start)
            .then_with(|| a.path.cmp(&b.path))
    });
    let downloaded_bytes = transfers
        .values()
        .fold(0u64, |acc, b| acc.saturating_add(*b));
    Profile {
        steps: done,
        downloaded_bytes,
    }
}

fn close(o: &mut Open, at: f64, unfinished: bool) {
    if let Some((name, start)) = o.phase.take() {
        o.step.phases.push(Phase {
            name,
            start,
            end: at,
        });
    }
    o.step.end = at;
    o.step.duration = round((at - o.step.start).max(0.0));
    o.step.unfinished = unfinished;
}

#[cfg(test)]
mod tests {
    use super::*;
    use flakegate_store::build::{Line, log::parse_line};

    fn ev(line: &str) -> Event {
        match parse_line(line) {
            Ok(Line::Event(e)) => e,
            other => panic!("not an event: {other:?}"),
        }
    }

    fn timed(ms: u64, line: &str) -> TimedEvent {
        TimedEvent {
            at: Duration::from_millis(ms),
            event: ev(line),
        }
    }

    #[test]
    fn builds_phases_and_substitutions() {
        let events = vec![
            timed(
                0,
                r#"@nix {"action":"start","fields":["/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv","builder@remote",1,1],"id":1,"level":3,"text":"","type":105}"#,
            ),
            timed(
                100,
                r#"@nix {"action":"result","fields":["unpackPhase"],"id":1,"type":104}"#,
            ),
            timed(
                400,
                r#"@nix {"action":"result","fields":["buildPhase"],"id":1,"type":104}"#,
            ),
            timed(
                50,
                r#"@nix {"action":"start","fields":["/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-y","https://cache"],"id":2,"level":0,"text":"","type":108}"#,
            ),
            timed(
                60,
                r#"@nix {"action":"start","fields":["https://cache/nar/z.nar.xz"],"id":3,"level":4,"text":"","type":101}"#,
            ),
            timed(
                70,
                r#"@nix {"action":"result","fields":[500,1000,0,0],"id":3,"type":105}"#,
            ),
            timed(
                80,
                r#"@nix {"action":"result","fields":[1000,1000,0,0],"id":3,"type":105}"#,
            ),
            timed(90, r#"@nix {"action":"stop","id":3}"#),
            timed(95, r#"@nix {"action":"stop","id":2}"#),
            timed(1500, r#"@nix {"action":"stop","id":1}"#),
        ];
        let p = profile(&events, Duration::from_secs(2));
        assert_eq!(p.downloaded_bytes, 1000);
        let [built, fetched] = p.steps.as_slice() else {
            panic!("two steps: {p:?}")
        };
        assert_eq!(built.name, "x");
        assert_eq!(built.duration, 1.5);
        assert_eq!(built.machine.as_deref(), Some("builder@remote"));
        assert_eq!(
            built
                .phases
                .iter()
                .map(|p| (p.name.as_str(), p.start, p.end))
                .collect::<Vec<_>>(),
            [("unpackPhase", 0.1, 0.4), ("buildPhase", 0.4, 1.5)]
        );
        assert_eq!(fetched.kind, StepKind::Substituted);
        assert_eq!(fetched.cache.as_deref(), Some("https://cache"));
        assert!((fetched.duration - 0.045).abs() < 1e-9);
    }

    #[test]
    fn unfinished_and_failed_builds_are_marked() {
        let events = vec![
            timed(
                0,
                r#"@nix {"action":"start","fields":["/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv","",1,1],"id":1,"level":3,"text":"","type":105}"#,
            ),
            timed(
                10,
                r#"@nix {"action":"msg","level":0,"msg":"error: builder for '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv' failed with exit code 1"}"#,
            ),
        ];
        let p = profile(&events, Duration::from_millis(500));
        assert!(p.steps[0].failed && p.steps[0].unfinished);
        assert_eq!(p.steps[0].end, 0.5);
        assert_eq!(
            step_name("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12.drv"),
            "hello-2.12"
        );
    }
}
