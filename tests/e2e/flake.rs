//! The Nix wiring: flake.nix, flake.lock, nix/lib.nix, checks/ and templates/,
//! checked with the `nix` on this machine, with no nixpkgs and no network.
//!
//! - every Nix file parses;
//! - the hand-written lock file is read as is, offline;
//! - the outputs that need no input (`lib`, `templates`, and the names of
//!   the per-system outputs) evaluate offline;
//! - `lib.closureBudget` (nix/lib.nix) is built for real by nix-build, with
//!   the flakegate binary of this test run as the builder
//!   (tests/fixtures/flake-lib/budget.nix).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flakegate_testkit as kit;
use serde_json::Value;

use crate::util;

const NIXPKGS_REV: &str = "61b7c44c4073f0b827768aff0049561b5110ea5a";
const NIXPKGS_NAR_HASH: &str = "sha256-12KrbMiWLcf8m7pCvAtZh1ZrgF85ZXDXvfR/fWTKy84=";
const CRANE_REV: &str = "10e6e3cb966f7cfcc789fe5eee7a85f3188ce08b";
const CRANE_NAR_HASH: &str = "sha256-nnGD2f8OlAZT2i5OfwikJsw+ifWfiA4d6A8BWlgOXV0=";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

fn budget_fixture() -> PathBuf {
    repo_root().join("tests/fixtures/flake-lib/budget.nix")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?} (is Nix installed?): {e}"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_success(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create directory");
    for entry in fs::read_dir(from).expect("read directory") {
        let entry = entry.expect("directory entry");
        let kind = entry.file_type().expect("file type");
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The flake's own files, copied into a fresh directory: a `path:` flake,
/// whatever git tracks or not.
fn flake_copy() -> tempfile::TempDir {
    let root = repo_root();
    let dir = tempfile::tempdir().expect("temporary directory");
    for file in ["flake.nix", "flake.lock"] {
        fs::copy(root.join(file), dir.path().join(file)).expect("copy flake file");
    }
    for sub in ["nix", "checks", "templates"] {
        copy_tree(&root.join(sub), &dir.path().join(sub));
    }
    dir
}

fn flake_ref(dir: &Path) -> String {
    format!("path:{}", dir.display())
}

/// `nix eval --offline --json FLAKE#ATTR [--apply FN]`, parsed.
fn eval_offline(flake: &str, attr: &str, apply: Option<&str>) -> Value {
    let mut cmd = Command::new("nix");
    cmd.args(["eval", "--offline", "--json", &format!("{flake}#{attr}")]);
    if let Some(f) = apply {
        cmd.args(["--apply", f]);
    }
    let out = run(&mut cmd);
    assert_success(&format!("nix eval {flake}#{attr}"), &out);
    serde_json::from_slice(&out.stdout).expect("nix eval prints JSON")
}

fn names(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .expect("a list of names")
        .iter()
        .map(|v| v.as_str().expect("a name"))
        .collect()
}

fn nix_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read directory") {
        let entry = entry.expect("directory entry");
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type().expect("file type");
        // Symlinks (./result) point into the store: not ours.
        if kind.is_dir() && !matches!(name.as_ref(), ".git" | "target") {
            nix_files(&entry.path(), found);
        } else if kind.is_file() && name.ends_with(".nix") {
            found.push(entry.path());
        }
    }
}

