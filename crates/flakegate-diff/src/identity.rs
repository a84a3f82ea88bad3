//! Store paths rewritten to what they stand for, so that two values compare
//! by identity, not by hash.
//!
//! A dependent of an upgraded library names the library's new output path,
//! `…-curl-8.10.0`: the value differs in the path's *name*, not only its hash,
//! yet the dependent did nothing of its own. Rewriting every store path into a
//! token for the input it comes from (`curl:out`, or a source's name) makes
//! such values equal; whatever still differs is the derivation's own change.

use nix_derivation::{Derivation, Output};
use rustc_hash::FxHashMap;

use flakegate_store::name::parse_drv_name;

/// The tokens of one derivation's store paths: its input derivations'
/// outputs, its input sources and its own outputs.
pub struct Identities {
    /// Output path *names* of input derivations (`curl-8.10.0-bin`) → token.
    /// An output path's name is fixed by the derivation's name and the output
    /// name, so the `.drv` files of the inputs need not be read to know it.
    by_name: FxHashMap<String, String>,
    /// Whole paths (input sources, own outputs, input `.drv`s) → token.
    by_path: FxHashMap<String, String>,
}

/// The package name of a derivation or store path name, without version:
/// `curl` for `curl-8.10.0` and `curl-8.10.0.tar.gz`.
fn pname(name: &str) -> &str {
    parse_drv_name(name.strip_suffix(".drv").unwrap_or(name)).0
}

/// The name of output `output` of a derivation named `drv_name`.
fn output_path_name(drv_name: &str, output: &str) -> String {
    if output == "out" {
        drv_name.to_owned()
    } else {
        format!("{drv_name}-{output}")
    }
}

impl Identities {
    #[must_use]
    pub fn of(d: &Derivation) -> Self {
        let mut by_name = FxHashMap::default();
        let mut by_path = FxHashMap::default();
        for (path, input) in d.input_derivations() {
            let rendered = d.store_dir().render_path(path);
            let name = path.name();
            let drv_name = name.strip_suffix(".drv").unwrap_or(name);
            let package = pname(drv_name);
            for output in input.outputs() {
                by_name.insert(
                    output_path_name(drv_name, output),
                    format!("{package}:{output}"),
                );
            }
            by_path.insert(rendered.clone(), format!("{package}.drv"));
        }
        for path in d.input_sources() {
            by_path.insert(d.store_dir().render_path(path), path.name().to_owned());
        }
        let own = pname(d.name());
        for (output, o) in d.outputs() {
            if let Output::InputAddressed { path } = o {
                by_path.insert(d.store_dir().render_path(path), format!("{own}:{output}"));
            }
        }
        Self { by_name, by_path }
    }

    /// `s` with every store path the derivation knows replaced by its token.
    /// Paths it does not know keep their hash: a change of them is real.
    #[must_use]
    pub fn rewrite(&self, s: &str, store_dir: &str) -> String {
        let prefix = format!("{store_dir}/");
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find(&prefix) {
            let start = i + prefix.len();
            let tail = &rest[start..];
            let hash_len = tail.bytes().take_while(u8::is_ascii_alphanumeric).count();
            let name_len = if hash_len >= 32 && tail.as_bytes().get(32) == Some(&b'-') {
                tail[33..].bytes().take_while(|&b| is_name_byte(b)).count()
            } else {
                0
            };
            if name_len == 0 {
                out.push_str(&rest[..start]);
                rest = tail;
                continue;
            }
            let end = start + 33 + name_len;
            let path = &rest[i..end];
            let token = self
                .by_path
                .get(path)
                .or_else(|| self.by_name.get(&tail[33..33 + name_len]));
            out.push_str(&rest[..i]);
            out.push_str(token.map_or(path, String::as_str));
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }
}

/// Characters Nix allows in a store path name.
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'_' | b'?' | b'=')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identities(by_name: &[(&str, &str)], by_path: &[(&str, &str)]) -> Identities {
        let map = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(k, t)| ((*k).to_owned(), (*t).to_owned()))
                .collect()
        };
        Identities {
            by_name: map(by_name),
            by_path: map(by_path),
        }
    }

    #[test]
    fn paths_become_tokens() {
        let old = identities(&[("curl-8.9.1-bin", "curl:bin")], &[]);
        let new = identities(&[("curl-8.10.0-bin", "curl:bin")], &[]);
        let a = "PATH=/nix/store/0123456789abcdfghijklmnpqrsvwxyz-curl-8.9.1-bin/bin:/usr/bin";
        let b = "PATH=/nix/store/zyxwvsrqpnmlkjihgfdcba9876543210-curl-8.10.0-bin/bin:/usr/bin";
        assert_eq!(old.rewrite(a, "/nix/store"), "PATH=curl:bin/bin:/usr/bin");
        assert_eq!(old.rewrite(a, "/nix/store"), new.rewrite(b, "/nix/store"));
    }

    #[test]
    fn unknown_paths_keep_their_hash() {
        let ids = identities(
            &[],
            &[(
                "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-builder.sh",
                "builder.sh",
            )],
        );
        let s = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-builder.sh \
                 /nix/store/zyxwvsrqpnmlkjihgfdcba9876543210-other /nix/store/short";
        assert_eq!(
            ids.rewrite(s, "/nix/store"),
            "builder.sh /nix/store/zyxwvsrqpnmlkjihgfdcba9876543210-other /nix/store/short"
        );
    }
}
