//! SPDX 2.3 JSON. Hand-written serde types guarded by the schema tests
//! (tests/validate). The root is the one package the document `DESCRIBES`;
//! every dependency edge is a `DEPENDS_ON` relationship.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::cyclonedx::NO_VERSION;
use crate::license::refs_in;
use crate::model::{Bom, Component, Hash, HashAlg, Kind, LicenseKind, MetadataSource, Mode};
use crate::newer_ids::SPDX_VALIDATOR_LIST_VERSION;
use crate::normalise::is_spdx_location;
use crate::older_list::for_declared_list;
use crate::serial::iso8601;

pub const SPEC_VERSION: &str = "SPDX-2.3";

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "spdxVersion")]
    spdx_version: &'static str,
    #[serde(rename = "dataLicense")]
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    #[serde(rename = "documentNamespace")]
    document_namespace: String,
    #[serde(rename = "creationInfo")]
    creation_info: CreationInfo,
    comment: String,
    packages: Vec<Package<'a>>,
    #[serde(
        rename = "hasExtractedLicensingInfos",
        skip_serializing_if = "Vec::is_empty"
    )]
    extracted_licenses: Vec<ExtractedLicense>,
    relationships: Vec<Relationship>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
    /// The SPDX License List every id in the document is on (see
    /// [`crate::older_list`]).
    license_list_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package<'a> {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: &'a str,
    version_info: &'a str,
    supplier: String,
    primary_package_purpose: &'static str,
    download_location: String,
    files_analyzed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    homepage: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    license_concluded: &'static str,
    license_declared: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_comments: Option<String>,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    comment: String,
    external_refs: Vec<ExternalRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum<'a> {
    algorithm: &'static str,
    checksum_value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    license_id: String,
    name: String,
    extracted_text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    see_alsos: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

/// `SPDXRef-<basename>`: the store basename is unique (its hash), and only
/// letters, digits, `.` and `-` are allowed.
#[must_use]
pub fn spdx_id(bom_ref: &str) -> String {
    let base = bom_ref.rsplit('/').next().unwrap_or(bom_ref);
    format!("SPDXRef-{}", crate::license::spdx_idstring(base))
}

fn checksum(h: &Hash) -> Checksum<'_> {
    Checksum {
        algorithm: match h.alg {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA1",
            HashAlg::Sha256 => "SHA256",
            HashAlg::Sha512 => "SHA512",
        },
        checksum_value: &h.hex,
    }
}

fn hash_text(h: &Hash) -> String {
    let alg = match h.alg {
        HashAlg::Md5 => "md5",
        HashAlg::Sha1 => "sha1",
        HashAlg::Sha256 => "sha256",
        HashAlg::Sha512 => "sha512",
    };
    format!("{alg}:{}", h.hex)
}

