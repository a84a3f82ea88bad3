//! CycloneDX 1.6 JSON. Hand-written serde types, only the fields flakegate
//! fills; the schema tests (tests/validate) guard them against the official
//! JSON schema. Field order is the struct order, so output is stable.

use serde::Serialize;

use crate::license::single_id;
use crate::model::{
    Bom, Component, Hash, HashAlg, Kind, License, LicenseKind, MetadataSource, Mode,
};
use crate::newer_ids::UNKNOWN_TO_CYCLONEDX_SCHEMA;
use crate::serial::iso8601;

/// The version of a component that has none (a version-less store path such
/// as `etc-motd`): scanners and NTIA need a version, and this one cannot be
/// mistaken for a release.
pub const NO_VERSION: &str = "unversioned";

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
    compositions: Vec<Composition<'a>>,
}

#[derive(Serialize)]
struct Composition<'a> {
    aggregate: &'static str,
    assemblies: Vec<&'a str>,
    dependencies: Vec<&'a str>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: String,
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
    supplier: Entity<'a>,
    name: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<CdxHash<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpe: Option<&'a str>,
    purl: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pedigree: Option<Pedigree<'a>>,
    #[serde(rename = "externalReferences", skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalReference<'a>>,
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Evidence<'a>>,
}

#[derive(Serialize)]
struct Entity<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    url: Vec<&'a str>,
}

#[derive(Serialize)]
struct Pedigree<'a> {
    patches: Vec<CdxPatch<'a>>,
}

#[derive(Serialize)]
struct CdxPatch<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    diff: Diff<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    resolves: Vec<Issue<'a>>,
}

#[derive(Serialize)]
struct Diff<'a> {
    url: &'a str,
}

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Evidence<'a> {
    identity: Vec<Identity<'a>>,
}

/// A candidate identifier: evidence, never a claim.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Identity<'a> {
    field: &'static str,
    confidence: f64,
    concluded_value: &'a str,
    methods: Vec<Method>,
}

#[derive(Serialize)]
struct Method {
    technique: &'static str,
    confidence: f64,
    value: &'static str,
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

/// A single license value is one `expression` (any valid SPDX expression);
/// a list is one `license` entry per value, since nixpkgs does not say
/// whether all or any apply: an id as `license.id`, anything else (a
/// compound value, an unknown license) as `license.name`.
fn license_choices(licenses: &[License]) -> Vec<LicenseChoice<'_>> {
    if let [l] = licenses
        && let LicenseKind::Spdx(e) = &l.kind
    {
        return vec![LicenseChoice::Expression {
            expression: e.clone(),
            acknowledgement: "declared",
        }];
    }
    licenses
        .iter()
        .map(|l| {
            let id = match &l.kind {
                // The schema's `license.id` enum is an older SPDX list: an
                // id it lacks (generated, see newer_ids.rs) goes in `name`.
                LicenseKind::Spdx(e) => {
                    single_id(e).filter(|id| !UNKNOWN_TO_CYCLONEDX_SCHEMA.contains(id))
                }
                LicenseKind::Unknown { .. } => None,
            };
            LicenseChoice::License {
                license: LicenseEntry {
                    id,
                    name: if id.is_some() {
                        None
                    } else {
                        Some(l.display())
                    },
                    acknowledgement: "declared",
                },
            }
        })
        .collect()
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
    // A download URL carries the file's own hash; the NAR hash of an
    // unpacked tree (`outputHashMode = "recursive"`) is no file's hash, so
    // it is only named in the comment.
    for url in &c.urls {
        refs.push(ExternalReference {
            kind: if c.rev.is_some() {
                "vcs"
            } else {
                "distribution"
            },
            url,
            comment: source_comment(
                None,
                c.rev.as_deref(),
                c.recursive.then_some(c.hash.as_ref()).flatten(),
            ),
            hashes: if c.recursive {
                Vec::new()
            } else {
                c.hash.iter().map(hash).collect()
            },
        });
    }
    for s in &c.sources {
        for url in &s.urls {
            refs.push(ExternalReference {
                kind: if s.rev.is_some() {
                    "vcs"
                } else {
                    "source-distribution"
                },
                url,
                comment: source_comment(
                    Some(&s.drv_path),
                    s.rev.as_deref(),
                    s.recursive.then_some(s.hash.as_ref()).flatten(),
                ),
                hashes: if s.recursive {
                    Vec::new()
                } else {
                    s.hash.iter().map(hash).collect()
                },
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
    let mut identity: Vec<Identity<'a>> = c
        .possible_cpes
        .iter()
        .map(|cpe| Identity {
            field: "cpe",
            confidence: 0.5,
            concluded_value: cpe,
            methods: vec![Method {
                technique: "other",
                confidence: 0.5,
                value: "generated by nixpkgs (meta.identifiers.possibleCPEs), not declared",
            }],
        })
        .collect();
    identity.extend(c.other_purls.iter().map(|p| Identity {
        field: "purl",
        confidence: 1.0,
        concluded_value: p,
        methods: vec![Method {
            technique: "manifest-analysis",
            confidence: 1.0,
            value: "declared by nixpkgs (meta.identifiers.purls)",
        }],
    }));
    let patches: Vec<CdxPatch<'a>> = c
        .patches
        .iter()
        .map(|p| CdxPatch {
            kind: "unofficial",
            diff: Diff {
                url: p.url.as_deref().unwrap_or(&p.store_path),
            },
            resolves: p
                .resolves
                .iter()
                .map(|id| Issue {
                    kind: "security",
                    id,
                    name: id,
                })
                .collect(),
        })
        .collect();
    CdxComponent {
        kind,
        bom_ref: &c.bom_ref,
        supplier: Entity {
            name: &c.supplier.name,
            url: c.supplier.url.iter().map(String::as_str).collect(),
        },
        name: &c.name,
        version: c.version.as_deref().unwrap_or(NO_VERSION),
        description: c.description.as_deref(),
        hashes: c.hash.iter().map(hash).collect(),
        licenses: license_choices(&c.licenses),
        cpe: c.cpe.as_deref(),
        purl: &c.purl,
        pedigree: (!patches.is_empty()).then_some(Pedigree { patches }),
        external_references: refs,
        properties,
        evidence: (!identity.is_empty()).then_some(Evidence { identity }),
    }
}

/// What a source reference's comment says: who fetched it, its revision,
/// and a NAR hash that is not the file's.
fn source_comment(
    fetched_by: Option<&str>,
    rev: Option<&str>,
    nar: Option<&Hash>,
) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(d) = fetched_by {
        parts.push(format!("fetched by {d}"));
    }
    if let Some(r) = rev {
        parts.push(format!("revision {r}"));
    }
    if let Some(h) = nar {
        parts.push(format!(
            "the fixed-output hash sha256:{} is of the unpacked tree's NAR, not of a file",
            h.hex
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
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
            timestamp: iso8601(bom.timestamp),
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
        // The dependency graph is the whole closure (or derivation graph):
        // every edge Nix records is in it.
        compositions: vec![Composition {
            aggregate: "complete",
            assemblies: vec![&bom.root.bom_ref],
            dependencies: vec![&bom.root.bom_ref],
        }],
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
