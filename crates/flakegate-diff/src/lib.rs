//! The diff engine: what changed between two closures (the package view, like
//! nvd or dix) and why two derivations differ (the derivation view, like
//! nix-diff). Pure functions of data the store crate reads; nothing here runs
//! `nix`.

pub mod closure_diff;
pub mod drv_diff;
mod identity;
mod pairing;
pub mod report;
pub mod text_diff;
pub mod version;

pub use closure_diff::{
    ClosureDiff, ClosureSide, PackageChange, PackageDiff, SortKey, Summary, VersionEntry,
    diff_closures,
};
pub use drv_diff::{DrvDiffOptions, DrvDiffReport, DrvSource, diff_derivations};
pub use report::{DiffReport, Explained};
