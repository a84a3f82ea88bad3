# flakegate applied to itself: the Nix code this flake ships (flake.nix, nix/,
# checks/, templates/) passes `flakegate lint`, checked through this flake's
# own `lib.lint`. Test fixtures are left out: they are inputs, not product.
{
  pkgs,
  flakegateLib,
}:
let
  root = toString ../.;
in
flakegateLib.lint {
  inherit pkgs;
  src = builtins.path {
    name = "flakegate-nix-sources";
    path = ../.;
    filter =
      path: _type:
      let
        rel = pkgs.lib.removePrefix root (toString path);
      in
      rel == "/flake.nix"
      || builtins.any (dir: rel == dir || pkgs.lib.hasPrefix "${dir}/" rel) [
        "/nix"
        "/checks"
        "/templates"
      ];
  };
}
