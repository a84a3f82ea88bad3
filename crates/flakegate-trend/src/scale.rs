//! How a chart's axis shows a unit: one scale for the whole axis (MiB, ms),
//! chosen by the largest value, so that tick labels are short numbers and
//! the axis title says the unit.

use flakegate_report::Unit;

/// A divisor and the unit's name on the axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub divisor: f64,
    pub name: &'static str,
}

/// The scale for values of `unit` up to `max`.
#[must_use]
pub fn scale(unit: Unit, max: f64) -> Scale {
    let s = |divisor: f64, name| Scale { divisor, name };
    let max = max.abs();
    match unit {
        Unit::Bytes => {
            const NAMES: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
            let mut divisor = 1.0;
            let mut i = 0;
            while i + 1 < NAMES.len() && max >= divisor * 1024.0 {
                divisor *= 1024.0;
                i += 1;
            }
            s(divisor, NAMES[i])
        }
        Unit::Seconds if max < 1.0 => s(0.001, "ms"),
        Unit::Seconds => s(1.0, "s"),
        Unit::Percent | Unit::Rate => s(1.0, "%"),
        Unit::Paths => s(1.0, "paths"),
        Unit::Count => s(1.0, "count"),
        Unit::Days => s(1.0, "days"),
        Unit::Derivations => s(1.0, "derivations"),
        Unit::Packages => s(1.0, "packages"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_value_picks_the_scale() {
        assert_eq!(scale(Unit::Bytes, 1000.0).name, "bytes");
        assert_eq!(scale(Unit::Bytes, 3.5 * 1024.0 * 1024.0).name, "MiB");
        assert_eq!(scale(Unit::Seconds, 0.25).name, "ms");
        assert_eq!(scale(Unit::Seconds, 12.0).name, "s");
    }
}
