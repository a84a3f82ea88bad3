//! Duplicates: several nodes fetched from one source (one repository, one
//! URL, whatever the revision), and the `follows` lines that collapse them.
//!
//! Which node is kept: the flake's own inputs of that source (it declared
//! them; two of them, say a stable and an unstable nixpkgs, are both kept),
//! else the one with the shortest path. Every other node gets one line at
//! the path where Nix locked it (its owner path, the only place an override
//! applies), following the kept node with the same branch when there is one.
//! Nodes under a node a line already removes need no line of their own; so
//! sources are handled shallowest first.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::graph::{InputPath, LockGraph, NodeId, Revision};

/// One source present as several nodes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Duplicate {
    /// The source's identity (`github.com/nixos/nixpkgs`).
    pub source: String,
    pub nodes: Vec<DuplicateNode>,
    /// How many distinct revisions the nodes are at.
    pub revisions: usize,
    /// The lines to add to `flake.nix`.
    pub follows: Vec<FollowsLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateNode {
    pub key: String,
    pub paths: Vec<InputPath>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    /// Where it is locked: revision, `lastModified`, date.
    #[serde(flatten)]
    pub revision: Revision,
    /// Kept (declared by the flake, or the shortest path).
    pub kept: bool,
    /// Why no line is suggested for a node that is not kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `inputs.X.inputs.Y.follows = "Z";` and what it removes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FollowsLine {
    /// The line, as it goes into the `outputs`-level attribute set of
    /// `flake.nix` (next to `inputs.X.url`).
    pub line: String,
    /// The input overridden.
    pub path: InputPath,
    /// The input it follows from now on.
    pub follows: InputPath,
    /// The duplicate node the line removes (its key).
    pub removes: String,
    /// Other nodes that go with it (reachable only through it), by path.
    pub also_removes: Vec<String>,
}

/// The duplicates of a graph, sources in identity order.
pub fn find(graph: &LockGraph) -> Vec<Duplicate> {
    let mut by_source: BTreeMap<String, Vec<NodeId>> = BTreeMap::new();
    for (id, node) in graph.inputs() {
        if node.paths.is_empty() {
            continue; // unreachable: Nix ignores it
        }
        if let Some(src) = node.source() {
            by_source.entry(src.identity()).or_default().push(id);
        }
    }
    by_source.retain(|_, ids| ids.len() > 1);

    // Shallowest sources first, so a line that removes a whole subtree is
    // known before the duplicates inside that subtree are looked at.
    let depth = |ids: &[NodeId]| {
        ids.iter()
            .filter_map(|&i| graph.nodes[i].owner_path.as_ref().map(InputPath::len))
            .min()
            .unwrap_or(usize::MAX)
    };
    let mut order: Vec<(&String, &Vec<NodeId>)> = by_source.iter().collect();
    order.sort_by_key(|(source, ids)| (depth(ids), (*source).clone()));

    let mut removed: Vec<(NodeId, InputPath)> = Vec::new();
    let mut out: BTreeMap<String, Duplicate> = BTreeMap::new();
    for (source, ids) in order {
        let dup = collapse(graph, source, ids, &mut removed);
        out.insert(source.clone(), dup);
    }
    attribute_removals(graph, &mut out, &removed);
    out.into_values().collect()
}

