//! Hand-written lock files: every input type, every follows shape, every
//! kind of bad input.

use flakegate_lock::{
    HealthOptions, InputPath, InputType, LockError, LockGraph, PinningKind, analyse, diff, time,
};

const CONFIG: &str = include_str!("../../../tests/fixtures/lock/config.lock");
const UPDATED: &str = include_str!("../../../tests/fixtures/lock/config-updated.lock");
/// 2024-06-01, the fixtures' reference date.
const NOW: i64 = 1_717_200_000;

fn parse(text: &str) -> LockGraph {
    LockGraph::parse(text).expect("a valid lock")
}

/// The health of the hand-written configuration lock on its reference date.
fn config_report() -> flakegate_lock::HealthReport {
    let options = HealthOptions {
        now: NOW,
        ..HealthOptions::default()
    };
    analyse(&parse(CONFIG), &options)
}

fn path(s: &str) -> InputPath {
    InputPath(s.split('/').map(str::to_owned).collect())
}

fn node<'g>(g: &'g LockGraph, key: &str) -> &'g flakegate_lock::Node {
    g.nodes.iter().find(|n| n.key == key).expect("node")
}

fn paths(g: &LockGraph, key: &str) -> Vec<String> {
    node(g, key).paths.iter().map(ToString::to_string).collect()
}

#[test]
fn every_input_type_is_read() {
    let g = parse(CONFIG);
    let kind = |k: &str| node(&g, k).source().expect("source").kind.clone();
    assert_eq!(kind("nixpkgs"), InputType::Github);
    assert_eq!(kind("gitlab-tool"), InputType::Gitlab);
    assert_eq!(kind("srht-tool"), InputType::Sourcehut);
    assert_eq!(kind("codeberg"), InputType::Git);
    assert_eq!(kind("hg-repo"), InputType::Mercurial);
    assert_eq!(kind("src-tarball"), InputType::Tarball);
    assert_eq!(kind("data"), InputType::File);
    assert_eq!(kind("modules"), InputType::Path);
    let hw = node(&g, "hardware");
    assert_eq!(
        hw.original.as_ref().expect("original").kind,
        InputType::Indirect
    );
    assert_eq!(hw.locked.as_ref().expect("locked").kind, InputType::Github);
    assert!(!node(&g, "data").flake);
    assert_eq!(
        node(&g, "gitlab-tool").source().expect("source").identity(),
        "gitlab.com/group/sub/tool"
    );
    assert_eq!(
        node(&g, "codeberg")
            .original
            .as_ref()
            .expect("o")
            .flake_ref(),
        "git+https://codeberg.org/someone/thing.git?ref=main"
    );
}

#[test]
fn every_node_has_its_paths_from_the_root() {
    let g = parse(CONFIG);
    assert_eq!(
        paths(&g, "nixpkgs"),
        ["nixpkgs", "devshell/nixpkgs", "home-manager/nixpkgs"]
    );
    assert_eq!(paths(&g, "systems_3"), ["devshell/flake-utils/systems"]);
    assert_eq!(
        node(&g, "nixpkgs")
            .owner_path
            .as_ref()
            .map(ToString::to_string),
        Some("nixpkgs".to_owned())
    );
    assert_eq!(
        g.resolve(&path("home-manager/nixpkgs")),
        Some(g.resolve(&path("nixpkgs")).expect("n"))
    );
    assert_eq!(g.resolve(&path("home-manager/nope")), None);
}