#[test]
fn every_nix_file_parses() {
    let root = repo_root();
    let mut files = Vec::new();
    nix_files(&root, &mut files);
    let relative: BTreeSet<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(&root)
                .expect("under the root")
                .display()
                .to_string()
        })
        .collect();
    for expected in [
        "flake.nix",
        "nix/lib.nix",
        "checks/closure-budget.nix",
        "templates/ci/flake.nix",
        "templates/ci/configuration.nix",
        "tests/fixtures/flake-lib/budget.nix",
        "tests/fixtures/flake-lib/lint.nix",
        "checks/lint.nix",
    ] {
        assert!(
            relative.contains(expected),
            "{expected} not found among {relative:?}"
        );
    }
    let failures: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let out = run(Command::new("nix-instantiate").arg("--parse").arg(file));
            (!out.status.success()).then(|| format!("{}:\n{}", file.display(), stderr(&out)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "Nix files that do not parse:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_lock_pins_nixpkgs_and_crane_and_is_read_offline_as_written() {
    let dir = flake_copy();
    let out = run(Command::new("nix").args([
        "flake",
        "metadata",
        "--offline",
        "--json",
        &flake_ref(dir.path()),
    ]));
    assert_success("nix flake metadata", &out);
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let locks = &meta["locks"];
    assert_eq!(locks["version"], 7);
    let nodes = locks["nodes"].as_object().expect("lock nodes");
    assert_eq!(
        nodes.keys().map(String::as_str).collect::<Vec<_>>(),
        ["crane", "nixpkgs", "root"],
        "exactly two inputs"
    );
    assert_eq!(
        nodes["root"]["inputs"],
        serde_json::json!({ "crane": "crane", "nixpkgs": "nixpkgs" })
    );

    let nixpkgs = &nodes["nixpkgs"];
    assert_eq!(nixpkgs["locked"]["rev"], NIXPKGS_REV);
    assert_eq!(nixpkgs["locked"]["narHash"], NIXPKGS_NAR_HASH);
    assert_eq!(nixpkgs["locked"]["lastModified"], 1_784_356_753);
    assert_eq!(
        nixpkgs["original"],
        serde_json::json!({ "type": "github", "owner": "NixOS", "repo": "nixpkgs", "ref": "nixos-unstable" })
    );

    let crane = &nodes["crane"];
    assert_eq!(crane["locked"]["rev"], CRANE_REV);
    assert_eq!(crane["locked"]["narHash"], CRANE_NAR_HASH);
    assert_eq!(crane["locked"]["lastModified"], 1_779_041_105);
    assert_eq!(
        crane["original"],
        serde_json::json!({ "type": "github", "owner": "ipetkov", "repo": "crane", "ref": "v0.23.4" })
    );
    assert!(
        crane.get("inputs").is_none(),
        "crane has no inputs of its own"
    );

    // Nix found the lock complete and in line with flake.nix: it neither
    // re-locked (which would need the network) nor rewrote the file.
    let written = fs::read_to_string(dir.path().join("flake.lock")).expect("flake.lock");
    let committed = fs::read_to_string(repo_root().join("flake.lock")).expect("flake.lock");
    assert_eq!(written, committed);
}

#[test]
fn outputs_that_need_no_input_evaluate_offline() {
    let dir = flake_copy();
    let flake = flake_ref(dir.path());

    // Inputs are fetched lazily: these never touch nixpkgs or crane.
    let description = eval_offline(&flake, "templates.ci.description", None);
    assert!(
        description.as_str().expect("a string").contains("NixOS"),
        "{description}"
    );
    let templates = eval_offline(&flake, "templates", Some("builtins.attrNames"));
    assert_eq!(names(&templates), ["ci", "default"]);
    let lib = eval_offline(&flake, "lib", Some("builtins.attrNames"));
    assert_eq!(names(&lib), ["closureBudget", "lint", "lockHealth", "sbom"]);

    // The per-system attribute sets have their names before nixpkgs is read.
    let systems = [
        "aarch64-darwin",
        "aarch64-linux",
        "x86_64-darwin",
        "x86_64-linux",
    ];
    for output in ["packages", "apps", "checks", "devShells", "formatter"] {
        let found = eval_offline(&flake, output, Some("builtins.attrNames"));
        assert_eq!(names(&found), systems, "{output}");
    }
    let packages = eval_offline(&flake, "packages.x86_64-linux", Some("builtins.attrNames"));
    assert_eq!(names(&packages), ["default", "flakegate"]);
    // Only `default` and `closure` for now; diff, sbom and bench come later.
    let apps = eval_offline(&flake, "apps.x86_64-linux", Some("builtins.attrNames"));
    assert_eq!(
        names(&apps),
        [
            "bench", "build", "cache", "closure", "default", "diff", "sbom"
        ]
    );
    let checks = eval_offline(&flake, "checks.x86_64-linux", Some("builtins.attrNames"));
    assert_eq!(
        names(&checks),
        [
            "clippy",
            "closure-budget",
            "doc",
            "flakegate",
            "fmt",
            "lint",
            "nextest"
        ]
    );
    let shells = eval_offline(&flake, "devShells.x86_64-linux", Some("builtins.attrNames"));
    assert_eq!(names(&shells), ["default"]);
}

#[test]
fn lib_picks_the_flakegate_package_by_the_system_of_pkgs() {
    let dir = flake_copy();
    // No package for this system: the error names it, before any input is
    // needed (for a packaged system the package needs nixpkgs and crane).
    let out = run(Command::new("nix").args([
        "eval",
        "--offline",
        &format!("{}#lib", flake_ref(dir.path())),
        "--apply",
        r#"lib: (lib.closureBudget { pkgs = { system = "riscv64-linux"; }; drv = "x"; maxSize = 1; }).builder"#,
    ]));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no package for riscv64-linux"),
        "{}",
        stderr(&out)
    );
}

