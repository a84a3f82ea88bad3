//! One gate: a measured value held to a limit.
//!
//! Every gate of every tool is a [`GateId`]; the id knows its label, its
//! unit, whether the limit is a ceiling or a floor, and whether crossing it
//! fails the run or only warns. A new gate is one more variant here, so the
//! renderers and `flakegate report` never match on strings.

use serde::{Deserialize, Serialize};

use crate::Status;
use crate::units::{count, duration, size};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GateId {
    /// `closure --max-size`: total closure bytes.
    MaxSize,
    /// `closure --warn-size`.
    WarnSize,
    /// `closure --max-paths`.
    MaxPaths,
    /// `closure --max-growth`: percent over the baseline's total.
    MaxGrowth,
    /// `bench --max-time`: median wall seconds of a benchmark.
    MaxTime,
    /// `bench --max-regression`: percent slowdown beyond the noise.
    MaxRegression,
    /// `bench --max-counter-growth`: percent growth of an exact counter.
    MaxCounterGrowth,
    /// `lock --max-duplicates`: lock nodes beyond the first of each source.
    MaxDuplicates,
    /// `lock --max-age`: days from an input's last change to the reference.
    MaxAge,
    /// `lock --warn-age`.
    WarnAge,
    /// `lock --pinning`: inputs not pinned (no narHash, registry, `path:`
    /// outside the flake, nixpkgs off its channels); warns or fails by mode.
    Pinning,
    /// `build`: derivations that failed to build (always checked, limit 0).
    BuildFailures,
    /// `build --max-build-time`: wall seconds of `nix build`.
    MaxBuildTime,
    /// `build --warn-build-time`.
    WarnBuildTime,
    /// `build --max-built`: derivations built rather than fetched.
    MaxBuilt,
    /// `cache --min-hit-rate`: percent of the closure some cache has.
    MinHitRate,
    /// `cache --warn-hit-rate`.
    WarnHitRate,
    /// `lint --check`: findings allowed (none).
    LintFindings,
    /// `sbom`/`licenses --deny-license`: packages with a denied license.
    DeniedLicense,
    /// `--deny-unfree`: packages with a license nixpkgs marks unfree.
    UnfreeLicense,
    /// `--fail-on-unknown-license`: packages whose license is no SPDX
    /// expression, or who declare none.
    UnknownLicense,
}

/// Which side of the limit fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The value must not exceed the limit.
    Ceiling,
    /// The value must not fall below the limit.
    Floor,
}

/// What a gate's value and limit measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Bytes,
    Paths,
    Percent,
    Seconds,
    /// A plain number of things (duplicate nodes, findings).
    Count,
    Days,
    /// A count of derivations.
    Derivations,
    /// A share of a whole, in percent (unsigned: `72.50%`).
    Rate,
    Packages,
}

impl GateId {
    /// How reports name the gate (`max size`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            GateId::MaxSize => "max size",
            GateId::WarnSize => "warn size",
            GateId::MaxPaths => "max paths",
            GateId::MaxGrowth => "max growth",
            GateId::MaxTime => "max time",
            GateId::MaxRegression => "max regression",
            GateId::MaxCounterGrowth => "max counter growth",
            GateId::MaxDuplicates => "max duplicates",
            GateId::MaxAge => "max age",
            GateId::WarnAge => "warn age",
            GateId::Pinning => "pinning",
            GateId::BuildFailures => "build failures",
            GateId::MaxBuildTime => "max build time",
            GateId::WarnBuildTime => "warn build time",
            GateId::MaxBuilt => "max built",
            GateId::MinHitRate => "min hit rate",
            GateId::WarnHitRate => "warn hit rate",
            GateId::LintFindings => "lint findings",
            GateId::DeniedLicense => "denied license",
            GateId::UnfreeLicense => "unfree license",
            GateId::UnknownLicense => "unknown license",
        }
    }

    #[must_use]
    pub fn unit(self) -> Unit {
        match self {
            GateId::MaxSize | GateId::WarnSize => Unit::Bytes,
            GateId::MaxPaths => Unit::Paths,
            GateId::MaxGrowth | GateId::MaxRegression | GateId::MaxCounterGrowth => Unit::Percent,
            GateId::MaxTime | GateId::MaxBuildTime | GateId::WarnBuildTime => Unit::Seconds,
            GateId::MaxDuplicates | GateId::Pinning | GateId::LintFindings => Unit::Count,
            GateId::MaxAge | GateId::WarnAge => Unit::Days,
            GateId::BuildFailures | GateId::MaxBuilt => Unit::Derivations,
            GateId::MinHitRate | GateId::WarnHitRate => Unit::Rate,
            GateId::DeniedLicense | GateId::UnfreeLicense | GateId::UnknownLicense => {
                Unit::Packages
            }
        }
    }

    #[must_use]
    pub fn bound(self) -> Bound {
        match self {
            GateId::MinHitRate | GateId::WarnHitRate => Bound::Floor,
            _ => Bound::Ceiling,
        }
    }

    /// What crossing the limit means: `Warn` for the warning thresholds,
    /// `Fail` for the rest.
    #[must_use]
    pub fn severity(self) -> Status {
        match self {
            GateId::WarnSize | GateId::WarnAge | GateId::WarnBuildTime | GateId::WarnHitRate => {
                Status::Warn
            }
            _ => Status::Fail,
        }
    }
}

