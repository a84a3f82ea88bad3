//! `meta.license` as SBOMs want it, decided by the SPDX license list and
//! expression grammar (the `spdx` crate), never by the shape of a string:
//!
//! - a value whose `spdxId` (or free-form text) is an SPDX expression over
//!   known ids and exceptions becomes that expression, in canonical case
//!   (`mit` → `MIT`, `GPL-2.0+` → `GPL-2.0-or-later`); nixpkgs' compound
//!   values (`Apache-2.0 WITH LLVM-exception`) stay compound;
//! - a value without `spdxId` whose full name is an SPDX license's full name
//!   (`Apache License 2.0`) becomes that id;
//! - an exception used alone (`[ asl20 llvmExcep ]`) is attached with `WITH`
//!   to the one license it sits next to, else kept as an unknown license;
//! - anything else is unknown: a `LicenseRef-` unique to its exact text (a
//!   readable part plus a hash, so `Foo (v1)` and `Foo [v1]` never collide),
//!   which carries the text.
//!
//! A list of licenses is kept as a list: nixpkgs gives a list no meaning
//! (all apply? any applies?), so it is never turned into `AND` or `OR`.

use flakegate_store::meta_eval::LicenseItem;
use sha1::{Digest, Sha1};
use spdx::lexer::{Lexer, Token};
use spdx::{Expression, ParseMode};

use crate::model::{License, LicenseKind};

/// How expressions are read: the SPDX grammar over the SPDX list, with the
/// deprecated ids nixpkgs still uses (`GPL-2.0+`) and no guessing of
/// imprecise names.
pub(crate) const MODE: ParseMode = ParseMode {
    allow_slash_as_or_operator: false,
    allow_imprecise_license_names: false,
    allow_postfix_plus_on_gpl: true,
    allow_deprecated: true,
    allow_unknown: false,
};

/// The licenses of one `meta.license`, in order, without repeats.
#[must_use]
pub fn licenses(items: &[LicenseItem]) -> Vec<License> {
    let mut out: Vec<License> = Vec::new();
    let mut exceptions: Vec<(String, License)> = Vec::new();
    for item in items {
        let (text, name, short_name, free) = match item {
            LicenseItem::Text(text) => (text.trim().to_owned(), None, None, None),
            LicenseItem::Attrs {
                spdx_id,
                name,
                short_name,
                free,
            } => {
                let text = spdx_id
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .or(name.as_deref().map(str::trim))
                    .or(short_name.as_deref().map(str::trim))
                    .unwrap_or_default()
                    .to_owned();
                (
                    text,
                    name.as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                    short_name.clone(),
                    *free,
                )
            }
        };
        if text.is_empty() {
            continue;
        }
        let by_full_name = match item {
            LicenseItem::Attrs { spdx_id: None, .. } => full_name_id(&text),
            _ => None,
        };
        let kind = if let Some(expr) = by_full_name.or_else(|| canonical_expression(&text)) {
            LicenseKind::Spdx(expr)
        } else if let Some(exc) = exception(&text) {
            exceptions.push((
                exc.clone(),
                License {
                    kind: unknown(&text, name.as_deref()),
                    short_name: short_name.clone(),
                    free,
                },
            ));
            continue;
        } else {
            unknown(&text, name.as_deref())
        };
        push(
            &mut out,
            License {
                kind,
                short_name,
                free,
            },
        );
    }
    // An exception only means something with the license it modifies: with
    // exactly one plain SPDX license beside it, that is the one.
    for (exc, fallback) in exceptions {
        let plain: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(
                |(_, l)| matches!(&l.kind, LicenseKind::Spdx(e) if spdx::license_id(e).is_some()),
            )
            .map(|(i, _)| i)
            .collect();
        match plain.as_slice() {
            [i] => {
                let l = &mut out[*i];
                if let LicenseKind::Spdx(e) = &l.kind {
                    l.kind = LicenseKind::Spdx(format!("{e} WITH {exc}"));
                }
                if l.free.is_none() || fallback.free == Some(false) {
                    l.free = fallback.free.or(l.free);
                }
            }
            _ => push(&mut out, fallback),
        }
    }
    out
}