fn package<'a>(c: &'a Component, is_root: bool) -> Package<'a> {
    let purpose = match (is_root, c.kind) {
        (true, _) => "APPLICATION",
        (false, Kind::Package) => "LIBRARY",
        (false, Kind::Source) => "SOURCE",
        (false, Kind::File) => "FILE",
    };
    // Where the package can be had: its own URL (a download), else the URL
    // of the source it was built from; the first one SPDX accepts (nixpkgs'
    // `mirror://` URLs are not).
    let download = c
        .urls
        .iter()
        .chain(c.sources.iter().flat_map(|s| s.urls.iter()))
        .find(|u| is_spdx_location(u))
        .map(|u| match (&c.rev, u.starts_with("http")) {
            (Some(rev), true) if c.kind == Kind::Source => format!("git+{u}@{rev}"),
            _ => u.clone(),
        })
        .unwrap_or_else(|| "NOASSERTION".to_owned());
    let patches = c.patches.iter().map(|p| {
        let resolves = if p.resolves.is_empty() {
            String::new()
        } else {
            format!(", resolves {}", p.resolves.join(" "))
        };
        format!(
            "patched with {} ({}{resolves})",
            p.name,
            p.url.as_deref().unwrap_or(&p.store_path)
        )
    });
    let source_info = (!c.sources.is_empty() || !c.patches.is_empty()).then(|| {
        c.sources
            .iter()
            .map(|s| {
                let hash = s.hash.as_ref().map_or_else(String::new, |h| {
                    let kind = if s.recursive {
                        "NAR hash of the unpacked tree"
                    } else {
                        "file hash"
                    };
                    format!(" ({kind} {})", hash_text(h))
                });
                let rev = s
                    .rev
                    .as_ref()
                    .map_or_else(String::new, |r| format!(" at revision {r}"));
                format!(
                    "built from {}{rev}{hash}, fetched by {}",
                    s.urls.join(" "),
                    s.drv_path
                )
            })
            .chain(patches)
            .collect::<Vec<_>>()
            .join("; ")
    });
    let mut comment = format!("Nix store path {}", c.store_path);
    let outputs: Vec<String> = c
        .outputs
        .iter()
        .filter_map(|o| {
            let path = o.path.as_deref()?;
            Some(match &o.nar_hash {
                Some(h) => format!("{} = {path} ({})", o.name, hash_text(h)),
                None => format!("{} = {path}", o.name),
            })
        })
        .collect();
    if !outputs.is_empty() {
        comment.push_str(&format!("; outputs: {}", outputs.join(", ")));
    }
    if !c.possible_cpes.is_empty() {
        comment.push_str(&format!("; possible CPEs: {}", c.possible_cpes.join(" ")));
    }
    let mut external_refs = vec![ExternalRef {
        reference_category: "PACKAGE-MANAGER",
        reference_type: "purl",
        reference_locator: c.purl.clone(),
    }];
    for p in &c.other_purls {
        external_refs.push(ExternalRef {
            reference_category: "PACKAGE-MANAGER",
            reference_type: "purl",
            reference_locator: p.clone(),
        });
    }
    if let Some(cpe) = &c.cpe {
        external_refs.push(ExternalRef {
            reference_category: "SECURITY",
            reference_type: "cpe23Type",
            reference_locator: cpe.clone(),
        });
    }
    // One value is the declared license; a list has no meaning in nixpkgs
    // (all apply? any?), so none is declared and the list is a comment.
    let (license_declared, license_comments) = match c.licenses.as_slice() {
        [] => ("NOASSERTION".to_owned(), None),
        [one] => (for_declared_list(one.expression()).0, None),
        many => (
            "NOASSERTION".to_owned(),
            Some(format!(
                "meta.license lists {} licenses without saying whether all or any apply: {}",
                many.len(),
                many.iter()
                    .map(|l| l.expression())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        ),
    };
    Package {
        spdx_id: spdx_id(&c.bom_ref),
        name: &c.name,
        version_info: c.version.as_deref().unwrap_or(NO_VERSION),
        supplier: format!("Organization: {}", c.supplier.name),
        primary_package_purpose: purpose,
        download_location: download,
        files_analyzed: false,
        checksums: c.hash.iter().map(checksum).collect(),
        homepage: c
            .homepages
            .iter()
            .find(|u| is_spdx_location(u))
            .map(String::as_str),
        source_info,
        license_concluded: "NOASSERTION",
        license_declared,
        license_comments,
        copyright_text: "NOASSERTION",
        description: c.description.as_deref(),
        comment,
        external_refs,
    }
}

/// The SPDX relationship of the edge `from` → `to`, by kind: runtime
/// references are `DEPENDS_ON`; at build time a source is what the package
/// is `GENERATED_FROM`, a patch is a `PATCH_FOR` it, and every other input is
/// a `BUILD_DEPENDENCY_OF` it.
fn relationship<'a>(
    mode: Mode,
    from: &'a Component,
    to: &'a str,
    by_ref: &HashMap<&str, &'a Component>,
) -> (&'a str, &'static str, &'a str) {
    if mode == Mode::Runtime {
        return (&from.bom_ref, "DEPENDS_ON", to);
    }
    if from.sources.iter().any(|s| s.drv_path == to) {
        return (&from.bom_ref, "GENERATED_FROM", to);
    }
    let target = by_ref.get(to);
    let is_patch = target.is_some_and(|t| {
        from.patches.iter().any(|p| {
            p.store_path == t.store_path
                || t.outputs
                    .iter()
                    .any(|o| o.path.as_deref() == Some(&p.store_path))
        })
    });
    if is_patch {
        return (to, "PATCH_FOR", &from.bom_ref);
    }
    (to, "BUILD_DEPENDENCY_OF", &from.bom_ref)
}

