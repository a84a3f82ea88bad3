//! The license gate: a policy held against every component's licenses.
//!
//! - `deny`: SPDX ids (`GPL-3.0-only`) or `lib.licenses` names (`gpl3Only`,
//!   `unfreeRedistributable`); a license value is denied when every way of
//!   reading it is denied (`MIT OR GPL-3.0-only` survives a denied GPL);
//! - `deny_unfree`: nixpkgs' `free = false`;
//! - `fail_on_unknown`: a license that is no SPDX expression (a
//!   `LicenseRef-`), or an evaluated package that declares none;
//! - `allow`: exceptions to all three (`--deny-unfree --allow-license
//!   unfreeRedistributable`).
//!
//! A list of licenses has no meaning in nixpkgs, so each value of it is
//! judged on its own. Each violation names the package, its license and the
//! shortest chain of dependencies from the root that pulls it in.

use std::collections::{BTreeMap, HashMap, VecDeque};

use flakegate_report::{Gate, GateId, Status};
use serde::{Deserialize, Serialize};
use spdx::{Expression, LicenseReq, ParseMode};

use crate::license::canonical_expression;
use crate::model::{Bom, Component, License, LicenseKind};

/// One `--deny-license`/`--allow-license` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// SPDX license ids (`MIT`, or every id of `MIT OR ISC`).
    Spdx(Vec<String>),
    /// A `lib.licenses` attribute name, or a `LicenseRef-`.
    Name(String),
}

impl Term {
    /// Reads a term; an error says why it is neither kind.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        if let Some(expr) = canonical_expression(t).filter(|e| !e.starts_with("LicenseRef-")) {
            let ids: Vec<String> = Expression::parse_mode(&expr, ParseMode::LAX)
                .map(|e| {
                    e.requirements()
                        .filter_map(|r| r.req.license.id().map(|i| i.name.to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            if !ids.is_empty() {
                return Ok(Self::Spdx(ids));
            }
        }
        let name_like = !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+'));
        if name_like {
            Ok(Self::Name(t.to_owned()))
        } else {
            Err(format!(
                "{s:?} is neither an SPDX license id nor a lib.licenses name"
            ))
        }
    }

    fn matches_req(&self, req: &LicenseReq) -> bool {
        match self {
            Self::Spdx(ids) => req
                .license
                .id()
                .is_some_and(|id| ids.iter().any(|i| i == id.name)),
            Self::Name(n) => req.license.to_string() == *n,
        }
    }

    fn matches_name(&self, l: &License) -> bool {
        match self {
            Self::Name(n) => {
                l.short_name.as_deref() == Some(n.as_str())
                    || matches!(&l.kind, LicenseKind::Unknown { license_ref, .. } if license_ref == n)
            }
            Self::Spdx(_) => false,
        }
    }
}

/// What the gate enforces.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub deny: Vec<Term>,
    pub allow: Vec<Term>,
    pub deny_unfree: bool,
    pub fail_on_unknown: bool,
}

/// Which rule a license broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Rule {
    Denied,
    Unfree,
    Unknown,
}

impl Rule {
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Rule::Denied => "denied",
            Rule::Unfree => "unfree",
            Rule::Unknown => "unknown",
        }
    }
}

/// One package that breaks the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub rule: Rule,
    /// `name version`.
    pub package: String,
    /// Its `.drv` (or store path).
    pub reference: String,
    /// The license as written (an SPDX expression, or nixpkgs' text).
    pub license: String,
    /// The `lib.licenses` name, when nixpkgs gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_name: Option<String>,
    /// From the root to the package, each `name version`.
    pub chain: Vec<String>,
}