/// The flake with its inputs replaced by the stand-ins of
/// tests/fixtures/flake-lib/stand-ins (`--override-input`): a nixpkgs whose
/// `flakegate` is this test run's binary, and a crane whose `buildPackage`
/// returns it. What flake.nix does with the package is then real: the apps'
/// wrappers, and the closure-budget check through `lib`.
struct StandIns {
    flake: tempfile::TempDir,
    inputs: tempfile::TempDir,
}

impl StandIns {
    fn new() -> Self {
        let inputs = tempfile::tempdir().expect("temporary directory");
        copy_tree(
            &repo_root().join("tests/fixtures/flake-lib/stand-ins"),
            inputs.path(),
        );
        fs::copy(
            env!("CARGO_BIN_EXE_flakegate"),
            inputs.path().join("nixpkgs/flakegate"),
        )
        .expect("copy the flakegate binary");
        // The budget is the release package's; this test run's binary
        // carries debug information that the package does not.
        let stripped = Command::new("strip")
            .arg("--strip-debug")
            .arg(inputs.path().join("nixpkgs/flakegate"))
            .status()
            .expect("strip runs (binutils)");
        assert!(stripped.success(), "strip --strip-debug failed");
        Self {
            flake: flake_copy(),
            inputs,
        }
    }

    /// `--override-input` for nixpkgs and crane, as inputs of the flake
    /// itself (`prefix` "") or of an input of another flake ("flakegate/").
    fn overrides(&self, prefix: &str) -> Vec<String> {
        ["nixpkgs", "crane"]
            .iter()
            .flat_map(|input| {
                [
                    "--override-input".to_owned(),
                    format!("{prefix}{input}"),
                    flake_ref(&self.inputs.path().join(input)),
                ]
            })
            .collect()
    }

    /// `nix SUBCOMMAND` on `FLAKE#ATTR`, offline, with the stand-ins.
    fn nix(&self, subcommand: &str, attr: &str) -> Command {
        let mut cmd = Command::new("nix");
        cmd.arg(subcommand)
            .args(["--offline", "--no-write-lock-file"])
            .arg(format!("{}#{attr}", flake_ref(self.flake.path())))
            .args(self.overrides(""));
        cmd
    }
}

fn current_system() -> String {
    let out = run(Command::new("nix").args([
        "eval",
        "--impure",
        "--raw",
        "--expr",
        "builtins.currentSystem",
    ]));
    assert_success("builtins.currentSystem", &out);
    stdout(&out)
}

/// `nix build --json --no-link` of a check, and its report.json.
fn build_check(mut cmd: Command) -> Value {
    let out = run(cmd.args(["--json", "--no-link", "-L"]));
    assert_success(&format!("{cmd:?}"), &out);
    let built: Value = serde_json::from_slice(&out.stdout).expect("nix build --json");
    let result = PathBuf::from(built[0]["outputs"]["out"].as_str().expect("out path"));
    serde_json::from_slice(&fs::read(result.join("report.json")).expect("report.json"))
        .expect("report.json is JSON")
}

