//! What users see of a store path: a package name and a version.
//!
//! Nix's `parseDrvName` rule: the version starts at the first `-` that is
//! followed by a non-letter. On top of that, multi-output packages put the
//! output name last (`openssl-3.0.14-dev`); for *grouping* we strip a known
//! output name, and only when a version precedes it, so that `etc-motd` or
//! `X-Restart-Triggers-sshd` keep their names.

use serde::Serialize;

/// Output names Nix packages commonly use. Only these are ever stripped.
pub const KNOWN_OUTPUTS: &[&str] = &[
    "bin",
    "dev",
    "out",
    "lib",
    "man",
    "doc",
    "info",
    "debug",
    "devdoc",
    "static",
    "modules",
    "devman",
    "py",
    "python",
    "terminfo",
    "sbin",
    "lib32",
    "lib64",
    "examples",
    "installedTests",
];

/// A store path name split into package name, version and output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PackageName {
    /// `python3.12-requests` for `python3.12-requests-2.32.3`.
    pub name: String,
    /// `2.32.3`; `None` for names without a version (`etc-motd`).
    pub version: Option<String>,
    /// `dev` for `openssl-3.0.14-dev`; `None` for the default output.
    pub output: Option<String>,
}

/// Nix's `parseDrvName`: `(name, version)`; the version is empty when absent.
#[must_use]
pub fn parse_drv_name(full: &str) -> (&str, &str) {
    let bytes = full.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'-'
            && bytes
                .get(i + 1)
                .is_some_and(|next| !next.is_ascii_alphabetic())
        {
            return (&full[..i], &full[i + 1..]);
        }
    }
    (full, "")
}

impl PackageName {
    /// Splits a store path name (`hello-2.12.1`, `openssl-3.0.14-bin`,
    /// `hello-2.12.1.drv`) for display and grouping.
    #[must_use]
    pub fn parse(store_name: &str) -> Self {
        let (name, version, output) = Self::split(store_name);
        Self {
            name: name.to_owned(),
            version: version.map(str::to_owned),
            output: output.map(str::to_owned),
        }
    }

    /// [`PackageName::parse`] without allocating: `(name, version, output)`
    /// borrowed from `store_name`.
    #[must_use]
    pub fn split(store_name: &str) -> (&str, Option<&str>, Option<&str>) {
        let store_name = store_name.strip_suffix(".drv").unwrap_or(store_name);
        let (name, version) = parse_drv_name(store_name);
        if version.is_empty() {
            return (name, None, None);
        }
        match version.rsplit_once('-') {
            Some((v, out)) if !v.is_empty() && KNOWN_OUTPUTS.contains(&out) => {
                (name, Some(v), Some(out))
            }
            _ => (name, Some(version), None),
        }
    }

    /// Parses the name part of a full store path or basename.
    #[must_use]
    pub fn of_path(path: &str) -> Self {
        Self::parse(store_path_name(path))
    }

    /// `name-version` without the output: what a package is grouped under.
    #[must_use]
    pub fn package(&self) -> String {
        match &self.version {
            Some(v) => format!("{}-{v}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The name part (after `<hash>-`) of a store path or basename.
#[must_use]
pub fn store_path_name(path: &str) -> &str {
    let base = path.rsplit('/').next().unwrap_or(path);
    // A store basename is 32 hash characters, a dash, then the name.
    match base.as_bytes().get(32) {
        Some(b'-') => &base[33..],
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> (String, Option<String>, Option<String>) {
        let p = PackageName::parse(s);
        (p.name, p.version, p.output)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn follows_parse_drv_name() {
        assert_eq!(parse_drv_name("hello-2.12.1"), ("hello", "2.12.1"));
        assert_eq!(
            parse_drv_name("python3.12-requests-2.32.3"),
            ("python3.12-requests", "2.32.3")
        );
        assert_eq!(parse_drv_name("etc-motd"), ("etc-motd", ""));
        assert_eq!(
            parse_drv_name("unit-nix-daemon-.service"),
            ("unit-nix-daemon", ".service")
        );
        assert_eq!(
            parse_drv_name("X-Restart-Triggers-sshd"),
            ("X-Restart-Triggers-sshd", "")
        );
        assert_eq!(
            parse_drv_name("foo-unstable-2024-01-01"),
            ("foo-unstable", "2024-01-01")
        );
    }

    #[test]
    fn strips_only_known_outputs_after_a_version() {
        assert_eq!(
            split("openssl-3.0.14-bin"),
            ("openssl".into(), some("3.0.14"), some("bin"))
        );
        assert_eq!(
            split("glibc-2.39-52-dev"),
            ("glibc".into(), some("2.39-52"), some("dev"))
        );
        assert_eq!(split("etc-motd"), ("etc-motd".into(), None, None));
        assert_eq!(
            split("X-Restart-Triggers-sshd"),
            ("X-Restart-Triggers-sshd".into(), None, None)
        );
        assert_eq!(
            split("unit-nix-daemon-.service"),
            ("unit-nix-daemon".into(), some(".service"), None)
        );
        assert_eq!(
            split("sunsetr-0.11.1-946aa34"),
            ("sunsetr".into(), some("0.11.1-946aa34"), None)
        );
        assert_eq!(
            split("hello-2.12.1.drv"),
            ("hello".into(), some("2.12.1"), None)
        );
        assert_eq!(
            split("nixos-system-host-24.05.20240612.abc1234"),
            (
                "nixos-system-host".into(),
                some("24.05.20240612.abc1234"),
                None
            )
        );
    }

    #[test]
    fn name_of_a_path() {
        let p =
            PackageName::of_path("/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-openssl-3.0.14-dev");
        assert_eq!(p.package(), "openssl-3.0.14");
        assert_eq!(
            store_path_name("7dn12nd615rq3qsgpsh17jj6mylz7fqp-etc-motd"),
            "etc-motd"
        );
    }
}
