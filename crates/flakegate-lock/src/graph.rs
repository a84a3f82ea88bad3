//! The input graph of a lock file: its nodes, each input resolved to the node
//! it uses (through `follows` when it has one), and every node's paths from
//! the root.
//!
//! Lock files 5, 6 and 7 share one shape: `{"version", "root", "nodes"}`,
//! each node with `inputs` (a node key, or a `follows` path: a list of input
//! names from the root), `locked`, `original` and `flake`. Older versions
//! (≤ 4, `"inputs"` nested in each other) are refused by name.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{LockError, Source};

/// The lock versions this crate reads.
pub const SUPPORTED_VERSIONS: [u64; 3] = [5, 6, 7];

/// How many paths from the root are kept per node: enough to show how a
/// node is reached, bounded so that a dense graph stays linear.
pub const MAX_PATHS: usize = 16;

/// How many `follows` one resolution may go through before it is taken for
/// a cycle (and the stack is spared).
const MAX_FOLLOWS_DEPTH: usize = 512;

/// An index into [`LockGraph::nodes`].
pub type NodeId = usize;

/// A path of input names from the root: `home-manager/nixpkgs`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct InputPath(pub Vec<String>);

impl InputPath {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Shorter first, then by name: the order paths are shown in.
    fn order_key(&self) -> (usize, &[String]) {
        (self.0.len(), &self.0)
    }

    fn child(&self, name: &str) -> Self {
        let mut v = self.0.clone();
        v.push(name.to_owned());
        Self(v)
    }

    /// `true` when `self` is a proper prefix of `other`.
    pub fn is_proper_prefix_of(&self, other: &Self) -> bool {
        self.0.len() < other.0.len() && other.0.starts_with(&self.0)
    }
}

impl fmt::Display for InputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("/"))
    }
}

impl Serialize for InputPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for InputPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(if text.is_empty() {
            Self::default()
        } else {
            Self(text.split('/').map(str::to_owned).collect())
        })
    }
}

/// One input of a node.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    /// The node it resolves to.
    pub target: NodeId,
    /// The `follows` path, when the input follows another rather than
    /// owning its node.
    pub follows: Option<InputPath>,
}

/// One node of the lock file.
#[derive(Debug, Clone)]
pub struct Node {
    pub key: String,
    pub locked: Option<Source>,
    pub original: Option<Source>,
    /// `false` for `flake = false` inputs.
    pub flake: bool,
    pub inputs: Vec<Input>,
    /// Paths from the root, shortest first (at most [`MAX_PATHS`]); empty
    /// for the root and for unreachable nodes.
    pub paths: Vec<InputPath>,
    /// The path made only of owned inputs (no `follows`): where Nix locked
    /// the node, and where an override in `flake.nix` applies.
    pub owner_path: Option<InputPath>,
}

impl Node {
    /// The source the node was fetched from: `locked`, else `original`.
    pub fn source(&self) -> Option<&Source> {
        self.locked.as_ref().or(self.original.as_ref())
    }

    /// The name shown for the node: its shortest path, else its key.
    pub fn label(&self) -> String {
        self.paths
            .first()
            .map_or_else(|| self.key.clone(), ToString::to_string)
    }
}

/// What a node is locked at: its revision (from `rev`, or a tarball URL)
/// and when that was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<i64>,
    /// `lastModified` as a UTC date (`2024-05-22`).
    #[serde(rename = "modifiedDate", skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

impl Node {
    /// Where the node is locked (all `None` when it is not).
    pub fn revision(&self) -> Revision {
        let locked = self.locked.as_ref();
        let last_modified = locked.and_then(|l| l.last_modified);
        Revision {
            rev: locked.and_then(Source::revision),
            last_modified,
            date: last_modified.map(crate::time::date),
        }
    }
}

/// A parsed lock file.
#[derive(Debug, Clone)]
pub struct LockGraph {
    pub version: u64,
    pub root: NodeId,
    pub nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct RawLock {
    version: Value,
    #[serde(default = "root_key")]
    root: String,
    nodes: BTreeMap<String, RawNode>,
}

fn root_key() -> String {
    "root".to_owned()
}

#[derive(Deserialize)]
struct RawNode {
    #[serde(default)]
    inputs: BTreeMap<String, RawInput>,
    locked: Option<Map<String, Value>>,
    original: Option<Map<String, Value>>,
    #[serde(default = "yes")]
    flake: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawInput {
    Node(String),
    Follows(Vec<String>),
}

impl LockGraph {
    /// Reads a lock file's text.
    pub fn parse(text: &str) -> Result<Self, LockError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| LockError::Json(e.to_string()))?;
        // The version first: an old or future lock gets the version error,
        // not whatever shape error its different layout would cause.
        let version = match value.get("version") {
            Some(Value::Number(n)) => n
                .as_u64()
                .filter(|v| SUPPORTED_VERSIONS.contains(v))
                .ok_or_else(|| LockError::UnsupportedVersion(n.to_string()))?,
            Some(other) => return Err(LockError::UnsupportedVersion(other.to_string())),
            None => return Err(LockError::Shape("no `version` field".to_owned())),
        };
        let raw: RawLock =
            serde_json::from_value(value).map_err(|e| LockError::Shape(e.to_string()))?;
        let _ = raw.version;
        Self::build(version, raw)
    }