impl Policy {
    /// Whether any rule is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.deny.is_empty() && !self.deny_unfree && !self.fail_on_unknown
    }

    /// Every violation in `bom`, ordered by rule, package and license.
    #[must_use]
    pub fn check(&self, bom: &Bom) -> Vec<Violation> {
        let chains = Chains::new(bom);
        let mut out = Vec::new();
        for c in bom.all_components() {
            for (rule, license, name) in self.judge(c) {
                out.push(Violation {
                    rule,
                    package: label(c),
                    reference: c.bom_ref.clone(),
                    license,
                    license_name: name,
                    chain: chains.to(&c.bom_ref),
                });
            }
        }
        out.sort_by(|a, b| {
            (a.rule, &a.package, &a.license, &a.reference).cmp(&(
                b.rule,
                &b.package,
                &b.license,
                &b.reference,
            ))
        });
        out
    }

    fn judge(&self, c: &Component) -> Vec<(Rule, String, Option<String>)> {
        let mut out = Vec::new();
        if self.fail_on_unknown && c.evaluated && c.licenses.is_empty() {
            out.push((Rule::Unknown, "none declared".to_owned(), None));
        }
        for l in &c.licenses {
            if self.passes(&self.allow, l) {
                continue;
            }
            let rule = if self.denied(l) {
                Rule::Denied
            } else if self.deny_unfree && l.free == Some(false) {
                Rule::Unfree
            } else if self.fail_on_unknown && matches!(l.kind, LicenseKind::Unknown { .. }) {
                Rule::Unknown
            } else {
                continue;
            };
            out.push((rule, l.display().to_owned(), l.short_name.clone()));
        }
        out
    }

    /// Allowed: a term names it, or some way of reading it is allowed.
    fn passes(&self, terms: &[Term], l: &License) -> bool {
        if terms.is_empty() {
            return false;
        }
        if terms.iter().any(|t| t.matches_name(l)) {
            return true;
        }
        match &l.kind {
            LicenseKind::Spdx(e) => Expression::parse_mode(e, ParseMode::LAX)
                .is_ok_and(|x| x.evaluate(|req| terms.iter().any(|t| t.matches_req(req)))),
            LicenseKind::Unknown { .. } => false,
        }
    }

    /// Denied: a term names it, or every way of reading it is denied.
    fn denied(&self, l: &License) -> bool {
        if self.deny.iter().any(|t| t.matches_name(l)) {
            return true;
        }
        match &l.kind {
            LicenseKind::Spdx(e) => Expression::parse_mode(e, ParseMode::LAX)
                .is_ok_and(|x| !x.evaluate(|req| !self.deny.iter().any(|t| t.matches_req(req)))),
            LicenseKind::Unknown { .. } => false,
        }
    }
}

/// The license gate's report (`flakegate licenses`, `sbom` with a policy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseReport {
    /// What was checked, as the user named it.
    pub installable: String,
    /// `runtime` or `buildtime`.
    pub graph: String,
    /// Components checked (the root included).
    pub packages: usize,
    /// Whether there was evaluation metadata; without it no license is
    /// known and every gate is skipped.
    pub metadata: bool,
    pub violations: Vec<Violation>,
    pub gates: Vec<Gate>,
    pub status: Status,
}

flakegate_report::impl_report!(LicenseReport, "licenses", "flakegate.licenses/1");

impl Policy {
    /// Checks `bom` and reports: one gate per rule asked for, failing when
    /// any package breaks it.
    #[must_use]
    pub fn report(&self, bom: &Bom, installable: &str) -> LicenseReport {
        let metadata = bom.metadata == crate::model::MetadataSource::Evaluation;
        let violations = if metadata {
            self.check(bom)
        } else {
            Vec::new()
        };
        let mut gates = Vec::new();
        for (on, id, rule) in [
            (!self.deny.is_empty(), GateId::DeniedLicense, Rule::Denied),
            (self.deny_unfree, GateId::UnfreeLicense, Rule::Unfree),
            (self.fail_on_unknown, GateId::UnknownLicense, Rule::Unknown),
        ] {
            if !on {
                continue;
            }
            if !metadata {
                gates.push(Gate::skipped(
                    id,
                    0.0,
                    "no license metadata: the installable was not evaluated (use a flake reference)",
                ));
                continue;
            }
            let offenders: Vec<&str> = violations
                .iter()
                .filter(|v| v.rule == rule)
                .map(|v| v.package.as_str())
                .collect();
            let mut names = offenders.clone();
            names.dedup();
            #[allow(clippy::cast_precision_loss)]
            let gate = Gate::judge(id, names.len() as f64, 0.0);
            gates.push(if names.is_empty() {
                gate
            } else {
                gate.with_detail(names.join(", "))
            });
        }
        LicenseReport {
            installable: installable.to_owned(),
            graph: bom.mode.as_str().to_owned(),
            packages: bom.components.len() + 1,
            metadata,
            status: Status::overall(gates.iter().map(|g| g.status)),
            violations,
            gates,
        }
    }
}

