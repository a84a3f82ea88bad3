{
  description = "A NixOS configuration whose closure size is gated in CI by flakegate";

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
    in
    {
      nixosConfigurations.example = nixpkgs.lib.nixosSystem {
        modules = [ ./configuration.nix ];
      };

      checks.${system} = {
        # `nix flake check` builds the system and fails when its closure is
        # over budget; the build log shows flakegate's report.
        closure-budget = flakegate.lib.closureBudget {
          inherit pkgs;
          drv = self.nixosConfigurations.example.config.system.build.toplevel;
          maxSize = "3GiB";
          warnSize = "2GiB";
          # To also fail on growth, keep the baseline.json of an accepted run:
          #   nix build .#checks.x86_64-linux.closure-budget
          #   cp result/baseline.json closure-baseline.json
          # and gate on it (the file must be tracked by git to be seen):
          # baseline = ./closure-baseline.json;
          # maxGrowth = "5%";
        };

        # The flake's own `.nix` files: syntax errors, dead code and a few
        # anti-patterns (`flakegate lint`); the log shows the findings, and
        # result/report.sarif is for GitHub code scanning.
        lint = flakegate.lib.lint {
          inherit pkgs;
          src = ./.;
        };
      };
    };
}
