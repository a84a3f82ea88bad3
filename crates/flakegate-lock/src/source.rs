//! One `locked` or `original` attribute set of a lock node: its input type,
//! where it comes from, and what identifies it whatever the revision.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::LockError;

/// The fetcher an input uses (`type` in the lock file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputType {
    Github,
    Gitlab,
    Sourcehut,
    Git,
    #[serde(rename = "hg")]
    Mercurial,
    Tarball,
    File,
    Path,
    Indirect,
    /// A type this version of flakegate does not know; kept as written.
    #[serde(untagged)]
    Other(String),
}

impl InputType {
    fn parse(text: &str) -> Self {
        match text {
            "github" => Self::Github,
            "gitlab" => Self::Gitlab,
            "sourcehut" => Self::Sourcehut,
            "git" => Self::Git,
            "hg" => Self::Mercurial,
            "tarball" => Self::Tarball,
            "file" => Self::File,
            "path" => Self::Path,
            "indirect" => Self::Indirect,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The name used in lock files and flake references.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Github => "github",
            Self::Gitlab => "gitlab",
            Self::Sourcehut => "sourcehut",
            Self::Git => "git",
            Self::Mercurial => "hg",
            Self::Tarball => "tarball",
            Self::File => "file",
            Self::Path => "path",
            Self::Indirect => "indirect",
            Self::Other(s) => s,
        }
    }
}

/// The attributes of a `locked` or `original` set that flakegate uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    #[serde(rename = "type")]
    pub kind: InputType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The registry name of an `indirect` input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nar_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rev_count: Option<u64>,
}

impl Source {
    /// Reads one attribute set; `node` and `which` (`locked`, `original`)
    /// name it in errors. Unknown attributes are ignored.
    pub(crate) fn parse(
        node: &str,
        which: &str,
        attrs: &Map<String, Value>,
    ) -> Result<Self, LockError> {
        let field_error = |field: &str, problem: &str| LockError::Field {
            node: node.to_owned(),
            field: format!("{which}.{field}"),
            problem: problem.to_owned(),
        };
        let string = |field: &str| -> Result<Option<String>, LockError> {
            match attrs.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(field_error(field, "is not a string")),
            }
        };
        let kind = match attrs.get("type") {
            Some(Value::String(s)) => InputType::parse(s),
            None => return Err(field_error("type", "is missing")),
            Some(_) => return Err(field_error("type", "is not a string")),
        };
        let last_modified = match attrs.get("lastModified") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_i64()
                    .ok_or_else(|| field_error("lastModified", "is not an integer"))?,
            ),
        };
        let rev_count = match attrs.get("revCount") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .ok_or_else(|| field_error("revCount", "is not a non-negative integer"))?,
            ),
        };
        Ok(Self {
            kind,
            owner: string("owner")?,
            repo: string("repo")?,
            host: string("host")?,
            url: string("url")?,
            path: string("path")?,
            id: string("id")?,
            git_ref: string("ref")?,
            rev: string("rev")?,
            dir: string("dir")?,
            nar_hash: string("narHash")?,
            last_modified,
            rev_count,
        })
    }

    /// The source as a flake reference, as a user would write it
    /// (`github:NixOS/nixpkgs/nixos-unstable`, `git+https://…?ref=main`).
    pub fn flake_ref(&self) -> String {
        let mut params: Vec<String> = Vec::new();
        let base = match self.kind {
            InputType::Github | InputType::Gitlab | InputType::Sourcehut => {
                let mut s = format!(
                    "{}:{}/{}",
                    self.kind.as_str(),
                    self.owner.as_deref().unwrap_or("?"),
                    self.repo.as_deref().unwrap_or("?")
                );
                if let Some(r) = self.git_ref.as_ref().or(self.rev.as_ref()) {
                    s.push('/');
                    s.push_str(r);
                }
                if let Some(h) = &self.host {
                    params.push(format!("host={h}"));
                }
                s
            }
            InputType::Git | InputType::Mercurial => {
                let scheme = if self.kind == InputType::Git {
                    "git"
                } else {
                    "hg"
                };
                if let Some(r) = &self.git_ref {
                    params.push(format!("ref={r}"));
                }
                if let Some(r) = &self.rev {
                    params.push(format!("rev={r}"));
                }
                format!("{scheme}+{}", self.url.as_deref().unwrap_or("?"))
            }
            InputType::Tarball | InputType::File => self.url.clone().unwrap_or_default(),
            InputType::Path => format!("path:{}", self.path.as_deref().unwrap_or("?")),
            InputType::Indirect => {
                let mut s = format!("flake:{}", self.id.as_deref().unwrap_or("?"));
                if let Some(r) = self.git_ref.as_ref().or(self.rev.as_ref()) {
                    s.push('/');
                    s.push_str(r);
                }
                s
            }
            InputType::Other(ref t) => format!("{t}:?"),
        };
        if let Some(d) = &self.dir {
            params.push(format!("dir={d}"));
        }
        if params.is_empty() {
            base
        } else {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}{}", params.join("&"))
        }
    }

    /// What identifies this source whatever the revision: `host/owner/repo`
    /// for forges (also when reached as a git URL or a forge archive),
    /// the URL without query for other URLs, `path:P`, `flake:ID`. A
    /// `dir` is part of it: two flakes of one repository are two sources.
    pub fn identity(&self) -> String {
        let base = match self.forge() {
            Some(f) => f.key(),
            None => match self.kind {
                InputType::Path => format!("path:{}", self.path.as_deref().unwrap_or("")),
                InputType::Indirect => format!("flake:{}", self.id.as_deref().unwrap_or("")),
                _ => match &self.url {
                    Some(u) => normalise_url(u),
                    None => format!("{}:?", self.kind.as_str()),
                },
            },
        };
        match &self.dir {
            Some(d) if !d.is_empty() => format!("{base}?dir={d}"),
            _ => base,
        }
    }

    /// The forge repository this source is, if any: `github`, `gitlab`,
    /// `sourcehut` inputs, git URLs on their public hosts, GitHub archive
    /// tarballs, nixpkgs channel tarballs and FlakeHub tarballs (whose
    /// `OWNER/REPO` is the GitHub repository they are published from).
    pub fn forge(&self) -> Option<Forge> {
        let lower = |s: &Option<String>| s.as_deref().map(str::to_owned);
        match self.kind {
            InputType::Github | InputType::Gitlab | InputType::Sourcehut => {
                let (kind, default_host) = match self.kind {
                    InputType::Github => (ForgeKind::Github, "github.com"),
                    InputType::Gitlab => (ForgeKind::Gitlab, "gitlab.com"),
                    _ => (ForgeKind::Sourcehut, "git.sr.ht"),
                };
                Some(Forge {
                    kind,
                    host: self.host.clone().unwrap_or_else(|| default_host.to_owned()),
                    // GitLab subgroups are written with %2F in flake references.
                    owner: lower(&self.owner)?.replace("%2F", "/").replace("%2f", "/"),
                    repo: lower(&self.repo)?,
                })
            }
            InputType::Git | InputType::Mercurial | InputType::Tarball | InputType::File => {
                forge_of_url(self.url.as_deref()?)
            }
            _ => None,
        }
    }

    /// The revision, from `rev` or from a GitHub archive URL.
    pub fn revision(&self) -> Option<String> {
        if let Some(r) = &self.rev {
            return Some(r.clone());
        }
        let url = self.url.as_deref()?;
        // FlakeHub and others: `…/source.tar.gz?rev=HASH`.
        if let Some((_, query)) = url.split_once('?')
            && let Some(rev) = query.split('&').find_map(|kv| kv.strip_prefix("rev="))
        {
            return Some(rev.to_owned());
        }
        let rest = strip_scheme(url);
        let mut parts = rest.split('/');
        if parts.next()? != "github.com" {
            return None;
        }
        let (_, _, archive, file) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if archive != "archive" {
            return None;
        }
        let rev = file
            .trim_end_matches(".tar.gz")
            .trim_end_matches(".zip")
            .to_owned();
        Some(rev)
    }
}

