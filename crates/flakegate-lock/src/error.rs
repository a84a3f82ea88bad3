//! Why a lock file could not be read. Each error is one line; the caller
//! prefixes it with the file it came from.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("not a flake.lock: {0}")]
    Shape(String),
    #[error("unsupported lock file version {0} (flakegate reads versions 5, 6 and 7)")]
    UnsupportedVersion(String),
    #[error("the root node `{0}` is not in `nodes`")]
    MissingRoot(String),
    #[error("node `{node}`: input `{input}` refers to node `{target}`, which does not exist")]
    DanglingNode {
        node: String,
        input: String,
        target: String,
    },
    #[error("node `{node}`: input `{input}` follows `{path}`, which does not exist")]
    DanglingFollows {
        node: String,
        input: String,
        path: String,
    },
    #[error("node `{node}`: input `{input}` follows `{path}`, which leads back to itself")]
    FollowsCycle {
        node: String,
        input: String,
        path: String,
    },
    #[error("node `{node}`: `{field}` {problem}")]
    Field {
        node: String,
        field: String,
        problem: String,
    },
}
