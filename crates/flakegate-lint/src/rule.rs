//! The rules: stable ids (what users write in `--select`, `--ignore` and
//! `# flakegate: ignore[...]`), default severities and one-line summaries.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Syntax errors and keys Nix rejects are errors; dead
/// code and anti-patterns are warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Every rule, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    Syntax,
    DuplicateKey,
    UnusedLet,
    UnusedLambdaArg,
    UnusedPatternName,
    EmptyLet,
    EmptyPattern,
    BoolIf,
    BoolComparison,
    UselessRec,
}

impl Rule {
    pub const ALL: [Rule; 10] = [
        Rule::Syntax,
        Rule::DuplicateKey,
        Rule::UnusedLet,
        Rule::UnusedLambdaArg,
        Rule::UnusedPatternName,
        Rule::EmptyLet,
        Rule::EmptyPattern,
        Rule::BoolIf,
        Rule::BoolComparison,
        Rule::UselessRec,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Rule::Syntax => "syntax",
            Rule::DuplicateKey => "duplicate-key",
            Rule::UnusedLet => "unused-let",
            Rule::UnusedLambdaArg => "unused-lambda-arg",
            Rule::UnusedPatternName => "unused-pattern-name",
            Rule::EmptyLet => "empty-let",
            Rule::EmptyPattern => "empty-pattern",
            Rule::BoolIf => "bool-if",
            Rule::BoolComparison => "bool-comparison",
            Rule::UselessRec => "useless-rec",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Rule::Syntax | Rule::DuplicateKey => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// One line saying what the rule finds (for `--help`, SARIF and docs).
    pub fn summary(self) -> &'static str {
        match self {
            Rule::Syntax => "Nix cannot parse the file",
            Rule::DuplicateKey => "an attribute is defined twice, which Nix rejects",
            Rule::UnusedLet => "a let binding that nothing uses",
            Rule::UnusedLambdaArg => "a lambda argument (`x:` or `x@`) that the body never uses",
            Rule::UnusedPatternName => {
                "a name in a `{ a, b, ... }:` pattern that the body never uses"
            }
            Rule::EmptyLet => "`let in e` binds nothing: write `e`",
            Rule::EmptyPattern => "`{ }: e` takes no attribute: write `_: e`",
            Rule::BoolIf => "`if c then true else false` is `c`",
            Rule::BoolComparison => "comparing with `true` or `false`: use the boolean itself",
            Rule::UselessRec => "`rec` on a set whose values refer to none of its attributes",
        }
    }

    /// Whether the rule finds unused bindings (the deadnix family).
    pub fn is_unused(self) -> bool {
        matches!(
            self,
            Rule::UnusedLet | Rule::UnusedLambdaArg | Rule::UnusedPatternName
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A rule id that names no rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule(pub String);

impl fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        write!(f, "unknown rule `{}` (rules: {})", self.0, ids.join(", "))
    }
}

impl std::error::Error for UnknownRule {}

impl FromStr for Rule {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rule::ALL
            .into_iter()
            .find(|r| r.id() == s)
            .ok_or_else(|| UnknownRule(s.to_owned()))
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}