/// A repository on a forge that links to commits and comparisons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forge {
    pub kind: ForgeKind,
    pub host: String,
    pub owner: String,
    pub repo: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ForgeKind {
    Github,
    Gitlab,
    Sourcehut,
}

impl Forge {
    fn key(&self) -> String {
        format!("{}/{}/{}", self.host, self.owner, self.repo).to_lowercase()
    }

    fn base(&self) -> String {
        format!("https://{}/{}/{}", self.host, self.owner, self.repo)
    }

    /// A page showing the commits from `old` to `new`: GitHub's and GitLab's
    /// compare views; sourcehut has none, so its log from `new` down.
    pub fn compare_url(&self, old: &str, new: &str) -> String {
        match self.kind {
            ForgeKind::Github => format!("{}/compare/{old}...{new}", self.base()),
            ForgeKind::Gitlab => format!("{}/-/compare/{old}...{new}", self.base()),
            ForgeKind::Sourcehut => format!("{}/log/{new}", self.base()),
        }
    }

    /// The page of one commit.
    pub fn commit_url(&self, rev: &str) -> String {
        match self.kind {
            ForgeKind::Github => format!("{}/commit/{rev}", self.base()),
            ForgeKind::Gitlab => format!("{}/-/commit/{rev}", self.base()),
            ForgeKind::Sourcehut => format!("{}/commit/{rev}", self.base()),
        }
    }
}

fn strip_scheme(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    // `git@github.com:o/r` and `ssh://git@host/…`: drop the user.
    match rest.split_once('@') {
        Some((user, host)) if !user.contains('/') => host,
        _ => rest,
    }
}

/// `scheme://user@Host/path.git/?query#frag` → `host/path`.
fn normalise_url(url: &str) -> String {
    let rest = strip_scheme(url);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    match rest.split_once('/') {
        Some((host, path)) if url.contains("://") && !url.starts_with("file:") => {
            format!("{}/{path}", host.to_lowercase())
        }
        _ => rest.to_owned(),
    }
}

