//! The implementations of [`Store`](crate::Store). Three sources give
//! identical [`Closure`](crate::Closure)s: the store database (fast,
//! read-only), `nix path-info --json` (any Nix) and the `.attrs.json` Nix
//! writes inside a build.

pub mod attrs_json;
pub mod cli;
pub mod db;
mod db_files;
