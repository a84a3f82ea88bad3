//! Evaluation metadata joined to a component: licenses, homepages, CPEs,
//! purls and the supplier, each normalised or dropped with a warning that
//! names the package (see [`crate::normalise`]).

use flakegate_store::meta_eval::EvalPackage;

use crate::license::licenses;
use crate::model::{Component, Supplier};
use crate::normalise::{cpe23, url};
use crate::purl;

/// The supplier of a package evaluated from nixpkgs.
pub const NIXPKGS: &str = "nixpkgs";
const NIXPKGS_URL: &str = "https://github.com/NixOS/nixpkgs";

/// The supplier of everything else: what built it is known, who supplied it
/// is not (no evaluation, or a `meta.position` outside nixpkgs).
pub const UNKNOWN_SUPPLIER: &str = "Unknown (not evaluated from nixpkgs)";

#[must_use]
pub fn unknown_supplier() -> Supplier {
    Supplier {
        name: UNKNOWN_SUPPLIER.to_owned(),
        url: None,
    }
}

/// The download URLs a `.drv` gives (`urls`, `url`), normalised; one that
/// is no URL is dropped with a warning.
pub fn normalise_urls(c: &mut Component, warnings: &mut Vec<String>) {
    let who = c.name.clone();
    let mut keep = |urls: &mut Vec<String>| {
        *urls = urls
            .iter()
            .filter_map(|u| {
                let n = url(u);
                if n.is_none() {
                    warnings.push(format!("{who}: source URL {u:?} is not a URL; dropped"));
                }
                n
            })
            .collect();
    };
    keep(&mut c.urls);
    for s in &mut c.sources {
        keep(&mut s.urls);
    }
    for p in &mut c.patches {
        if let Some(u) = p.url.take() {
            p.url = url(&u);
        }
    }
}

/// Applies what evaluation said of `c` (nothing when `p` is `None`).
pub fn apply(c: &mut Component, p: Option<&EvalPackage>, warnings: &mut Vec<String>) {
    let Some(p) = p else { return };
    let m = &p.meta;
    let who = match &c.version {
        Some(v) => format!("{} {v}", c.name),
        None => c.name.clone(),
    };
    c.evaluated = true;
    c.licenses = licenses(&m.license);
    c.description = m
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
    c.homepages = m
        .homepage
        .iter()
        .filter_map(|h| {
            let u = url(h);
            if u.is_none() {
                warnings.push(format!("{who}: meta.homepage {h:?} is not a URL; dropped"));
            }
            u
        })
        .collect();
    c.homepages.dedup();
    c.cpe = m.cpe.as_deref().and_then(|x| {
        let v = cpe23(x);
        if v.is_none() {
            warnings.push(format!(
                "{who}: meta.identifiers.cpe {x:?} is not a CPE 2.2 or 2.3 name; dropped"
            ));
        }
        v
    });
    let mut possible: Vec<String> = Vec::new();
    for x in &m.possible_cpes {
        match cpe23(x) {
            Some(v) if Some(&v) != c.cpe.as_ref() && !possible.contains(&v) => possible.push(v),
            Some(_) => {}
            None => warnings.push(format!(
                "{who}: meta.identifiers.possibleCPEs entry {x:?} is not a CPE name; dropped"
            )),
        }
    }
    c.possible_cpes = possible;
    let mut purls: Vec<&String> = m.purl.iter().chain(m.purls.iter()).collect();
    purls.dedup();
    let mut valid = Vec::new();
    for x in purls {
        if purl::is_valid(x) {
            if !valid.contains(x) {
                valid.push(x.clone());
            }
        } else {
            warnings.push(format!(
                "{who}: meta.identifiers purl {x:?} is not a package URL; dropped"
            ));
        }
    }
    if !valid.is_empty() {
        c.purl = valid.remove(0);
        c.other_purls = valid;
    }
    if m.nixpkgs.is_some() {
        c.supplier = Supplier {
            name: NIXPKGS.to_owned(),
            url: Some(NIXPKGS_URL.to_owned()),
        };
    }
}