fn label(c: &Component) -> String {
    match &c.version {
        Some(v) => format!("{} {v}", c.name),
        None => c.name.clone(),
    }
}

/// Shortest dependency chains from the root (breadth first, references in
/// sorted order, so the chain is stable).
struct Chains<'a> {
    parent: HashMap<&'a str, &'a str>,
    labels: BTreeMap<&'a str, String>,
    root: &'a str,
}

impl<'a> Chains<'a> {
    fn new(bom: &'a Bom) -> Self {
        let root = bom.root.bom_ref.as_str();
        let mut parent: HashMap<&str, &str> = HashMap::new();
        let mut queue = VecDeque::from([root]);
        while let Some(n) = queue.pop_front() {
            for d in bom.dependencies.get(n).into_iter().flatten() {
                if d != root && !parent.contains_key(d.as_str()) {
                    parent.insert(d, n);
                    queue.push_back(d);
                }
            }
        }
        let labels = bom
            .all_components()
            .map(|c| (c.bom_ref.as_str(), label(c)))
            .collect();
        Self {
            parent,
            labels,
            root,
        }
    }

    fn to(&self, target: &str) -> Vec<String> {
        let mut chain = vec![target];
        let mut at = target;
        while at != self.root {
            match self.parent.get(at) {
                Some(p) => {
                    chain.push(p);
                    at = p;
                }
                None => break,
            }
        }
        chain
            .iter()
            .rev()
            .map(|r| {
                self.labels
                    .get(r)
                    .cloned()
                    .unwrap_or_else(|| (*r).to_owned())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::license::licenses;
    use flakegate_store::meta_eval::LicenseItem;

    fn lic(id: Option<&str>, short: &str, free: bool) -> License {
        licenses(&[LicenseItem::Attrs {
            spdx_id: id.map(str::to_owned),
            name: Some(format!("{short} license")),
            short_name: Some(short.to_owned()),
            free: Some(free),
        }])
        .remove(0)
    }

    fn policy(deny: &[&str], allow: &[&str], unfree: bool, unknown: bool) -> Policy {
        Policy {
            deny: deny.iter().map(|t| Term::parse(t).expect("term")).collect(),
            allow: allow
                .iter()
                .map(|t| Term::parse(t).expect("term"))
                .collect(),
            deny_unfree: unfree,
            fail_on_unknown: unknown,
        }
    }

    #[test]
    fn terms() {
        assert_eq!(Term::parse("mit"), Ok(Term::Spdx(vec!["MIT".into()])));
        assert_eq!(Term::parse("gpl3Only"), Ok(Term::Name("gpl3Only".into())));
        assert!(Term::parse("not a license!").is_err());
        assert!(Term::parse("").is_err());
    }

    #[test]
    fn deny_allow_unfree_unknown() {
        let gpl = lic(Some("GPL-3.0-only"), "gpl3Only", true);
        let either = lic(Some("MIT OR GPL-3.0-only"), "mitOrGpl", true);
        let unfree = lic(None, "unfreeRedistributable", false);
        let p = policy(&["GPL-3.0-only"], &[], false, false);
        assert!(p.denied(&gpl));
        assert!(!p.denied(&either), "MIT is still a way to read it");
        assert!(policy(&["gpl3Only"], &[], false, false).denied(&gpl));
        let c = |licenses: Vec<License>, evaluated| {
            let mut c = crate::build::tests_support::component("x");
            c.licenses = licenses;
            c.evaluated = evaluated;
            c
        };
        let strict = policy(&["GPL-3.0-only"], &[], true, true);
        let got: Vec<Rule> = strict
            .judge(&c(vec![gpl.clone(), unfree.clone()], true))
            .into_iter()
            .map(|v| v.0)
            .collect();
        // The unfree license has no SPDX id: it is unfree first.
        assert_eq!(got, [Rule::Denied, Rule::Unfree]);
        assert_eq!(strict.judge(&c(vec![], true))[0].0, Rule::Unknown);
        assert!(strict.judge(&c(vec![], false)).is_empty());
        let allowed = policy(
            &["GPL-3.0-only"],
            &["GPL-3.0-only", "unfreeRedistributable"],
            true,
            false,
        );
        assert!(allowed.judge(&c(vec![gpl, unfree], true)).is_empty());
    }
}
