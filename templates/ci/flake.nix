{
  description = "A NixOS configuration whose CI is flakegate's quality gates";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    # flakegate brings its own pinned nixpkgs, so its binary comes from the
    # same build as upstream's. Adding `inputs.nixpkgs.follows = "nixpkgs";`
    # shares yours instead, and flakegate is then built from source.
    flakegate.url = "github:flakegate/flakegate";
  };

  outputs =
    {
      self,
      nixpkgs,
      flakegate,
    }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
      toplevel = self.nixosConfigurations.example.config.system.build.toplevel;

      # The closure budget, in one place: `checks.closure-budget` enforces it
      # and `apps.closure-budget` shows it in the pull request's summary.
      budget = {
        maxSize = "3GiB";
        warnSize = "2GiB";
      };
    in
    {
      nixosConfigurations.example = nixpkgs.lib.nixosSystem {
        modules = [ ./configuration.nix ];
      };

      # `nix flake check` runs them all; CI builds each on its own runner
      # (`githubMatrix` below). Add a system here and the matrix gains its
      # runner: lint and lock-health build on any system.
      checks.${system} = {
        # Fails when the system's closure is over budget. To also fail on
        # growth, keep the baseline.json of an accepted run:
        #   nix build .#checks.x86_64-linux.closure-budget
        #   cp result/baseline.json closure-baseline.json
        # and gate on it (the file must be tracked by git to be seen):
        #   baseline = ./closure-baseline.json; maxGrowth = "5%";
        closure-budget = flakegate.lib.closureBudget (
          {
            inherit pkgs;
            drv = toplevel;
          }
          // budget
        );

        # Nix syntax errors, unused bindings, duplicate attributes.
        lint = flakegate.lib.lint {
          inherit pkgs;
          src = self;
        };

        # Duplicate inputs, stale inputs, pinning. Ages count from the
        # commit's date, so the check is reproducible; the weekly update
        # (.github/workflows/flakegate-weekly.yml) keeps them young.
        lock-health = flakegate.lib.lockHealth {
          inherit pkgs;
          src = ./.;
          now = self.lastModified or null;
          maxAge = "90d";
          warnAge = "30d";
        };

        # The license policy over the system's runtime closure: the build
        # fails naming each package that breaks it and what pulls it in, and
        # its output is the system's CycloneDX SBOM.
        licenses = flakegate.lib.sbom {
          inherit pkgs;
          drv = toplevel;
          denyUnfree = true;
          denyLicenses = [
            "AGPL-3.0-only"
            "AGPL-3.0-or-later"
          ];
        };
      };

      # Every flakegate tool, from the flakegate this flake.lock pins:
      # `nix run .#closure -- ...`, `.#diff`, `.#bench`, `.#cache`, `.#build`,
      # `.#lock`, `.#lint`, `.#sbom`, `.#report`. And `closure-budget`:
      # `flakegate closure` with the budget above.
      apps = builtins.mapAttrs (
        appSystem: apps:
        apps
        // {
          closure-budget = {
            type = "app";
            program = toString (
              nixpkgs.legacyPackages.${appSystem}.writeShellScript "closure-budget" ''
                exec ${apps.closure.program} --max-size ${budget.maxSize} --warn-size ${budget.warnSize} "$@"
              ''
            );
            meta.description = "flakegate closure with this flake's budget";
          };
        }
      ) flakegate.apps;

      # The checks as a GitHub Actions matrix, one job per system and check
      # on the matching runner: `nix eval --json .#githubMatrix`.
      githubMatrix = flakegate.lib.githubMatrix { checks = self.checks; };
    };
}