impl Unit {
    /// A value in this unit as reports print it. Percentages of a measured
    /// value are signed (`+2.50%`); see [`Unit::limit`] for limits.
    #[must_use]
    pub fn value(self, v: f64) -> String {
        match self {
            Unit::Bytes => size(as_u64(v)),
            Unit::Paths => format!("{} paths", count(as_u64(v))),
            Unit::Percent => format!("{v:+.2}%"),
            Unit::Seconds => duration(v),
            Unit::Count => count(as_u64(v)),
            Unit::Days if v.fract() == 0.0 => format!("{v:.0} days"),
            Unit::Days => format!("{v:.1} days"),
            Unit::Derivations => format!("{} derivations", count(as_u64(v))),
            Unit::Rate => format!("{v:.2}%"),
            Unit::Packages => format!("{} packages", count(as_u64(v))),
        }
    }

    /// A limit in this unit (`5%`, not `+5.00%`).
    #[must_use]
    pub fn limit(self, v: f64) -> String {
        match self {
            Unit::Percent | Unit::Rate => format!("{v}%"),
            _ => self.value(v),
        }
    }
}

/// Byte and path counts come from `u64`s; the round trip through `f64` is
/// exact below 2^53 and saturates beyond.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn as_u64(v: f64) -> u64 {
    v.max(0.0) as u64
}

/// The verdict of one gate. Its JSON shape is the same in every tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gate {
    pub gate: GateId,
    /// What was measured when a tool checks a gate more than once (a
    /// benchmark's name, an input's path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub status: Status,
    /// The measured value in the gate's unit; absent when skipped.
    pub actual: Option<f64>,
    pub limit: f64,
    pub unit: Unit,
    /// What the value is, or why the gate was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Gate {
    /// Holds `actual` to `limit` by the id's bound and severity.
    #[must_use]
    pub fn judge(id: GateId, actual: f64, limit: f64) -> Self {
        let crossed = match id.bound() {
            Bound::Ceiling => actual > limit,
            Bound::Floor => actual < limit,
        };
        let status = if crossed { id.severity() } else { Status::Pass };
        Self::decided(id, status, Some(actual), limit)
    }

    /// A gate whose verdict needs more than a comparison (a confidence
    /// interval, say): the caller decides.
    #[must_use]
    pub fn decided(id: GateId, status: Status, actual: Option<f64>, limit: f64) -> Self {
        Self {
            gate: id,
            subject: None,
            status,
            actual,
            limit,
            unit: id.unit(),
            detail: None,
        }
    }

    /// A gate that could not judge, and why.
    #[must_use]
    pub fn skipped(id: GateId, limit: f64, reason: impl Into<String>) -> Self {
        Self::decided(id, Status::Skipped, None, limit).with_detail(reason)
    }

    #[must_use]
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The measured value as reports print it (`–` when skipped).
    #[must_use]
    pub fn actual_text(&self) -> String {
        self.actual
            .map_or_else(|| "–".to_owned(), |v| self.unit.value(v))
    }

    #[must_use]
    pub fn limit_text(&self) -> String {
        self.unit.limit(self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ceiling_fails_or_warns_only_above_the_limit() {
        assert_eq!(
            Gate::judge(GateId::MaxSize, 10.0, 10.0).status,
            Status::Pass
        );
        assert_eq!(
            Gate::judge(GateId::MaxSize, 11.0, 10.0).status,
            Status::Fail
        );
        assert_eq!(
            Gate::judge(GateId::WarnSize, 11.0, 10.0).status,
            Status::Warn
        );
    }

    #[test]
    fn a_floor_fails_or_warns_only_below_the_limit() {
        assert_eq!(
            Gate::judge(GateId::MinHitRate, 70.0, 70.0).status,
            Status::Pass
        );
        assert_eq!(
            Gate::judge(GateId::MinHitRate, 69.9, 70.0).status,
            Status::Fail
        );
        assert_eq!(
            Gate::judge(GateId::WarnHitRate, 40.0, 50.0).status,
            Status::Warn
        );
        let g = Gate::judge(GateId::MinHitRate, 72.5, 70.0);
        assert_eq!(
            (g.actual_text(), g.limit_text()),
            ("72.50%".into(), "70%".into())
        );
        assert_eq!(
            Gate::judge(GateId::MaxBuilt, 3.0, 0.0).actual_text(),
            "3 derivations"
        );
    }

    #[test]
    fn values_print_in_the_gates_unit() {
        let g = Gate::judge(GateId::MaxGrowth, 2.5, 5.0);
        assert_eq!(
            (g.actual_text(), g.limit_text()),
            ("+2.50%".into(), "5%".into())
        );
        let g = Gate::judge(GateId::MaxPaths, 1200.0, 1000.0);
        assert_eq!(g.actual_text(), "1,200 paths");
        let g = Gate::skipped(GateId::MaxTime, 10.0, "no reference");
        assert_eq!(
            (g.actual_text(), g.limit_text()),
            ("–".into(), "10.000 s".into())
        );
    }

    #[test]
    fn the_json_shape_names_the_gate_and_its_unit() {
        let g = Gate::judge(GateId::MaxSize, 2.0, 1.0).with_subject("x");
        let v = serde_json::to_value(&g).expect("json");
        assert_eq!(v["gate"], "maxSize");
        assert_eq!(v["unit"], "bytes");
        assert_eq!(v["status"], "fail");
        assert_eq!(v["subject"], "x");
        assert!(v.get("detail").is_none());
    }
}