#[test]
fn duplicates_come_with_the_lines_that_remove_them() {
    let r = config_report();
    let summary: Vec<(String, usize, usize, Vec<String>)> = r
        .duplicates
        .iter()
        .map(|d| {
            (
                d.source.clone(),
                d.nodes.len(),
                d.revisions,
                d.follows.iter().map(|f| f.line.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "github.com/nix-systems/default".to_owned(),
                4,
                1,
                vec![
                    "inputs.hyprland.inputs.systems.follows = \"flake-utils/systems\";".to_owned()
                ]
            ),
            (
                "github.com/nixos/nixpkgs".to_owned(),
                4,
                4,
                vec![
                    "inputs.hyprland.inputs.nixpkgs.follows = \"nixpkgs\";".to_owned(),
                    "inputs.sops-nix.inputs.nixpkgs.follows = \"nixpkgs\";".to_owned(),
                ]
            ),
            (
                "github.com/numtide/flake-utils".to_owned(),
                3,
                2,
                vec![
                    "inputs.devshell.inputs.flake-utils.follows = \"flake-utils\";".to_owned(),
                    "inputs.hyprland.inputs.flake-utils.follows = \"flake-utils\";".to_owned(),
                ]
            ),
        ]
    );
    assert_eq!(r.extra_nodes, 3 + 3 + 2);
    let fu = &r.duplicates[2].follows[0];
    assert_eq!(fu.removes, "flake-utils_2");
    assert_eq!(fu.also_removes, ["devshell/flake-utils/systems"]);
    // Both nixpkgs the flake declares are kept; the rest go.
    let kept: Vec<&str> = r.duplicates[1]
        .nodes
        .iter()
        .filter(|n| n.kept)
        .map(|n| n.key.as_str())
        .collect();
    assert_eq!(kept, ["nixpkgs", "nixpkgs-stable"]);
}

#[test]
fn a_duplicate_follows_the_kept_input_on_its_branch() {
    let lock = r#"{"version":7,"root":"root","nodes":{
      "root":{"inputs":{"unstable":"a","stable":"b","hm":"hm"}},
      "a":{"locked":{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"1","narHash":"x"},"original":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixos-unstable"}},
      "b":{"locked":{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"2","narHash":"x"},"original":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixos-24.05"}},
      "hm":{"inputs":{"nixpkgs":"c"},"locked":{"type":"github","owner":"o","repo":"hm","rev":"3","narHash":"x"},"original":{"type":"github","owner":"o","repo":"hm"}},
      "c":{"locked":{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"4","narHash":"x"},"original":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"nixos-24.05"}}}}"#;
    let r = analyse(&parse(lock), &HealthOptions::default());
    assert_eq!(
        r.duplicates[0].follows[0].line,
        "inputs.hm.inputs.nixpkgs.follows = \"stable\";"
    );
}

#[test]
fn ages_are_measured_against_the_reference() {
    let r = config_report();
    let (oldest, age) = r.oldest(false).expect("an age");
    assert_eq!((oldest.key.as_str(), age), ("src-tarball", 400 * time::DAY));
    let (oldest_all, _) = r.oldest(true).expect("an age");
    // Ties go to the first in path order.
    assert_eq!(oldest_all.key, "systems_2");
    // path: inputs are local: no age.
    let modules = r
        .inputs
        .iter()
        .find(|e| e.key == "modules")
        .expect("modules");
    assert_eq!(modules.age_seconds, None);
    assert_eq!(r.reference_date, "2024-06-01");
}

#[test]
fn pinning_findings() {
    let r = config_report();
    let found: Vec<(PinningKind, String)> =
        r.pinning.iter().map(|f| (f.kind, f.key.clone())).collect();
    assert_eq!(found, [(PinningKind::Indirect, "hardware".to_owned())]);

    let lock = r#"{"version":7,"root":"root","nodes":{
      "root":{"inputs":{"nixpkgs":"a","master":"b","local":"c","loose":"d","inside":"e","pinned":"f"}},
      "a":{"locked":{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"1"},"original":{"type":"github","owner":"NixOS","repo":"nixpkgs","ref":"staging"}},
      "b":{"locked":{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"1","narHash":"x"},"original":{"type":"github","owner":"NixOS","repo":"nixpkgs"}},
      "c":{"locked":{"type":"path","path":"/home/me/src/x","narHash":"x"},"original":{"type":"path","path":"/home/me/src/x"}},
      "d":{"original":{"type":"github","owner":"o","repo":"r"}},
      "e":{"locked":{"type":"path","path":"/src/flake/sub","narHash":"x"},"original":{"type":"path","path":"/src/flake/sub"}},
      "f":{"locked":{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"1","narHash":"x"},"original":{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"1"}}}}"#;
    let r = analyse(
        &parse(lock),
        &HealthOptions {
            now: 0,
            flake_dir: Some("/src/flake".to_owned()),
            ..HealthOptions::default()
        },
    );
    let found: Vec<(PinningKind, String)> = r
        .pinning
        .iter()
        .map(|f| (f.kind, f.path.to_string()))
        .collect();
    assert_eq!(
        found,
        [
            (PinningKind::PathOutside, "local".to_owned()),
            (PinningKind::NoNarHash, "loose".to_owned()),
            (PinningKind::NixpkgsBranch, "master".to_owned()),
            (PinningKind::NoNarHash, "nixpkgs".to_owned()),
            (PinningKind::NixpkgsBranch, "nixpkgs".to_owned()),
        ]
    );
}

