# `nix run .#NAME -- ARGS` runs `flakegate NAME ARGS`; `nix run . -- ARGS`
# runs `flakegate ARGS`. A new subcommand's app is one line in `subcommands`.
{ pkgs, flakegate }:
let
  subcommands = {
    closure = "Report a closure's size and gate it on budgets: nix run .#closure -- INSTALLABLE";
    diff = "Compare two generations or derivations, package by package: nix run .#diff -- OLD NEW";
    lock = "flake.lock health (duplicates, ages, pinning) and update diffs: nix run .#lock -- [FLAKE_DIR] [--diff OLD]";
    lint = "Lint Nix files: syntax errors, unused bindings, duplicate attributes: nix run .#lint -- [PATH...]";
    licenses = "Check a closure's licenses against a policy: nix run .#licenses -- INSTALLABLE --deny-unfree";
    report = "Merge flakegate JSON reports into one pull-request summary: nix run .#report -- FILE.json...";
    bench = "Benchmark flake evaluation with Nix's exact counters and regression gates: nix run .#bench -- [FLAKE]";
    sbom = "Export a CycloneDX 1.6 or SPDX 2.3 SBOM of a closure or a derivation graph: nix run .#sbom -- INSTALLABLE";
    build = "Build with a per-derivation profile, critical path and build-time gates: nix run .#build -- INSTALLABLE";
    cache = "Binary-cache hit rate of what an installable needs, without building: nix run .#cache -- INSTALLABLE";
    trend = "Tables, SVG charts and badges of the runs recorded by --history: nix run .#trend -- FILE... --svg-dir DIR";
  };

  subcommandApp = name: description: {
    type = "app";
    program = "${pkgs.writeShellScript "flakegate-${name}" ''
      exec ${flakegate}/bin/flakegate ${name} "$@"
    ''}";
    meta = { inherit description; };
  };
in
{
  default = {
    type = "app";
    program = "${flakegate}/bin/flakegate";
    meta.description = "CI quality gates for Nix flakes: closure budgets, diffs, SBOMs and eval benchmarks";
  };
}
// builtins.mapAttrs subcommandApp subcommands
