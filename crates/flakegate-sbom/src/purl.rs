//! Package URLs in the form of the purl-spec `nix` type proposal, the form
//! nixpkgs' own `meta.identifiers.purl` takes for its packages:
//! `pkg:nix/nixpkgs/NAME@VERSION` for a package evaluated from nixpkgs,
//! `pkg:nix/NAME@VERSION` for any other. A purl names a package, not a
//! build: it holds nothing that differs between the runtime and build-time
//! documents (no store path), so the same package gets the same purl in
//! both. The store path and `.drv` are properties of the component.

/// `pkg:nix/[nixpkgs/]NAME[@VERSION]`.
#[must_use]
pub fn nix_purl(name: &str, version: Option<&str>, from_nixpkgs: bool) -> String {
    let mut s = String::from("pkg:nix/");
    if from_nixpkgs {
        s.push_str("nixpkgs/");
    }
    s.push_str(&encode(name));
    if let Some(v) = version {
        s.push('@');
        s.push_str(&encode(v));
    }
    s
}

/// Whether `p` is a well-formed purl (`pkg:TYPE/…NAME…`), as nixpkgs'
/// `meta.identifiers.purl` should be; anything else is dropped.
#[must_use]
pub fn is_valid(p: &str) -> bool {
    let Some(rest) = p.strip_prefix("pkg:") else {
        return false;
    };
    let Some((ty, path)) = rest.split_once('/') else {
        return false;
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let name = name.split('@').next().unwrap_or_default();
    ty.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && ty
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
        && !name.is_empty()
        && p.is_ascii()
        && !p
            .chars()
            .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let c = char::from(b);
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_purls() {
        assert_eq!(
            nix_purl("python3.12-requests", Some("2.32.3"), true),
            "pkg:nix/nixpkgs/python3.12-requests@2.32.3"
        );
        assert_eq!(
            nix_purl("gtk+", Some("3.0+git"), false),
            "pkg:nix/gtk%2B@3.0%2Bgit"
        );
        assert_eq!(nix_purl("etc-motd", None, false), "pkg:nix/etc-motd");
        assert_eq!(nix_purl("Ünï", None, false), "pkg:nix/%C3%9Cn%C3%AF");
    }

    #[test]
    fn nixpkgs_purls_are_checked() {
        assert!(is_valid("pkg:github/zeromq/czmq@4.2.1"));
        assert!(is_valid("pkg:nix/nixpkgs/coreutils@9.11"));
        assert!(is_valid("pkg:pypi/requests@2.0?x=y#sub"));
        for bad in [
            "",
            "pkg:",
            "pkg:/x",
            "npm/x",
            "pkg:npm/",
            "pkg:npm/a b",
            "pkg:np m/x",
            "pkg:npm/ü",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
