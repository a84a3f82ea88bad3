//! What the engine tests share: `.drv` files read straight from the store.

use flakegate_store::StoreDir;

pub struct Files(pub StoreDir);

impl Files {
    pub fn from_env() -> Self {
        Self(StoreDir::from_env())
    }
}

impl flakegate_diff::DrvSource for Files {
    fn store_dir(&self) -> &StoreDir {
        &self.0
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
