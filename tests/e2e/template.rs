//! The CI template (`templates.ci`) and `lib.githubMatrix`, with the `nix` of
//! this machine, offline, with the stand-ins of tests/fixtures/flake-lib/
//! for nixpkgs and crane (see flake.rs):
//!
//! - `nix flake init -t .#ci` writes the flake, its configuration and both
//!   workflows; locked against the stand-ins, every output evaluates
//!   (`nix flake check --no-build`) and every check builds for real;
//! - `lib.githubMatrix` turns a fixture flake's checks into the exact
//!   `strategy.matrix` JSON, without evaluating a single check.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::flake::{
    StandIns, assert_success, build_check, flake_ref, gate_limit, repo_root, run, stderr, stdout,
};

/// A project made by `nix flake init -t .#ci`, its inputs locked to the
/// stand-ins: the flakegate flake (whose own nixpkgs and crane are stand-ins
/// too) and the stand-in nixpkgs, whose `nixosSystem` is one small path.
struct Project {
    // Kept for the lock's sake: the project's inputs are these directories.
    _stand_ins: StandIns,
    dir: tempfile::TempDir,
}

impl Project {
    fn init() -> Self {
        let stand_ins = StandIns::new();
        let dir = tempfile::tempdir().expect("temporary directory");
        let init = run(Command::new("nix")
            .current_dir(dir.path())
            .args(["flake", "init", "--offline", "-t"])
            .arg(format!("{}#ci", flake_ref(stand_ins.flake.path()))));
        assert_success("nix flake init -t .#ci", &init);

        let lock = run(Command::new("nix")
            .args(["flake", "lock", "--offline"])
            .arg(flake_ref(dir.path()))
            .args(["--override-input", "flakegate"])
            .arg(flake_ref(stand_ins.flake.path()))
            .args(["--override-input", "nixpkgs"])
            .arg(flake_ref(&stand_ins.inputs.path().join("nixpkgs")))
            .args(stand_ins.overrides("flakegate/")));
        assert_success("nix flake lock with the stand-ins", &lock);
        Self {
            _stand_ins: stand_ins,
            dir,
        }
    }

    fn flake(&self) -> String {
        flake_ref(self.dir.path())
    }

    /// `nix SUBCOMMAND --offline ARGS`, on the locked project.
    fn nix(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("nix");
        cmd.arg(args[0]).arg("--offline").args(&args[1..]);
        cmd
    }

    fn eval_json(&self, attr: &str, apply: &str) -> Value {
        let installable = format!("{}#{attr}", self.flake());
        let out = run(&mut self.nix(&["eval", "--json", &installable, "--apply", apply]));
        assert_success(&format!("nix eval {attr}"), &out);
        serde_json::from_slice(&out.stdout).expect("nix eval prints JSON")
    }
}

#[test]
fn the_ci_template_initialises_and_every_output_evaluates() {
    let project = Project::init();
    for file in [
        "flake.nix",
        "flake.lock",
        "configuration.nix",
        "README.md",
        ".github/workflows/flakegate.yml",
        ".github/workflows/flakegate-weekly.yml",
    ] {
        assert!(
            project.dir.path().join(file).is_file(),
            "{file} not written"
        );
    }

    // Every output, as `nix flake check` sees it, without building.
    let check = run(&mut project.nix(&["flake", "check", "--no-build", &project.flake()]));
    assert_success("nix flake check --no-build", &check);

    let checks = project.eval_json(
        "checks.x86_64-linux",
        "cs: builtins.mapAttrs (_: c: c.drvPath) cs",
    );
    let names: Vec<&String> = checks.as_object().expect("checks").keys().collect();
    assert_eq!(
        names,
        ["closure-budget", "licenses", "lint", "lock-health"],
        "{checks}"
    );

    // The apps of every system: flakegate's, from the pinned input, and the
    // budget's own.
    let apps = project.eval_json(
        "apps",
        "apps: builtins.mapAttrs (_: a: builtins.mapAttrs (_: app: app.program) a) apps",
    );
    let systems = apps.as_object().expect("apps by system");
    assert_eq!(systems.len(), 4, "{apps}");
    for (system, apps) in systems {
        let apps = apps.as_object().expect("apps");
        for name in [
            "default",
            "closure",
            "closure-budget",
            "diff",
            "bench",
            "build",
            "cache",
            "lock",
            "lint",
            "licenses",
            "report",
            "sbom",
        ] {
            let program = apps
                .get(name)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("no app {name} for {system}: {apps:?}"));
            assert!(
                program.starts_with("/nix/store/"),
                "{system}.{name}: {program}"
            );
        }
    }
}

