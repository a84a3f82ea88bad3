//! The `.attrs.json` Nix writes into the build directory of a derivation with
//! `__structuredAttrs = true` and `exportReferencesGraph`. This is how a check
//! running *inside* a build (the flake `lib` builders) reads its closure: no
//! store database and no `nix` are reachable there.
//!
//! Every exported closure member has `path`, `narHash` (`sha256:<base32>`),
//! `narSize`, `references` and `closureSize`; there is no deriver and no
//! registration time.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::path_info::dangling_references;
use crate::store::{Detail, DrvSource, Store};
use crate::{Closure, Member, PathInfo, StoreDir, StoreError, StoreUrl, hash};

/// What a build's `.attrs.json` tells flakegate.
#[derive(Debug)]
pub struct BuildAttrs {
    /// The exported closure; its roots are the paths named in `exportReferencesGraph`.
    pub closure: Closure,
    /// The build's outputs (`out` → its store path).
    pub outputs: Map<String, Value>,
    /// Every attribute, for settings passed from Nix (`maxSize`, …).
    pub attrs: Map<String, Value>,
}

impl BuildAttrs {
    /// The build's `out` output, where it writes its results; `file` is the
    /// `.attrs.json` read, for the error.
    pub fn out_path(&self, file: &Path) -> Result<PathBuf, StoreError> {
        self.outputs
            .get("out")
            .and_then(Value::as_str)
            .map(PathBuf::from)
            .ok_or_else(|| StoreError::BadAttrsJson {
                file: file.display().to_string(),
                reason: "no outputs.out to write to".into(),
            })
    }
}

/// A build's exported closure as a [`Store`]: the only store a check running
/// inside a build can read. Its paths are the exported closure; `.drv` files
/// are read from disk (a build can read those that are its inputs).
pub struct AttrsJsonStore {
    closure: Closure,
    url: StoreUrl,
}

impl AttrsJsonStore {
    #[must_use]
    pub fn new(closure: Closure) -> Self {
        Self {
            closure,
            url: StoreUrl::Local {
                store_dir: StoreDir::of_build(),
                state_dir: StoreDir::state_dir(),
            },
        }
    }

    /// The exported closure, as read.
    #[must_use]
    pub fn exported(&self) -> &Closure {
        &self.closure
    }

    fn find(&self, path: &str) -> Option<&Member> {
        let i = self.closure.index_of(path)?;
        self.closure.paths.get(i as usize)
    }
}

impl DrvSource for AttrsJsonStore {
    fn store_dir(&self) -> &StoreDir {
        self.url.store_dir()
    }
}

impl Store for AttrsJsonStore {
    fn url(&self) -> &StoreUrl {
        &self.url
    }

    fn kind(&self) -> &'static str {
        "attrs-json"
    }

    fn is_valid(&self, path: &str) -> Result<bool, StoreError> {
        Ok(self.find(path).is_some())
    }

    fn path_info(&self, path: &str) -> Result<Option<PathInfo>, StoreError> {
        Ok(self.find(path).map(|m| self.closure.path_info(m)))
    }

    /// The exported closure has every field it will ever have; `detail`
    /// changes nothing.
    fn closure_with(&self, roots: &[String], _detail: Detail) -> Result<Closure, StoreError> {
        if roots == self.closure.roots.as_slice() {
            return Ok(self.closure.clone());
        }
        if let Some(root) = roots.iter().find(|r| self.find(r).is_none()) {
            return Err(StoreError::NotValid { path: root.clone() });
        }
        Ok(Closure {
            roots: roots.to_vec(),
            paths: self.closure.paths.clone(),
        }
        .restricted_to_roots())
    }
}

/// Where Nix put the file: `$NIX_ATTRS_JSON_FILE` (newer Nix), else
/// `.attrs.json` in the build directory (Nix 2.8), which is the working directory.
#[must_use]
pub fn locate() -> PathBuf {
    std::env::var_os("NIX_ATTRS_JSON_FILE")
        .filter(|f| !f.is_empty())
        .map_or_else(|| PathBuf::from(".attrs.json"), PathBuf::from)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    path: String,
    nar_hash: Option<String>,
    nar_size: u64,
    #[serde(default)]
    references: Vec<String>,
}

/// Reads and checks a `.attrs.json`.
pub fn read(file: &Path) -> Result<BuildAttrs, StoreError> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::Missing {
            input: name.clone(),
        },
        _ => StoreError::io(name.clone(), e),
    })?;
    parse(&bytes).map_err(|reason| StoreError::BadAttrsJson { file: name, reason })
}

