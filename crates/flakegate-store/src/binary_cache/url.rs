//! A substituter URL as Nix writes it: `file:///dir`, `http://host/path`,
//! `https://…`, with store parameters in the query string. Nix reads
//! `priority=N` (it overrides the cache's own `Priority:`) and `trusted=1`
//! (the cache's paths need no signature); other parameters do not change what
//! a lookup answers and are ignored.

/// How a cache is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A directory (`file://`).
    File(std::path::PathBuf),
    /// A base URL without a trailing slash (`http://`, `https://`).
    Http(String),
}

/// A parsed substituter URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheUrl {
    /// What the user or `nix.conf` wrote.
    pub original: String,
    pub transport: Transport,
    /// `?priority=N` (lower is tried first), when given.
    pub priority: Option<u64>,
    /// `?trusted=1`.
    pub trusted: bool,
}

impl CacheUrl {
    /// Parses one URL; the error says why flakegate cannot query it.
    pub fn parse(url: &str) -> Result<Self, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut priority = None;
        let mut trusted = false;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "priority" => {
                    priority =
                        Some(value.parse().map_err(|_| {
                            format!("priority must be a whole number, not {value:?}")
                        })?);
                }
                "trusted" => trusted = matches!(value, "1" | "true"),
                _ => {}
            }
        }
        let transport = if let Some(dir) = base.strip_prefix("file://") {
            if !dir.starts_with('/') {
                return Err("a file:// cache needs an absolute directory (file:///dir)".into());
            }
            Transport::File(dir.trim_end_matches('/').into())
        } else if base.starts_with("http://") || base.starts_with("https://") {
            Transport::Http(base.trim_end_matches('/').to_owned())
        } else {
            let scheme = base.split_once("://").map_or(base, |(s, _)| s);
            return Err(format!(
                "{scheme}: flakegate queries file://, http:// and https:// caches only"
            ));
        };
        Ok(Self {
            original: url.to_owned(),
            transport,
            priority,
            trusted,
        })
    }

    /// The host of an HTTP cache (for netrc), without port or credentials.
    #[must_use]
    pub fn host(&self) -> Option<&str> {
        let Transport::Http(base) = &self.transport else {
            return None;
        };
        let rest = base.split_once("://")?.1;
        let authority = rest.split('/').next()?;
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        Some(if authority.starts_with('[') {
            authority
                .split_once(']')
                .map_or(authority, |(h, _)| h)
                .trim_start_matches('[')
        } else {
            authority.split(':').next().unwrap_or(authority)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_priority_and_trusted() {
        let url =
            CacheUrl::parse("https://cache.example.org/?priority=30&trusted=1&compression=zstd")
                .expect("url");
        assert_eq!(
            url.transport,
            Transport::Http("https://cache.example.org".into())
        );
        assert_eq!(url.priority, Some(30));
        assert!(url.trusted);
        assert_eq!(url.host(), Some("cache.example.org"));
        let file = CacheUrl::parse("file:///srv/cache/").expect("file");
        assert_eq!(file.transport, Transport::File("/srv/cache".into()));
        assert_eq!(file.priority, None);
        assert!(!file.trusted);
        assert_eq!(
            CacheUrl::parse("http://user@127.0.0.1:8080/c")
                .expect("h")
                .host(),
            Some("127.0.0.1")
        );
    }

    #[test]
    fn refuses_what_it_cannot_query() {
        assert!(
            CacheUrl::parse("s3://bucket")
                .expect_err("s3")
                .starts_with("s3:")
        );
        assert!(CacheUrl::parse("file://relative").is_err());
        assert!(CacheUrl::parse("https://x?priority=high").is_err());
    }
}
