# Collects what evaluation knows about a derivation and every derivation
# reachable through its attributes: names, versions, outputs and the `meta`
# fields an SBOM wants (licenses, homepage, description, CPEs).
#
# Used twice, so that both give the same document:
#   - `flakegate sbom FLAKEREF` runs `nix eval --json FLAKEREF --apply <this>`
#     (the file is compiled into the binary);
#   - nix/lib.nix's `sbom` imports it and passes `builtins.toJSON` of the
#     result to the builder.
#
# Every store path has its string context discarded: the result is data, and
# nothing it mentions has to be built (a `drvPath` with context would make a
# derivation depend on every output of the whole build graph). Every field is
# read through `tryEval`, so a package whose meta throws (broken, insecure,
# unfree) still yields the rest. Only builtins that Nix 2.8 has are used.
root:
let
  inherit (builtins)
    attrNames
    concatMap
    head
    isBool
    length
    pathExists
    readFile
    split
    filter
    genericClosure
    isAttrs
    isList
    isString
    listToAttrs
    map
    tryEval
    unsafeDiscardStringContext
    ;

  # The value, or `fallback` when evaluating it throws.
  try =
    fallback: v:
    let
      r = tryEval v;
    in
    if r.success then r.value else fallback;

  plain = s: unsafeDiscardStringContext s;

  isDrv = v: try false (isAttrs v && (v.type or null) == "derivation" && v ? drvPath);

  # Derivations held by one attribute value: the value itself, or the members
  # of a list (build inputs are flat lists of derivations).
  drvsIn =
    v:
    if isDrv v then
      [ v ]
    else if try false (isList v) then
      filter isDrv v
    else
      [ ];

  # The derivations a derivation was given as attributes (`src`,
  # `buildInputs`, `nativeBuildInputs`, a multi-output `dev`, ...).
  children =
    d:
    let
      attrs = try { } (d.drvAttrs or { });
    in
    concatMap (n: try [ ] (drvsIn attrs.${n})) (attrNames attrs);

  keyOf = d: plain d.drvPath;

  optionalString = v: if try false (isString v) then [ (plain v) ] else [ ];

  stringsOf =
    v:
    if try false (isString v) then
      [ (plain v) ]
    else if try false (isList v) then
      concatMap optionalString v
    else
      [ ];

  # nixpkgs licenses are attribute sets ({ spdxId, shortName, fullName, ... }),
  # or lists of them; old expressions use bare strings.
  # nixpkgs' license operators (`lib.licenses.OR`, `AND`, `WITH`, `plus`) make
  # structured values ({ licenseType = "compound"; operator; licenses; },
  # "exception" with license and exception, "plus" with license): their SPDX
  # expression when every part has an spdxId, else null.
  spdxOf =
    l:
    let
      type = l.licenseType or "simple";
      # A part in parentheses when it is an expression of its own.
      part =
        x:
        let
          e = spdxOf x;
        in
        if isString e && builtins.elem (x.licenseType or "simple") [ "compound" "exception" ] then
          "(${e})"
        else
          e;
      parts = map part l.licenses;
    in
    if type == "compound" && builtins.elem (l.operator or null) [ "OR" "AND" ] && l.licenses != [ ] then
      (if builtins.all isString parts then builtins.concatStringsSep " ${l.operator} " parts else null)
    else if type == "exception" then
      (if isString (part l.license) && isString (spdxOf l.exception) then "${part l.license} WITH ${spdxOf l.exception}" else null)
    else if type == "plus" then
      (if isString (part l.license) then "${part l.license}+" else null)
    else if isString (l.spdxId or null) then
      plain l.spdxId
    else
      null;

  # Whether a structured value is free: one free choice of an OR, every part
  # of an AND, the license of a WITH or a plus.
  freeOf =
    l:
    let
      type = l.licenseType or "simple";
      frees = map freeOf l.licenses;
    in
    if type == "compound" then
      (if l.operator == "OR" then builtins.any (f: f == true) frees else builtins.all (f: f == true) frees)
    else if type == "exception" || type == "plus" then
      freeOf l.license
    else if isBool (l.free or null) then
      l.free
    else
      null;

  license1 =
    l:
    if try false (isString l) then
      [ (plain l) ]
    else if try false (isAttrs l) then
      [
        {
          spdxId = try null (spdxOf l);
          name = try null (if isString (l.fullName or null) then plain l.fullName else null);
          shortName = try null (if isString (l.shortName or null) then plain l.shortName else null);
          free = try null (freeOf l);
        }
      ]
    else
      [ ];

  licensesOf =
    l:
    if try false (isList l) then
      concatMap (x: try [ ] (license1 x)) l
    else
      try [ ] (license1 l);

  # `meta.position` is "FILE:LINE". When FILE lies under pkgs/ of a tree
  # that is nixpkgs (it has lib/licenses and pkgs/top-level), the package
  # came from nixpkgs: the result is that tree's .version, or "". The files
  # are only looked for under such a pkgs/ (a tree evaluation already read),
  # since a refused file access is an error no tryEval catches.
  nixpkgsOf =
    position:
    let
      parts = builtins.filter isString (split "/" (plain position));
      root = "/${builtins.elemAt parts 1}/${builtins.elemAt parts 2}/${builtins.elemAt parts 3}";
      isNixpkgs =
        length parts > 5
        && builtins.elemAt parts 4 == "pkgs"
        # lib/licenses.nix, or lib/licenses/default.nix since nixpkgs split it (2026).
        && (pathExists "${root}/lib/licenses.nix" || pathExists "${root}/lib/licenses/default.nix")
        && pathExists "${root}/pkgs/top-level";
      version = if pathExists "${root}/.version" then plain (readFile "${root}/.version") else "";
    in
    if !(isString position) || !isNixpkgs then null else builtins.replaceStrings [ "\n" ] [ "" ] version;

  metaOf =
    d:
    let
      meta = try { } (if isAttrs (d.meta or null) then d.meta else { });
      ids = try { } (if isAttrs (meta.identifiers or null) then meta.identifiers else { });
      cpe = try null (if isString (ids.cpe or null) then plain ids.cpe else null);
      possible = try [ ] (
        concatMap (
          p:
          if isString p then
            [ (plain p) ]
          else if isAttrs p && isString (p.cpe or null) then
            [ (plain p.cpe) ]
          else
            [ ]
        ) (if isList (ids.possibleCPEs or null) then ids.possibleCPEs else [ ])
      );
      purls = try [ ] (stringsOf (ids.purls or null));
      purl = try null (
        if isString (ids.purl or null) then
          plain ids.purl
        else if purls != [ ] then
          head purls
        else
          null
      );
    in
    {
      inherit purl purls;
      nixpkgs = try null (nixpkgsOf (meta.position or null));
      description = try null (if isString (meta.description or null) then plain meta.description else null);
      homepage = try [ ] (stringsOf (meta.homepage or null));
      license = try [ ] (licensesOf (meta.license or null));
      inherit cpe;
      possibleCPEs = possible;
    };

  outputsOf =
    d:
    let
      names = try [ "out" ] (if isList (d.outputs or null) then d.outputs else [ "out" ]);
    in
    listToAttrs (
      concatMap (
        o:
        let
          p = try null (plain d.${o}.outPath);
        in
        if p == null then
          [ ]
        else
          [
            {
              name = o;
              value = p;
            }
          ]
      ) names
    );

  record = d: {
    drvPath = keyOf d;
    name = try null (plain d.name);
    pname = try null (if isString (d.pname or null) then plain d.pname else null);
    version = try null (if isString (d.version or null) then plain d.version else null);
    outputs = outputsOf d;
    meta = metaOf d;
  };

  reachable = genericClosure {
    startSet = [
      {
        key = keyOf root;
        drv = root;
      }
    ];
    operator =
      item:
      map (c: {
        key = keyOf c;
        drv = c;
      }) (filter (c: try false (isString (keyOf c))) (children item.drv));
  };
in
# Not `drvPath`/`outPath`: `nix eval` prints any attribute set with an
# `outPath` as that string.
if !(isDrv root) then
  throw "flakegate sbom: the installable does not evaluate to a derivation"
else
{
  rootDrv = keyOf root;
  rootOut = plain root.outPath;
  packages = map (item: record item.drv) reachable;
}
