//! The command that evaluates one benchmark target, as an argument vector.

use serde::{Deserialize, Serialize};

use crate::StoreError;
use crate::command::Invocation;

/// Which Nix frontend evaluates a benchmark. It is fixed per benchmark: the
/// same attribute costs more through `nix eval` (flake loading, the
/// installable machinery) than through `nix-instantiate`, so counters from
/// different frontends are never compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Frontend {
    /// `nix eval --no-eval-cache --raw FLAKE#ATTR.drvPath`.
    NixEval,
    /// `nix-instantiate FILE -A ATTR`.
    NixInstantiate,
}

impl Frontend {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NixEval => "nix eval",
            Self::NixInstantiate => "nix-instantiate",
        }
    }
}

/// One evaluation to measure: an attribute of a flake or of a Nix file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalCommand {
    pub frontend: Frontend,
    /// A flake reference (`path:/src/flake`, `.`) or a Nix file.
    pub source: String,
    /// The attribute path whose derivation is instantiated.
    pub attr: String,
}

impl EvalCommand {
    #[must_use]
    pub fn flake(source: impl Into<String>, attr: impl Into<String>) -> Self {
        Self {
            frontend: Frontend::NixEval,
            source: source.into(),
            attr: attr.into(),
        }
    }

    #[must_use]
    pub fn file(source: impl Into<String>, attr: impl Into<String>) -> Self {
        Self {
            frontend: Frontend::NixInstantiate,
            source: source.into(),
            attr: attr.into(),
        }
    }

    #[must_use]
    pub fn program(&self) -> &'static str {
        match self.frontend {
            Frontend::NixEval => "nix",
            Frontend::NixInstantiate => "nix-instantiate",
        }
    }

    /// The command. The flake form evaluates the derivation's `drvPath`,
    /// which instantiates it (and everything it depends on) like a build
    /// would, without building; the eval cache is off so every run evaluates
    /// (a cached run reports `nrThunks = 3`). The flake reference and the
    /// file are operands, after the end of options.
    #[must_use]
    pub fn invocation(&self) -> Invocation {
        match self.frontend {
            Frontend::NixEval => Invocation::nix(&["eval", "--no-eval-cache", "--raw"])
                .operand(format!("{}#{}.drvPath", self.source, self.attr)),
            Frontend::NixInstantiate => Invocation::nix_instantiate()
                .options(["-A", &self.attr])
                .operand(self.source.clone()),
        }
    }

    /// The arguments after the program; an error names a source Nix would
    /// read as an option.
    pub fn args(&self) -> Result<Vec<String>, StoreError> {
        self.invocation().argv()
    }

    /// The command as a shell would run it, e.g. for hyperfine.
    #[must_use]
    pub fn display(&self) -> String {
        let invocation = self.invocation();
        // A refused source is shown as given; running it fails, naming it.
        let Ok(args) = invocation.argv() else {
            return invocation.display();
        };
        let mut parts = vec![self.program().to_owned()];
        parts.extend(args.iter().map(|a| shell_quote(a)));
        parts.join(" ")
    }
}

/// Quotes `s` for a POSIX shell when it needs it.
#[must_use]
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./#-".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flake_commands_evaluate_the_drv_path_without_the_eval_cache() {
        let c = EvalCommand::flake("path:/src/f", "packages.x86_64-linux.default");
        assert_eq!(c.program(), "nix");
        assert_eq!(
            c.display(),
            "nix --extra-experimental-features 'nix-command flakes' eval --no-eval-cache --raw \
             -- path:/src/f#packages.x86_64-linux.default.drvPath"
        );
    }

    #[test]
    fn file_commands_instantiate() {
        let c = EvalCommand::file("default.nix", "hosts.web");
        assert_eq!(c.display(), "nix-instantiate -A hosts.web -- default.nix");
        let dashed = EvalCommand::file("-f", "x");
        assert!(dashed.args().is_err());
        assert_eq!(dashed.display(), "nix-instantiate -A x -f");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
