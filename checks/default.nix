# The flake's own checks: the package, each lint as its own check (sharing the
# package's source and cargoArtifacts), and flakegate applied to itself.
{
  pkgs,
  craneLib,
  package,
  flakegateLib,
}:
let
  inherit (package)
    src
    commonArgs
    cargoArtifacts
    flakegate
    ;

  # Left out of the nextest check because they need a live Nix: the testkit,
  # and the integration tests of the crates that use it (the e2e tests among
  # them), build fixture closures with nix-build and read the Nix store, and
  # a build sandbox has neither a Nix daemon nor a writable store. CI runs
  # them outside Nix, with cargo (see .ci/run).
  nextestFilter = "not (package(flakegate-testkit) | (rdeps(flakegate-testkit) & kind(test)))";
in
{
  inherit flakegate;

  clippy = craneLib.cargoClippy (
    commonArgs
    // {
      inherit cargoArtifacts;
      cargoClippyExtraArgs = "--all-targets -- --deny warnings";
    }
  );

  fmt = craneLib.cargoFmt { inherit src; };

  nextest = craneLib.cargoNextest (
    commonArgs
    // {
      inherit cargoArtifacts;
      cargoNextestExtraArgs = pkgs.lib.escapeShellArgs [
        "--no-tests=fail"
        "--filterset"
        nextestFilter
      ];
      env = {
        # Missing or changed snapshots fail instead of being written.
        INSTA_UPDATE = "no";
        CI = "true";
      };
    }
  );

  doc = craneLib.cargoDoc (
    commonArgs
    // {
      inherit cargoArtifacts;
      env.RUSTDOCFLAGS = "--deny warnings";
    }
  );

  # The project applied to itself, through its own `lib`.
  closure-budget = import ./closure-budget.nix {
    inherit pkgs flakegate flakegateLib;
  };

  # The project's own Nix files, linted through its own `lib`.
  lint = import ./lint.nix { inherit pkgs flakegateLib; };
}