fn collapse(
    graph: &LockGraph,
    source: &str,
    ids: &[NodeId],
    removed: &mut Vec<(NodeId, InputPath)>,
) -> Duplicate {
    let under_removed = |p: &InputPath| removed.iter().any(|(_, r)| r.is_proper_prefix_of(p));
    let mut nodes: Vec<(NodeId, DuplicateNode)> = ids
        .iter()
        .map(|&id| {
            let n = &graph.nodes[id];
            (
                id,
                DuplicateNode {
                    key: n.key.clone(),
                    paths: n.paths.clone(),
                    git_ref: n.original.as_ref().and_then(|o| o.git_ref.clone()),
                    revision: n.revision(),
                    kept: false,
                    note: None,
                },
            )
        })
        .collect();
    nodes.sort_by(|a, b| {
        let key = |n: &DuplicateNode| n.paths.first().map(|p| (p.len(), p.clone()));
        key(&a.1).cmp(&key(&b.1))
    });

    // Candidates: nodes with an owner path that no earlier line removes.
    let owner = |id: NodeId| graph.nodes[id].owner_path.clone();
    let mut candidates: Vec<(NodeId, InputPath)> = Vec::new();
    for (id, node) in &mut nodes {
        match owner(*id) {
            Some(p) if under_removed(&p) => {
                node.note = Some("removed with the input above it".to_owned());
            }
            Some(p) => candidates.push((*id, p)),
            None => node.note = Some("reached only through follows".to_owned()),
        }
    }
    candidates.sort_by(|a, b| (a.1.len(), &a.1).cmp(&(b.1.len(), &b.1)));
    let declared: Vec<(NodeId, InputPath)> = candidates
        .iter()
        .filter(|(_, p)| p.len() == 1)
        .cloned()
        .collect();
    let keepers = if declared.is_empty() {
        candidates.first().cloned().into_iter().collect()
    } else {
        declared
    };

    let mut follows = Vec::new();
    for (id, path) in &candidates {
        let node = &mut nodes
            .iter_mut()
            .find(|(n, _)| n == id)
            .expect("candidate")
            .1;
        if keepers.iter().any(|(k, _)| k == id) {
            node.kept = true;
            continue;
        }
        let flake = graph.nodes[*id].flake;
        let same_kind: Vec<&(NodeId, InputPath)> = keepers
            .iter()
            .filter(|(k, _)| graph.nodes[*k].flake == flake)
            .collect();
        let Some((_, keep_path)) = same_kind
            .iter()
            .find(|(k, _)| {
                let r = |n: NodeId| {
                    graph.nodes[n]
                        .original
                        .as_ref()
                        .and_then(|o| o.git_ref.clone())
                };
                r(*k) == r(*id)
            })
            .or(same_kind.first())
        else {
            node.note = Some(if flake {
                "the kept input is `flake = false`".to_owned()
            } else {
                "`flake = false`, unlike the kept input".to_owned()
            });
            continue;
        };
        follows.push(FollowsLine {
            line: follows_line(path, keep_path),
            path: path.clone(),
            follows: keep_path.clone(),
            removes: graph.nodes[*id].key.clone(),
            also_removes: Vec::new(),
        });
        removed.push((*id, path.clone()));
    }
    let mut revs: Vec<&Option<String>> = nodes.iter().map(|(_, n)| &n.revision.rev).collect();
    revs.sort();
    revs.dedup();
    Duplicate {
        source: source.to_owned(),
        revisions: revs.len(),
        nodes: nodes.into_iter().map(|(_, n)| n).collect(),
        follows,
    }
}

/// Redirects every removed node to the node its line follows, and names
/// the nodes that are then unreachable, each under the first line that
/// cuts it off.
fn attribute_removals(
    graph: &LockGraph,
    out: &mut BTreeMap<String, Duplicate>,
    removed: &[(NodeId, InputPath)],
) {
    if removed.is_empty() {
        return;
    }
    let is_removed = |id: NodeId| removed.iter().any(|(r, _)| *r == id);
    let mut reachable = vec![false; graph.nodes.len()];
    let mut stack = vec![graph.root];
    reachable[graph.root] = true;
    while let Some(n) = stack.pop() {
        for input in &graph.nodes[n].inputs {
            let t = input.target;
            if !is_removed(t) && !reachable[t] {
                reachable[t] = true;
                stack.push(t);
            }
        }
    }
    let mut claimed = reachable.clone();
    for (r, _) in removed {
        claimed[*r] = true;
    }
    for dup in out.values_mut() {
        for line in &mut dup.follows {
            let Some(start) = graph.nodes.iter().position(|n| n.key == line.removes) else {
                continue;
            };
            let mut stack = vec![start];
            while let Some(n) = stack.pop() {
                for input in &graph.nodes[n].inputs {
                    let t = input.target;
                    if !claimed[t] && !graph.nodes[t].paths.is_empty() {
                        claimed[t] = true;
                        line.also_removes.push(graph.nodes[t].label());
                        stack.push(t);
                    }
                }
            }
            line.also_removes.sort();
        }
    }
}

/// `inputs.a.inputs.b.follows = "c/d";`, names quoted where Nix needs it.
pub fn follows_line(path: &InputPath, target: &InputPath) -> String {
    let mut s = String::new();
    for name in &path.0 {
        s.push_str("inputs.");
        s.push_str(&attr_name(name));
        s.push('.');
    }
    format!("{s}follows = \"{target}\";")
}

fn attr_name(name: &str) -> String {
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\''));
    if plain {
        name.to_owned()
    } else {
        format!(
            "\"{}\"",
            name.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace("${", "\\${")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_quote_what_nix_needs_quoted() {
        let p = |s: &[&str]| InputPath(s.iter().map(|x| (*x).to_owned()).collect());
        assert_eq!(
            follows_line(&p(&["home-manager", "nixpkgs"]), &p(&["nixpkgs"])),
            "inputs.home-manager.inputs.nixpkgs.follows = \"nixpkgs\";"
        );
        assert_eq!(
            follows_line(&p(&["a.b", "2x"]), &p(&["c", "d"])),
            "inputs.\"a.b\".inputs.\"2x\".follows = \"c/d\";"
        );
    }
}
