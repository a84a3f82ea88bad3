//! `meta.license` as SBOMs want it: SPDX identifiers where nixpkgs gives
//! one (`spdxId`), and every other license kept by name, never dropped.

use flakegate_store::meta_eval::LicenseItem;

use crate::model::License;

/// The licenses of one `meta.license`, in order, without repeats.
#[must_use]
pub fn licenses(items: &[LicenseItem]) -> Vec<License> {
    let mut out: Vec<License> = Vec::new();
    for item in items {
        let license = match item {
            LicenseItem::Attrs {
                spdx_id: Some(id), ..
            } if is_spdx_id_shape(id) => License::Spdx(id.clone()),
            LicenseItem::Attrs {
                name: Some(name), ..
            } if !name.trim().is_empty() => License::Named(name.trim().to_owned()),
            LicenseItem::Attrs {
                spdx_id: Some(id), ..
            } if !id.trim().is_empty() => License::Named(id.trim().to_owned()),
            LicenseItem::Text(text) if !text.trim().is_empty() => {
                License::Named(text.trim().to_owned())
            }
            _ => continue,
        };
        if !out.contains(&license) {
            out.push(license);
        }
    }
    out
}

/// SPDX license identifiers are letters, digits, `.`, `-` and `+`.
fn is_spdx_id_shape(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
}

/// The SPDX expression for a list of licenses. nixpkgs means "all of these
/// apply" by a list, hence `AND`; named licenses become `LicenseRef-…`.
#[must_use]
pub fn spdx_expression(licenses: &[License]) -> Option<String> {
    if licenses.is_empty() {
        return None;
    }
    let parts: Vec<String> = licenses
        .iter()
        .map(|l| match l {
            License::Spdx(id) => id.clone(),
            License::Named(name) => license_ref(name),
        })
        .collect();
    Some(parts.join(" AND "))
}

/// `LicenseRef-<name>` with every character SPDX does not allow replaced.
#[must_use]
pub fn license_ref(name: &str) -> String {
    format!("LicenseRef-{}", spdx_idstring(name).trim_matches('-'))
}

/// `s` with every character an SPDX idstring does not allow (anything but
/// letters, digits, `.` and `-`) replaced by `-`.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(id: Option<&str>, name: Option<&str>) -> LicenseItem {
        LicenseItem::Attrs {
            spdx_id: id.map(str::to_owned),
            name: name.map(str::to_owned),
        }
    }

    #[test]
    fn ids_names_and_free_text() {
        let got = licenses(&[
            attrs(Some("MIT"), Some("MIT License")),
            attrs(None, Some("Unfree redistributable")),
            LicenseItem::Text("Some Custom License v2".into()),
            attrs(Some("MIT"), Some("MIT License")),
            LicenseItem::Text("  ".into()),
            attrs(None, None),
        ]);
        assert_eq!(
            got,
            vec![
                License::Spdx("MIT".into()),
                License::Named("Unfree redistributable".into()),
                License::Named("Some Custom License v2".into()),
            ]
        );
        assert_eq!(
            spdx_expression(&got).as_deref(),
            Some("MIT AND LicenseRef-Unfree-redistributable AND LicenseRef-Some-Custom-License-v2")
        );
        assert_eq!(spdx_expression(&[]), None);
    }

    #[test]
    fn an_spdx_id_that_cannot_be_one_is_kept_by_name() {
        assert_eq!(
            licenses(&[attrs(Some("not an id!"), None)]),
            vec![License::Named("not an id!".into())]
        );
    }
}