#[test]
fn versions_5_6_7_are_read_and_others_refused_by_name() {
    for (text, v) in [
        (include_str!("../../../tests/fixtures/lock/v5.lock"), 5),
        (include_str!("../../../tests/fixtures/lock/v6.lock"), 6),
        (CONFIG, 7),
    ] {
        let g = parse(text);
        assert_eq!(g.version, v);
        let expected: &[&str] = if v < 7 {
            &["nixpkgs", "utils/nixpkgs"]
        } else {
            &["nixpkgs", "devshell/nixpkgs", "home-manager/nixpkgs"]
        };
        assert_eq!(paths(&g, "nixpkgs"), expected);
    }
    for (v, shown) in [
        ("4", "4"),
        ("8", "8"),
        ("\"7\"", "\"7\""),
        ("-1", "-1"),
        ("7.5", "7.5"),
    ] {
        let err = LockGraph::parse(&format!(r#"{{"version":{v},"nodes":{{}}}}"#)).expect_err(v);
        assert_eq!(err, LockError::UnsupportedVersion(shown.to_owned()));
        assert!(
            err.to_string().contains(&format!("version {shown}")),
            "{err}"
        );
    }
}

#[test]
fn follows_shapes() {
    // a/x follows b/x, which follows the root's nixpkgs; c/d/e follows
    // c/x (a path through an owned node); root/self follows the root itself.
    let lock = r#"{"version":7,"root":"root","nodes":{
      "root":{"inputs":{"nixpkgs":"n","a":"a","b":"b","c":"c","me":[]}},
      "n":{"locked":{"type":"github","owner":"NixOS","repo":"nixpkgs","rev":"1","narHash":"x"}},
      "a":{"inputs":{"x":["b","x"]},"locked":{"type":"git","url":"https://e.org/a","rev":"1","narHash":"x"}},
      "b":{"inputs":{"x":["nixpkgs"]},"locked":{"type":"git","url":"https://e.org/b","rev":"1","narHash":"x"}},
      "c":{"inputs":{"x":"cx","d":"d"},"locked":{"type":"git","url":"https://e.org/c","rev":"1","narHash":"x"}},
      "cx":{"locked":{"type":"git","url":"https://e.org/cx","rev":"1","narHash":"x"}},
      "d":{"inputs":{"e":["c","x"]},"locked":{"type":"git","url":"https://e.org/d","rev":"1","narHash":"x"}}}}"#;
    let g = parse(lock);
    assert_eq!(paths(&g, "n"), ["nixpkgs", "a/x", "b/x"]);
    assert_eq!(paths(&g, "cx"), ["c/x", "c/d/e"]);
    assert_eq!(g.resolve(&path("me")), Some(g.root));
    assert!(paths(&g, "root").is_empty());
}

#[test]
fn bad_locks_are_one_line_errors() {
    let cases = [
        ("{", "not valid JSON"),
        ("[]", "no `version` field"),
        (
            r#"{"version":7,"nodes":{}}"#,
            "the root node `root` is not in `nodes`",
        ),
        (
            r#"{"version":7,"nodes":{"root":{"inputs":{"a":"gone"}}}}"#,
            "node `root`: input `a` refers to node `gone`, which does not exist",
        ),
        (
            r#"{"version":7,"nodes":{"root":{"inputs":{"a":["b","c"],"b":"b"}},"b":{}}}"#,
            "node `root`: input `a` follows `b/c`, which does not exist",
        ),
        (
            r#"{"version":7,"nodes":{"root":{"inputs":{"a":["b"],"b":["a"]}}}}"#,
            "node `root`: input `a` follows `b`, which leads back to itself",
        ),
        (
            r#"{"version":7,"nodes":{"root":{"inputs":{"a":["a"]}}}}"#,
            "node `root`: input `a` follows `a`, which leads back to itself",
        ),
        (
            r#"{"version":7,"nodes":{"root":{"inputs":{"a":"a"}},"a":{"locked":{"type":"github","lastModified":"x"}}}}"#,
            "node `a`: `locked.lastModified` is not an integer",
        ),
        (
            r#"{"version":7,"nodes":{"root":{"inputs":{"a":"a"}},"a":{"locked":{"owner":"o"}}}}"#,
            "node `a`: `locked.type` is missing",
        ),
        (
            r#"{"version":7,"nodes":{"root":{"inputs":{"a":3}}}}"#,
            "not a flake.lock",
        ),
    ];
    for (text, expected) in cases {
        let err = LockGraph::parse(text).expect_err(text).to_string();
        assert!(err.contains(expected), "{text}: {err}");
        assert!(!err.contains('\n'), "{err}");
    }
}

