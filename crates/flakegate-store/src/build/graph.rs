//! Which built derivation waited for which: the input derivations of each
//! `.drv` a run built, read from the `.drv` files.

use std::collections::BTreeMap;

use crate::{StoreDir, StoreError, drv};

/// `.drv` → its input derivations, for each of `drvs`.
pub fn dependencies(
    drvs: &[String],
    store_dir: &StoreDir,
) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let dir = nix_derivation::StoreDir::new(store_dir.as_str()).map_err(|e| {
        StoreError::BadDerivation {
            input: store_dir.as_str().to_owned(),
            reason: e.to_string(),
        }
    })?;
    drvs.iter()
        .map(|path| {
            let parsed = drv::read(path, store_dir)?;
            let inputs = parsed
                .input_derivations()
                .keys()
                .map(|p| dir.render_path(p))
                .collect();
            Ok((path.clone(), inputs))
        })
        .collect()
}
