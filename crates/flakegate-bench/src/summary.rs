//! Descriptive statistics of a set of samples, and outliers by modified
//! z-score (Iglewicz and Hoaglin): flagged for the reader, never dropped.

use serde::{Deserialize, Serialize};

/// A sample is flagged as an outlier when its modified z-score exceeds this.
pub const OUTLIER_Z: f64 = 3.5;

/// The least spread (in seconds, as a MAD) the outlier scores assume: below
/// a millisecond, or a hundredth of the median, the spread is the timer's and
/// the scheduler's jitter, not the work's. Without this floor a quiet run
/// (MAD 0.7 ms) flagged runs a few milliseconds slower than the median.
pub const MIN_SPREAD_SECS: f64 = 0.001;
const MIN_SPREAD_OF_MEDIAN: f64 = 0.01;

/// Median, mean, standard deviation, median absolute deviation, min and max.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub count: usize,
    pub median: f64,
    pub mean: f64,
    /// Sample standard deviation (n − 1); `None` for a single sample.
    pub stddev: Option<f64>,
    /// Median absolute deviation from the median (unscaled).
    pub mad: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    /// The summary of `values`; `None` when there are none.
    #[must_use]
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let median = median(values);
        let mean = mean(values);
        let deviations: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
        Some(Self {
            count: values.len(),
            median,
            mean,
            stddev: stddev(values),
            mad: self::median(&deviations),
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// The median; the mean of the two middle values for an even count.
#[must_use]
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => f64::midpoint(sorted[n / 2 - 1], sorted[n / 2]),
    }
}

#[must_use]
#[allow(clippy::cast_precision_loss)] // sample counts are small
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The sample standard deviation; `None` below two values.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn stddev(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values);
    let sum: f64 = values.iter().map(|v| (v - m) * (v - m)).sum();
    Some((sum / (values.len() - 1) as f64).sqrt())
}

/// The modified z-score of every value: 0.6745 · (x − median) / MAD. When
/// more than half the values are equal the MAD is 0; the mean absolute
/// deviation (scaled by 1.2533 to estimate the same spread) stands in, and
/// when that is 0 too every value is equal and every score 0.
#[must_use]
pub fn modified_z_scores(values: &[f64]) -> Vec<f64> {
    z_scores(values, 0.0)
}

/// Modified z-scores whose spread is at least `floor` (as a MAD).
fn z_scores(values: &[f64], floor: f64) -> Vec<f64> {
    if values.is_empty() {
        return Vec::new();
    }
    let m = median(values);
    let deviations: Vec<f64> = values.iter().map(|v| (v - m).abs()).collect();
    let mad = median(&deviations);
    let scale = if mad > 0.0 {
        mad.max(floor) / 0.6745
    } else {
        (1.253_314 * mean(&deviations)).max(floor / 0.6745)
    };
    values
        .iter()
        .map(|v| if scale > 0.0 { (v - m) / scale } else { 0.0 })
        .collect()
}

/// Which values (seconds) are outliers: a modified z-score above
/// [`OUTLIER_Z`], with the spread taken as at least [`MIN_SPREAD_SECS`] or a
/// hundredth of the median, whichever is larger.
#[must_use]
pub fn outliers(values: &[f64]) -> Vec<bool> {
    let floor = MIN_SPREAD_SECS.max(MIN_SPREAD_OF_MEDIAN * median(values).abs());
    z_scores(values, floor)
        .iter()
        .map(|z| z.abs() > OUTLIER_Z)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn summarises_known_values() {
        let s = Summary::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).expect("values");
        assert_eq!(s.count, 8);
        assert!(close(s.mean, 5.0));
        assert!(close(s.median, 4.5));
        // Sum of squared deviations 32, n − 1 = 7.
        assert!(close(
            s.stddev.expect("two or more"),
            (32.0_f64 / 7.0).sqrt()
        ));
        // |x − 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5 → median 0.5.
        assert!(close(s.mad, 0.5));
        assert!(close(s.min, 2.0) && close(s.max, 9.0));
        let one = Summary::of(&[3.0]).expect("one");
        assert_eq!(one.stddev, None);
        assert!(close(one.median, 3.0) && close(one.mad, 0.0));
        assert_eq!(Summary::of(&[]), None);
    }

    #[test]
    fn flags_the_slow_run_and_keeps_it() {
        let times = [1.00, 1.02, 0.99, 1.01, 1.60];
        assert_eq!(outliers(&times), [false, false, false, false, true]);
        // A fast outlier counts as much as a slow one.
        assert_eq!(
            outliers(&[1.0, 1.0, 1.01, 0.99, 0.4])
                .iter()
                .filter(|o| **o)
                .count(),
            1
        );
        // Ordinary jitter is not an outlier.
        assert!(outliers(&[1.0, 1.1, 0.9, 1.05, 0.95]).iter().all(|o| !o));
    }

    #[test]
    fn a_quiet_run_is_not_flagged() {
        // MAD 0.728 ms: two runs 6 ms off the median are jitter (z 5.6 by
        // the plain modified z-score), not a busy machine.
        let quiet = [0.2500, 0.249_272, 0.250_728, 0.2560, 0.2440];
        let plain = modified_z_scores(&quiet);
        assert!(
            plain[3].abs() > OUTLIER_Z && plain[4].abs() > OUTLIER_Z,
            "{plain:?}"
        );
        assert!(outliers(&quiet).iter().all(|o| !o));
        // The same quiet spread with one run 80 ms slow: flagged.
        let busy = [0.2500, 0.249_272, 0.250_728, 0.2504, 0.3300];
        assert_eq!(outliers(&busy), [false, false, false, false, true]);
        // Sub-millisecond runs: a millisecond of jitter is not an outlier.
        assert!(
            outliers(&[0.0010, 0.0011, 0.0010, 0.0012, 0.0019])
                .iter()
                .all(|o| !o)
        );
    }

    #[test]
    fn equal_values_have_no_outliers_and_a_zero_mad_falls_back() {
        assert!(outliers(&[2.0; 5]).iter().all(|o| !o));
        // MAD is 0 (three equal values) but one value is far off.
        let z = modified_z_scores(&[1.0, 1.0, 1.0, 1.0, 9.0]);
        assert!(z[4] > OUTLIER_Z, "{z:?}");
        assert!(close(z[0], 0.0));
    }
}
