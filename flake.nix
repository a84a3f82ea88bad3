{
  description = "flakegate: CI quality gates for Nix flakes (closure size budgets, and more)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    crane.url = "github:ipetkov/crane/v0.23.4";
  };

  outputs =
    {
      self,
      nixpkgs,
      crane,
    }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];

      # A genAttrs that does not touch nixpkgs: `lib` and `templates` must
      # evaluate without fetching any input, and the per-system attribute sets
      # below must be attribute sets before nixpkgs is looked at.
      eachSystem =
        f:
        builtins.listToAttrs (
          map (system: {
            name = system;
            value = f system;
          }) systems
        );

      # The system that builds with a package set (its build platform), not
      # through the `pkgs.system` alias that recent nixpkgs warns about; a bare
      # `{ system = ...; }` works too. nix/lib.nix does the same.
      systemOf = pkgs: pkgs.stdenv.buildPlatform.system or pkgs.system;

      # Everything per system, evaluated once and shared by all outputs.
      perSystem = eachSystem (
        system:
        let
          pkgs = nixpkgs.legacyPackages.${system};
          inherit (pkgs) lib;
          craneLib = crane.mkLib pkgs;

          # crane's cleanCargoSource keeps only Rust and Cargo files, but the
          # tests read fixtures at run time: Nix files, JSON, Markdown and insta
          # snapshots under tests/, and snapshots next to the crates.
          src = lib.fileset.toSource {
            root = ./.;
            fileset = lib.fileset.unions [
              (craneLib.fileset.commonCargoSources ./.)
              ./tests
              (lib.fileset.fileFilter (file: file.hasExt "snap") ./crates)
              ./crates/flakegate-store/src/meta_eval.nix # include_str! by the store crate
            ];
          };

          commonArgs = {
            inherit src;
            pname = "flakegate";
            strictDeps = true;
          };

          cargoArtifacts = craneLib.buildDepsOnly commonArgs;

          flakegate = craneLib.buildPackage (
            commonArgs
            // {
              inherit cargoArtifacts;
              # The tests run in the nextest check below, where the ones that
              # need a live Nix store are filtered out.
              doCheck = false;
              meta = {
                description = "CI quality gates for Nix flakes: closure size budgets, and more";
                homepage = "https://github.com/flakegate/flakegate";
                license = [
                  lib.licenses.mit
                  lib.licenses.asl20
                ];
                mainProgram = "flakegate";
              };
            }
          );

          # Left out of the nextest check because they need a live Nix: the
          # testkit, and the integration tests of the crates that use it (the
          # e2e tests among them), build fixture closures with nix-build and
          # read the Nix store, and a build sandbox has neither a Nix daemon
          # nor a writable store. CI runs them outside Nix, with cargo.
          nextestFilter = "not (package(flakegate-testkit) | (rdeps(flakegate-testkit) & kind(test)))";

          checks = {
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
                cargoNextestExtraArgs = lib.escapeShellArgs [
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
            closure-budget = import ./checks/closure-budget.nix {
              inherit pkgs flakegate;
              flakegateLib = self.lib;
            };
          };

          # `nix run .#NAME -- ARGS` runs `flakegate NAME ARGS`. A new
          # subcommand app is one more `name = description;` line here.
          subcommandApps = {
            closure = "Report a closure's size and gate it on budgets: nix run .#closure -- INSTALLABLE";
            diff = "Compare two generations or derivations, package by package: nix run .#diff -- OLD NEW";
            bench = "Benchmark flake evaluation with Nix's exact counters and regression gates: nix run .#bench -- [FLAKE]";
            sbom = "Export a CycloneDX 1.6 or SPDX 2.3 SBOM of a closure or a derivation graph: nix run .#sbom -- INSTALLABLE";
          };

          mkSubcommandApp = name: description: {
            type = "app";
            program = "${pkgs.writeShellScript "flakegate-${name}" ''
              exec ${flakegate}/bin/flakegate ${name} "$@"
            ''}";
            meta = { inherit description; };
          };
        in
        {
          packages = {
            inherit flakegate;
            default = flakegate;
          };

          apps = {
            default = {
              type = "app";
              program = "${flakegate}/bin/flakegate";
              meta.description = "CI quality gates for Nix flakes: closure size budgets, and more";
            };
          }
          // builtins.mapAttrs mkSubcommandApp subcommandApps;

          inherit checks;

          devShells.default = craneLib.devShell {
            inherit checks;
            packages = [
              pkgs.cargo-nextest
              pkgs.cargo-insta
              pkgs.nixfmt
            ];
          };

          formatter = pkgs.nixfmt;
        }
      );

      perSystemOutput = name: builtins.mapAttrs (_: outputs: outputs.${name}) perSystem;

      # nix/lib.nix for the flakegate package that runs on `pkgs`' system.
      libFor =
        pkgs:
        let
          system = systemOf pkgs;
          flakegate = self.packages.${system}.default or (throw "flakegate.lib: no package for ${system}");
        in
        import ./nix/lib.nix { inherit flakegate; };
    in
    {
      packages = perSystemOutput "packages";
      apps = perSystemOutput "apps";
      checks = perSystemOutput "checks";
      devShells = perSystemOutput "devShells";
      formatter = perSystemOutput "formatter";

      # Check builders for other flakes' `checks`. Every builder takes the
      # caller's `pkgs` (only its system is used), which picks the flakegate
      # package that runs the check; see nix/lib.nix and docs/flake.md.
      lib = builtins.mapAttrs (
        name: _: args:
        (libFor args.pkgs).${name} args
      ) (import ./nix/lib.nix { flakegate = null; });

      templates = {
        ci = {
          path = ./templates/ci;
          description = "A NixOS configuration whose CI gates its closure size with flakegate";
          welcomeText = ''
            # flakegate CI template

            - `flake.nix` defines `nixosConfigurations.example` and a
              `checks.x86_64-linux.closure-budget` built with
              `flakegate.lib.closureBudget`.
            - `.github/workflows/flakegate.yml` runs `nix flake check -L` and
              writes a closure report to the job summary.

            Rename `example` in both files, then tune the budget.
          '';
        };
        default = self.templates.ci;
      };
    };
}
