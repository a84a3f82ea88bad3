# The flakegate package, built with crane: one source set and one
# `cargoArtifacts` (the dependencies, built once) shared by the package and
# every check in checks/default.nix.
{ pkgs, craneLib }:
let
  inherit (pkgs) lib;
  root = ../.;

  # crane's cleanCargoSource keeps only Rust and Cargo files, but the tests
  # read fixtures at run time: Nix files, JSON, Markdown and insta snapshots
  # under tests/, and snapshots next to the crates.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      (craneLib.fileset.commonCargoSources root)
      ../tests
      ../fuzz/corpus # the fuzzer's seeds, read by its tests
      (lib.fileset.fileFilter (file: file.hasExt "snap") ../crates)
      ../crates/flakegate-store/src/meta_eval.nix # include_str! by the store crate
    ];
  };

  commonArgs = {
    inherit src;
    pname = "flakegate";
    strictDeps = true;
  };

  cargoArtifacts = craneLib.buildDepsOnly commonArgs;
in
{
  inherit src commonArgs cargoArtifacts;

  flakegate = craneLib.buildPackage (
    commonArgs
    // {
      inherit cargoArtifacts;
      # The tests run in the nextest check, where the ones that need a live
      # Nix store are filtered out.
      doCheck = false;
      meta = {
        description = "CI quality gates for Nix flakes: closure budgets, diffs, SBOMs and eval benchmarks";
        homepage = "https://github.com/flakegate/flakegate";
        license = [
          lib.licenses.mit
          lib.licenses.asl20
        ];
        mainProgram = "flakegate";
      };
    }
  );
}
