//! What a benchmark result is stamped with (the Nix implementation and
//! version), the system it evaluates for, and what it measures by default.

use serde::{Deserialize, Serialize};

use super::Frontend;
use crate::StoreError;
use crate::command::{Invocation, Program};

/// `nix (Nix) 2.8.0` → Nix 2.8.0; `nix (Lix, like Nix) 2.91.1` → Lix 2.91.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NixIdentity {
    pub implementation: String,
    pub version: String,
}

impl std::fmt::Display for NixIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.implementation, self.version)
    }
}

/// Parses the first line of `nix --version` / `nix-instantiate --version`.
#[must_use]
pub fn parse_version_line(text: &str) -> Option<NixIdentity> {
    let line = text.lines().next()?.trim();
    let version = line.split_whitespace().last()?.to_owned();
    if !version.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let implementation = match (line.find('('), line.find(')')) {
        (Some(open), Some(close)) if open < close => line[open + 1..close]
            .split(',')
            .next()
            .unwrap_or("Nix")
            .trim()
            .to_owned(),
        _ => "Nix".to_owned(),
    };
    Some(NixIdentity {
        implementation,
        version,
    })
}

/// The identity of the Nix that `frontend` runs.
pub fn identity(frontend: Frontend) -> Result<NixIdentity, StoreError> {
    let program = match frontend {
        Frontend::NixEval => Program::Nix,
        Frontend::NixInstantiate => Program::NixInstantiate,
    };
    let out = Invocation::new(program).option("--version").run()?;
    let program = program.name();
    let text = String::from_utf8_lossy(&out);
    parse_version_line(&text).ok_or_else(|| StoreError::BadNixJson {
        command: format!("{program} --version"),
        reason: format!("cannot read a version in {:?}", text.trim()),
    })
}

/// The system Nix evaluates for on this machine. Flakes cannot ask
/// (`builtins.currentSystem` is impure), so it is asked once here.
pub fn current_system() -> Result<String, StoreError> {
    let command = "nix-instantiate --eval --expr builtins.currentSystem";
    let out = Invocation::nix_instantiate()
        .options(["--eval", "--json", "--expr", "builtins.currentSystem"])
        .run()?;
    serde_json::from_slice(&out).map_err(|e| StoreError::BadNixJson {
        command: command.to_owned(),
        reason: e.to_string(),
    })
}

/// What `flakegate bench FLAKE` measures without `--attr`: the toplevel of
/// every NixOS configuration, or else `packages.<system>.default`.
pub fn default_flake_attrs(flake: &str, system: &str) -> Result<Vec<String>, StoreError> {
    let command = Invocation::nix(&["eval", "--no-eval-cache", "--json"])
        .options(["--apply", "builtins.attrNames"])
        .operand(format!("{flake}#nixosConfigurations"));
    match command.run() {
        Ok(out) => {
            let names: Vec<String> =
                serde_json::from_slice(&out).map_err(|e| StoreError::BadNixJson {
                    command: format!("nix eval {flake}#nixosConfigurations"),
                    reason: e.to_string(),
                })?;
            if names.is_empty() {
                return Ok(vec![format!("packages.{system}.default")]);
            }
            Ok(names
                .iter()
                .map(|n| {
                    format!(
                        "nixosConfigurations.{}.config.system.build.toplevel",
                        attr_name(n)
                    )
                })
                .collect())
        }
        Err(StoreError::Nix { message, .. }) if message.contains("does not provide attribute") => {
            Ok(vec![format!("packages.{system}.default")])
        }
        Err(e) => Err(e),
    }
}

/// An attribute name as it must be written in an attribute path.
fn attr_name(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-'".contains(c));
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_implementation() {
        let id = |s: &str| parse_version_line(s).map(|i| i.to_string());
        assert_eq!(id("nix (Nix) 2.8.0\n").as_deref(), Some("Nix 2.8.0"));
        assert_eq!(
            id("nix-instantiate (Nix) 2.24.9").as_deref(),
            Some("Nix 2.24.9")
        );
        assert_eq!(
            id("nix (Lix, like Nix) 2.91.1").as_deref(),
            Some("Lix 2.91.1")
        );
        assert_eq!(
            id("nix (Determinate Nix 3.6.2) 2.29.0").as_deref(),
            Some("Determinate Nix 3.6.2 2.29.0")
        );
        assert_eq!(id("garbage"), None);
    }

    #[test]
    fn quotes_attribute_names_that_need_it() {
        assert_eq!(attr_name("web-1"), "web-1");
        assert_eq!(attr_name("host.example"), "\"host.example\"");
    }
}
