//! `nix path-info --json --recursive`, read in every shape Nix has printed:
//!
//! | Nix            | shape                                                          |
//! |----------------|----------------------------------------------------------------|
//! | ≤ 2.18, Lix    | array of objects with `path` (invalid: `"valid": false`)        |
//! | 2.19 – 2.32    | object keyed by full path (invalid: `null`; 2.23 adds `null`s)  |
//! | ≥ 2.33 format 1| as 2.19, plus top-level `version` / `storeDir`                  |
//! | ≥ 2.33 format 2| `{"version": 2, "storeDir", "info": {BASENAME: {…}}}`           |
//!
//! We recognise whichever shape comes back. On Nix ≥ 2.33 we pass
//! `--json-format 1`, which bare `--json` means there but warns about (and
//! will one day refuse); older Nix and Lix reject the flag, so it is passed
//! only when `nix --version` says it exists.

use serde_json::{Map, Value};

use crate::command::Invocation;
use crate::store::{Detail, DrvSource, Store};
use crate::{Closure, PathInfo, StoreDir, StoreError, StoreUrl, hash};

pub struct CliBackend {
    url: StoreUrl,
    allow_dangling: bool,
}

impl CliBackend {
    /// Reads the local store in `store_dir` (`nix` finds its state the way
    /// it always does).
    #[must_use]
    pub fn new(store_dir: StoreDir) -> Self {
        Self {
            url: StoreUrl::Local {
                store_dir,
                state_dir: StoreDir::state_dir(),
            },
            allow_dangling: false,
        }
    }

    /// Reads closures whose references point at paths `nix` does not list
    /// (a broken store) instead of failing.
    #[must_use]
    pub fn allowing_dangling(mut self, allow: bool) -> Self {
        self.allow_dangling = allow;
        self
    }

    /// `nix path-info --json [--recursive] PATHS`, parsed.
    fn query(&self, paths: &[String], recursive: bool) -> Result<ParsedPathInfos, StoreError> {
        let mut command = Invocation::nix(&["path-info", "--json"]);
        if recursive {
            command = command.option("--recursive");
        }
        let out = command
            .options(json_format_args()?)
            .operands(paths.iter().cloned())
            .run()?;
        parse_path_info_json(&out, self.url.store_dir()).map_err(|reason| StoreError::BadNixJson {
            command: format!(
                "nix path-info --json{}",
                if recursive { " --recursive" } else { "" }
            ),
            reason,
        })
    }
}

impl DrvSource for CliBackend {
    fn store_dir(&self) -> &StoreDir {
        self.url.store_dir()
    }
}

impl Store for CliBackend {
    fn url(&self) -> &StoreUrl {
        &self.url
    }

    fn kind(&self) -> &'static str {
        "cli"
    }

    fn is_valid(&self, path: &str) -> Result<bool, StoreError> {
        let out = Invocation::nix_store()
            .options(["--check-validity", "--print-invalid"])
            .operand(path)
            .run()?;
        Ok(String::from_utf8_lossy(&out).trim().is_empty())
    }

    fn path_info(&self, path: &str) -> Result<Option<PathInfo>, StoreError> {
        if !self.is_valid(path)? {
            return Ok(None);
        }
        let parsed = self.query(&[path.to_owned()], false)?;
        Ok(parsed
            .valid
            .into_iter()
            .find(|p| p.path == path)
            .map(PathInfo::normalise))
    }

    fn recorded_deriver(&self, path: &str) -> Result<Option<String>, StoreError> {
        let out = Invocation::nix_store()
            .options(["--query", "--deriver"])
            .operand(path)
            .run()?;
        let text = String::from_utf8_lossy(&out).trim().to_owned();
        Ok(text.starts_with('/').then_some(text))
    }

    /// `nix path-info` prints every field whatever `detail` asks for.
    fn closure_with(&self, roots: &[String], _detail: Detail) -> Result<Closure, StoreError> {
        if roots.is_empty() {
            return Ok(Closure::new(Vec::new(), Vec::new()));
        }
        for root in roots {
            if !self.is_valid(root)? {
                return Err(StoreError::NotValid { path: root.clone() });
            }
        }
        let parsed = self.query(roots, true)?;
        if let Some(path) = parsed.invalid.first() {
            return Err(StoreError::NotValid { path: path.clone() });
        }
        // Nix's answer is checked, not trusted: every root present, every
        // reference listed.
        Closure::resolve(roots.to_vec(), parsed.valid, self.allow_dangling)?.countable()
    }
}

