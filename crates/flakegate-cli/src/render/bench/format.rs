//! Numbers as `flakegate bench` shows them: durations, ratios, counters.

use flakegate_bench::ratio::Ratio;
pub use flakegate_report::units::{count, duration, signed_count};

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
    flakegate_report::units::size(b.max(0.0) as u64)
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
