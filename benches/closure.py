#!/usr/bin/env python3
"""Closure benchmark: `flakegate closure` against Nix's own tools.

Builds a synthetic closure of N store paths for each size
(tests/fixtures/synthetic-closure.nix: `builtins.toFile` paths, valid at once,
nothing to build), checks that flakegate counts the members `nix-store -qR`
lists, then runs each command ROUNDS times, interleaved (A B C D A B C D ...)
so that load on a shared machine hits every command alike, and prints median
wall and CPU times (user + system) and the largest peak RSS as Markdown
tables. Every size runs in the same rounds, so the growth from one size to
the next is measured under one load. With several sizes it ends with flakegate's growth from the first
size to each other one (time and memory ratios against the size ratio).

    python3 benches/closure.py [--paths 20000,80000] [--rounds 7] [--flakegate BIN]

Needs: nix (2.8 or newer), sqlite3, cargo. Only the standard library.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from measure import REPO, flakegate_binary, measure, output, table, worker

ANCHOR = "nix path-info -r --json"


def synthetic_root(n):
    return json.loads(output(
        ["nix-instantiate", "--eval", "--read-write-mode", "--json",
         os.path.join(REPO, "tests/fixtures/synthetic-closure.nix"),
         "--arg", "n", str(n), "--argstr", "seed", "a"]))


def path_count(argv):
    """flakegate's pathCount and nix-store -qR's member count (in the worker)."""
    report = json.loads(output(argv))
    return report["pathCount"], len(output(["nix-store", "-qR", argv[2]]).split())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", default="20000", help="comma-separated sizes")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--flakegate", help="a flakegate binary (default: cargo build --release)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.paths.split(",")]
    flakegate = flakegate_binary(args.flakegate)
    db = os.path.join(os.environ.get("NIX_STATE_DIR", "/nix/var/nix"), "db/db.sqlite")
    pool = worker()

    print(f"{args.rounds} interleaved rounds each: median wall and CPU times, the largest peak RSS.")
    # Every command of every size in one interleaved run, so that the growth
    # from one size to the next compares runs under the same load.
    commands, roots = {}, {}
    for n in sizes:
        t0 = time.perf_counter()
        root = roots[n] = synthetic_root(n)
        print(f"synthetic closure of {n} paths ready in {time.perf_counter() - t0:.1f} s: {root}",
              file=sys.stderr)
        # The same work flakegate's database backend does, in SQLite's own
        # recursive query: every member's columns and references.
        query = f"""WITH RECURSIVE closure(id) AS (
            SELECT id FROM ValidPaths WHERE path = '{root}'
            UNION SELECT r.reference FROM Refs r JOIN closure c ON r.referrer = c.id)
          SELECT v.path, v.hash, v.narSize, v.deriver, v.registrationTime, r.reference
          FROM closure c JOIN ValidPaths v ON v.id = c.id LEFT JOIN Refs r ON r.referrer = c.id;"""
        commands[n] = {
            "flakegate closure --json": [flakegate, "closure", root, "--json"],
            "flakegate closure (terminal)": [flakegate, "closure", root, "--color", "never"],
            "sqlite3 recursive query": ["sqlite3", "-readonly", db, query],
            "nix-store -qR": ["nix-store", "-qR", root],
            ANCHOR: ["nix", "--extra-experimental-features", "nix-command",
                     "path-info", "-r", "--json", root],
        }
        found = pool.submit(path_count, commands[n]["flakegate closure --json"]).result()
        assert found == (n, n), (found, n)
    pool.shutdown()
    results = measure({(n, name): (argv, (0,)) for n in sizes
                       for name, argv in commands[n].items()}, args.rounds)
    ours = {n: {name: results[(n, name)] for name in commands[n]} for n in sizes}
    for n in sizes:
        table(f"{n:,} paths", ours[n], ANCHOR)
        anchor = ours[n][ANCHOR]
        for name in ["flakegate closure --json", "flakegate closure (terminal)"]:
            t, _, cpu = ours[n][name]
            print(f"\n`{name}`: {anchor[0] / t:.1f}× faster than `{ANCHOR}` in wall time, "
                  f"{anchor[2] / cpu:.1f}× in CPU time")

    if len(sizes) > 1:
        first = sizes[0]
        print(f"\n### Growth from {first:,} paths\n")
        print("| command | paths | × paths | × wall time | × CPU time | × peak RSS |")
        print("|---|---:|---:|---:|---:|---:|")
        for n in sizes[1:]:
            for name in ["flakegate closure --json", "flakegate closure (terminal)", ANCHOR]:
                (t0, m0, c0), (t, m, c) = ours[first][name], ours[n][name]
                print(f"| `{name}` | {n:,} | {n / first:.1f}× | {t / t0:.2f}× | {c / c0:.2f}× | {m / m0:.2f}× |")


if __name__ == "__main__":
    main()