/// `--json-format 1` where the running Nix has it (see the module docs).
pub fn json_format_args() -> Result<Vec<String>, StoreError> {
    Ok(if crate::nix_version::nix_version()?.has_json_format() {
        vec!["--json-format".to_owned(), "1".to_owned()]
    } else {
        Vec::new()
    })
}

/// What one `nix path-info --json` answer holds.
#[derive(Debug, Default)]
pub struct ParsedPathInfos {
    pub valid: Vec<PathInfo>,
    pub invalid: Vec<String>,
}

/// Parses any shape of `nix path-info --json` output (see the module docs).
pub fn parse_path_info_json(bytes: &[u8], store_dir: &StoreDir) -> Result<ParsedPathInfos, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut out = ParsedPathInfos::default();
    match value {
        Value::Array(entries) => {
            for entry in entries {
                let obj = entry.as_object().ok_or("array entry is not an object")?;
                let path = obj
                    .get("path")
                    .and_then(Value::as_str)
                    .ok_or("array entry without a \"path\"")?;
                let path = absolute(path, store_dir);
                if obj.get("valid") == Some(&Value::Bool(false)) {
                    out.invalid.push(path);
                } else {
                    out.valid.push(read_entry(path, obj, store_dir)?);
                }
            }
        }
        Value::Object(top) => {
            let store_dir = match top.get("storeDir") {
                // Paths are made absolute by joining it: it must be absolute.
                Some(Value::String(d)) if d.starts_with('/') => StoreDir::new(d),
                Some(Value::String(d)) => {
                    return Err(format!("\"storeDir\" {d:?} is not an absolute path"));
                }
                _ => store_dir.clone(),
            };
            let (entries, keyed_by_basename) = match top.get("info") {
                Some(Value::Object(info)) => (info.clone(), true),
                Some(_) => return Err("\"info\" is not an object".into()),
                None => (top, false),
            };
            for (key, entry) in entries {
                // Format 1 of Nix ≥ 2.33 mixes metadata into the top level.
                if !keyed_by_basename && (key == "version" || key == "storeDir") {
                    continue;
                }
                let path = absolute(&key, &store_dir);
                match entry {
                    Value::Null => out.invalid.push(path),
                    Value::Object(obj) => out.valid.push(read_entry(path, &obj, &store_dir)?),
                    _ => return Err(format!("entry for {key} is neither an object nor null")),
                }
            }
        }
        _ => return Err("expected a JSON array or object".into()),
    }
    Ok(out)
}

fn absolute(path: &str, store_dir: &StoreDir) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        store_dir.join(path)
    }
}

fn read_entry(
    path: String,
    obj: &Map<String, Value>,
    store_dir: &StoreDir,
) -> Result<PathInfo, String> {
    let nar_size = match obj.get("narSize") {
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| format!("{path}: narSize is not a size"))?,
        None | Some(Value::Null) => return Err(format!("{path}: no narSize")),
        Some(_) => return Err(format!("{path}: narSize is not a number")),
    };
    let nar_hash = match obj.get("narHash") {
        Some(Value::String(s)) => Some(hash::to_sri(s)?),
        // Structured hashes: {"algorithm": "sha256", "hash": "…", "format": …}.
        Some(Value::Object(h)) => {
            let algo = h
                .get("algorithm")
                .and_then(Value::as_str)
                .unwrap_or("sha256");
            let digest = h
                .get("hash")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{path}: structured narHash without \"hash\""))?;
            let spelled = if digest.contains('-') {
                digest.to_owned()
            } else {
                format!("{algo}:{digest}")
            };
            Some(hash::to_sri(&spelled)?)
        }
        None | Some(Value::Null) => None,
        Some(_) => return Err(format!("{path}: narHash is not a string")),
    };
    let references = match obj.get("references") {
        Some(Value::Array(refs)) => refs
            .iter()
            .map(|r| {
                r.as_str()
                    .map(|s| absolute(s, store_dir))
                    .ok_or_else(|| format!("{path}: a reference is not a string"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(format!("{path}: references is not an array")),
    };
    let deriver = obj
        .get("deriver")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
        .map(|d| absolute(d, store_dir));
    let registration_time = obj.get("registrationTime").and_then(Value::as_i64);
    Ok(PathInfo {
        path,
        nar_size,
        nar_hash,
        references,
        deriver,
        registration_time,
    })
}
