//! The SBOM as flakegate models it, before any format: one value that the
//! CycloneDX and SPDX renderers both read.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// Which graph the SBOM describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The realised closure and its real references.
    Runtime,
    /// The derivation graph: every input derivation and source.
    Buildtime,
}

impl Mode {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Runtime => "runtime",
            Self::Buildtime => "buildtime",
        }
    }
}

/// Where package metadata (licenses, homepages, …) came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MetadataSource {
    /// One evaluation of the installable (a flake reference, or `lib.sbom`).
    Evaluation,
    /// Not evaluated: only what the store and the `.drv` files give.
    Unavailable,
}

/// A hash algorithm, as both formats name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum HashAlg {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

/// A digest in lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Hash {
    pub alg: HashAlg,
    pub hex: String,
}

/// What kind of thing a component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Built by a derivation.
    Package,
    /// A fixed-output derivation: a download (`fetchurl` and friends).
    Source,
    /// A store path with no derivation behind it (`builtins.toFile`, a
    /// path copied into the store, or a path whose `.drv` is unknown).
    File,
}

/// One value of `meta.license` (see [`crate::license`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct License {
    pub kind: LicenseKind,
    /// The `lib.licenses` attribute name (`shortName`), when nixpkgs gave one.
    pub short_name: Option<String>,
    /// nixpkgs' `free`, when given.
    pub free: Option<bool>,
}

/// What a license value is, in SPDX terms.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum LicenseKind {
    /// A valid SPDX expression in canonical form: one id (`MIT`) or a
    /// compound value (`Apache-2.0 WITH LLVM-exception`).
    Spdx(String),
    /// Not on the SPDX list: a `LicenseRef-` unique to `text`, the value as
    /// nixpkgs wrote it.
    Unknown { license_ref: String, text: String },
}

impl License {
    /// The value as an SPDX expression (a `LicenseRef-` for unknown ones).
    #[must_use]
    pub fn expression(&self) -> &str {
        match &self.kind {
            LicenseKind::Spdx(e) => e,
            LicenseKind::Unknown { license_ref, .. } => license_ref,
        }
    }

    /// How a person would name it: the expression, or the original text.
    #[must_use]
    pub fn display(&self) -> &str {
        match &self.kind {
            LicenseKind::Spdx(e) => e,
            LicenseKind::Unknown { text, .. } => text,
        }
    }
}

/// Who supplied a component (NTIA's "supplier name").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Supplier {
    pub name: String,
    pub url: Option<String>,
}

/// A patch applied to a package (its `patches`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Patch {
    /// The patch file's name (`CVE-2024-12345.patch`).
    pub name: String,
    /// Its store path.
    pub store_path: String,
    /// Where it was downloaded from (fetchpatch), if known.
    pub url: Option<String>,
    /// CVE ids its name carries (`CVE-2024-12345`).
    pub resolves: Vec<String>,
}

/// One output of a package that is part of the SBOM's graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub name: String,
    /// `None` for content-addressed outputs not known before the build.
    pub path: Option<String>,
    /// NAR hash of the realised output (runtime SBOMs).
    pub nar_hash: Option<Hash>,
}

/// Where a package's source came from: a fixed-output input derivation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    pub drv_path: String,
    pub urls: Vec<String>,
    pub hash: Option<Hash>,
    /// The hash is of the NAR of an unpacked tree (`outputHashMode =
    /// "recursive"`), not of the downloaded file.
    pub recursive: bool,
    /// The revision of a version-control source (fetchgit's `rev`).
    pub rev: Option<String>,
}

/// One package (all outputs of one derivation), source or file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Unique within the document: the `.drv` path, or the store path of a
    /// component without one.
    pub bom_ref: String,
    pub kind: Kind,
    pub name: String,
    pub version: Option<String>,
    pub purl: String,
    /// The path that stands for the component: its main output (runtime),
    /// its `.drv` (build time) or the file itself.
    pub store_path: String,
    pub drv_path: Option<String>,
    pub outputs: Vec<Output>,
    pub hash: Option<Hash>,
    /// Download locations of a source component.
    pub urls: Vec<String>,
    pub sources: Vec<SourceRef>,
    pub licenses: Vec<License>,
    pub description: Option<String>,
    pub homepages: Vec<String>,
    pub cpe: Option<String>,
    pub possible_cpes: Vec<String>,
    /// Other purls nixpkgs gives (`meta.identifiers.purls` beyond the first).
    pub other_purls: Vec<String>,
    pub supplier: Supplier,
    /// Whether evaluation said anything about it (its `meta` was read).
    pub evaluated: bool,
    pub patches: Vec<Patch>,
    /// The revision of a version-control source (fetchgit's `rev`).
    pub rev: Option<String>,
    /// A source whose hash is the NAR hash of an unpacked tree
    /// (`outputHashMode = "recursive"`), not the hash of a downloaded file.
    pub recursive: bool,
}

/// The whole SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bom {
    pub mode: Mode,
    pub metadata: MetadataSource,
    /// Deterministic, derived from the root: `xxxxxxxx-xxxx-5xxx-…`.
    pub serial: String,
    /// Seconds since the epoch: `SOURCE_DATE_EPOCH`, else the newest
    /// registration time in the graph, else 0 (never the clock).
    pub timestamp: i64,
    pub tool_version: String,
    /// The described component; it is not repeated in `components`.
    pub root: Component,
    /// Every other component, ordered by name, version and reference.
    pub components: Vec<Component>,
    /// Reference → the references it depends on (sorted); every component,
    /// the root included, has an entry.
    pub dependencies: BTreeMap<String, Vec<String>>,
    /// Metadata that was dropped or normalised, each naming its package.
    pub warnings: Vec<String>,
}

impl Bom {
    /// The root, then the other components.
    pub fn all_components(&self) -> impl Iterator<Item = &Component> {
        std::iter::once(&self.root).chain(self.components.iter())
    }

    /// Every component by its reference. Built once per document: a renderer
    /// that looks up both ends of every edge must not scan the component list
    /// each time (quadratic: 22,000 edges × 6,000 components).
    #[must_use]
    pub fn by_ref(&self) -> HashMap<&str, &Component> {
        self.all_components()
            .map(|c| (c.bom_ref.as_str(), c))
            .collect()
    }

    /// Number of dependency edges.
    #[must_use]
    pub fn edge_count(&self) -> usize {
        self.dependencies.values().map(Vec::len).sum()
    }
}
