//! `<hash>.narinfo`: what a binary cache knows about one store path, as
//! `Key: value` lines. A narinfo missing a required field (a truncated
//! upload, a broken proxy) is an error, never a hit.

use crate::StoreDir;

/// The fields flakegate uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NarInfo {
    pub store_path: String,
    /// `sha256:<base32>` as the cache wrote it.
    pub nar_hash: String,
    pub nar_size: u64,
    /// Compressed size, when the cache says.
    pub file_size: Option<u64>,
    /// Full store paths.
    pub references: Vec<String>,
    /// Full `.drv` path, when the cache says.
    pub deriver: Option<String>,
    /// `key-name:base64` signatures.
    pub signatures: Vec<String>,
    /// Content address, when the path has one (it then needs no signature).
    pub ca: Option<String>,
}

/// Parses a narinfo for `expected_path` (its `StorePath` must match).
pub fn parse(text: &str, expected_path: &str, store_dir: &StoreDir) -> Result<NarInfo, String> {
    let mut store_path = None;
    let mut nar_hash = None;
    let mut nar_size = None;
    let mut url = None;
    let mut file_size = None;
    let mut references = Vec::new();
    let mut deriver = None;
    let mut signatures = Vec::new();
    let mut ca = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(": ").or_else(|| line.split_once(':')) else {
            continue;
        };
        let value = value.trim();
        match key {
            "StorePath" => store_path = Some(value.to_owned()),
            "URL" => url = Some(value.to_owned()),
            "NarHash" => nar_hash = Some(value.to_owned()),
            "NarSize" => {
                nar_size = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("NarSize {value:?} is not a number"))?,
                );
            }
            "FileSize" => file_size = value.parse().ok(),
            "References" => {
                references = value
                    .split_whitespace()
                    .map(|r| store_dir.join(r))
                    .collect();
            }
            "Deriver" if value != "unknown-deriver" && !value.is_empty() => {
                deriver = Some(store_dir.join(value));
            }
            "Sig" => signatures.push(value.to_owned()),
            "CA" if !value.is_empty() => ca = Some(value.to_owned()),
            _ => {}
        }
    }
    let missing = |field: &str| format!("truncated or malformed narinfo: no {field}");
    let store_path = store_path.ok_or_else(|| missing("StorePath"))?;
    url.ok_or_else(|| missing("URL"))?;
    let nar_hash = nar_hash.ok_or_else(|| missing("NarHash"))?;
    let nar_size = nar_size.ok_or_else(|| missing("NarSize"))?;
    if store_path != expected_path {
        return Err(format!("narinfo is for {store_path}, not {expected_path}"));
    }
    Ok(NarInfo {
        store_path,
        nar_hash,
        nar_size,
        file_size,
        references,
        deriver,
        signatures,
        ca,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "/nix/store/0wa7kf974wfzq1x8qhdlp246vjgbhcl9-b";
    const TEXT: &str = "StorePath: /nix/store/0wa7kf974wfzq1x8qhdlp246vjgbhcl9-b
URL: nar/08k4.nar.xz
Compression: xz
FileHash: sha256:08k4fg1169yyjgz0hkpr3cs87cnc2m87ps5p8xhhmyrda6gnw0sx
FileSize: 176
NarHash: sha256:0cxfyzi7039kyz6v6zd6avc5l2wxm0104q2zs19rbx1ngpxx6zcc
NarSize: 168
References: 8p33gdzqppidypkgx4m3nsv089jcszs8-a
Deriver: 6v04m45jkszn9jbzbkf5la7bcid3q45l-b.drv
Sig: k-1:abc
";

    #[test]
    fn reads_a_narinfo_nix_wrote() {
        let info = parse(TEXT, P, &StoreDir::new("/nix/store")).expect("narinfo");
        assert_eq!(info.nar_size, 168);
        assert_eq!(info.file_size, Some(176));
        assert_eq!(
            info.references,
            ["/nix/store/8p33gdzqppidypkgx4m3nsv089jcszs8-a"]
        );
        assert_eq!(
            info.deriver.as_deref(),
            Some("/nix/store/6v04m45jkszn9jbzbkf5la7bcid3q45l-b.drv")
        );
        assert_eq!(info.signatures, ["k-1:abc"]);
    }

    #[test]
    fn a_truncated_narinfo_is_an_error() {
        let cut = &TEXT[..TEXT.find("NarHash").expect("field")];
        let err = parse(cut, P, &StoreDir::new("/nix/store")).expect_err("truncated");
        assert!(err.contains("truncated"), "{err}");
        assert!(parse(TEXT, "/nix/store/other", &StoreDir::new("/nix/store")).is_err());
    }
}
