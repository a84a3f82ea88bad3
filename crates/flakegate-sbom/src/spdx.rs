//! SPDX 2.3 JSON. Hand-written serde types guarded by the schema tests
//! (tests/validate). The root is the one package the document `DESCRIBES`;
//! every dependency edge is a `DEPENDS_ON` relationship.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::license::{license_ref, spdx_expression};
use crate::model::{Bom, Component, Hash, HashAlg, Kind, License, MetadataSource, Mode};
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
struct CreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package<'a> {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<&'a str>,
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

/// A URL of a scheme SPDX knows (`http`, `https`, `ftp`, `sftp`, `ssh`,
/// `git`, `svn`).
fn is_url(u: &str) -> bool {
    [
        "http://", "https://", "ftp://", "sftp://", "ssh://", "git://", "svn://",
    ]
    .iter()
    .any(|scheme| u.len() > scheme.len() && u[..scheme.len()].eq_ignore_ascii_case(scheme))
}

/// What SPDX accepts as a `downloadLocation`: a URL, optionally prefixed by
/// a version control system (`git+https://…`).
fn is_download_location(u: &str) -> bool {
    let rest = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .find_map(|vcs| u.strip_prefix(vcs))
        .unwrap_or(u);
    is_url(rest)
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
        .find(|u| is_download_location(u))
        .cloned()
        .unwrap_or_else(|| "NOASSERTION".to_owned());
    let source_info = (!c.sources.is_empty()).then(|| {
        c.sources
            .iter()
            .map(|s| {
                let hash = s.hash.as_ref().map_or_else(String::new, |h| {
                    let kind = if s.recursive { "NAR hash" } else { "hash" };
                    format!(" ({kind} {})", hash_text(h))
                });
                format!(
                    "built from {}{hash}, fetched by {}",
                    s.urls.join(" "),
                    s.drv_path
                )
            })
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
    if let Some(cpe) = &c.cpe {
        external_refs.push(ExternalRef {
            reference_category: "SECURITY",
            reference_type: "cpe23Type",
            reference_locator: cpe.clone(),
        });
    }
    Package {
        spdx_id: spdx_id(&c.bom_ref),
        name: &c.name,
        version_info: c.version.as_deref(),
        primary_package_purpose: purpose,
        download_location: download,
        files_analyzed: false,
        checksums: c.hash.iter().map(checksum).collect(),
        homepage: c.homepages.iter().find(|u| is_url(u)).map(String::as_str),
        source_info,
        license_concluded: "NOASSERTION",
        license_declared: spdx_expression(&c.licenses).unwrap_or_else(|| "NOASSERTION".into()),
        copyright_text: "NOASSERTION",
        description: c.description.as_deref(),
        comment,
        external_refs,
    }
}

/// The document, pretty-printed, with a final newline.
#[must_use]
pub fn render(bom: &Bom) -> String {
    let root_id = spdx_id(&bom.root.bom_ref);
    let mut extracted: BTreeMap<String, String> = BTreeMap::new();
    for c in bom.all_components() {
        for l in &c.licenses {
            if let License::Named(name) = l {
                extracted.insert(license_ref(name), name.clone());
            }
        }
    }
    let mut relationships = vec![Relationship {
        spdx_element_id: "SPDXRef-DOCUMENT".into(),
        relationship_type: "DESCRIBES",
        related_spdx_element: root_id.clone(),
    }];
    for (from, deps) in &bom.dependencies {
        for to in deps {
            relationships.push(Relationship {
                spdx_element_id: spdx_id(from),
                relationship_type: "DEPENDS_ON",
                related_spdx_element: spdx_id(to),
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
            created: iso8601(bom.timestamp.unwrap_or(0)),
            creators: vec![format!("Tool: flakegate-{}", bom.tool_version)],
        },
        comment: format!("SBOM of {graph}. {metadata}"),
        packages: bom
            .all_components()
            .map(|c| package(c, std::ptr::eq(c, &bom.root)))
            .collect(),
        extracted_licenses: extracted
            .into_iter()
            .map(|(id, name)| ExtractedLicense {
                license_id: id,
                extracted_text: format!(
                    "The package's meta.license names \"{name}\"; its text is not included."
                ),
                name,
            })
            .collect(),
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
    fn download_locations_spdx_accepts() {
        assert!(is_download_location("https://example.org/a.tar.gz"));
        assert!(is_download_location("git+https://github.com/o/r"));
        assert!(is_download_location("FTP://ftp.gnu.org/x"));
        assert!(!is_download_location(
            "mirror://gnu/hello/hello-2.12.1.tar.gz"
        ));
        assert!(!is_download_location("https://"));
        assert!(!is_url("git+https://github.com/o/r"));
        assert_eq!(
            spdx_id("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gtk+3_x-1.0.drv"),
            "SPDXRef-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-gtk-3-x-1.0.drv"
        );
    }
}