/// Parses the bytes of a `.attrs.json`.
pub fn parse(bytes: &[u8]) -> Result<BuildAttrs, String> {
    let attrs: Map<String, Value> =
        serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let graphs = match attrs.get("exportReferencesGraph") {
        Some(Value::Object(g)) if !g.is_empty() => g,
        _ => {
            return Err("no exportReferencesGraph: the derivation needs \
                        `__structuredAttrs = true` and `exportReferencesGraph.<name> = [ drv ]`"
                .into());
        }
    };
    let mut roots = Vec::new();
    let mut paths = Vec::new();
    for (key, named) in graphs {
        match named {
            Value::String(s) => roots.push(s.clone()),
            Value::Array(items) => {
                for item in items {
                    let s = item
                        .as_str()
                        .ok_or_else(|| format!("exportReferencesGraph.{key} holds a non-string"))?;
                    roots.push(s.to_owned());
                }
            }
            _ => {
                return Err(format!(
                    "exportReferencesGraph.{key} is not a list of paths"
                ));
            }
        }
        let entries = attrs.get(key).ok_or_else(|| {
            format!("exportReferencesGraph names \"{key}\" but there is no \"{key}\" attribute")
        })?;
        let entries: Vec<Entry> = serde_json::from_value(entries.clone())
            .map_err(|e| format!("\"{key}\" is not an exported closure: {e}"))?;
        for e in entries {
            let nar_hash = e
                .nar_hash
                .as_deref()
                .map(hash::to_sri)
                .transpose()
                .map_err(|err| format!("{}: {err}", e.path))?;
            paths.push(PathInfo {
                path: e.path,
                nar_size: e.nar_size,
                nar_hash,
                references: e.references,
                deriver: None,
                registration_time: None,
            });
        }
    }
    roots.dedup();
    let store_dir = StoreDir::of_build();
    // Exported roots may be sub-paths or derivation outputs given as strings
    // with context; they must name closure members.
    if let Some((from, to)) = dangling_references(&roots, &paths).first() {
        return Err(if from.is_empty() {
            format!("root {to} is not in the exported closure")
        } else {
            format!("{from} refers to {to}, which is not in the exported closure")
        });
    }
    let closure = Closure::new(roots, paths)
        .countable()
        .map_err(|e| e.to_string())?;
    for root in &closure.roots {
        store_dir
            .check_path(root)
            .map_err(|e| format!("exported root: {e}"))?;
    }
    let outputs = match attrs.get("outputs") {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    Ok(BuildAttrs {
        closure,
        outputs,
        attrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"closure":[
        {"closureSize":120,"narHash":"sha256:07jfidsnzqkhm8ny4hbd8i5w1xqbrgw6bqayfbgjjwqmpmk3aa6j","narSize":120,"path":"/nix/store/iwfg3jgc41qbm0yaxsdl3chvmg1s690i-libfoo-1.2.3","references":[]},
        {"closureSize":296,"narHash":"sha256:07jfidsnzqkhm8ny4hbd8i5w1xqbrgw6bqayfbgjjwqmpmk3aa6j","narSize":176,"path":"/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-hello-2.12.1","references":["/nix/store/iwfg3jgc41qbm0yaxsdl3chvmg1s690i-libfoo-1.2.3","/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-hello-2.12.1"]}],
        "exportReferencesGraph":{"closure":["/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-hello-2.12.1"]},
        "name":"check","outputs":{"out":"/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-check"},"system":"x86_64-linux"}"#;

    #[test]
    fn reads_an_exported_closure() {
        let b = parse(SAMPLE.as_bytes()).expect("parses");
        assert_eq!(b.closure.roots.len(), 1);
        assert_eq!(b.closure.paths.len(), 2);
        let hello = &b
            .closure
            .paths
            .iter()
            .find(|p| p.path.ends_with("hello-2.12.1"))
            .expect("hello");
        // The self reference is dropped, the other kept.
        assert_eq!(hello.references.len(), 1);
        assert!(
            hello
                .nar_hash
                .as_deref()
                .is_some_and(|h| h.starts_with("sha256-"))
        );
        assert_eq!(
            b.outputs["out"],
            "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-check"
        );
    }

    #[test]
    fn rejects_broken_files_with_a_reason() {
        assert!(
            parse(b"{")
                .expect_err("truncated")
                .contains("not valid JSON")
        );
        assert!(
            parse(b"{}")
                .expect_err("no graph")
                .contains("exportReferencesGraph")
        );
        let dangling = SAMPLE.replace(
            "\"references\":[]",
            "\"references\":[\"/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gone\"]",
        );
        assert!(
            parse(dangling.as_bytes())
                .expect_err("dangling")
                .contains("not in the exported closure")
        );
        let bad_size = SAMPLE.replace("\"narSize\":120", "\"narSize\":\"big\"");
        assert!(
            parse(bad_size.as_bytes())
                .expect_err("size")
                .contains("not an exported closure")
        );
    }
}
