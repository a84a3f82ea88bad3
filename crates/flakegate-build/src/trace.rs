//! Chrome trace-event JSON (the format Perfetto and `about:tracing` open):
//! one complete event (`"ph": "X"`) per step and per phase, timestamps in
//! microseconds. Steps are laid out on lanes so that no two overlap on one
//! lane, which is how the viewers show parallel builds.

use serde_json::{Value, json};

use crate::profile::{Step, StepKind};

fn micros(seconds: f64) -> i64 {
    // Seconds of a build fit easily; the cast only drops sub-microseconds.
    #[allow(clippy::cast_possible_truncation)]
    let us = (seconds * 1_000_000.0).round() as i64;
    us
}

/// The trace of a profile's steps.
#[must_use]
pub fn trace(steps: &[Step]) -> Value {
    let mut lanes: Vec<f64> = Vec::new();
    let mut events = vec![json!({
        "name": "process_name", "ph": "M", "pid": 1, "tid": 0,
        "args": { "name": "nix build" }
    })];
    for step in steps {
        let lane = lanes
            .iter()
            .position(|end| *end <= step.start)
            .unwrap_or_else(|| {
                lanes.push(0.0);
                lanes.len() - 1
            });
        lanes[lane] = step.end;
        let tid = lane + 1;
        let category = match step.kind {
            StepKind::Built => "build",
            StepKind::Substituted => "substitute",
        };
        let mut args = json!({ "path": step.path });
        if let Some(m) = &step.machine {
            args["machine"] = json!(m);
        }
        if let Some(c) = &step.cache {
            args["cache"] = json!(c);
        }
        if let Some(b) = step.downloaded_bytes {
            args["downloadedBytes"] = json!(b);
        }
        events.push(json!({
            "name": step.name, "cat": category, "ph": "X", "pid": 1, "tid": tid,
            "ts": micros(step.start), "dur": micros(step.duration), "args": args
        }));
        for phase in &step.phases {
            events.push(json!({
                "name": phase.name, "cat": "phase", "ph": "X", "pid": 1, "tid": tid,
                "ts": micros(phase.start), "dur": micros((phase.end - phase.start).max(0.0))
            }));
        }
    }
    json!({ "traceEvents": events, "displayTimeUnit": "ms" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_steps_get_their_own_lanes() {
        let step = crate::profile::built_step;
        let t = trace(&[
            step("a", 0.0, 1.0),
            step("b", 0.5, 1.0),
            step("c", 1.0, 2.0),
        ]);
        let events = t["traceEvents"].as_array().expect("events");
        let tids: Vec<i64> = events[1..]
            .iter()
            .map(|e| e["tid"].as_i64().expect("tid"))
            .collect();
        assert_eq!(tids, [1, 2, 1]);
        assert_eq!(events[2]["ts"], 500_000);
        assert_eq!(events[2]["dur"], 500_000);
    }
}
