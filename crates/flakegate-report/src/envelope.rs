//! The versioned header of every JSON document flakegate writes: reports,
//! baselines and history lines. A reader checks `schema` first; the rest says
//! where the numbers came from.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// What the document is, with its version (`flakegate.closure/1`).
    pub schema: String,
    /// The tool that wrote it (`closure`). Files written before the
    /// envelope existed lack it and the version.
    #[serde(default)]
    pub tool: String,
    #[serde(default)]
    pub flakegate_version: String,
    /// The Nix that flakegate ran (`2.8.0`); absent when the run read the
    /// store without running Nix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nix_version: Option<String>,
    /// The flake's git state, when the run was about a flake in a git
    /// working tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitState>,
    /// The reproducible date of the run: `SOURCE_DATE_EPOCH` when set, else
    /// the flake's commit date; never the wall clock, so that the same
    /// inputs give the same bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitState {
    /// The full commit id of `HEAD`.
    pub revision: String,
    /// Whether tracked files differ from `HEAD`.
    pub dirty: bool,
    /// The commit date, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_date: Option<String>,
}

impl Envelope {
    /// The envelope of a document of `schema` written by `tool`, with this
    /// build's version and `SOURCE_DATE_EPOCH`'s date when it is set.
    #[must_use]
    pub fn new(tool: &str, schema: &str) -> Self {
        Self {
            schema: schema.to_owned(),
            tool: tool.to_owned(),
            flakegate_version: env!("CARGO_PKG_VERSION").to_owned(),
            nix_version: None,
            git: None,
            date: source_date_epoch().and_then(format_epoch),
        }
    }

    #[must_use]
    pub fn with_nix_version(mut self, version: Option<String>) -> Self {
        self.nix_version = version;
        self
    }

    /// Records the flake's git state; its commit date becomes the document's
    /// date unless `SOURCE_DATE_EPOCH` gave one.
    #[must_use]
    pub fn with_git(mut self, git: Option<GitState>) -> Self {
        if self.date.is_none() {
            self.date = git.as_ref().and_then(|g| g.commit_date.clone());
        }
        self.git = git;
        self
    }
}

/// A tool's JSON: the envelope's fields, then the report's, in one object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document<R> {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[serde(flatten)]
    pub body: R,
}

/// `SOURCE_DATE_EPOCH`, when it is a number of seconds.
fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

/// Seconds since the epoch as an RFC 3339 UTC date (`2024-06-12T00:00:00Z`).
#[must_use]
pub fn format_epoch(seconds: i64) -> Option<String> {
    let t = jiff::Timestamp::from_second(seconds).ok()?;
    Some(t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_utc() {
        assert_eq!(format_epoch(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            format_epoch(1_718_150_400).as_deref(),
            Some("2024-06-12T00:00:00Z")
        );
    }

    #[test]
    fn a_document_is_one_flat_object() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Body {
            total: u64,
        }
        let mut envelope = Envelope::new("closure", "flakegate.closure/1");
        envelope.date = None;
        let doc = Document {
            envelope,
            body: Body { total: 3 },
        };
        let v = serde_json::to_value(&doc).expect("json");
        assert_eq!(v["schema"], "flakegate.closure/1");
        assert_eq!(v["total"], 3);
        let back: Document<Body> = serde_json::from_value(v).expect("read back");
        assert_eq!(back.body, Body { total: 3 });
    }
}
