//! `flakegate closure` end to end, on the real fixture closures.

use flakegate_testkit as kit;
use insta::assert_snapshot;

use crate::util::{code, flakegate, normalise, run, stderr, stdout};

fn toplevel() -> String {
    kit::package_set().toplevel.clone()
}

#[test]
fn terminal_report() {
    let top = toplevel();
    let out = run(&[
        "closure",
        &top,
        "--top",
        "5",
        "--why",
        "openssl-1.1.1w",
        "--color",
        "never",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_snapshot!(normalise(&stdout(&out)));
}

#[test]
fn markdown_report_with_gates_and_baseline() {
    let g = kit::generations();
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("baseline.json");
    let saved = run(&[
        "closure",
        &g.old,
        "--save-baseline",
        baseline.to_str().expect("utf8"),
        "--json",
    ]);
    assert_eq!(code(&saved), 0, "{}", stderr(&saved));
    let out = run(&[
        "closure",
        &g.new,
        "--markdown",
        "--top",
        "3",
        "--max-size",
        "1MiB",
        "--warn-size",
        "300KiB",
        "--baseline",
        baseline.to_str().expect("utf8"),
        "--max-growth",
        "5%",
    ]);
    // new is 600 bytes smaller than old: growth passes; the warning does not fail.
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_snapshot!(normalise(&stdout(&out)));
}

#[test]
fn json_report() {
    let top = toplevel();
    let out = run(&["closure", &top, "--json", "--top", "3", "--max-paths", "60"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(value["schema"], "flakegate.closure/1");
    assert_eq!(value["totalSize"], 332_272);
    assert_eq!(value["pathCount"], 52);
    assert_eq!(value["paths"].as_array().map(Vec::len), Some(52));
    assert_eq!(value["status"], "pass");
    // The full path list is long; the snapshot keeps everything else.
    let mut trimmed = value.clone();
    trimmed["paths"] = serde_json::json!("[52 entries]");
    assert_snapshot!(normalise(
        &serde_json::to_string_pretty(&trimmed).expect("json")
    ));
}

#[test]
fn size_gates_exit_1_exactly_when_over() {
    let top = toplevel();
    // Total is 332,272 bytes.
    for (flags, expected) in [
        (vec!["--max-size", "332272"], 0),
        (vec!["--max-size", "332271"], 1),
        (vec!["--max-size", "1MiB", "--warn-size", "100KiB"], 0),
        (vec!["--max-paths", "52"], 0),
        (vec!["--max-paths", "51"], 1),
    ] {
        let mut args = vec!["closure", top.as_str(), "--color", "never"];
        args.extend(flags.iter().copied());
        let out = run(&args);
        assert_eq!(
            code(&out),
            expected,
            "{flags:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        if expected == 1 {
            assert!(stdout(&out).contains("FAIL"), "{}", stdout(&out));
        }
    }
    let out = run(&["closure", &top, "--max-size", "332271", "--color", "never"]);
    assert!(
        stdout(&out).contains("FAIL    max size            324.5 KiB (limit 324.5 KiB)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn baseline_gate_names_what_grew() {
    let g = kit::generations();
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("base.json");
    // A baseline of the *new* generation: old is 600 bytes bigger (tmux vs htop).
    let saved = run(&[
        "closure",
        &g.new,
        "--save-baseline",
        baseline.to_str().expect("utf8"),
    ]);
    assert_eq!(code(&saved), 0);
    let b = baseline.to_str().expect("utf8");
    let fail = run(&[
        "closure",
        &g.old,
        "--baseline",
        b,
        "--max-growth",
        "0.1%",
        "--json",
    ]);
    assert_eq!(code(&fail), 1, "{}", stderr(&fail));
    let report: serde_json::Value = serde_json::from_slice(&fail.stdout).expect("json");
    assert_eq!(report["baseline"]["growthBytes"], 600);
    let causes: Vec<&str> = report["baseline"]["causes"]
        .as_array()
        .expect("causes")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    // Only tmux grew (it is absent from the baseline); curl's bump kept its size.
    assert_eq!(causes, vec!["tmux"]);
    let tmux = &report["baseline"]["causes"][0];
    assert_eq!(
        (tmux["beforeSize"].as_u64(), tmux["afterSize"].as_u64()),
        (Some(0), Some(1112))
    );
    assert_eq!(tmux["afterVersions"], serde_json::json!(["3.4"]));
    let pass = run(&["closure", &g.old, "--baseline", b, "--max-growth", "1%"]);
    assert_eq!(code(&pass), 0, "{}", stdout(&pass));
}

#[test]
fn backends_and_attrs_json_give_the_same_report() {
    let top = toplevel();
    let db = run(&["closure", &top, "--json", "--backend", "db"]);
    let cli = run(&["closure", &top, "--json", "--backend", "cli"]);
    assert_eq!(code(&db), 0, "{}", stderr(&db));
    assert_eq!(code(&cli), 0, "{}", stderr(&cli));
    let d: serde_json::Value = serde_json::from_slice(&db.stdout).expect("json");
    let mut c: serde_json::Value = serde_json::from_slice(&cli.stdout).expect("json");
    // The envelope names the Nix a run asked; the database backend asks none.
    assert!(d.get("nixVersion").is_none(), "{d}");
    assert!(c["nixVersion"].is_string(), "{c}");
    c.as_object_mut().expect("object").remove("nixVersion");
    assert_eq!(d, c);
    let attrs = kit::attrs_json_of(&top);
    let from_attrs = run(&["closure", "--attrs-json", &attrs, "--json"]);
    assert_eq!(code(&from_attrs), 0, "{}", stderr(&from_attrs));
    let a: serde_json::Value = serde_json::from_slice(&from_attrs.stdout).expect("json");
    for key in [
        "totalSize",
        "pathCount",
        "roots",
        "topByAdded",
        "topBySelf",
        "paths",
    ] {
        assert_eq!(a[key], d[key], "{key}");
    }
}

#[test]
fn in_build_mode_writes_every_report_to_out() {
    let top = toplevel();
    let attrs = std::fs::read_to_string(kit::attrs_json_of(&top)).expect("attrs");
    let mut value: serde_json::Value = serde_json::from_str(&attrs).expect("json");
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    value["outputs"]["out"] = serde_json::json!(out_dir.to_str().expect("utf8"));
    let file = dir.path().join(".attrs.json");
    std::fs::write(&file, value.to_string()).expect("write");
    let out = flakegate()
        .args(["closure", "--in-build", "--max-size", "300KiB"])
        .env("NIX_ATTRS_JSON_FILE", &file)
        .output()
        .expect("runs");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("FAIL    max size"),
        "{}",
        stdout(&out)
    );
    for name in ["report.txt", "report.json", "report.md", "baseline.json"] {
        assert!(out_dir.join(name).is_file(), "{name}");
    }
    // Without NIX_ATTRS_JSON_FILE, ./.attrs.json in the working directory is read.
    let out = flakegate()
        .args(["closure", "--in-build"])
        .current_dir(dir.path())
        .env_remove("NIX_ATTRS_JSON_FILE")
        .output()
        .expect("runs");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let top = toplevel();
    let always = run(&["closure", &top, "--color", "always"]);
    assert!(stdout(&always).contains("\x1b["));
    let auto = flakegate()
        .args(["closure", &top])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(!stdout(&auto).contains("\x1b["));
}

#[test]
fn a_private_store_dir_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("nix");
    let env = [
        ("NIX_STORE_DIR", root.join("store")),
        ("NIX_STATE_DIR", root.join("var")),
        ("NIX_LOG_DIR", root.join("log")),
    ];
    let expr = r#"let lib = derivation { name = "libdemo-1.0"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo lib > $out" ]; };
        in derivation { name = "app-2.0"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo ${lib} > $out" ]; }"#;
    let mut build = duct::cmd!("nix-build", "--no-out-link", "--expr", expr);
    for (k, v) in &env {
        build = build.env(k, v);
    }
    let path = build.read().expect("nix-build into a private store");
    assert!(
        path.starts_with(root.join("store").to_str().expect("utf8")),
        "{path}"
    );
    for backend in ["db", "cli"] {
        let mut cmd = flakegate();
        cmd.args(["closure", path.trim(), "--json", "--backend", backend]);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("runs");
        assert_eq!(code(&out), 0, "{backend}: {}", stderr(&out));
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(value["pathCount"], 2, "{backend}");
    }
}

/// Every bad input: one line on stderr naming the input, exit 2, nothing on stdout.
#[test]
fn bad_inputs_fail_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("result");
    std::os::unix::fs::symlink(dir.path().join("gone"), &broken).expect("symlink");
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "x").expect("write");
    let corrupt = dir.path().join("corrupt.attrs.json");
    std::fs::write(&corrupt, "{\"exportReferencesGraph\": {\"closure\": [").expect("write");
    let bad_baseline = dir.path().join("bad-baseline.json");
    std::fs::write(&bad_baseline, "{\"schema\": \"something-else\"}").expect("write");
    let unrealised = kit::unrealised_drv();
    let top = toplevel();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["closure", "/nonexistent/result"],
            "/nonexistent/result: no such file",
        ),
        (
            vec!["closure", broken.to_str().expect("utf8")],
            "broken symlink",
        ),
        (
            vec!["closure", plain.to_str().expect("utf8")],
            "not in the Nix store",
        ),
        (
            vec![
                "closure",
                "/nix/store/00000000000000000000000000000000-gone",
            ],
            "not valid in the Nix store",
        ),
        (vec!["closure", &unrealised], "pass --build"),
        (
            vec!["closure", "--attrs-json", corrupt.to_str().expect("utf8")],
            "corrupt.attrs.json: not valid JSON",
        ),
        (
            vec![
                "closure",
                &top,
                "--baseline",
                bad_baseline.to_str().expect("utf8"),
            ],
            "bad-baseline.json",
        ),
        (vec!["closure", &top, "--max-size", "lots"], "is not a size"),
        (vec!["closure", &top, "--max-growth", "5%"], "--baseline"),
        (vec!["closure"], "no installable"),
        (
            vec![
                "closure",
                &top,
                "--save-baseline",
                "/nonexistent-dir/b.json",
            ],
            "/nonexistent-dir/b.json",
        ),
    ];
    for (args, needle) in cases {
        let out = run(&args);
        let err = stderr(&out);
        assert_eq!(code(&out), 2, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(needle),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
        // Usage errors are clap's (with a hint to --help); every other error is one line.
        if !err.contains("--help") {
            assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        }
    }
    assert!(!std::path::Path::new("/nonexistent-dir/b.json").exists());
}

#[test]
fn an_output_file_is_written_whole_or_not_at_all() {
    let top = toplevel();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.md");
    let out = run(&[
        "closure",
        &top,
        "--markdown",
        "-o",
        file.to_str().expect("utf8"),
        "--max-size",
        "1",
    ]);
    assert_eq!(code(&out), 1);
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.starts_with("### Closure of"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "no temp files left behind");
}

#[test]
fn help_has_examples() {
    let out = run(&["closure", "--help"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("Examples:"));
    let out = run(&["--help"]);
    assert!(stdout(&out).contains("Exit status"));
}

#[test]
fn why_a_package_answers_for_each_of_its_instances() {
    let top = toplevel();
    let out = run(&["closure", &top, "--why", "openssl", "--color", "never"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let section = text.split("Why openssl\n").nth(1).expect("a Why section");
    let chains: Vec<&str> = section
        .lines()
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(chains.len(), 2, "{section}");
    assert!(chains[0].ends_with("openssl-3.0.14-dev"), "{chains:?}");
    assert!(
        chains[1].ends_with("nodejs-16.20.2 → openssl-1.1.1w"),
        "{chains:?}"
    );
    assert_eq!(text.matches("Why openssl").count(), 1, "one heading");
    let markdown = stdout(&run(&["closure", &top, "--why", "openssl", "--markdown"]));
    assert!(markdown.contains("**Why `openssl`:**\n\n- "), "{markdown}");
}