fn forge_of_url(url: &str) -> Option<Forge> {
    if url.starts_with("file:") {
        return None;
    }
    let norm = normalise_url(url).replacen(':', "/", usize::from(!url.contains("://")));
    let mut parts = norm.split('/');
    let host = parts.next()?.to_owned();
    let segs: Vec<&str> = parts.collect();
    let make = |kind, owner: &str, repo: &str| {
        Some(Forge {
            kind,
            host: host.clone(),
            owner: owner.to_owned(),
            repo: repo.to_owned(),
        })
    };
    let nixpkgs = || {
        Some(Forge {
            kind: ForgeKind::Github,
            host: "github.com".to_owned(),
            owner: "NixOS".to_owned(),
            repo: "nixpkgs".to_owned(),
        })
    };
    match (host.as_str(), segs.as_slice()) {
        ("github.com", [o, r]) | ("github.com", [o, r, "archive", ..]) => {
            make(ForgeKind::Github, o, r)
        }
        ("codeload.github.com", [o, r, ..]) => Some(Forge {
            kind: ForgeKind::Github,
            host: "github.com".to_owned(),
            owner: (*o).to_owned(),
            repo: (*r).to_owned(),
        }),
        // `…/group/sub/repo` or `…/group/repo/-/archive/…`.
        ("gitlab.com", all) => {
            let repo_path = all.split(|s| *s == "-").next().unwrap_or(all);
            match repo_path {
                [o @ .., r] if !o.is_empty() => make(ForgeKind::Gitlab, &o.join("/"), r),
                _ => None,
            }
        }
        ("git.sr.ht", [o, r]) => make(ForgeKind::Sourcehut, o, r),
        ("flakehub.com", ["f", o, r, ..]) | ("api.flakehub.com", ["f", "pinned", o, r, ..]) => {
            Some(Forge {
                kind: ForgeKind::Github,
                host: "github.com".to_owned(),
                owner: (*o).to_owned(),
                repo: (*r).to_owned(),
            })
        }
        ("channels.nixos.org", _) | ("nixos.org", ["channels", ..]) | ("releases.nixos.org", _) => {
            nixpkgs()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(json: &str) -> Source {
        let v: Value = serde_json::from_str(json).expect("json");
        Source::parse("n", "locked", v.as_object().expect("object")).expect("source")
    }

    #[test]
    fn one_repository_has_one_identity_whatever_the_fetcher() {
        let ids = [
            r#"{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"a"}"#,
            r#"{"type":"git","url":"https://github.com/nixos/nixpkgs.git"}"#,
            r#"{"type":"git","url":"ssh://git@github.com/NixOS/nixpkgs"}"#,
            r#"{"type":"tarball","url":"https://github.com/NixOS/nixpkgs/archive/abc.tar.gz"}"#,
            r#"{"type":"tarball","url":"https://api.flakehub.com/f/pinned/NixOS/nixpkgs/0.1.1/0193/source.tar.gz"}"#,
            r#"{"type":"tarball","url":"https://channels.nixos.org/nixos-24.05/nixexprs.tar.xz"}"#,
        ]
        .map(|j| src(j).identity());
        assert!(
            ids.iter().all(|i| i == "github.com/nixos/nixpkgs"),
            "{ids:?}"
        );
    }

    #[test]
    fn dir_and_host_separate_sources() {
        let a = src(r#"{"type":"github","owner":"o","repo":"r"}"#).identity();
        let b = src(r#"{"type":"github","owner":"o","repo":"r","dir":"sub"}"#).identity();
        let c = src(r#"{"type":"gitlab","owner":"o","repo":"r","host":"gitlab.gnome.org"}"#);
        assert_ne!(a, b);
        assert_eq!(c.identity(), "gitlab.gnome.org/o/r");
        assert_eq!(
            c.forge().expect("forge").compare_url("a", "b"),
            "https://gitlab.gnome.org/o/r/-/compare/a...b"
        );
    }

    #[test]
    fn flake_refs_read_like_what_users_write() {
        assert_eq!(
            src(r#"{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixos-24.05"}"#)
                .flake_ref(),
            "github:NixOS/nixpkgs/nixos-24.05"
        );
        assert_eq!(
            src(r#"{"type":"git","url":"https://example.org/r.git","ref":"main","dir":"d"}"#)
                .flake_ref(),
            "git+https://example.org/r.git?ref=main&dir=d"
        );
        assert_eq!(
            src(r#"{"type":"indirect","id":"nixpkgs"}"#).flake_ref(),
            "flake:nixpkgs"
        );
        assert_eq!(
            src(r#"{"type":"sourcehut","owner":"~sir","repo":"r"}"#)
                .forge()
                .expect("forge")
                .compare_url("a", "b"),
            "https://git.sr.ht/~sir/r/log/b"
        );
    }

    #[test]
    fn archive_urls_carry_their_revision() {
        let s = src(r#"{"type":"tarball","url":"https://github.com/o/r/archive/0123abc.tar.gz"}"#);
        assert_eq!(s.revision().as_deref(), Some("0123abc"));
    }
}