fn push(out: &mut Vec<License>, l: License) {
    if !out.iter().any(|o| o.kind == l.kind) {
        out.push(l);
    }
}

/// The canonical form of `text` when it is a valid SPDX expression (known
/// ids and exceptions, any case, `LicenseRef-`s allowed).
#[must_use]
pub fn canonical_expression(text: &str) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    let cased = fix_case(text)?;
    let canonical = match Expression::canonicalize(&cased) {
        Ok(Some(c)) => c,
        Ok(None) => cased,
        Err(_) => return None,
    };
    Expression::parse_mode(&canonical, MODE).ok()?;
    Some(canonical)
}

/// Every word of `text` that names a license or exception of the SPDX list
/// in another case, in the list's case; `None` when the grammar fails.
fn fix_case(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let words: Vec<&str> = text
        .split_inclusive(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .collect();
    for piece in words {
        let (word, sep) = piece
            .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .map_or((piece, ""), |i| piece.split_at(i));
        let (base, plus) = word.strip_suffix('+').map_or((word, ""), |b| (b, "+"));
        let fixed = spdx::identifiers::LICENSES
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(base))
            .map(|l| l.name)
            .or_else(|| {
                spdx::identifiers::EXCEPTIONS
                    .iter()
                    .find(|e| e.name.eq_ignore_ascii_case(base))
                    .map(|e| e.name)
            })
            .or_else(|| {
                ["AND", "OR", "WITH"]
                    .into_iter()
                    .find(|op| op.eq_ignore_ascii_case(base))
            });
        out.push_str(fixed.unwrap_or(base));
        out.push_str(plus);
        out.push_str(sep);
    }
    // The lexer keeps yielding its error: stop at the first.
    for token in Lexer::new_mode(&out, MODE) {
        match token {
            Ok(t) if !matches!(t.token, Token::Unknown(_)) => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The SPDX id whose full name is `name` (`Apache License 2.0`).
fn full_name_id(name: &str) -> Option<String> {
    spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.full_name.eq_ignore_ascii_case(name))
        .map(|l| l.name.to_owned())
}

/// The SPDX exception `text` names, alone.
fn exception(text: &str) -> Option<String> {
    spdx::identifiers::EXCEPTIONS
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(text.trim()))
        .map(|e| e.name.to_owned())
}

fn unknown(text: &str, name: Option<&str>) -> LicenseKind {
    LicenseKind::Unknown {
        license_ref: license_ref(text),
        text: match name {
            Some(n) if n != text => format!("{n} ({text})"),
            _ => text.to_owned(),
        },
    }
}

/// `LicenseRef-<readable part>-<8 hex digits of the text's SHA-1>`: stable,
/// and unique to the exact text even where the readable part is not.
#[must_use]
pub fn license_ref(text: &str) -> String {
    let digest = Sha1::digest(text.as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let readable: String = spdx_idstring(text)
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let readable: String = readable.chars().take(48).collect();
    if readable.is_empty() {
        format!("LicenseRef-{hash}")
    } else {
        format!("LicenseRef-{readable}-{hash}")
    }
}

/// `s` with every character an SPDX idstring does not allow (anything but
/// ASCII letters, digits, `.` and `-`) replaced by `-`.
#[must_use]
pub fn spdx_idstring(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The `LicenseRef-`s an expression uses.
#[must_use]
pub fn refs_in(expression: &str) -> Vec<String> {
    Lexer::new_mode(expression, MODE)
        .map_while(Result::ok)
        .filter_map(|t| match t.token {
            Token::LicenseRef {
                doc_ref: None,
                lic_ref,
            } => Some(format!("LicenseRef-{lic_ref}")),
            _ => None,
        })
        .collect()
}

/// Whether `expression` is one license id (no operator, no `WITH`).
#[must_use]
pub fn single_id(expression: &str) -> Option<&str> {
    (spdx::license_id(expression).is_some() && !expression.ends_with('+')).then_some(expression)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(id: Option<&str>, name: Option<&str>) -> LicenseItem {
        LicenseItem::Attrs {
            spdx_id: id.map(str::to_owned),
            name: name.map(str::to_owned),
            short_name: None,
            free: None,
        }
    }

    fn kinds(items: &[LicenseItem]) -> Vec<String> {
        licenses(items)
            .into_iter()
            .map(|l| match l.kind {
                LicenseKind::Spdx(e) => e,
                LicenseKind::Unknown { license_ref, text } => format!("{license_ref} = {text}"),
            })
            .collect()
    }

    #[test]
    fn ids_are_canonical_and_checked_against_the_list() {
        assert_eq!(
            kinds(&[
                attrs(Some("MIT"), Some("MIT License")),
                attrs(Some("apache-2.0"), None),
                attrs(Some("GPL-2.0+"), None),
                attrs(Some("GPL-3.0"), None),
                attrs(Some("Apache-2.0 WITH LLVM-exception"), None),
                attrs(Some("mit or apache-2.0"), None),
                attrs(Some("LicenseRef-scancode-foo"), None),
            ]),
            [
                "MIT",
                "Apache-2.0",
                "GPL-2.0-or-later",
                "GPL-3.0-only",
                "Apache-2.0 WITH LLVM-exception",
                "MIT OR Apache-2.0",
                "LicenseRef-scancode-foo",
            ]
        );
        // Looks like an id, is not one.
        let got = kinds(&[attrs(Some("NCUL1"), Some("Non-Commercial Use License"))]);
        assert!(
            got[0].starts_with("LicenseRef-NCUL1-")
                && got[0].ends_with("Non-Commercial Use License (NCUL1)"),
            "{got:?}"
        );
    }

    #[test]
    fn free_text_ids_full_names_and_unknown_text() {
        let got = kinds(&[
            LicenseItem::Text("MIT".into()),
            attrs(None, Some("Apache License 2.0")),
            attrs(None, Some("Unfree redistributable")),
            LicenseItem::Text("Foo (v1)".into()),
            LicenseItem::Text("Foo [v1]".into()),
            LicenseItem::Text("Lizenz für Alle".into()),
            LicenseItem::Text("  ".into()),
            attrs(None, None),
        ]);
        assert_eq!(got[0], "MIT");
        assert_eq!(got[1], "Apache-2.0");
        assert!(got[2].starts_with("LicenseRef-Unfree-redistributable-"));
        assert!(got[3].starts_with("LicenseRef-Foo-v1-"));
        assert!(got[4].starts_with("LicenseRef-Foo-v1-"));
        assert_ne!(got[3], got[4], "two texts, two refs");
        assert!(got[5].starts_with("LicenseRef-Lizenz-f-r-Alle-"), "{got:?}");
        assert_eq!(got.len(), 6);
        // Stable.
        assert_eq!(license_ref("Foo (v1)"), license_ref("Foo (v1)"));
    }

    #[test]
    fn an_exception_goes_with_the_one_license_beside_it() {
        assert_eq!(
            kinds(&[
                attrs(Some("Apache-2.0"), None),
                attrs(Some("LLVM-exception"), None)
            ]),
            ["Apache-2.0 WITH LLVM-exception"]
        );
        let alone = kinds(&[attrs(Some("LLVM-exception"), None)]);
        assert!(
            alone[0].starts_with("LicenseRef-LLVM-exception-"),
            "{alone:?}"
        );
        let two = kinds(&[
            attrs(Some("MIT"), None),
            attrs(Some("BSD-3-Clause"), None),
            attrs(Some("Classpath-exception-2.0"), None),
        ]);
        assert_eq!(two.len(), 3);
    }

    #[test]
    fn refs_and_single_ids() {
        assert_eq!(
            refs_in("MIT OR LicenseRef-a-1 AND (LicenseRef-b WITH LLVM-exception)"),
            ["LicenseRef-a-1", "LicenseRef-b"]
        );
        assert_eq!(single_id("MIT"), Some("MIT"));
        assert_eq!(single_id("MIT OR ISC"), None);
        assert_eq!(single_id("LicenseRef-x"), None);
    }
}