#[test]
fn the_ci_template_checks_build_and_its_apps_run() {
    let project = Project::init();
    let flake = project.flake();

    // The closure budget of the stand-in system, with the template's budget.
    let mut build = project.nix(&["build", "--no-write-lock-file"]);
    build.arg(format!("{flake}#checks.x86_64-linux.closure-budget"));
    let report = build_check(build);
    let root = report["roots"][0]["path"].as_str().expect("a root");
    assert!(root.ends_with("-nixos-system-stand-in"), "{root}");
    assert_eq!(report["status"], "pass");
    assert_eq!(
        gate_limit(&report, "maxSize"),
        3.0 * 1024.0 * 1024.0 * 1024.0
    );

    // Lint of the template's own Nix files, and the health of its lock.
    for check in ["lint", "lock-health"] {
        let mut build = project.nix(&["build", "--no-write-lock-file"]);
        build.arg(format!("{flake}#checks.x86_64-linux.{check}"));
        let report = build_check(build);
        assert_ne!(report["status"], "fail", "{check}: {report}");
    }

    // The license policy: the SBOM of the system is the check's output.
    let out = run(&mut project.nix(&[
        "build",
        "--no-write-lock-file",
        "--no-link",
        "--json",
        &format!("{flake}#checks.x86_64-linux.licenses"),
    ]));
    assert_success("the licenses check", &out);
    let built: Value = serde_json::from_slice(&out.stdout).expect("nix build --json");
    let sbom = built[0]["outputs"]["out"].as_str().expect("out path");
    let sbom: Value =
        serde_json::from_slice(&fs::read(sbom).expect("the check's output is the SBOM"))
            .expect("CycloneDX JSON");
    assert_eq!(sbom["bomFormat"], "CycloneDX");

    // `closure-budget` is `flakegate closure` with the check's budget.
    let system = format!("{flake}#nixosConfigurations.example.config.system.build.toplevel");
    let out = run(&mut project.nix(&[
        "run",
        &format!("{flake}#closure-budget"),
        "--",
        &system,
        "--json",
    ]));
    assert_success("nix run .#closure-budget", &out);
    let report: Value = serde_json::from_slice(&out.stdout).expect("closure JSON");
    assert_eq!(
        gate_limit(&report, "warnSize"),
        2.0 * 1024.0 * 1024.0 * 1024.0
    );
}

/// Every `run:` of the template's workflows invokes a flake output and
/// nothing else, and every app it names exists.
#[test]
fn the_ci_template_workflows_only_invoke_flake_outputs() {
    let project = Project::init();
    let apps = project.eval_json("apps.x86_64-linux", "builtins.attrNames");
    let apps: Vec<&str> = apps
        .as_array()
        .expect("names")
        .iter()
        .map(|a| a.as_str().expect("a name"))
        .collect();

    let dir = repo_root().join("templates/ci/.github/workflows");
    let mut runs = 0;
    for file in workflow_files(&dir) {
        let text = fs::read_to_string(&file).expect("workflow");
        for command in run_commands(&text) {
            runs += 1;
            let allowed = [
                "nix flake check ",
                "nix flake update",
                "nix build -L \".#$ATTR\"",
                "nix eval --raw .#githubMatrix --apply 'm: \"matrix=\" + builtins.toJSON m + \"\\n\"' | tee -a \"$GITHUB_OUTPUT\"",
                "nix run .#",
            ];
            assert!(
                allowed.iter().any(|a| command.starts_with(a)),
                "{}: not a flake output: {command}",
                file.display()
            );
            if let Some(rest) = command.strip_prefix("nix run .#") {
                let app = rest.split_whitespace().next().expect("an app name");
                assert!(
                    apps.contains(&app),
                    "{}: no app {app} among {apps:?}",
                    file.display()
                );
            }
        }
    }
    assert!(runs >= 12, "only {runs} run: steps found");
}

