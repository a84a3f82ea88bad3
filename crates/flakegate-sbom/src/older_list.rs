//! SPDX expressions as a document that declares an older SPDX License List
//! writes them.
//!
//! The `spdx` crate knows a newer list than the official SPDX validator
//! (spdx-tools, and most scanners, which read the same kind of bundled
//! list), so an SPDX document declares the validator's list version
//! (`creationInfo.licenseListVersion`) and writes every id its bundled list
//! lacks (newer ids, and a few older ones the bundled index misses)
//! as a `LicenseRef-` of its own, naming the SPDX id in its extracted
//! licensing info: nothing is claimed that the declared list does not hold.
//! Which ids are newer is data (`newer_ids.rs`, generated from both lists),
//! not judgement.

use spdx::lexer::{Lexer, Token};

use crate::license::MODE;
use crate::newer_ids::UNKNOWN_TO_SPDX_VALIDATOR;

/// An SPDX id or exception, or a license `WITH` an exception, that the
/// declared list lacks, written as a `LicenseRef-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewerId {
    /// `LicenseRef-<id>` (`LicenseRef-<license>-WITH-<exception>` for a
    /// newer exception: an exception cannot be a `LicenseRef-` in SPDX 2.3).
    pub license_ref: String,
    /// The SPDX expression it stands for (`BOLA-1.1`).
    pub spdx: String,
    /// The license's full name from the list, else the expression.
    pub name: String,
    /// `https://spdx.org/licenses/ID.html` for each newer id in it.
    pub see_also: Vec<String>,
}

fn is_newer(id: &str) -> bool {
    UNKNOWN_TO_SPDX_VALIDATOR.contains(&id)
}

fn page(id: &str) -> String {
    format!("https://spdx.org/licenses/{id}.html")
}

/// `expression` with every newer id (and every `WITH` a newer exception)
/// replaced by its `LicenseRef-`, and what each stands for.
#[must_use]
pub fn for_declared_list(expression: &str) -> (String, Vec<NewerId>) {
    let Ok(tokens) = Lexer::new_mode(expression, MODE).collect::<Result<Vec<_>, _>>() else {
        return (expression.to_owned(), Vec::new());
    };
    let mut out = String::with_capacity(expression.len());
    let mut newer: Vec<NewerId> = Vec::new();
    let mut at = 0;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        // `LICENSE WITH EXCEPTION` with a newer exception: one ref for both.
        if let (Token::Spdx(l), Some(Token::With), Some(Token::Exception(e))) = (
            &t.token,
            tokens.get(i + 1).map(|t| &t.token),
            tokens.get(i + 2).map(|t| &t.token),
        ) && is_newer(e.name)
        {
            let end = tokens[i + 2].span.end;
            out.push_str(&expression[at..t.span.start]);
            let spdx = format!("{} WITH {}", l.name, e.name);
            let license_ref = format!("LicenseRef-{}-WITH-{}", l.name, e.name);
            out.push_str(&license_ref);
            let mut see_also: Vec<String> = [l.name, e.name]
                .into_iter()
                .filter(|id| is_newer(id))
                .map(page)
                .collect();
            see_also.dedup();
            newer.push(NewerId {
                license_ref,
                name: format!("{} with {}", l.full_name, e.name),
                spdx,
                see_also,
            });
            at = end;
            i += 3;
            continue;
        }
        if let Token::Spdx(l) = &t.token
            && is_newer(l.name)
        {
            out.push_str(&expression[at..t.span.start]);
            let license_ref = format!("LicenseRef-{}", l.name);
            out.push_str(&license_ref);
            newer.push(NewerId {
                license_ref,
                spdx: l.name.to_owned(),
                name: l.full_name.to_owned(),
                see_also: vec![page(l.name)],
            });
            at = t.span.end;
        }
        i += 1;
    }
    out.push_str(&expression[at..]);
    (out, newer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::newer_ids::{SPDX_VALIDATOR_LIST_VERSION, UNKNOWN_TO_CYCLONEDX_SCHEMA};

    #[test]
    fn every_generated_id_is_on_the_crates_list() {
        for id in UNKNOWN_TO_SPDX_VALIDATOR
            .iter()
            .chain(UNKNOWN_TO_CYCLONEDX_SCHEMA)
        {
            assert!(
                spdx::license_id(id).is_some() || spdx::exception_id(id).is_some(),
                "{id} is not on the spdx crate's list: regenerate newer_ids.rs"
            );
        }
        assert!(SPDX_VALIDATOR_LIST_VERSION.split('.').count() == 2);
    }

    #[test]
    fn ids_the_declared_list_has_are_kept() {
        for e in ["MIT", "MIT OR Apache-2.0", "Apache-2.0 WITH LLVM-exception"] {
            assert_eq!(for_declared_list(e), (e.to_owned(), Vec::new()));
        }
    }

    #[test]
    fn newer_ids_become_refs_that_name_them() {
        let (e, newer) = for_declared_list("MIT OR (BOLA-1.1 AND TekHVC)");
        assert_eq!(e, "MIT OR (LicenseRef-BOLA-1.1 AND LicenseRef-TekHVC)");
        assert_eq!(newer.len(), 2);
        assert_eq!(newer[0].spdx, "BOLA-1.1");
        assert_eq!(newer[0].name, "Buena Onda License Agreement v1.1");
        assert_eq!(
            newer[0].see_also,
            ["https://spdx.org/licenses/BOLA-1.1.html"]
        );
    }

    #[test]
    fn a_newer_exception_takes_its_license_into_one_ref() {
        let (e, newer) = for_declared_list("GPL-2.0-only WITH rsync-linking-exception OR MIT");
        assert_eq!(
            e,
            "LicenseRef-GPL-2.0-only-WITH-rsync-linking-exception OR MIT"
        );
        assert_eq!(newer[0].spdx, "GPL-2.0-only WITH rsync-linking-exception");
        assert_eq!(
            newer[0].see_also,
            ["https://spdx.org/licenses/rsync-linking-exception.html"]
        );
    }
}