#[test]
fn apps_run_flakegate_and_its_subcommands() {
    let stand_ins = StandIns::new();
    // `nix run .#closure -- ARGS` is `flakegate closure ARGS`.
    let app = run(stand_ins.nix("run", "closure").args(["--", "--help"]));
    assert_success("nix run .#closure -- --help", &app);
    let direct = util::run(&["closure", "--help"]);
    assert_eq!(stdout(&app), stdout(&direct));
    assert!(stdout(&app).contains("--in-build"), "{}", stdout(&app));

    let app = run(stand_ins.nix("run", "diff").args(["--", "--help"]));
    assert_success("nix run .#diff -- --help", &app);
    assert_eq!(stdout(&app), stdout(&util::run(&["diff", "--help"])));

    for name in ["build", "cache"] {
        let app = run(stand_ins.nix("run", name).args(["--", "--help"]));
        assert_success(&format!("nix run .#{name} -- --help"), &app);
        assert_eq!(stdout(&app), stdout(&util::run(&[name, "--help"])));
    }

    let app = run(stand_ins.nix("run", "default").args(["--", "--help"]));
    assert_success("nix run . -- --help", &app);
    assert_eq!(stdout(&app), stdout(&util::run(&["--help"])));

    // Every app says what it does.
    for name in [
        "default", "closure", "diff", "bench", "sbom", "build", "cache",
    ] {
        let out = run(stand_ins
            .nix(
                "eval",
                &format!("apps.x86_64-linux.{name}.meta.description"),
            )
            .arg("--json"));
        assert_success(name, &out);
        let description: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert!(
            !description.as_str().expect("a string").is_empty(),
            "{name}"
        );
    }
}

#[test]
fn the_self_check_budgets_the_package_through_lib() {
    let stand_ins = StandIns::new();
    let check = format!("checks.{}.closure-budget", current_system());
    let report = build_check(stand_ins.nix("build", &check));
    // The root is the package, and the budget is checks/closure-budget.nix's.
    let root = report["roots"][0]["path"].as_str().expect("a root");
    assert!(root.ends_with("-flakegate-under-test"), "{root}");
    assert_eq!(gate_limit(&report, "maxSize"), 80.0 * 1024.0 * 1024.0);
    assert_eq!(gate_limit(&report, "warnSize"), 60.0 * 1024.0 * 1024.0);
    assert_eq!(gate_limit(&report, "maxPaths"), 16.0);
}

#[test]
fn the_ci_template_initialises_and_its_budget_builds() {
    let stand_ins = StandIns::new();
    let project = tempfile::tempdir().expect("temporary directory");
    let init = run(Command::new("nix")
        .current_dir(project.path())
        .args(["flake", "init", "--offline", "-t"])
        .arg(format!("{}#ci", flake_ref(stand_ins.flake.path()))));
    assert_success("nix flake init -t .#ci", &init);
    for file in [
        "flake.nix",
        "configuration.nix",
        "README.md",
        ".github/workflows/flakegate.yml",
    ] {
        assert!(project.path().join(file).is_file(), "{file} not written");
    }

    // The consumer's flake, with flakegate (and its inputs) and nixpkgs
    // replaced: nixosSystem of the stand-in is one small store path.
    let check = |name: &str| {
        let mut build = Command::new("nix");
        build
            .args(["build", "--offline", "--no-write-lock-file"])
            .arg(format!(
                "{}#checks.x86_64-linux.{name}",
                flake_ref(project.path())
            ))
            .args(["--override-input", "flakegate"])
            .arg(flake_ref(stand_ins.flake.path()))
            .args(["--override-input", "nixpkgs"])
            .arg(flake_ref(&stand_ins.inputs.path().join("nixpkgs")))
            .args(stand_ins.overrides("flakegate/"));
        build_check(build)
    };
    // The template's own Nix files are lint-clean.
    let lint = check("lint");
    assert_eq!(lint["status"], "pass", "{lint:#}");
    assert_eq!(
        lint["files"], 2,
        "flake.nix and configuration.nix: {lint:#}"
    );
    let report = check("closure-budget");
    let root = report["roots"][0]["path"].as_str().expect("a root");
    assert!(root.ends_with("-nixos-system-stand-in"), "{root}");
    assert_eq!(report["status"], "pass");
    assert_eq!(
        gate_limit(&report, "maxSize"),
        3.0 * 1024.0 * 1024.0 * 1024.0
    );
    assert_eq!(
        gate_limit(&report, "warnSize"),
        2.0 * 1024.0 * 1024.0 * 1024.0
    );
}

