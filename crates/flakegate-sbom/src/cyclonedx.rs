//! CycloneDX 1.6 JSON. Hand-written serde types, only the fields flakegate
//! fills; the schema tests (tests/validate) guard them against the official
//! JSON schema. Field order is the struct order, so output is stable.

use serde::Serialize;

use crate::model::{Bom, Component, Hash, HashAlg, Kind, License, MetadataSource, Mode};
use crate::serial::iso8601;

pub const SPEC_VERSION: &str = "1.6";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<CdxComponent<'a>>,
    dependencies: Vec<Dependency<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    lifecycles: Vec<Lifecycle>,
    tools: Tools<'a>,
    component: CdxComponent<'a>,
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Lifecycle {
    phase: &'static str,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: Vec<ToolComponent<'a>>,
}

#[derive(Serialize)]
struct ToolComponent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'a str,
    #[serde(rename = "externalReferences")]
    external_references: Vec<ExternalReference<'a>>,
}

#[derive(Serialize)]
struct CdxComponent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<CdxHash<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpe: Option<&'a str>,
    purl: &'a str,
    #[serde(rename = "externalReferences", skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalReference<'a>>,
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct CdxHash<'a> {
    alg: &'static str,
    content: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice<'a> {
    License {
        license: LicenseEntry<'a>,
    },
    Expression {
        expression: String,
        acknowledgement: &'static str,
    },
}

#[derive(Serialize)]
struct LicenseEntry<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    acknowledgement: &'static str,
}

#[derive(Serialize)]
struct ExternalReference<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<CdxHash<'a>>,
}

#[derive(Serialize)]
struct Property {
    name: String,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    depends_on: Vec<&'a str>,
}

fn alg(a: HashAlg) -> &'static str {
    match a {
        HashAlg::Md5 => "MD5",
        HashAlg::Sha1 => "SHA-1",
        HashAlg::Sha256 => "SHA-256",
        HashAlg::Sha512 => "SHA-512",
    }
}

fn hash(h: &Hash) -> CdxHash<'_> {
    CdxHash {
        alg: alg(h.alg),
        content: &h.hex,
    }
}

fn prop(name: &str, value: impl Into<String>) -> Property {
    Property {
        name: name.to_owned(),
        value: value.into(),
    }
}

/// One `license` entry per license, except that several SPDX ids become one
/// `AND` expression (CycloneDX cannot mix expressions with entries).
fn license_choices(licenses: &[License]) -> Vec<LicenseChoice<'_>> {
    let all_ids: Option<Vec<&str>> = licenses
        .iter()
        .map(|l| match l {
            License::Spdx(id) => Some(id.as_str()),
            License::Named(_) => None,
        })
        .collect();
    match all_ids {
        Some(ids) if ids.len() > 1 => vec![LicenseChoice::Expression {
            expression: ids.join(" AND "),
            acknowledgement: "declared",
        }],
        _ => licenses
            .iter()
            .map(|l| LicenseChoice::License {
                license: match l {
                    License::Spdx(id) => LicenseEntry {
                        id: Some(id),
                        name: None,
                        acknowledgement: "declared",
                    },
                    License::Named(name) => LicenseEntry {
                        id: None,
                        name: Some(name),
                        acknowledgement: "declared",
                    },
                },
            })
            .collect(),
    }
}

fn component<'a>(c: &'a Component, is_root: bool) -> CdxComponent<'a> {
    let kind = match (is_root, c.kind) {
        (true, _) => "application",
        (false, Kind::Package) => "library",
        (false, Kind::Source | Kind::File) => "file",
    };
    let mut refs: Vec<ExternalReference<'a>> = c
        .homepages
        .iter()
        .map(|url| ExternalReference {
            kind: "website",
            url,
            comment: None,
            hashes: Vec::new(),
        })
        .collect();
    for url in &c.urls {
        refs.push(ExternalReference {
            kind: "distribution",
            url,
            comment: None,
            hashes: c.hash.iter().map(hash).collect(),
        });
    }
    for s in &c.sources {
        for url in &s.urls {
            refs.push(ExternalReference {
                kind: "source-distribution",
                url,
                comment: Some(if s.recursive {
                    format!(
                        "fetched by {}; the hash is of the unpacked tree's NAR",
                        s.drv_path
                    )
                } else {
                    format!("fetched by {}", s.drv_path)
                }),
                hashes: s.hash.iter().map(hash).collect(),
            });
        }
    }
    let mut properties = vec![prop("nix:store_path", &c.store_path)];
    if let Some(drv) = &c.drv_path {
        properties.push(prop("nix:drv_path", drv));
    }
    for o in &c.outputs {
        if let Some(path) = &o.path {
            properties.push(prop(&format!("nix:output:{}", o.name), path));
        }
        if let Some(h) = &o.nar_hash {
            properties.push(prop(&format!("nix:nar_hash:{}", o.name), &h.hex));
        }
    }
    for cpe in &c.possible_cpes {
        properties.push(prop("nix:possible_cpe", cpe));
    }
    CdxComponent {
        kind,
        bom_ref: &c.bom_ref,
        name: &c.name,
        version: c.version.as_deref(),
        description: c.description.as_deref(),
        hashes: c.hash.iter().map(hash).collect(),
        licenses: license_choices(&c.licenses),
        cpe: c.cpe.as_deref(),
        purl: &c.purl,
        external_references: refs,
        properties,
    }
}

/// The document, pretty-printed, with a final newline.
#[must_use]
pub fn render(bom: &Bom) -> String {
    let metadata_note = match bom.metadata {
        MetadataSource::Evaluation => "evaluation".to_owned(),
        MetadataSource::Unavailable => {
            "unavailable: the installable was not evaluated (a store path or .drv); licenses, \
             homepages, descriptions and CPEs come only from evaluating a flake reference"
                .to_owned()
        }
    };
    let doc = Document {
        bom_format: "CycloneDX",
        spec_version: SPEC_VERSION,
        serial_number: format!("urn:uuid:{}", bom.serial),
        version: 1,
        metadata: Metadata {
            timestamp: bom.timestamp.map(iso8601),
            lifecycles: vec![Lifecycle {
                phase: match bom.mode {
                    Mode::Runtime => "post-build",
                    Mode::Buildtime => "pre-build",
                },
            }],
            tools: Tools {
                components: vec![ToolComponent {
                    kind: "application",
                    name: "flakegate",
                    version: &bom.tool_version,
                    external_references: vec![ExternalReference {
                        kind: "vcs",
                        url: "https://github.com/flakegate/flakegate",
                        comment: None,
                        hashes: Vec::new(),
                    }],
                }],
            },
            component: component(&bom.root, true),
            properties: vec![
                prop("flakegate:graph", bom.mode.as_str()),
                prop("flakegate:metadata", metadata_note),
            ],
        },
        components: bom.components.iter().map(|c| component(c, false)).collect(),
        dependencies: bom
            .dependencies
            .iter()
            .map(|(r, deps)| Dependency {
                reference: r,
                depends_on: deps.iter().map(String::as_str).collect(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
