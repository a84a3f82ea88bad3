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
          craneLib = crane.mkLib pkgs;

          package = import ./nix/package.nix { inherit pkgs craneLib; };
          inherit (package) flakegate;

          checks = import ./checks {
            inherit pkgs craneLib package;
            flakegateLib = self.lib;
          };
        in
        {
          packages = {
            inherit flakegate;
            default = flakegate;
          };

          apps = import ./nix/apps.nix { inherit pkgs flakegate; };

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
      lib =
        builtins.mapAttrs (
          name: _: args:
          (libFor args.pkgs).${name} args
        ) (import ./nix/lib.nix { flakegate = null; })
        // {
          # Needs no package and no pkgs: it only reads the names of checks.
          githubMatrix = import ./nix/github-matrix.nix;
        };

      templates = {
        ci = {
          path = ./templates/ci;
          description = "A NixOS configuration whose whole CI is flakegate's quality gates";
          welcomeText = ''
            # flakegate CI template

            - `flake.nix`: `nixosConfigurations.example`, four checks
              (`closure-budget`, `lint`, `lock-health`, `licenses`), every
              flakegate app from the pinned input, and `githubMatrix`.
            - `.github/workflows/flakegate.yml`: pull requests: the checks,
              one runner each, then one summary comment of every report.
            - `.github/workflows/flakegate-weekly.yml`: a `flake.lock`
              update pull request, the benchmark history, the SBOM.

            Rename `example` in `flake.nix` and both workflows, run
            `git add -A && nix flake lock`, and see flakegate's docs/ci.md.
          '';
        };
        default = self.templates.ci;
      };
    };
}
