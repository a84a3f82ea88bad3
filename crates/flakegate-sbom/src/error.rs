//! Why an SBOM could not be made. Every variant names what it is about.

#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    #[error("{root}: not in the closure it should be the root of")]
    RootNotInClosure { root: String },

    #[error("{drv}: derivation not in the derivation graph (referenced by {by})")]
    MissingDerivation { drv: String, by: String },

    #[error("{drv}: {reason}")]
    BadDerivation { drv: String, reason: String },

    #[error("{from} refers to {to}, which is not in the graph")]
    Dangling { from: String, to: String },

    #[error("{path}: {reason}")]
    BadHash { path: String, reason: String },
}
