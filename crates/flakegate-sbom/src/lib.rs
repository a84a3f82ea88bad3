//! The SBOM engine: a pure function from a runtime closure or a derivation
//! graph (plus, when there was an evaluation, package metadata) to a
//! [`Bom`], and two renderers of it: CycloneDX 1.6 and SPDX 2.3 JSON.
//!
//! - one component per derivation: its outputs are folded into it and
//!   listed as properties; a store path with no derivation is a component of
//!   its own;
//! - names and versions follow Nix's name split (`pname`/`version` when the
//!   derivation has both); no component is dropped for lacking a version;
//! - licenses go through the SPDX list and grammar ([`license`]); purls are
//!   nixpkgs' own or `pkg:nix/[nixpkgs/]NAME@VERSION` ([`purl`]); bad
//!   metadata is normalised or dropped with a warning ([`normalise`]);
//! - every dependency reference resolves, and the root appears once;
//! - output is byte-reproducible: a serial number derived from the content,
//!   no clock (`SOURCE_DATE_EPOCH`, else the newest registration time),
//!   stable ordering;
//! - [`policy`] checks licenses against a policy (the license gate).
//!
//! Nothing here runs `nix` or touches the disk.

mod build;
pub mod cyclonedx;
pub mod drv;
mod error;
pub mod license;
mod meta;
pub mod model;
mod newer_ids;
pub mod normalise;
pub mod older_list;
pub mod policy;
pub mod purl;
pub mod serial;
pub mod spdx;

pub use build::{Options, buildtime, runtime};
pub use drv::DrvFacts;
pub use error::SbomError;
pub use meta::{NIXPKGS, UNKNOWN_SUPPLIER};
pub use model::{
    Bom, Component, Hash, HashAlg, Kind, License, LicenseKind, MetadataSource, Mode, Patch,
    Supplier,
};

/// The two document formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    CycloneDx,
    Spdx,
}

/// Renders `bom` in `format`.
#[must_use]
pub fn render(bom: &Bom, format: Format) -> String {
    match format {
        Format::CycloneDx => cyclonedx::render(bom),
        Format::Spdx => spdx::render(bom),
    }
}
