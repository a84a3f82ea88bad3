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

use crate::{Closure, PathInfo, StoreDir, StoreError, hash, nix};

pub struct CliBackend {
    store_dir: StoreDir,
}

impl CliBackend {
    #[must_use]
    pub fn new(store_dir: StoreDir) -> Self {
        Self { store_dir }
    }

    pub fn is_valid(&self, path: &str) -> Result<bool, StoreError> {
        let args = vec![
            "--check-validity".to_owned(),
            "--print-invalid".to_owned(),
            path.to_owned(),
        ];
        let out = nix::run("nix-store", &args)?;
        Ok(String::from_utf8_lossy(&out).trim().is_empty())
    }

    pub fn deriver(&self, path: &str) -> Result<Option<String>, StoreError> {
        let args = vec![
            "--query".to_owned(),
            "--deriver".to_owned(),
            path.to_owned(),
        ];
        let out = nix::run("nix-store", &args)?;
        let text = String::from_utf8_lossy(&out).trim().to_owned();
        Ok(text.starts_with('/').then_some(text))
    }

    pub fn closure(&self, roots: &[String]) -> Result<Closure, StoreError> {
        if roots.is_empty() {
            return Ok(Closure::new(Vec::new(), Vec::new()));
        }
        for root in roots {
            if !self.is_valid(root)? {
                return Err(StoreError::NotValid { path: root.clone() });
            }
        }
        let mut args: Vec<String> = ["path-info", "--json", "--recursive"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        args.extend(json_format_args()?);
        args.extend(roots.iter().cloned());
        let out = nix::run_nix(&args)?;
        let parsed = parse_path_info_json(&out, &self.store_dir).map_err(|reason| {
            StoreError::BadNixJson {
                command: "nix path-info --json --recursive".into(),
                reason,
            }
        })?;
        if let Some(path) = parsed.invalid.first() {
            return Err(StoreError::NotValid { path: path.clone() });
        }
        Ok(Closure::new(roots.to_vec(), parsed.valid))
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