#[test]
fn diff_of_an_update() {
    let d = diff(&parse(CONFIG), &parse(UPDATED));
    let moved: Vec<String> = d
        .moved
        .iter()
        .map(|m| {
            format!(
                "{} {} -> {} +{}",
                m.path,
                m.old.revision.date.as_deref().unwrap_or("?"),
                m.new.revision.date.as_deref().unwrap_or("?"),
                m.age_gained.unwrap_or(0) / time::DAY
            )
        })
        .collect();
    assert_eq!(
        moved,
        [
            "gitlab-tool 2024-05-17 -> 2024-06-02 +16",
            "nixpkgs 2024-05-22 -> 2024-06-21 +30",
            "nixpkgs-stable 2024-04-22 -> 2024-06-11 +50",
            "srht-tool 2024-05-07 -> 2024-06-03 +27",
        ]
    );
    let nixpkgs = &d.moved[1];
    assert_eq!(
        nixpkgs.compare_url.as_deref(),
        Some(
            format!(
                "https://github.com/NixOS/nixpkgs/compare/{}...{}",
                "a1".repeat(20),
                "a2".repeat(20)
            )
            .as_str()
        )
    );
    assert!(d.moved[2].original_changed);
    assert_eq!(
        d.moved[0]
            .compare_url
            .as_deref()
            .map(|u| u.split("/-/").next().unwrap_or("")),
        Some("https://gitlab.com/group/sub/tool")
    );
    let added: Vec<String> = d.added.iter().map(|s| s.path.to_string()).collect();
    assert_eq!(added, ["treefmt", "treefmt/systems"]);
    let removed: Vec<String> = d.removed.iter().map(|s| s.path.to_string()).collect();
    assert_eq!(
        removed,
        [
            "hg-repo",
            "devshell/flake-utils",
            "sops-nix/nixpkgs",
            "devshell/flake-utils/systems"
        ]
    );
    let follows: Vec<(String, Option<String>, Option<String>)> = d
        .follows
        .iter()
        .map(|f| {
            (
                f.path.to_string(),
                f.old.as_ref().map(ToString::to_string),
                f.new.as_ref().map(ToString::to_string),
            )
        })
        .collect();
    assert_eq!(
        follows,
        [
            (
                "devshell/flake-utils".to_owned(),
                None,
                Some("flake-utils".to_owned())
            ),
            (
                "sops-nix/nixpkgs".to_owned(),
                None,
                Some("nixpkgs".to_owned())
            ),
            (
                "treefmt/nixpkgs".to_owned(),
                None,
                Some("nixpkgs".to_owned())
            ),
        ]
    );
    let dups: Vec<(String, usize, usize, &str)> = d
        .duplicates
        .iter()
        .map(|c| {
            let change = match c.change {
                flakegate_lock::diff::DuplicateChangeKind::Introduced => "introduced",
                flakegate_lock::diff::DuplicateChangeKind::Resolved => "resolved",
            };
            (c.source.clone(), c.old_nodes, c.new_nodes, change)
        })
        .collect();
    assert_eq!(
        dups,
        [
            ("github.com/nixos/nixpkgs".to_owned(), 4, 3, "resolved"),
            (
                "github.com/numtide/flake-utils".to_owned(),
                3,
                2,
                "resolved"
            ),
        ]
    );
    assert!(diff(&parse(CONFIG), &parse(CONFIG)).is_empty());
}

#[test]
fn reports_read_back_from_their_json() {
    // `flakegate report` reads these documents back.
    let g = parse(CONFIG);
    let r = analyse(
        &g,
        &HealthOptions {
            now: NOW,
            ..HealthOptions::default()
        },
    );
    let json = serde_json::to_value(&r).expect("serialises");
    let back: flakegate_lock::HealthReport = serde_json::from_value(json.clone()).expect("reads");
    assert_eq!(serde_json::to_value(&back).expect("serialises"), json);
    let d = diff(&g, &parse(UPDATED));
    let json = serde_json::to_value(&d).expect("serialises");
    let back: flakegate_lock::LockDiff = serde_json::from_value(json.clone()).expect("reads");
    assert_eq!(serde_json::to_value(&back).expect("serialises"), json);
}
