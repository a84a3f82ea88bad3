//! What a benchmark result is stamped with (the Nix implementation and
//! version), the system it evaluates for, and what it measures by default.

use serde::{Deserialize, Serialize};

use super::Frontend;
use crate::StoreError;
use crate::command::{Invocation, Program};
use crate::nix_version::{self, NixVersion};

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

impl From<&NixVersion> for NixIdentity {
    fn from(v: &NixVersion) -> Self {
        Self {
            implementation: v.brand().to_owned(),
            version: v.printed().to_owned(),
        }
    }
}

/// The identity of the Nix that `frontend` runs. `nix` is asked once per
/// process (shared with every other use of its version); `nix-instantiate`
/// is its own program, which may come from another Nix.
pub fn identity(frontend: Frontend) -> Result<NixIdentity, StoreError> {
    if frontend == Frontend::NixEval {
        return Ok(NixIdentity::from(nix_version::nix_version()?));
    }
    let program = Program::NixInstantiate;
    let out = Invocation::new(program).option("--version").run()?;
    let program = program.name();
    let text = String::from_utf8_lossy(&out);
    let version = NixVersion::parse(&text).ok_or_else(|| StoreError::BadNixJson {
        command: format!("{program} --version"),
        reason: format!("cannot read a version in {:?}", text.trim()),
    })?;
    Ok(NixIdentity::from(&version))
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
        let id = |s: &str| NixVersion::parse(s).map(|v| NixIdentity::from(&v).to_string());
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
