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

  # The nextest check runs only the tests that need no live Nix: a build
  # sandbox has neither a Nix daemon nor a writable store. Left out, by the
  # filterset in nextest-nix-free.filter: the testkit, the integration tests of
  # every crate that uses it (they build fixture closures with nix-build; the
  # e2e tests among them), and unit tests named `live_nix…`. CI runs them all
  # with cargo on two Nix versions, and proves this filter by running the
  # tests it keeps with every `nix` program replaced by a failing stub
  # (scripts/nix-free-tests.sh).
  nextestFilter = builtins.replaceStrings [ "\n" ] [ "" ] (builtins.readFile ./nextest-nix-free.filter);
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
