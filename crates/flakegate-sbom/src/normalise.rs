//! Values from `meta` and `.drv` files made fit for a document, or refused:
//! URLs through the WHATWG URL parser (`url` crate: unicode hosts become
//! punycode, spaces and non-ASCII characters are percent-encoded), CPE 2.2
//! names rewritten as CPE 2.3, and CPE 2.3 names checked field by field.
//! A refused value is dropped by the caller, with a warning naming the
//! package; nothing here panics on any input.

use url::Url;

/// `s` as an absolute URL, normalised; `None` when it is not one. Schemes
/// with a host (`https`, `ftp`, nixpkgs' `mirror://`, …) must have one.
#[must_use]
pub fn url(s: &str) -> Option<String> {
    let trimmed = s.trim();
    if trimmed.is_empty() || trimmed.chars().any(char::is_control) {
        return None;
    }
    let parsed = Url::parse(trimmed).ok()?;
    if parsed.cannot_be_a_base() || parsed.host_str().is_none_or(str::is_empty) {
        return None;
    }
    Some(parsed.to_string())
}

/// Whether an SPDX `downloadLocation`/`homepage` may hold `u`: a URL of a
/// scheme SPDX knows (optionally with a VCS prefix such as `git+https://`)
/// whose host is a DNS name of ASCII labels ending in a 2–5 letter
/// top-level domain, as the SPDX tools' validator requires (it refuses
/// punycode labels and IP addresses; such URLs stay in CycloneDX).
#[must_use]
pub fn is_spdx_location(u: &str) -> bool {
    let rest = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .find_map(|vcs| u.strip_prefix(vcs))
        .unwrap_or(u);
    if !rest.is_ascii() || rest.contains(char::is_whitespace) {
        return false;
    }
    let Some(after) = ["http", "https", "ftp", "sftp", "ssh", "git", "svn"]
        .iter()
        .find_map(|scheme| {
            rest.get(..scheme.len() + 3)
                .filter(|p| p.eq_ignore_ascii_case(&format!("{scheme}://")))
                .map(|_| &rest[scheme.len() + 3..])
        })
    else {
        return false;
    };
    let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = host_port
        .split_once(':')
        .map_or((host_port, None), |(h, p)| (h, Some(p)));
    let port_ok =
        port.is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    port_ok
        && labels.len() >= 2
        && (2..=5).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && !l.contains("--")
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// `s` as a CPE 2.3 formatted string: a valid 2.3 name as it is, a CPE 2.2
/// URI (`cpe:/a:vendor:product:1.0`) rewritten; `None` otherwise.
#[must_use]
pub fn cpe23(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(uri) = s.strip_prefix("cpe:/") {
        return from_cpe22(uri);
    }
    valid_cpe23(s).then(|| s.to_owned())
}

fn from_cpe22(uri: &str) -> Option<String> {
    let parts: Vec<&str> = uri.split(':').collect();
    if parts.is_empty() || parts.len() > 7 {
        return None;
    }
    let mut fields: Vec<String> = Vec::with_capacity(11);
    for (i, p) in parts.iter().enumerate() {
        let plain = p
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        let value = if p.is_empty() {
            "*".to_owned()
        } else if i == 0 || plain {
            (*p).to_owned()
        } else {
            return None;
        };
        fields.push(value);
    }
    while fields.len() < 11 {
        fields.push("*".to_owned());
    }
    let out = format!("cpe:2.3:{}", fields.join(":"));
    valid_cpe23(&out).then_some(out)
}

/// Checks the CPE 2.3 formatted-string grammar: 13 fields separated by
/// unescaped `:`, part `a`/`o`/`h`/`*`/`-`, language a tag, every other
/// attribute `*`, `-` or a value of letters, digits, `._-` and `\`-escaped
/// punctuation, with `*`/`?` wildcards only at its ends.
fn valid_cpe23(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("cpe:2.3:") else {
        return false;
    };
    let fields = split_unescaped(rest);
    if fields.len() != 11 {
        return false;
    }
    fields.iter().enumerate().all(|(i, f)| match i {
        0 => matches!(f.as_str(), "a" | "o" | "h" | "*" | "-"),
        6 => f == "*" || f == "-" || language(f),
        _ => f == "*" || f == "-" || attribute(f),
    })
}

fn split_unescaped(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ':' {
            out.push(String::new());
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

fn language(f: &str) -> bool {
    let (lang, region) = f.split_once('-').map_or((f, None), |(a, b)| (a, Some(b)));
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && region.is_none_or(|r| {
            (r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
                || (r.len() == 3 && r.chars().all(|c| c.is_ascii_digit()))
        })
}

fn attribute(f: &str) -> bool {
    let core = f
        .trim_start_matches(['*', '?'])
        .trim_end_matches(['*', '?']);
    // A leading `*` may not be followed by `?` and vice versa in the
    // grammar; flakegate only needs to refuse what validators refuse, and
    // a value of wildcards only is not an attribute.
    if core.is_empty() {
        return false;
    }
    let mut chars = core.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(e) if e.is_ascii_punctuation() => {}
                _ => return false,
            }
        } else if !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_normalised_or_refused() {
        assert_eq!(
            url("https://example.org/a b").as_deref(),
            Some("https://example.org/a%20b")
        );
        assert_eq!(
            url("https://bücher.example/ü").as_deref(),
            Some("https://xn--bcher-kva.example/%C3%BC")
        );
        assert_eq!(
            url("mirror://gnu/hello/hello-2.12.tar.gz").as_deref(),
            Some("mirror://gnu/hello/hello-2.12.tar.gz")
        );
        for bad in [
            "",
            "example.org",
            "not a url",
            "https://",
            "mailto:x@y",
            "http://a\nb",
        ] {
            assert_eq!(url(bad), None, "{bad:?}");
        }
        assert!(is_spdx_location("https://example.org/a"));
        assert!(is_spdx_location("git+https://github.com/o/r"));
        assert!(!is_spdx_location("mirror://gnu/x"));
        // Not a character boundary at the scheme's length: no panic.
        assert!(!is_spdx_location("ftp:éé"));
        assert!(!is_spdx_location("ht\u{e9}p://x"));
        assert!(!is_spdx_location("https://ex\u{e4}mple.org"));
        assert!(!is_spdx_location("https://xn--bcher-kva.example/odd"));
        assert!(!is_spdx_location("https://127.0.0.1/x"));
        assert!(is_spdx_location("https://user@ftp.gnu.org:8080/x"));
    }

    #[test]
    fn cpes() {
        let good = "cpe:2.3:a:foo_project:libfoo:1.2.3:*:*:*:*:*:*:*";
        assert_eq!(cpe23(good).as_deref(), Some(good));
        assert!(cpe23("cpe:2.3:a:x:y\\!z:1.0:*:*:en-us:*:*:*:*").is_some());
        assert_eq!(
            cpe23("cpe:/a:openssl:openssl:3.0.14").as_deref(),
            Some("cpe:2.3:a:openssl:openssl:3.0.14:*:*:*:*:*:*:*")
        );
        for bad in [
            "cpe:2.3:a:foo",
            "cpe:2.3:x:a:b:c:*:*:*:*:*:*:*",
            "cpe:2.3:a:a b:c:1:*:*:*:*:*:*:*",
            "cpe:/a:ven dor:p",
            "cpe:2.3:a:ä:b:1:*:*:*:*:*:*:*",
            "openssl",
        ] {
            assert_eq!(cpe23(bad), None, "{bad}");
        }
    }
}
