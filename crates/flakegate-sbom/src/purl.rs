//! Package URLs. The `nix` type is not registered, so the store path rides
//! along as a qualifier: two packages with one name and version (two builds
//! of openssl 3.0.14) stay distinct.

/// `pkg:nix/NAME@VERSION?storepath=PATH` (no `@` part without a version).
#[must_use]
pub fn purl(name: &str, version: Option<&str>, store_path: &str) -> String {
    let mut s = format!("pkg:nix/{}", encode(name, ""));
    if let Some(v) = version {
        s.push('@');
        s.push_str(&encode(v, ""));
    }
    s.push_str("?storepath=");
    s.push_str(&encode(store_path, "/"));
    s
}

/// Percent-encodes everything but unreserved characters (and `keep`).
fn encode(s: &str, keep: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let c = char::from(b);
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') || keep.contains(c) {
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
    fn encodes_names_versions_and_paths() {
        assert_eq!(
            purl(
                "python3.12-requests",
                Some("2.32.3"),
                "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-python3.12-requests-2.32.3"
            ),
            "pkg:nix/python3.12-requests@2.32.3?storepath=/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-python3.12-requests-2.32.3"
        );
        assert_eq!(
            purl("gtk+", Some("3.0+git"), "/nix/store/x-gtk+-3.0+git"),
            "pkg:nix/gtk%2B@3.0%2Bgit?storepath=/nix/store/x-gtk%2B-3.0%2Bgit"
        );
        assert_eq!(
            purl("etc-motd", None, "/s/x-etc-motd"),
            "pkg:nix/etc-motd?storepath=/s/x-etc-motd"
        );
    }
}
