//! Numbers as `flakegate bench` shows them: durations, ratios, counters.

use flakegate_bench::gates::{GateOutcome, GateStatus};
use flakegate_bench::ratio::Ratio;

/// `812 µs`, `61.2 ms`, `1.234 s`, `75.0 s`.
pub fn duration(seconds: f64) -> String {
    let s = seconds.abs();
    let text = if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else if s < 60.0 {
        format!("{s:.3} s")
    } else {
        format!("{s:.1} s")
    };
    if seconds < 0.0 {
        format!("-{text}")
    } else {
        text
    }
}

/// `20,045`.
pub fn count(n: u64) -> String {
    let digits = n.to_string().into_bytes();
    let groups: Vec<&str> = digits
        .rchunks(3)
        .rev()
        .map(|g| std::str::from_utf8(g).unwrap_or_default())
        .collect();
    groups.join(",")
}

/// `+212` / `-10` / `0`.
pub fn signed_count(n: i64) -> String {
    match n {
        0 => "0".to_owned(),
        n if n > 0 => format!("+{}", count(n.unsigned_abs())),
        n => format!("-{}", count(n.unsigned_abs())),
    }
}

/// `+0.99%`, `-1.20%`, `new` for growth from zero.
pub fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| "from 0".to_owned(), |p| format!("{p:+.2}%"))
}

/// `×1.012 (95% CI ×0.990–×1.034)`.
pub fn ratio(r: &Ratio) -> String {
    format!("×{:.3} (95% CI ×{:.3}–×{:.3})", r.estimate, r.low, r.high)
}

/// Bytes in IEC units (`27.7 MiB`).
pub fn bytes(b: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    crate::units::size(b.max(0.0) as u64)
}

pub fn gate_label(gate: &str) -> &str {
    match gate {
        "maxTime" => "max time",
        "maxRegression" => "max regression",
        "maxCounterGrowth" => "max counter growth",
        other => other,
    }
}

/// A gate's measured value and limit, in its unit.
pub fn gate_values(g: &GateOutcome) -> (String, String) {
    match g.gate.as_str() {
        "maxTime" => (
            g.actual.map_or_else(|| "–".to_owned(), duration),
            duration(g.limit),
        ),
        _ => (
            g.actual
                .map_or_else(|| "–".to_owned(), |a| format!("{a:+.2}%")),
            format!("{}%", g.limit),
        ),
    }
}

pub fn status_word(s: GateStatus) -> &'static str {
    match s {
        GateStatus::Pass => "pass",
        GateStatus::Skipped => "skipped",
        GateStatus::Fail => "FAIL",
    }
}

/// The counters a reader looks at first, in this order; the JSON has all.
pub const HEADLINE_COUNTERS: [&str; 6] = [
    "nrThunks",
    "nrFunctionCalls",
    "nrPrimOpCalls",
    "values.number",
    "envs.number",
    "sets.number",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(duration(0.000_812), "812 µs");
        assert_eq!(duration(0.0612), "61.2 ms");
        assert_eq!(duration(1.2341), "1.234 s");
        assert_eq!(duration(75.0), "75.0 s");
        assert_eq!(duration(-0.5), "-500.0 ms");
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(signed_count(-1200), "-1,200");
        assert_eq!(signed_count(212), "+212");
        assert_eq!(percent(Some(0.991)), "+0.99%");
        assert_eq!(percent(None), "from 0");
    }
}