#[test]
fn the_ci_template_checks_and_reports_through_flake_outputs_only() {
    let root = repo_root().join("templates/ci");
    let flake = fs::read_to_string(root.join("flake.nix")).expect("template flake.nix");
    let workflow = fs::read_to_string(root.join(".github/workflows/flakegate.yml"))
        .expect("template workflow");
    assert!(
        root.join("README.md").is_file(),
        "the template has a README"
    );

    assert!(flake.contains("flakegate.lib.closureBudget"));
    assert!(flake.contains("flakegate.lib.lint"));
    assert!(flake.contains("github:flakegate/flakegate"));
    assert!(flake.contains("nixosConfigurations.example"));

    assert!(workflow.contains("install-nix-action"), "{workflow}");
    assert!(workflow.contains("nix flake check -L"), "{workflow}");
    // The report step, folded by YAML onto one line.
    let report: String = workflow
        .lines()
        .skip_while(|l| !l.contains("nix run github:flakegate/flakegate#closure"))
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        report.starts_with(
            "nix run github:flakegate/flakegate#closure -- \
             .#nixosConfigurations.example.config.system.build.toplevel"
        ),
        "{report}"
    );
    assert!(
        report.ends_with("--build --markdown >> \"$GITHUB_STEP_SUMMARY\""),
        "{report}"
    );
}

