# `flakegate.lib.githubMatrix { checks = self.checks; }`: a flake's checks as
# a GitHub Actions `strategy.matrix`, one entry per system and check, each on
# the runner whose OS and architecture build that system. A first job prints
# it with `nix eval --json .#githubMatrix`; a matrix job takes it with
# `fromJSON` and builds `.#${matrix.attr}` on `runs-on: ${matrix.os}`.
#
# Only the names of the checks are read: printing the matrix evaluates no
# derivation, so the first job stays fast however heavy the checks are.
{
  checks,
  # Runner labels by system, over the defaults below; a system set to null
  # is left out (for example one the checks name but no runner can build).
  runners ? { },
}:
let
  defaultRunners = {
    x86_64-linux = "ubuntu-latest";
    aarch64-linux = "ubuntu-24.04-arm";
    aarch64-darwin = "macos-latest";
    # GitHub's last Intel macOS image.
    x86_64-darwin = "macos-15-intel";
  };
  labels = defaultRunners // runners;

  # `checks.x86_64-linux.foo`, with the name quoted when Nix's attribute
  # path syntax needs it (`checks.x86_64-linux."foo.bar"`).
  attrName =
    name:
    if builtins.match "[A-Za-z_][A-Za-z0-9_'-]*" name != null then
      name
    else
      builtins.toJSON name;

  runnerOf =
    system:
    if labels ? ${system} then
      labels.${system}
    else
      throw "flakegate.lib.githubMatrix: no GitHub runner for ${system}; pass runners.${system} = \"LABEL\" (or null to leave it out)";

  entries =
    system:
    let
      os = runnerOf system;
    in
    if os == null then
      [ ]
    else if !builtins.isAttrs checks.${system} then
      throw "flakegate.lib.githubMatrix: checks.${system} must be an attribute set of checks"
    else
      map (name: {
        inherit name system os;
        attr = "checks.${attrName system}.${attrName name}";
      }) (builtins.attrNames checks.${system});
in
if !builtins.isAttrs checks then
  throw "flakegate.lib.githubMatrix: checks must be the flake's checks (an attribute set by system), such as self.checks"
else
  {
    include = builtins.concatMap entries (builtins.attrNames checks);
  }
