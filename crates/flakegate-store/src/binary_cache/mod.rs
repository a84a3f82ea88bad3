//! Binary caches as Nix reads them: substituter URLs ([`url`]), narinfo files
//! ([`narinfo`]), their signatures ([`signature`]) and a parallel client for
//! `file://`, `http://` and `https://` caches ([`client`]).

pub mod client;
pub mod narinfo;
pub mod signature;
pub mod url;

pub use client::{BinaryCache, Caches, Lookup, QueryOptions};
pub use narinfo::NarInfo;
pub use signature::PublicKey;
pub use url::CacheUrl;