#[test]
fn the_cli_takes_every_flag_that_lib_passes() {
    let out = util::run(&["closure", "--help"]);
    assert_success("flakegate closure --help", &out);
    let help = stdout(&out);
    for flag in [
        "--in-build",
        "--max-size",
        "--warn-size",
        "--max-paths",
        "--baseline",
        "--max-growth",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

/// `nix-build tests/fixtures/flake-lib/budget.nix -A ATTR` with this test
/// run's flakegate binary as the checks' builder.
fn build_budget(attr: &str, extra: &[&str]) -> Output {
    run(Command::new("nix-build")
        .arg(budget_fixture())
        .args(["-A", attr, "--no-out-link"])
        .args(["--argstr", "flakegateBin", env!("CARGO_BIN_EXE_flakegate")])
        .args(extra))
}

fn built_path(out: &Output) -> PathBuf {
    PathBuf::from(stdout(out).trim())
}

/// A build that failed because a gate failed: the builder exited 1 (2 would
/// be an error), after printing its report, with these numbers (sizes as the
/// CLI writes them), to the build log.
fn assert_gate_failed(what: &str, out: &Output, numbers: &[&str]) {
    let log = stderr(out);
    assert!(!out.status.success(), "{what} should fail:\n{log}");
    assert!(
        log.contains("failed with exit code 1"),
        "{what}: not a gate failure:\n{log}"
    );
    for number in numbers {
        assert!(
            log.contains(number),
            "{what}: no {number} in the log:\n{log}"
        );
    }
}

/// `report.json` of a successful budget build.
fn report_json(out: &Output) -> Value {
    let file = built_path(out).join("report.json");
    serde_json::from_slice(&fs::read(&file).expect("report.json")).expect("report.json is JSON")
}

/// The limit a gate of `report.json` was given, in bytes or paths.
fn gate_limit(report: &Value, gate: &str) -> f64 {
    report["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .find(|g| g["gate"] == gate)
        .unwrap_or_else(|| panic!("no {gate} gate in {report}"))["limit"]
        .as_f64()
        .expect("a numeric limit")
}

/// What Nix itself says the closure of the fixture's `app` weighs.
fn app_closure_size() -> u64 {
    let app = build_budget("app", &[]);
    assert_success("the fixture app", &app);
    let path = built_path(&app);
    let path = path.to_str().expect("a UTF-8 store path");
    let format = flakegate_store::backend::cli::json_format_args().expect("nix --version");
    kit::path_info(&format, &["--closure-size"], &[path])[path]["closureSize"]
        .as_u64()
        .expect("closureSize")
}

#[test]
fn closure_budget_within_budget_builds_the_reports() {
    let out = build_budget("pass", &[]);
    assert_success("the passing budget", &out);
    let result = built_path(&out);
    for file in ["report.txt", "report.json", "report.md", "baseline.json"] {
        assert!(
            result.join(file).is_file(),
            "{file} missing in {}",
            result.display()
        );
    }
    // The closure the builder was handed is the app's, as Nix sees it.
    let report = report_json(&out);
    assert_eq!(report["status"], "pass");
    assert_eq!(report["totalSize"], app_closure_size());
    assert_eq!(report["pathCount"], 2);
    assert_eq!(gate_limit(&report, "maxSize"), 1_048_576.0); // "1MiB"
    assert_eq!(gate_limit(&report, "maxPaths"), 10.0);
}

#[test]
fn closure_budget_over_the_warning_size_still_builds() {
    let out = build_budget("warn", &[]);
    assert_success("a budget over its warning size only", &out);
    let report = report_json(&out);
    assert_eq!(report["status"], "warn");
    assert_eq!(gate_limit(&report, "maxSize"), 1_048_576.0); // 1048576
    assert_eq!(gate_limit(&report, "warnSize"), 1024.0); // "1KiB"
}

#[test]
fn closure_budget_over_size_fails_with_the_report_in_the_log() {
    let out = build_budget("overSize", &[]);
    // The total (app 1536 + leaf 100280 bytes of NAR) and the limit, 50000.
    assert_gate_failed("maxSize = 50000", &out, &["99.4 KiB", "48.8 KiB"]);
}

#[test]
fn closure_budget_over_the_path_count_fails() {
    let out = build_budget("overPaths", &[]);
    assert_gate_failed("maxPaths = 1", &out, &["2 paths"]);
}

#[test]
fn closure_budget_fails_on_growth_over_a_baseline() {
    // A baseline from the small app (99.4 KiB), saved by a passing build.
    let pass = build_budget("pass", &[]);
    assert_success("the baseline build", &pass);
    let dir = tempfile::tempdir().expect("temporary directory");
    let baseline = dir.path().join("baseline.json");
    fs::copy(built_path(&pass).join("baseline.json"), &baseline).expect("copy baseline.json");
    let baseline = baseline.to_str().expect("UTF-8 path");

    // The same closure: no growth, passes at 5%.
    let same = build_budget("growth", &["--argstr", "baselineFile", baseline]);
    assert_success("no growth over the baseline", &same);

    // The app grows by 199000 bytes, the closure to 293.8 KiB (about three
    // times its size): fails at "5%" and at 5.
    let bigger = [
        "--argstr",
        "baselineFile",
        baseline,
        "--arg",
        "appPayload",
        "200000",
    ];
    for attr in ["growth", "growthNumber"] {
        let out = build_budget(attr, &bigger);
        assert_gate_failed(attr, &out, &["99.4 KiB", "293.8 KiB", "5%"]);
    }

    // A baseline without maxGrowth only compares.
    let compare = build_budget("compare", &bigger);
    assert_success("a baseline without maxGrowth", &compare);
    let report = report_json(&compare);
    assert_eq!(report["status"], "pass");
    assert!(!report["baseline"].is_null(), "no comparison in {report}");
}

#[test]
fn closure_budget_arguments_reach_the_cli_as_written() {
    let eval = |attr: &str, extra: &[&str]| -> Value {
        let out = run(Command::new("nix-instantiate")
            .args(["--eval", "--strict", "--json"])
            .arg(budget_fixture())
            .args(["-A", attr])
            .args(["--argstr", "flakegateBin", env!("CARGO_BIN_EXE_flakegate")])
            .args(extra));
        assert_success(attr, &out);
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    assert_eq!(
        eval("pass.args", &[]),
        serde_json::json!([
            "closure",
            "--in-build",
            "--max-size",
            "1MiB",
            "--max-paths",
            "10"
        ])
    );
    assert_eq!(
        eval("warn.args", &[]),
        serde_json::json!([
            "closure",
            "--in-build",
            "--max-size",
            "1048576",
            "--warn-size",
            "1KiB"
        ])
    );

    let dir = tempfile::tempdir().expect("temporary directory");
    let baseline = dir.path().join("baseline.json");
    fs::write(&baseline, "{}").expect("write baseline");
    let args = eval(
        "growthNumber.args",
        &[
            "--argstr",
            "baselineFile",
            baseline.to_str().expect("UTF-8 path"),
        ],
    );
    let args = names(&args);
    assert_eq!(args[..4], ["closure", "--in-build", "--max-size", "1MiB"]);
    assert_eq!(args[4], "--baseline");
    // Copied into the store, where the sandboxed builder can read it.
    assert!(
        args[5].starts_with("/nix/store/") && args[5].ends_with("-baseline.json"),
        "{args:?}"
    );
    assert_eq!(args[6..], ["--max-growth", "5%"]);

    let structured = eval("pass.__structuredAttrs", &[]);
    assert_eq!(structured, Value::Bool(true));
    let name = eval("pass.name", &[]);
    assert_eq!(name, "closure-budget-budget-fixture-app");
}

#[test]
fn closure_budget_rejects_mistakes_at_evaluation() {
    for (attr, message) in [
        ("growthWithoutBaseline", "maxGrowth needs a baseline"),
        (
            "sizeOfWrongType",
            "maxSize must be a size string like \"15GiB\" or a positive integer, got 1.5",
        ),
    ] {
        let out = run(Command::new("nix-instantiate")
            .arg(budget_fixture())
            .args(["-A", attr])
            .args(["--argstr", "flakegateBin", env!("CARGO_BIN_EXE_flakegate")]));
        assert!(!out.status.success(), "{attr} should not evaluate");
        assert!(stderr(&out).contains(message), "{attr}:\n{}", stderr(&out));
    }
}

/// `lib.closureBudget` checks its arguments when it is evaluated, naming
/// the argument, so `nix flake check` fails before anything is built.
#[test]
fn lib_arguments_are_checked_at_evaluation_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("cases.nix");
    let lib = repo_root().join("nix/lib.nix");
    fs::write(
        &file,
        format!(
            r#"let
  fake = derivation {{ name = "fake"; system = builtins.currentSystem; builder = "/bin/sh"; }};
  lib = import {} {{ flakegate = fake; }};
  budget = args: (lib.closureBudget ({{ pkgs = {{ system = builtins.currentSystem; }}; drv = fake; }} // args)).drvPath;
in {{
  negative = budget {{ maxSize = -1; }};
  typo = budget {{ maxSize = "15GiBB"; }};
  null = budget {{ maxSize = null; }};
  notADerivation = budget {{ maxSize = "1GiB"; drv = {{ }}; }};
  paths = budget {{ maxSize = "1GiB"; maxPaths = "many"; }};
  fine = budget {{ maxSize = "1.5 GiB"; warnSize = 1000; }};
}}"#,
            lib.display()
        ),
    )
    .expect("write");
    let eval = |attr: &str| {
        run(Command::new("nix-instantiate")
            .args(["--eval", "--strict"])
            .arg(&file)
            .args(["-A", attr]))
    };
    for (attr, message) in [
        (
            "negative",
            "closureBudget: maxSize must be a size string like \"15GiB\" or a positive integer, got -1",
        ),
        ("typo", "got \"15GiBB\""),
        (
            "null",
            "closureBudget: maxSize must be a size string like \"15GiB\" or a positive integer, got null",
        ),
        (
            "notADerivation",
            "closureBudget: drv must be a derivation, got a set",
        ),
        (
            "paths",
            "closureBudget: maxPaths must be a non-negative integer, got \"many\"",
        ),
    ] {
        let out = eval(attr);
        assert!(!out.status.success(), "{attr} evaluated");
        assert!(stderr(&out).contains(message), "{attr}: {}", stderr(&out));
    }
    assert_success("a valid budget", &eval("fine"));
}
