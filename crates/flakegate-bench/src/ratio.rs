//! The time ratio of two sets of runs with a 95 % confidence interval.
//!
//! Run times are skewed and their spread grows with their size, so the
//! comparison works on logarithms: the ratio is the ratio of geometric means,
//! exp(mean ln b − mean ln a), and its interval comes from Student's t on the
//! log differences, mapped back with exp.
//!
//! - [`paired`]: A/B runs made interleaved (A B A B …): run i of A and run i
//!   of B saw the same machine load, so the per-pair log ratios are used and
//!   slow drifts of the machine cancel out.
//! - [`welch`]: runs made at different times (a saved baseline): Welch's
//!   unequal-variance interval.

use serde::{Deserialize, Serialize};

use crate::summary::{mean, stddev};

/// `b / a` with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ratio {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    /// `paired` or `welch`.
    pub method: RatioMethod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RatioMethod {
    Paired,
    Welch,
}

impl Ratio {
    /// Whether the interval excludes 1: a difference beyond the noise.
    #[must_use]
    pub fn significant(&self) -> bool {
        self.low > 1.0 || self.high < 1.0
    }
}

/// The ratio of interleaved runs: `a[i]` and `b[i]` ran back to back. `None`
/// below two pairs or when a time is not positive.
#[must_use]
pub fn paired(a: &[f64], b: &[f64]) -> Option<Ratio> {
    let n = a.len().min(b.len());
    if n < 2 || a.iter().chain(b).any(|t| *t <= 0.0) {
        return None;
    }
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y.ln() - x.ln()).collect();
    let m = mean(&d);
    #[allow(clippy::cast_precision_loss)]
    let se = stddev(&d)? / (n as f64).sqrt();
    #[allow(clippy::cast_precision_loss)]
    let t = t975((n - 1) as f64);
    Some(Ratio {
        estimate: m.exp(),
        low: (m - t * se).exp(),
        high: (m + t * se).exp(),
        method: RatioMethod::Paired,
    })
}

/// The ratio of two independent sets of runs (`b` over `a`), Welch's interval.
/// `None` below two runs on a side or when a time is not positive.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn welch(a: &[f64], b: &[f64]) -> Option<Ratio> {
    if a.len() < 2 || b.len() < 2 || a.iter().chain(b).any(|t| *t <= 0.0) {
        return None;
    }
    let la: Vec<f64> = a.iter().map(|t| t.ln()).collect();
    let lb: Vec<f64> = b.iter().map(|t| t.ln()).collect();
    let (na, nb) = (la.len() as f64, lb.len() as f64);
    let (va, vb) = (stddev(&la)?.powi(2) / na, stddev(&lb)?.powi(2) / nb);
    let m = mean(&lb) - mean(&la);
    let se = (va + vb).sqrt();
    let df = if se > 0.0 {
        (va + vb).powi(2) / (va.powi(2) / (na - 1.0) + vb.powi(2) / (nb - 1.0))
    } else {
        na + nb - 2.0
    };
    let t = t975(df);
    Some(Ratio {
        estimate: m.exp(),
        low: (m - t * se).exp(),
        high: (m + t * se).exp(),
        method: RatioMethod::Welch,
    })
}