/// The commands of a workflow's `run:` values: a one-line value, or a
/// folded one (`>-`), whose lines YAML joins with spaces.
fn run_commands(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut commands = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(value) = line.trim_start().strip_prefix("run: ") else {
            continue;
        };
        if value != ">-" {
            assert!(
                !value.starts_with(['|', '>']),
                "a block scalar this test does not read: {line}"
            );
            commands.push(value.to_owned());
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let folded: Vec<&str> = lines[i + 1..]
            .iter()
            .take_while(|l| l.len() - l.trim_start().len() > indent && !l.trim().is_empty())
            .map(|l| l.trim())
            .collect();
        commands.push(folded.join(" "));
    }
    commands
}

/// The `.yml` files of a directory, sorted.
pub(crate) fn workflow_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
        .collect();
    files.sort();
    files
}

/// The fixture flake of tests/fixtures/flake-lib/matrix with the repository
/// as its `flakegate` input.
fn matrix_eval(attr: &str) -> std::process::Output {
    let stand_ins = StandIns::new();
    let fixture = repo_root().join("tests/fixtures/flake-lib/matrix");
    run(Command::new("nix")
        .args(["eval", "--offline", "--json", "--no-write-lock-file"])
        .arg(format!("{}#{attr}", flake_ref(&fixture)))
        .args(["--override-input", "flakegate"])
        .arg(flake_ref(stand_ins.flake.path()))
        .args(stand_ins.overrides("flakegate/")))
}

#[test]
fn github_matrix_has_one_entry_per_system_and_check_on_its_runner() {
    let out = matrix_eval("githubMatrix");
    assert_success("githubMatrix", &out);
    let matrix: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        matrix,
        json!({ "include": [
            { "name": "lint", "system": "aarch64-darwin", "os": "macos-latest",
              "attr": "checks.aarch64-darwin.lint" },
            { "name": "lint", "system": "aarch64-linux", "os": "ubuntu-24.04-arm",
              "attr": "checks.aarch64-linux.lint" },
            { "name": "closure-budget", "system": "x86_64-linux", "os": "ubuntu-latest",
              "attr": "checks.x86_64-linux.closure-budget" },
            { "name": "lint", "system": "x86_64-linux", "os": "ubuntu-latest",
              "attr": "checks.x86_64-linux.lint" },
            { "name": "with.dot", "system": "x86_64-linux", "os": "ubuntu-latest",
              "attr": "checks.x86_64-linux.\"with.dot\"" },
        ]})
    );

    // Runners by choice: a system left out, another on a self-hosted runner.
    let out = matrix_eval("riscvLeftOut");
    assert_success("riscvLeftOut", &out);
    let matrix: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let entries = matrix["include"].as_array().expect("include");
    assert_eq!(entries.len(), 5, "{matrix}");
    assert!(entries.iter().all(|e| e["system"] != "riscv64-linux"));
    assert!(
        entries
            .iter()
            .filter(|e| e["system"] == "x86_64-linux")
            .all(|e| e["os"] == "self-hosted"),
        "{matrix}"
    );

    // A system with no runner is an error that says what to pass.
    let out = matrix_eval("riscv");
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(
            "githubMatrix: no GitHub runner for riscv64-linux; pass runners.riscv64-linux"
        ),
        "{}",
        stderr(&out)
    );
}
