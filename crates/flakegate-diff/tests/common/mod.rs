//! What the engine tests share: `.drv` files read straight from the store.

use flakegate_store::{StoreDir, drv};
use nix_derivation::Derivation;

pub struct Files(pub StoreDir);

impl Files {
    pub fn from_env() -> Self {
        Self(StoreDir::from_env())
    }
}

impl flakegate_diff::DrvSource for Files {
    fn load(&self, drv_path: &str) -> Result<Derivation, String> {
        drv::read(drv_path, &self.0).map_err(|e| e.to_string())
    }

    fn read_small_text(&self, path: &str, limit: u64) -> Option<String> {
        drv::read_small_text(path, limit)
    }

    fn store_dir(&self) -> &str {
        self.0.as_str()
    }
}

/// `nix-instantiate FILE ARGS…`: the `.drv` paths it prints.
pub fn instantiate(file: &str, args: &[&str]) -> Vec<String> {
    let mut argv = vec![flakegate_testkit::fixture(file).display().to_string()];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    duct::cmd("nix-instantiate", argv)
        .stderr_null()
        .read()
        .unwrap_or_else(|e| panic!("nix-instantiate {file}: {e}"))
        .lines()
        .map(str::to_owned)
        .collect()
}
