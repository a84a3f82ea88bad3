//! Which Nix is on `PATH`: asked once per process from `nix --version`, so
//! that flags newer versions need (`--json-format`) are passed only where
//! they exist, and reports can say what produced them. Never inferred from
//! error text.

use std::fmt;
use std::sync::OnceLock;

use crate::StoreError;
use crate::command::{Invocation, Program};

/// The implementation behind the `nix` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    /// CppNix, including builds that brand it (Determinate Nix).
    Nix,
    /// Lix, whose version numbers (2.90 on) are its own.
    Lix,
}

/// `nix --version`, parsed: `nix (Nix) 2.34.8`, `nix (Lix, like Nix) 2.91.1`,
/// `nix (Determinate Nix 3.6.2) 2.29.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NixVersion {
    pub implementation: Implementation,
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// The line `nix --version` printed, trimmed.
    pub raw: String,
}

impl NixVersion {
    /// Parses the first line of `nix --version`; `None` when it names no
    /// version.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let raw = text.lines().next()?.trim();
        let version = raw.split_whitespace().last()?;
        // `2.34.8`, `2.91.1`, `2.19.0pre20231012_dirty`: digits, dots, then
        // anything; a missing patch is 0.
        let mut numbers = version.split('.').map(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        });
        let major = numbers.next()??;
        let minor = numbers.next()??;
        let patch = numbers.next().flatten().unwrap_or(0);
        let implementation = if raw.contains("(Lix") {
            Implementation::Lix
        } else {
            Implementation::Nix
        };
        Some(Self {
            implementation,
            major,
            minor,
            patch,
            raw: raw.to_owned(),
        })
    }

    /// Whether this is CppNix `major.minor` or newer (never true for Lix,
    /// whose numbers do not follow CppNix's features).
    #[must_use]
    pub fn is_nix_at_least(&self, major: u32, minor: u32) -> bool {
        self.implementation == Implementation::Nix && (self.major, self.minor) >= (major, minor)
    }

    /// Whether `nix path-info --json` takes `--json-format` (Nix 2.33 on,
    /// where bare `--json` is deprecated).
    #[must_use]
    pub fn has_json_format(&self) -> bool {
        self.is_nix_at_least(2, 33)
    }

    /// Whether the `nix` commands read a bare `.drv` path as the derivation
    /// file itself, so that its outputs must be asked for as `DRV^*`: Nix
    /// 2.15 on, and every Lix (forked from 2.18). Older versions build a
    /// `.drv`'s outputs and do not know `^*`.
    #[must_use]
    pub fn drv_means_the_file(&self) -> bool {
        self.implementation == Implementation::Lix || self.is_nix_at_least(2, 15)
    }
}

impl fmt::Display for NixVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.implementation {
            Implementation::Nix => "Nix",
            Implementation::Lix => "Lix",
        };
        write!(f, "{name} {}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The version of `nix`, once this process has asked for it.
static VERSION: OnceLock<NixVersion> = OnceLock::new();

/// The version of the `nix` on `PATH`, asked once per process.
pub fn nix_version() -> Result<&'static NixVersion, StoreError> {
    if let Some(v) = VERSION.get() {
        return Ok(v);
    }
    let out = Invocation::new(Program::Nix).option("--version").run()?;
    let text = String::from_utf8_lossy(&out);
    let parsed = NixVersion::parse(&text).ok_or_else(|| StoreError::BadNixJson {
        command: "nix --version".into(),
        reason: format!("cannot read a version in {:?}", text.trim()),
    })?;
    Ok(VERSION.get_or_init(|| parsed))
}

/// The version of `nix`, if this process already asked for it: a report
/// names the Nix it ran without running Nix only for that (it costs tens of
/// milliseconds, the whole budget of a database read).
#[must_use]
pub fn known() -> Option<&'static NixVersion> {
    VERSION.get()
}

impl NixVersion {
    /// `2.34.8`.
    #[must_use]
    pub fn number(&self) -> String {
        format!("{}.{}.{}", self.major, self.minor, self.patch)
    }

