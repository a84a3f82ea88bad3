#!/usr/bin/env python3
"""Closure benchmark: `flakegate closure --json` against Nix's own tools.

Builds a synthetic closure of N store paths (tests/fixtures/synthetic-closure.nix:
`builtins.toFile` paths, valid at once, nothing to build), then runs each
command ROUNDS times, interleaved (A B C D A B C D ...) so that load on a
shared machine hits every command alike, and prints the median wall time and
the peak RSS of each as a Markdown table.

    python3 benches/closure.py [--paths 20000] [--rounds 7]

Needs: nix (2.8 or newer), sqlite3, cargo. Only the standard library.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(argv, stdout=subprocess.DEVNULL):
    """Runs argv, returns (seconds, peak RSS in MiB) of the child."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"benchmark command failed ({status}): {' '.join(argv)}")
    return elapsed, usage.ru_maxrss / 1024


def synthetic_root(n):
    out = subprocess.run(
        ["nix-instantiate", "--eval", "--read-write-mode", "--json",
         os.path.join(REPO, "tests/fixtures/synthetic-closure.nix"),
         "--arg", "n", str(n), "--argstr", "seed", "a"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "flakegate"], cwd=REPO, check=True)
    flakegate = os.path.join(REPO, "target/release/flakegate")
    t0 = time.perf_counter()
    root = synthetic_root(args.paths)
    print(f"synthetic closure of {args.paths} paths ready in {time.perf_counter() - t0:.1f} s: {root}",
          file=sys.stderr)

    db = os.path.join(os.environ.get("NIX_STATE_DIR", "/nix/var/nix"), "db/db.sqlite")
    # The same work flakegate's database backend does: the closure with every
    # member's columns and references, in one recursive query.
    query = f"""WITH RECURSIVE closure(id) AS (
        SELECT id FROM ValidPaths WHERE path = '{root}'
        UNION SELECT r.reference FROM Refs r JOIN closure c ON r.referrer = c.id)
      SELECT v.path, v.hash, v.narSize, v.deriver, v.registrationTime, r.reference
      FROM closure c JOIN ValidPaths v ON v.id = c.id LEFT JOIN Refs r ON r.referrer = c.id;"""
    commands = {
        "flakegate closure --json": [flakegate, "closure", root, "--json"],
        "flakegate closure (terminal)": [flakegate, "closure", root, "--color", "never"],
        "sqlite3 recursive query": ["sqlite3", "-readonly", db, query],
        "nix-store -qR": ["nix-store", "-qR", root],
        "nix path-info -r --json": ["nix", "--extra-experimental-features", "nix-command",
                                    "path-info", "-r", "--json", root],
    }
    # Sanity: the tool's answer matches Nix's.
    report = json.loads(subprocess.run(commands["flakegate closure --json"], check=True,
                                       capture_output=True, text=True).stdout)
    members = subprocess.run(["nix-store", "-qR", root], check=True, capture_output=True,
                             text=True).stdout.split()
    assert report["pathCount"] == len(members) == args.paths, (report["pathCount"], len(members))

    results = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, argv in commands.items():
            results[name].append(run(argv))

    sql = statistics.median(t for t, _ in results["sqlite3 recursive query"])
    print(f"\n{args.paths} paths, {args.rounds} interleaved rounds, medians:\n")
    print("| command | wall time | vs SQLite query | peak RSS |")
    print("|---|---:|---:|---:|")
    for name, samples in results.items():
        t = statistics.median(s for s, _ in samples)
        rss = max(m for _, m in samples)
        print(f"| `{name}` | {t * 1000:.0f} ms | {t / sql:.2f}× | {rss:.0f} MiB |")


if __name__ == "__main__":
    main()
