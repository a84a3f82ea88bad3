# Check builders that other flakes call from their `checks`.
#
# A function of the flakegate package; flake.nix passes the package built for
# the caller's system and exposes the result as `flakegate.lib`. No nixpkgs
# stdenv is involved: each check is a plain `derivation` whose builder is the
# flakegate binary itself, so `pkgs` may be a bare `{ system = "..."; }`.
{ flakegate }:
let
  # The system the check builds on (the build platform when cross-compiling).
  systemOf = pkgs: pkgs.stdenv.buildPlatform.system or pkgs.system;

  # What a value is, for error messages.
  describe =
    value:
    if builtins.isString value then
      "\"${value}\""
    else if builtins.isInt value then
      toString value
    else if builtins.isFloat value then
      builtins.toJSON value
    else if value == null then
      "null"
    else
      "a ${builtins.typeOf value}";

  # Strings such as "15GiB" reach the CLI as written; integers are bytes.
  # Both are checked here, so a typo fails `nix flake check` at evaluation
  # time with the argument's name, not later inside the build.
  size =
    what: value:
    if builtins.isInt value && value > 0 then
      toString value
    else if
      builtins.isString value
      && builtins.match "[0-9]+(\\.[0-9]+)? ?([kKMGTPE]i?B|B)?" value != null
    then
      value
    else
      throw "flakegate.lib: ${what} must be a size string like \"15GiB\" or a positive integer, got ${describe value}";

  # Strings such as "5%" reach the CLI as written; a number is a percentage.
  percent =
    what: value:
    if builtins.isString value then
      value
    else if builtins.isInt value || builtins.isFloat value then
      "${toString value}%"
    else
      throw "flakegate.lib: ${what} must be a string such as \"5%\" or a number of percent";

  count =
    what: value:
    if builtins.isInt value && value >= 0 then
      toString value
    else
      throw "flakegate.lib: ${what} must be a non-negative integer, got ${describe value}";

  # The package a check is about: anything else fails here, named, rather
  # than as a JSON type error inside Nix.
  derivationArg =
    what: value:
    if builtins.isAttrs value && value.type or null == "derivation" then
      value
    else
      throw "flakegate.lib: ${what} must be a derivation, got ${describe value}";

  # A path is copied into the store, so the sandboxed builder can read it.
  file = value: "${value}";

  # Ages such as "90d", "12w"; an integer is a number of days.
  age =
    what: value:
    if builtins.isInt value then
      "${toString value}d"
    else if builtins.isString value then
      value
    else
      throw "flakegate.lib: ${what} must be a string such as \"90d\" or an integer number of days";

  # The lock file of `src`: a path (`./.`) gives the file alone to the store,
  # so the check depends on flake.lock only; a flake (`self`) is already there.
  lockOf = src: if builtins.isPath src then src + "/flake.lock" else "${src}/flake.lock";

  # `[ flag rendered ]`, or nothing when the value is null.
  option =
    flag: render: value:
    if value == null then
      [ ]
    else
      [
        flag
        (render value)
      ];