    /// The name in brackets, as the program brands itself: `Nix`, `Lix`
    /// (from `Lix, like Nix`), `Determinate Nix 3.6.2`; `Nix` when there is
    /// none.
    #[must_use]
    pub fn brand(&self) -> &str {
        let raw = self.raw.as_str();
        match (raw.find('('), raw.find(')')) {
            (Some(open), Some(close)) if open < close => raw[open + 1..close]
                .split(',')
                .next()
                .map_or("Nix", str::trim),
            _ => "Nix",
        }
    }

    /// The version as printed, suffix included: `2.19.0pre20231012_dirty`.
    #[must_use]
    pub fn printed(&self) -> &str {
        self.raw.split_whitespace().last().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> NixVersion {
        NixVersion::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn reads_every_implementation() {
        let v = parse("nix (Nix) 2.8.0\n");
        assert_eq!(
            (v.implementation, v.major, v.minor, v.patch),
            (Implementation::Nix, 2, 8, 0)
        );
        assert_eq!(v.raw, "nix (Nix) 2.8.0");
        assert_eq!(parse("nix (Nix) 2.34.8").to_string(), "Nix 2.34.8");
        let lix = parse("nix (Lix, like Nix) 2.91.1");
        assert_eq!((lix.implementation, lix.minor), (Implementation::Lix, 91));
        let det = parse("nix (Determinate Nix 3.6.2) 2.29.0");
        assert_eq!(det.to_string(), "Nix 2.29.0");
        assert_eq!(parse("nix (Nix) 2.19.0pre20231012_dirty").minor, 19);
        assert_eq!(parse("nix (Nix) 2.24").patch, 0);
        assert_eq!(parse("nix (Lix, like Nix) 2.93.3-rc1").minor, 93);
        assert_eq!(parse("nix-instantiate (Nix) 2.24.9").number(), "2.24.9");
        assert_eq!(NixVersion::parse("garbage"), None);
        assert_eq!(NixVersion::parse(""), None);
    }

    #[test]
    fn brand_and_printed_version_are_as_printed() {
        let pair = |s: &str| {
            let v = parse(s);
            (v.brand().to_owned(), v.printed().to_owned())
        };
        assert_eq!(pair("nix (Nix) 2.8.0\n"), ("Nix".into(), "2.8.0".into()));
        assert_eq!(
            pair("nix (Lix, like Nix) 2.91.1"),
            ("Lix".into(), "2.91.1".into())
        );
        assert_eq!(
            pair("nix (Determinate Nix 3.6.2) 2.29.0"),
            ("Determinate Nix 3.6.2".into(), "2.29.0".into())
        );
        assert_eq!(
            pair("nix 2.19.0pre20231012_dirty"),
            ("Nix".into(), "2.19.0pre20231012_dirty".into())
        );
    }

    #[test]
    fn json_format_from_2_33_on_and_never_on_lix() {
        assert!(!parse("nix (Nix) 2.8.0").has_json_format());
        assert!(!parse("nix (Nix) 2.32.4").has_json_format());
        assert!(parse("nix (Nix) 2.33.0").has_json_format());
        assert!(parse("nix (Nix) 2.34.8").has_json_format());
        assert!(parse("nix (Nix) 3.0.0").has_json_format());
        assert!(!parse("nix (Lix, like Nix) 2.93.0").has_json_format());
    }

    #[test]
    fn drv_outputs_need_a_selector_from_2_15_on_and_on_lix() {
        assert!(!parse("nix (Nix) 2.8.0").drv_means_the_file());
        assert!(!parse("nix (Nix) 2.14.1").drv_means_the_file());
        assert!(parse("nix (Nix) 2.15.0").drv_means_the_file());
        assert!(parse("nix (Nix) 2.34.8").drv_means_the_file());
        assert!(parse("nix (Lix, like Nix) 2.91.1").drv_means_the_file());
    }

    #[test]
    fn live_nix_the_nix_on_path_has_a_version() {
        // `live_nix`: the flake's sandboxed check leaves it out by name.
        let v = nix_version().expect("nix --version");
        assert!(v.major >= 2, "{v}");
        assert!(std::ptr::eq(v, nix_version().expect("cached")));
    }
}