    fn build(version: u64, raw: RawLock) -> Result<Self, LockError> {
        let ids: BTreeMap<&str, NodeId> = raw
            .nodes
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let root = *ids
            .get(raw.root.as_str())
            .ok_or_else(|| LockError::MissingRoot(raw.root.clone()))?;
        let mut nodes = Vec::with_capacity(raw.nodes.len());
        for (key, node) in &raw.nodes {
            let locked = node
                .locked
                .as_ref()
                .map(|m| Source::parse(key, "locked", m))
                .transpose()?;
            let original = node
                .original
                .as_ref()
                .map(|m| Source::parse(key, "original", m))
                .transpose()?;
            nodes.push(Node {
                key: key.clone(),
                locked,
                original,
                flake: node.flake,
                inputs: Vec::new(),
                paths: Vec::new(),
                owner_path: None,
            });
        }
        let keys: Vec<&str> = raw.nodes.keys().map(String::as_str).collect();
        let resolver = Resolver {
            raw: &raw,
            ids: &ids,
            keys: &keys,
            root,
        };
        for (id, (key, node)) in raw.nodes.iter().enumerate() {
            for (name, input) in &node.inputs {
                let (target, follows) = match input {
                    RawInput::Node(t) => (resolver.node(key, name, t)?, None),
                    RawInput::Follows(path) => (
                        resolver.follows(key, name, path, &mut Vec::new())?,
                        Some(InputPath(path.clone())),
                    ),
                };
                nodes[id].inputs.push(Input {
                    name: name.clone(),
                    target,
                    follows,
                });
            }
        }
        let mut graph = Self {
            version,
            root,
            nodes,
        };
        graph.find_paths();
        Ok(graph)
    }

    /// Breadth first over simple paths, so each node's paths come shortest
    /// first; at most [`MAX_PATHS`] per node are kept and extended.
    fn find_paths(&mut self) {
        let mut queue: VecDeque<(NodeId, InputPath, Vec<NodeId>, bool)> = VecDeque::new();
        queue.push_back((self.root, InputPath::default(), vec![self.root], true));
        while let Some((node, path, visited, owned)) = queue.pop_front() {
            for i in 0..self.nodes[node].inputs.len() {
                let input = &self.nodes[node].inputs[i];
                let target = input.target;
                if visited.contains(&target) {
                    continue;
                }
                let child = path.child(&input.name);
                let child_owned = owned && input.follows.is_none();
                let t = &mut self.nodes[target];
                if child_owned && t.owner_path.is_none() {
                    t.owner_path = Some(child.clone());
                }
                if t.paths.len() >= MAX_PATHS {
                    continue;
                }
                t.paths.push(child.clone());
                let mut seen = visited.clone();
                seen.push(target);
                queue.push_back((target, child, seen, child_owned));
            }
        }
        for n in &mut self.nodes {
            n.paths.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        }
    }

    /// The node a path from the root leads to.
    pub fn resolve(&self, path: &InputPath) -> Option<NodeId> {
        let mut node = self.root;
        for name in &path.0 {
            node = self.nodes[node]
                .inputs
                .iter()
                .find(|i| &i.name == name)?
                .target;
        }
        Some(node)
    }

    /// The root's own inputs that own their node (no `follows`).
    pub fn direct_inputs(&self) -> impl Iterator<Item = &Input> {
        self.nodes[self.root]
            .inputs
            .iter()
            .filter(|i| i.follows.is_none())
    }

    /// Every node but the root, in key order.
    pub fn inputs(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(id, _)| *id != self.root)
    }
}

struct Resolver<'a> {
    raw: &'a RawLock,
    ids: &'a BTreeMap<&'a str, NodeId>,
    keys: &'a [&'a str],
    root: NodeId,
}

impl Resolver<'_> {
    fn node(&self, key: &str, input: &str, target: &str) -> Result<NodeId, LockError> {
        self.ids
            .get(target)
            .copied()
            .ok_or_else(|| LockError::DanglingNode {
                node: key.to_owned(),
                input: input.to_owned(),
                target: target.to_owned(),
            })
    }

    /// Resolves a `follows` path as Nix does: from the root, input by input,
    /// each step through its own `follows` if it has one. `stack` holds the
    /// follows being resolved, to stop on a cycle.
    fn follows(
        &self,
        key: &str,
        input: &str,
        path: &[String],
        stack: &mut Vec<(String, String, String)>,
    ) -> Result<NodeId, LockError> {
        let shown = path.join("/");
        if stack.iter().any(|(k, i, _)| k == key && i == input) || stack.len() > MAX_FOLLOWS_DEPTH {
            let (node, input, path) = stack[0].clone();
            return Err(LockError::FollowsCycle { node, input, path });
        }
        stack.push((key.to_owned(), input.to_owned(), shown.clone()));
        let dangling = || LockError::DanglingFollows {
            node: key.to_owned(),
            input: input.to_owned(),
            path: shown.clone(),
        };
        let mut node_key: &str = self.raw.root.as_str();
        let mut node_id = self.root;
        for name in path {
            let raw = &self.raw.nodes[node_key];
            node_id = match raw.inputs.get(name).ok_or_else(dangling)? {
                RawInput::Node(t) => self.node(node_key, name, t)?,
                RawInput::Follows(p) => self.follows(node_key, name, p, stack)?,
            };
            node_key = self.keys[node_id];
        }
        stack.pop();
        Ok(node_id)
    }
}