in
{
  # Fails the build when the closure of `drv` is over budget; the log shows
  # flakegate's report, and $out holds report.{txt,json,md} and baseline.json.
  # `baseline` is a baseline.json from an earlier run (the report then compares
  # with it), `maxGrowth` the growth allowed over it ("5%" or 5).
  closureBudget =
    {
      pkgs,
      drv,
      # Required: a budget of null would pass every closure.
      maxSize,
      warnSize ? null,
      baseline ? null,
      maxGrowth ? null,
      maxPaths ? null,
    }:
    let
      package = derivationArg "closureBudget: drv" drv;
    in
    if maxGrowth != null && baseline == null then
      throw "flakegate.lib.closureBudget: maxGrowth needs a baseline"
    else
      derivation {
        name = "closure-budget-${package.name}";
        system = systemOf pkgs;
        builder = "${flakegate}/bin/flakegate";
        args = [
          "closure"
          "--in-build"
        ]
        ++ [
          "--max-size"
          (size "closureBudget: maxSize" maxSize)
        ]
        ++ option "--warn-size" (size "closureBudget: warnSize") warnSize
        ++ option "--max-paths" (count "closureBudget: maxPaths") maxPaths
        ++ option "--baseline" file baseline
        ++ option "--max-growth" (percent "closureBudget: maxGrowth") maxGrowth;

        # The builder reads .attrs.json: the closure of `drv` is exported
        # under the key `closure`, and $out under `outputs.out`.
        __structuredAttrs = true;
        exportReferencesGraph.closure = [ package ];

        # Nothing to download and little to do: never worth a substitution.
        preferLocalBuild = true;
        allowSubstitutes = false;
      };

  # Fails the build when the flake's lock is unhealthy: more duplicate nodes
  # than `maxDuplicates`, an input older than `maxAge` (`warnAge` only warns),
  # pinning findings with `pinning = "fail"`. Ages are measured against
  # `now`, which the caller passes (`self.lastModified`) so that the check is
  # reproducible; without it, against the newest input of the lock. The log
  # shows the report, and $out holds report.{txt,json,md}.
  lockHealth =
    {
      pkgs,
      src,
      maxDuplicates ? null,
      maxAge ? null,
      warnAge ? null,
      now ? null,
      pinning ? "warn",
      allAges ? false,
    }:
    if
      !builtins.elem pinning [
        "fail"
        "warn"
        "off"
      ]
    then
      throw "flakegate.lib.lockHealth: pinning must be \"fail\", \"warn\" or \"off\""
    else
      derivation {
        name = "lock-health";
        system = systemOf pkgs;
        builder = "${flakegate}/bin/flakegate";
        args = [
          "lock"
          "--in-build"
          "${lockOf src}"
          "--pinning"
          pinning
        ]
        ++ option "--max-duplicates" (count "maxDuplicates") maxDuplicates
        ++ option "--max-age" (age "maxAge") maxAge
        ++ option "--warn-age" (age "warnAge") warnAge
        ++ option "--now" (count "now") now
        ++ (if allAges then [ "--all-ages" ] else [ ]);
        preferLocalBuild = true;
        allowSubstitutes = false;
      };

  # The SBOM of `drv`'s runtime closure, as a file: CycloneDX 1.6 JSON
  # (`format = "cyclonedx"`) or SPDX 2.3 JSON (`format = "spdx"`), the same
  # document `flakegate sbom` writes for the same package.
  sbom =
    {
      pkgs,
      drv,
      format ? "cyclonedx",
      # The license policy, as `flakegate sbom` takes it: SPDX ids or
      # lib.licenses names. A package that breaks it fails the build, and the
      # log names it with its license and the chain that pulls it in.
      denyLicenses ? [ ],
      allowLicenses ? [ ],
      denyUnfree ? false,
      failOnUnknownLicense ? false,
      # The document's date (seconds); null: 1970-01-01, since a build sees
      # no registration times.
      sourceDateEpoch ? null,
    }:
    if format != "cyclonedx" && format != "spdx" then
      throw "flakegate.lib.sbom: format must be \"cyclonedx\" or \"spdx\""
    else if
      !builtins.all (l: builtins.isList l && builtins.all builtins.isString l) [
        denyLicenses
        allowLicenses
      ]
    then
      throw "flakegate.lib.sbom: denyLicenses and allowLicenses must be lists of strings (SPDX ids or lib.licenses names)"
    else
      derivation {
        name = "${drv.name or "closure"}.${if format == "spdx" then "spdx" else "cdx"}.json";
        system = systemOf pkgs;
        builder = "${flakegate}/bin/flakegate";
        args = [
          "sbom"
          "--in-build"
          "--format"
          format
        ]
        ++ builtins.concatMap (l: [ "--deny-license" l ]) denyLicenses
        ++ builtins.concatMap (l: [ "--allow-license" l ]) allowLicenses
        ++ (if denyUnfree then [ "--deny-unfree" ] else [ ])
        ++ (if failOnUnknownLicense then [ "--fail-on-unknown-license" ] else [ ]);
        ${if sourceDateEpoch == null then null else "sourceDateEpoch"} = count "sourceDateEpoch" sourceDateEpoch;
        __structuredAttrs = true;
        # The runtime graph, with NAR hashes.
        exportReferencesGraph.closure = [ drv ];
        # The .drv files (to group outputs by package and find sources): only
        # the .drv closure becomes an input, none of its outputs is built.
        drvPath = builtins.unsafeDiscardOutputDependency drv.drvPath;
        # Licenses, homepages, CPEs: the walker `flakegate sbom` runs with
        # `nix eval`, here at evaluation time; its strings carry no context.
        sbomMeta = builtins.toJSON (import ../crates/flakegate-store/src/meta_eval.nix drv);
        preferLocalBuild = true;
        allowSubstitutes = false;
      };

  # Lints the `.nix` files of `src` (a path or a source derivation) with
  # `flakegate lint --check`: the log shows the findings with code frames,
  # $out holds report.json and report.sarif, and any finding fails the build.
  # `select` and `ignore` are lists of rule ids (docs/lint.md).
  lint =
    {
      pkgs,
      src,
      select ? null,
      ignore ? null,
    }:
    let
      rules =
        what: value:
        if builtins.isList value && builtins.all builtins.isString value then
          builtins.concatStringsSep "," value
        else
          throw "flakegate.lib.lint: ${what} must be a list of rule ids such as [ \"unused-let\" ]";
    in
    derivation {
      name = "lint";
      system = systemOf pkgs;
      builder = "${flakegate}/bin/flakegate";
      args = [
        "lint"
        "--in-build"
        "--check"
      ]
      ++ option "--select" (rules "select") select
      ++ option "--ignore" (rules "ignore") ignore
      ++ [
        "--"
        "${src}"
      ];
      preferLocalBuild = true;
      allowSubstitutes = false;
    };
}
