//! The settings of the user's Nix that a cache query needs: substituters,
//! trusted public keys, the netrc file. Nix 2.8 to 2.19 print them with
//! `nix show-config --json`; 2.20 renamed the command `nix config show`. We
//! ask Nix its version and pick the command from it, never from error text.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::command::Invocation;
use crate::{StoreError, nix_version};

/// The settings flakegate reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NixConfig {
    /// `substituters`, in the user's order.
    pub substituters: Vec<String>,
    /// `trusted-substituters`.
    pub trusted_substituters: Vec<String>,
    /// `trusted-public-keys` (`name:base64`).
    pub trusted_public_keys: Vec<String>,
    /// `netrc-file`.
    pub netrc_file: Option<String>,
    /// `require-sigs`.
    pub require_sigs: bool,
}

/// The subcommand that prints the configuration as JSON on this version.
#[must_use]
pub fn config_command(version: (u32, u32)) -> [&'static str; 2] {
    if version >= (2, 20) {
        ["config", "show"]
    } else {
        ["show-config", ""]
    }
}

#[derive(Deserialize)]
struct Setting {
    value: serde_json::Value,
}

fn strings(value: Option<&Setting>) -> Vec<String> {
    match value.map(|s| &s.value) {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// Reads the settings from the JSON of `nix show-config --json` /
/// `nix config show --json` (one object per setting, with its `value`).
pub fn parse_config(json: &[u8], command: &str) -> Result<NixConfig, StoreError> {
    let settings: BTreeMap<String, Setting> =
        serde_json::from_slice(json).map_err(|e| StoreError::BadNixJson {
            command: command.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(NixConfig {
        substituters: strings(settings.get("substituters")),
        trusted_substituters: strings(settings.get("trusted-substituters")),
        trusted_public_keys: strings(settings.get("trusted-public-keys")),
        netrc_file: settings
            .get("netrc-file")
            .and_then(|s| s.value.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        require_sigs: settings
            .get("require-sigs")
            .and_then(|s| s.value.as_bool())
            .unwrap_or(true),
    })
}

/// Asks the installed Nix for its settings.
pub fn read() -> Result<NixConfig, StoreError> {
    let version = nix_version::nix_version()?;
    let [first, second] = config_command((version.major, version.minor));
    let words: Vec<&str> = [first, second, "--json"]
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect();
    let out = Invocation::nix(&words).run()?;
    parse_config(&out, &format!("nix {}", words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_pick_the_command() {
        assert_eq!(config_command((2, 8)), ["show-config", ""]);
        assert_eq!(config_command((2, 19)), ["show-config", ""]);
        assert_eq!(config_command((2, 20)), ["config", "show"]);
    }

    #[test]
    fn reads_lists_and_scalars() {
        let json = br#"{"substituters":{"value":["https://a/","file:///b?priority=10"]},
            "trusted-public-keys":{"value":["k-1:AAAA"]},"netrc-file":{"value":"/etc/nix/netrc"},
            "require-sigs":{"value":false},"other":{"value":3}}"#;
        let config = parse_config(json, "nix show-config --json").expect("config");
        assert_eq!(config.substituters, ["https://a/", "file:///b?priority=10"]);
        assert_eq!(config.trusted_public_keys, ["k-1:AAAA"]);
        assert_eq!(config.netrc_file.as_deref(), Some("/etc/nix/netrc"));
        assert!(!config.require_sigs);
        assert!(parse_config(b"[]", "x").is_err());
    }
}