/// The document, pretty-printed, with a final newline.
#[must_use]
pub fn render(bom: &Bom) -> String {
    let root_id = spdx_id(&bom.root.bom_ref);
    // Every LicenseRef used, with what it stands for: an unknown license's
    // text, an SPDX id newer than the declared list, or (a LicenseRef that
    // nixpkgs wrote in an spdxId) itself.
    let mut extracted: BTreeMap<String, ExtractedLicense> = BTreeMap::new();
    let mut add = |id: &str, name: &str, text: String, see_alsos: Vec<String>| {
        extracted
            .entry(id.to_owned())
            .or_insert_with(|| ExtractedLicense {
                license_id: id.to_owned(),
                name: name.to_owned(),
                extracted_text: text,
                see_alsos,
            });
    };
    let named = |name: &str| {
        format!("A license nixpkgs' meta.license names \"{name}\"; its text is not included.")
    };
    for c in bom.all_components() {
        for l in &c.licenses {
            match &l.kind {
                LicenseKind::Unknown { license_ref, text } => {
                    add(license_ref, text, named(text), Vec::new());
                }
                LicenseKind::Spdx(e) => {
                    let (written, newer) = for_declared_list(e);
                    for n in newer {
                        let text = format!(
                            "The SPDX license expression \"{}\" (SPDX License List {}), \
                             which the license list this document declares ({}, as the \
                             official SPDX validator bundles it) lacks; its text: {}",
                            n.spdx,
                            spdx::identifiers::VERSION,
                            SPDX_VALIDATOR_LIST_VERSION,
                            n.see_also.join(", ")
                        );
                        add(&n.license_ref, &n.name, text, n.see_also);
                    }
                    for r in refs_in(&written) {
                        add(&r, &r, named(&r), Vec::new());
                    }
                }
            }
        }
    }
    let mut relationships = vec![Relationship {
        spdx_element_id: "SPDXRef-DOCUMENT".into(),
        relationship_type: "DESCRIBES",
        related_spdx_element: root_id.clone(),
    }];
    let by_ref = bom.by_ref();
    for (from, deps) in &bom.dependencies {
        let Some(component) = by_ref.get(from.as_str()) else {
            continue;
        };
        for to in deps {
            let (a, kind, b) = relationship(bom.mode, component, to, &by_ref);
            relationships.push(Relationship {
                spdx_element_id: spdx_id(a),
                relationship_type: kind,
                related_spdx_element: spdx_id(b),
            });
        }
    }
    let graph = match bom.mode {
        Mode::Runtime => "the runtime closure (edges: store path references)",
        Mode::Buildtime => "the derivation graph (edges: input derivations and sources)",
    };
    let metadata = match bom.metadata {
        MetadataSource::Evaluation => {
            "Package metadata (licenses, homepages, CPEs) from evaluation."
        }
        MetadataSource::Unavailable => {
            "Package metadata unavailable: the installable was not evaluated (a store path or \
             .drv), so licenses, homepages, descriptions and CPEs are not asserted."
        }
    };
    let name = match &bom.root.version {
        Some(v) => format!("{}-{v}", bom.root.name),
        None => bom.root.name.clone(),
    };
    let doc = Document {
        spdx_version: SPEC_VERSION,
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        document_namespace: format!(
            "https://github.com/flakegate/flakegate/spdx/{}/{}-{}",
            bom.mode.as_str(),
            name.replace(
                |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
                "-"
            ),
            bom.serial
        ),
        name,
        creation_info: CreationInfo {
            created: iso8601(bom.timestamp),
            creators: vec![format!("Tool: flakegate-{}", bom.tool_version)],
            license_list_version: SPDX_VALIDATOR_LIST_VERSION,
        },
        comment: format!("SBOM of {graph}. {metadata}"),
        packages: bom
            .all_components()
            .map(|c| package(c, std::ptr::eq(c, &bom.root)))
            .collect(),
        extracted_licenses: extracted.into_values().collect(),
        relationships,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_ids() {
        assert_eq!(
            spdx_id("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gtk+3_x-1.0.drv"),
            "SPDXRef-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gtk-3-x-1.0.drv"
        );
        assert_eq!(spdx_id("/nix/store/x-ünï"), "SPDXRef-x--n-");
    }
}
