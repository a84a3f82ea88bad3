//! Word- and line-level differences of values, as data for the renderers.

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

/// One run of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chunk {
    /// `equal`, `delete` or `insert`.
    pub tag: String,
    pub text: String,
}

fn tag(t: ChangeTag) -> &'static str {
    match t {
        ChangeTag::Equal => "equal",
        ChangeTag::Delete => "delete",
        ChangeTag::Insert => "insert",
    }
}

/// Merges consecutive changes of the same tag.
fn chunks<'a>(changes: impl Iterator<Item = (ChangeTag, &'a str)>) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    for (t, s) in changes {
        match out.last_mut() {
            Some(last) if last.tag == tag(t) => last.text.push_str(s),
            _ => out.push(Chunk {
                tag: tag(t).to_owned(),
                text: s.to_owned(),
            }),
        }
    }
    out
}

/// A word-level diff (whitespace kept), for long environment values such as
/// `configureFlags` or `buildInputs`.
#[must_use]
pub fn words(before: &str, after: &str) -> Vec<Chunk> {
    let diff = TextDiff::from_words(before, after);
    chunks(diff.iter_all_changes().map(|c| (c.tag(), c.value())))
}

/// A line-level diff, for small text files among the input sources.
#[must_use]
pub fn lines(before: &str, after: &str) -> Vec<Chunk> {
    let diff = TextDiff::from_lines(before, after);
    chunks(diff.iter_all_changes().map(|c| (c.tag(), c.value())))
}

fn is_base32(b: u8) -> bool {
    b.is_ascii_digit() || (b.is_ascii_lowercase() && !matches!(b, b'e' | b'o' | b'u' | b't'))
}

/// Replaces every placeholder for a content-addressed output (`/` and 52
/// base-32 characters) by `/…`: a placeholder stands for an output whose path
/// is not known yet, and changes whenever its derivation does.
#[must_use]
pub fn mask_placeholders(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let run_ok = bytes[i] == b'/'
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && bytes.len() >= i + 53
            && bytes[i + 1..i + 53].iter().all(|&b| is_base32(b))
            && bytes.get(i + 53).is_none_or(|b| !b.is_ascii_alphanumeric());
        if run_ok {
            out.push_str(&s[last..i]);
            out.push_str("/…");
            i += 53;
            last = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_keeps_context() {
        let c = words("--enable-docs --with-x", "--disable-docs --with-x");
        assert_eq!(c.iter().filter(|c| c.tag == "delete").count(), 1);
        assert_eq!(c.iter().filter(|c| c.tag == "insert").count(), 1);
        let joined: String = c
            .iter()
            .filter(|c| c.tag != "delete")
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(joined, "--disable-docs --with-x");
    }

    #[test]
    fn masks_placeholders_only() {
        let p1 = "echo /1layadfxyyifmk8x6y12v80xcw71xp7689fmn2xylm3089g5swp7 > $out";
        let p2 = "echo /116ngbpi63wm35p09645kfgnxmr7f5amkhafx07whz15a3bnqwws > $out";
        assert_eq!(mask_placeholders(p1), "echo /… > $out");
        assert_eq!(mask_placeholders(p1), mask_placeholders(p2));
        let path = "/nix/store/7dn12nd615rq3qsgpsh17jj6mylz7fqp-zlib-1.3.1/lib";
        assert_eq!(mask_placeholders(path), path);
    }
}
