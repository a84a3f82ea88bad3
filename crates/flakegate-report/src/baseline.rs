//! The one reader and writer of baseline files: a [`Document`] whose schema
//! is checked on reading, written atomically.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::write::{self, WriteError};
use crate::{Document, Envelope, Schema};

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read the baseline: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a flakegate baseline: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("{path}: baseline schema {found:?} is not supported (expected {expected:?})")]
    Schema {
        path: PathBuf,
        found: String,
        expected: &'static str,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Reads a baseline of schema `B::SCHEMA` from `path`.
pub fn read<B: Schema + DeserializeOwned>(path: &Path) -> Result<Document<B>, BaselineError> {
    let bytes = std::fs::read(path).map_err(|source| BaselineError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &bytes)
}

/// Parses a baseline's bytes; `path` only names it in errors.
pub fn parse<B: Schema + DeserializeOwned>(
    path: &Path,
    bytes: &[u8],
) -> Result<Document<B>, BaselineError> {
    let invalid = |reason: String| BaselineError::Invalid {
        path: path.to_owned(),
        reason,
    };
    // The schema first, so that another tool's file or a newer version is
    // named as such rather than as a missing field.
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
    let found = value
        .get("schema")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| invalid("no \"schema\" field".to_owned()))?;
    if found != B::SCHEMA {
        return Err(BaselineError::Schema {
            path: path.to_owned(),
            found: found.to_owned(),
            expected: B::SCHEMA,
        });
    }
    let doc: Document<B> = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
    doc.body.validate().map_err(invalid)?;
    Ok(doc)
}

/// Writes `body` as a baseline of `tool` to `path`, atomically.
pub fn write<B: Schema + Serialize>(
    path: &Path,
    envelope: Envelope,
    body: &B,
) -> Result<(), BaselineError> {
    let doc = Document {
        envelope: Envelope {
            schema: B::SCHEMA.to_owned(),
            ..envelope
        },
        body,
    };
    let mut json = serde_json::to_vec_pretty(&doc).map_err(|e| BaselineError::Invalid {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    json.push(b'\n');
    write::write(path, &json)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sizes {
        total: u64,
    }
    impl Schema for Sizes {
        const SCHEMA: &'static str = "flakegate.test.baseline/1";
    }

    #[test]
    fn a_baseline_round_trips_and_its_schema_is_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("b.json");
        write(&f, Envelope::new("test", "ignored"), &Sizes { total: 7 }).expect("write");
        let doc: Document<Sizes> = read(&f).expect("read");
        assert_eq!(doc.body, Sizes { total: 7 });
        assert_eq!(doc.envelope.schema, "flakegate.test.baseline/1");

        std::fs::write(&f, r#"{"schema": "flakegate.other/1", "total": 1}"#).expect("write");
        let err = read::<Sizes>(&f).expect_err("wrong schema").to_string();
        assert!(
            err.contains("\"flakegate.other/1\" is not supported"),
            "{err}"
        );
        std::fs::write(&f, "[").expect("write");
        let err = read::<Sizes>(&f).expect_err("not json").to_string();
        assert!(err.contains("not a flakegate baseline"), "{err}");
    }
}
