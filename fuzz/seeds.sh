#!/usr/bin/env bash
# Regenerates fuzz/corpus from real Nix output: the fixtures of tests/fixtures
# built or instantiated, `nix path-info --json`, a build's real .attrs.json,
# NIX_SHOW_STATS, and baselines saved by flakegate itself. Run from anywhere,
# with Nix on PATH and the flakegate binary built (cargo build -p flakegate).
# The newer path-info shapes are derived from the real answer exactly as the
# store crate's tests derive them (the Nix here prints only its own shape).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fx=tests/fixtures
out=fuzz/corpus
flakegate=${FLAKEGATE:-target/debug/flakegate}
rm -rf "$out"
mkdir -p "$out"/{drv,path-info,attrs-json,stats,closure-baseline,bench-baseline,names,lock}

top=$(nix-build "$fx/package-set.nix" -A toplevel --no-out-link)
bash_pkg=$(nix-build "$fx/package-set.nix" -A bash --no-out-link)

# .drv files as Nix wrote them: plain, multi-output, structured attributes,
# content-addressed and fixed-output.
copy_drv() { cp "$1" "$out/drv/$2.drv"; chmod 0644 "$out/drv/$2.drv"; }
copy_drv "$(nix-instantiate "$fx/package-set.nix" -A toplevel 2>/dev/null)" toplevel
copy_drv "$(nix-instantiate "$fx/package-set.nix" -A glibc 2>/dev/null)" multi-output
copy_drv "$(nix-instantiate "$fx/attrs-json.nix" --argstr root "$bash_pkg" 2>/dev/null)" structured-attrs
widget=$(nix-instantiate --extra-experimental-features ca-derivations "$fx/diff/special.nix" 2>/dev/null)
copy_drv "$widget" widget
for d in $(nix-store --query --references "$widget" | grep '\.drv$'); do
  n=${d#*/*/*/*-}; copy_drv "$d" "${n%.drv}"
done

# nix path-info --json in the shape this Nix prints, and the later shapes.
nix path-info --json --recursive "$bash_pkg" > "$out/path-info/small-2.8.json"
nix path-info --json --recursive "$top" > "$out/path-info/system-2.8.json"
python3 - "$out/path-info" <<'PY'
import json, os, sys
d = sys.argv[1]
arr = json.load(open(os.path.join(d, "small-2.8.json")))
def keyed(key, nulls):
    m = {}
    for e in arr:
        e = dict(e); p = e.pop("path")
        if nulls:
            e.setdefault("ca", None); e.setdefault("signatures", [])
        m[key(p)] = e
    return m
base = lambda p: p.rsplit("/", 1)[1]
shapes = {
    "small-lix.json": [dict(e, valid=True) for e in arr] + [{"path": "/nix/store/00000000000000000000000000000000-gone", "valid": False}],
    "small-2.19.json": dict(keyed(lambda p: p, False), **{"/nix/store/00000000000000000000000000000000-gone": None}),
    "small-2.23.json": keyed(lambda p: p, True),
    "small-2.33-format1.json": dict(keyed(lambda p: p, True), version=1, storeDir="/nix/store"),
    "small-2.33-format2.json": {"version": 2, "storeDir": "/nix/store", "info": keyed(base, True)},
}
for name, v in shapes.items():
    with open(os.path.join(d, name), "w") as f:
        json.dump(v, f)
PY

# A build's real .attrs.json (exportReferencesGraph of a small closure).
cp "$(nix-build "$fx/attrs-json.nix" --argstr root "$bash_pkg" --no-out-link)" "$out/attrs-json/bash.json"
chmod 0644 "$out/attrs-json/bash.json"

# NIX_SHOW_STATS of both frontends (the fixtures' own samples of other
# versions, tests/fixtures/bench/stats, are read by the runner in place).
NIX_SHOW_STATS=1 NIX_SHOW_STATS_PATH="$out/stats/nix-instantiate-2.8.json" \
  nix-instantiate "$fx/bench/default.nix" -A web > /dev/null 2>&1
NIX_SHOW_STATS=1 NIX_SHOW_STATS_PATH="$out/stats/nix-eval-2.8.json" \
  nix eval --no-eval-cache --raw --file "$fx/package-set.nix" toplevel.drvPath > /dev/null 2>&1

# Baselines as flakegate saves them.
"$flakegate" closure "$bash_pkg" --save-baseline "$out/closure-baseline/bash.json" > /dev/null
"$flakegate" bench --file "$fx/bench/default.nix" --attr web --runs 2 --warmup 0 --quiet \
  --save-baseline "$out/bench-baseline/web.json" > /dev/null

# Store path names of a real closure (one per line) and version pairs.
nix-store -qR "$top" | sed 's|^.*/[0-9a-z]\{32\}-||' | sort > "$out/names/system.txt"
nix-store -qR "$(nix-instantiate "$fx/package-set.nix" -A toplevel 2>/dev/null)" \
  | sed 's|^.*/[0-9a-z]\{32\}-||' | sort | head -40 > "$out/names/derivations.txt"

# A lock file as Nix writes it: the fixture flakes of tests/fixtures/lock
# (duplicated inputs, a `path:` and `git+file:` libraries) locked by this Nix,
# their temporary directory renamed /src/flakes. (The hand-written locks
# there and the repository's own flake.lock are read in place.)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$fx/lock/flakes" "$tmp/flakes"
for d in "$tmp"/flakes/*; do
  sed -i "s|@DIR@|$tmp/flakes|g; s|# @FOLLOWS@||" "$d/flake.nix"
  git -C "$d" init -q
  git -C "$d" add -A
  git -C "$d" -c user.name=t -c user.email=t@example.org commit -qm fixture
done
(cd "$tmp/flakes/top" && nix --extra-experimental-features 'nix-command flakes' flake lock 2>/dev/null)
sed "s|$tmp/flakes|/src/flakes|g" "$tmp/flakes/top/flake.lock" > "$out/lock/fixture-flakes.lock"
