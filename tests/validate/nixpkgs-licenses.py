#!/usr/bin/env python3
"""Every license of a real nixpkgs' `lib.licenses`, through `flakegate sbom`.

    python3 tests/validate/nixpkgs-licenses.py NIXPKGS [--flakegate PATH]

NIXPKGS is a nixpkgs checkout, or nixpkgs' `lib` on its own (the
nix-community/nixpkgs.lib flake); nothing is fetched. A temporary flake makes
one package per license (each `lib.licenses` value, plus compound ones made
with `lib.licenses.OR`/`AND`/`WITH` where that nixpkgs has them) with the
fixtures' builders (tests/fixtures/lib.nix, no nixpkgs package is built), and
one package that depends on them all. Its build-time SBOM is written in both
formats and checked by tests/validate/sbom.py (schemas, NTIA, readers).

Prints the number of licenses, how each came out in CycloneDX (SPDX id or
expression, or a named license, as nixpkgs gives no SPDX id for it), and the
validator's verdict. Exit status: the validator's.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FLAKE = """{
  outputs = _:
    let
      lib = import ./nixpkgs/lib;
      fx = import ./lib.nix { system = "@SYSTEM@"; };
      all = lib.licenses;
      isLicense = v: builtins.isAttrs v && (v ? shortName || v ? spdxId || v ? fullName);
      plain = lib.filterAttrs (_: isLicense) all;
      compound =
        lib.optionalAttrs (all ? OR) { or-mit-asl20 = all.OR [ all.mit all.asl20 ]; }
        // lib.optionalAttrs (all ? AND) { and-gpl2-bsd3 = all.AND [ all.gpl2Only all.bsd3 ]; }
        // lib.optionalAttrs (all ? WITH && all ? llvm-exception) {
          with-asl20-llvm = all.WITH all.asl20 all.llvm-exception;
        };
      package = name: license:
        fx.mkText { name = "license-${name}"; text = name; } // { meta = { inherit license; }; };
      packages = builtins.mapAttrs package (plain // compound);
    in
    {
      count = builtins.length (builtins.attrNames packages);
      all = fx.mkFiles {
        name = "every-nixpkgs-license";
        lines = [ "all" ];
        env.buildInputs = builtins.attrValues packages;
      } // { meta.license = all.mit; };
    };
}
"""


def run(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("nixpkgs")
    ap.add_argument("--flakegate", default=os.path.join(ROOT, "target/release/flakegate"))
    args = ap.parse_args()
    lib = os.path.join(args.nixpkgs, "lib")
    if not os.path.isfile(os.path.join(lib, "default.nix")):
        sys.exit(f"{args.nixpkgs}: no lib/default.nix (give a nixpkgs or nixpkgs.lib checkout)")
    system = json.loads(
        run(["nix-instantiate", "--eval", "--json", "--expr", "builtins.currentSystem"]).stdout
    )
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(lib, os.path.join(tmp, "nixpkgs", "lib"), symlinks=True)
        shutil.copy(os.path.join(ROOT, "tests", "fixtures", "lib.nix"), tmp)
        with open(os.path.join(tmp, "flake.nix"), "w", encoding="utf-8") as f:
            f.write(FLAKE.replace("@SYSTEM@", system))
        flake = f"path:{tmp}"
        count = run(["nix", "eval", "--json", f"{flake}#count"]).stdout.strip()
        files = []
        for fmt, name in [("cyclonedx", "licenses.cdx.json"), ("spdx", "licenses.spdx.json")]:
            out = os.path.join(tmp, name)
            done = subprocess.run(
                [args.flakegate, "sbom", f"{flake}#all", "--buildtime", "--format", fmt, "-o", out],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                sys.exit(f"flakegate sbom --format {fmt} exited {done.returncode}:\n{done.stderr}")
            files.append(out)
        with open(files[0], encoding="utf-8") as f:
            doc = json.load(f)
        kinds = {"id": 0, "expression": 0, "name": 0, "none": 0}
        for c in doc.get("components", []):
            if not c["name"].startswith("license-"):
                continue
            entries = c.get("licenses", [])
            if not entries:
                kinds["none"] += 1
            elif "expression" in entries[0]:
                kinds["expression"] += 1
            elif "id" in entries[0].get("license", {}):
                kinds["id"] += 1
            else:
                kinds["name"] += 1
        print(f"{count} licenses (one package each)")
        print(
            "CycloneDX: {expression} SPDX expressions, {id} SPDX ids, {name} named licenses, "
            "{none} without a license entry".format(**kinds)
        )
        check = subprocess.run([sys.executable, os.path.join(ROOT, "tests/validate/sbom.py"), *files])
        print("valid in both formats" if check.returncode == 0 else "INVALID")
        return check.returncode


if __name__ == "__main__":
    sys.exit(main())