/// Student's t quantile for a two-sided 95 % interval (the 0.975 quantile)
/// with `df` degrees of freedom, from the standard table, interpolated
/// linearly in 1/df between its rows (good to about 0.005). Below one degree
/// of freedom it answers for one, which only widens the interval.
#[must_use]
pub fn t975(df: f64) -> f64 {
    const TABLE: [(f64, f64); 34] = [
        (1.0, 12.706),
        (2.0, 4.303),
        (3.0, 3.182),
        (4.0, 2.776),
        (5.0, 2.571),
        (6.0, 2.447),
        (7.0, 2.365),
        (8.0, 2.306),
        (9.0, 2.262),
        (10.0, 2.228),
        (11.0, 2.201),
        (12.0, 2.179),
        (13.0, 2.160),
        (14.0, 2.145),
        (15.0, 2.131),
        (16.0, 2.120),
        (17.0, 2.110),
        (18.0, 2.101),
        (19.0, 2.093),
        (20.0, 2.086),
        (21.0, 2.080),
        (22.0, 2.074),
        (23.0, 2.069),
        (24.0, 2.064),
        (25.0, 2.060),
        (26.0, 2.056),
        (27.0, 2.052),
        (28.0, 2.048),
        (29.0, 2.045),
        (30.0, 2.042),
        (40.0, 2.021),
        (60.0, 2.000),
        (120.0, 1.980),
        (f64::INFINITY, 1.960),
    ];
    if !df.is_finite() {
        return 1.960;
    }
    let df = df.max(1.0);
    for pair in TABLE.windows(2) {
        let ((d0, t0), (d1, t1)) = (pair[0], pair[1]);
        if df <= d1 {
            let (x0, x1, x) = (1.0 / d0, 1.0 / d1, 1.0 / df);
            return t0 + (t1 - t0) * (x0 - x) / (x0 - x1);
        }
    }
    1.960
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() < eps
    }

    #[test]
    fn t_quantiles_match_the_table_and_interpolate() {
        assert!(close(t975(1.0), 12.706, 1e-9));
        assert!(close(t975(4.0), 2.776, 1e-9));
        assert!(close(t975(0.3), 12.706, 1e-9));
        assert!(close(t975(f64::INFINITY), 1.960, 1e-9));
        // t(0.975, 50) = 2.0086; interpolated between 40 and 60.
        assert!(close(t975(50.0), 2.0086, 0.002), "{}", t975(50.0));
        // Fractional degrees of freedom (Welch) fall between the rows.
        assert!(t975(4.5) < 2.776 && t975(4.5) > 2.571);
        assert!(t975(1000.0) > 1.96 && t975(1000.0) < 1.963);
    }

    #[test]
    fn paired_interval_by_hand() {
        // Log ratios ln 1.1 ± a little: mean ln 1.1, interval from t(4).
        let a = [1.0, 2.0, 1.0, 2.0, 1.0];
        let f = [1.09, 1.11, 1.10, 1.12, 1.08];
        let b: Vec<f64> = a.iter().zip(f).map(|(x, k)| x * k).collect();
        let r = paired(&a, &b).expect("ratio");
        let d: Vec<f64> = f.iter().map(|k: &f64| k.ln()).collect();
        let m = mean(&d);
        let se = stddev(&d).expect("sd") / 5f64.sqrt();
        assert!(close(r.estimate, m.exp(), 1e-12));
        assert!(close(r.low, (m - 2.776 * se).exp(), 1e-12));
        assert!(close(r.high, (m + 2.776 * se).exp(), 1e-12));
        assert!(r.significant());
        // The machine's swings between pairs (1 s vs 2 s) do not widen it.
        assert!(r.high / r.low < 1.05, "{r:?}");
    }

    #[test]
    fn welch_interval_by_hand() {
        let a = [1.0, 1.1, 0.9, 1.0];
        let b = [1.2, 1.3, 1.1, 1.2, 1.25];
        let r = welch(&a, &b).expect("ratio");
        let la: Vec<f64> = a.iter().map(|t: &f64| t.ln()).collect();
        let lb: Vec<f64> = b.iter().map(|t: &f64| t.ln()).collect();
        let (va, vb) = (
            stddev(&la).expect("sd").powi(2) / 4.0,
            stddev(&lb).expect("sd").powi(2) / 5.0,
        );
        let df = (va + vb).powi(2) / (va.powi(2) / 3.0 + vb.powi(2) / 4.0);
        let m = mean(&lb) - mean(&la);
        let t = t975(df);
        assert!(close(r.low, (m - t * (va + vb).sqrt()).exp(), 1e-12));
        assert!(close(r.estimate, m.exp(), 1e-12));
        assert!(r.significant() && r.estimate > 1.1);
    }

    #[test]
    fn noise_is_not_significant_and_too_few_runs_give_nothing() {
        let a = [1.0, 1.2, 0.9, 1.1, 1.0];
        let b = [1.1, 0.95, 1.15, 1.0, 1.05];
        assert!(!welch(&a, &b).expect("ratio").significant());
        assert!(!paired(&a, &b).expect("ratio").significant());
        assert_eq!(paired(&[1.0], &[1.0]), None);
        assert_eq!(welch(&[1.0, 2.0], &[1.0]), None);
        assert_eq!(welch(&[1.0, 0.0], &[1.0, 1.0]), None);
        // Identical runs: a zero-width interval at exactly 1.
        let same = welch(&[1.0, 1.0], &[1.0, 1.0]).expect("ratio");
        assert!(close(same.low, 1.0, 1e-12) && !same.significant());
    }
}
