#!/usr/bin/env python3
"""flakegate lint against deadnix: same unused-binding findings, and speed.

Usage: python3 benches/lint.py TREE [--runs 5] [--flakegate PATH] [--deadnix PATH]
       [-- DEADNIX_FLAGS...]

TREE is a directory of .nix files given on the command line (nixpkgs' lib,
flake-parts, a NixOS configuration); nothing is fetched. deadnix is
`cargo install deadnix` (GPL-3.0: an anchor, never a dependency). Flags after
`--` (-l, -L, -_) go to both tools (flakegate's --no-lambda-arg,
--no-lambda-pattern-names, --no-underscore).

1. Agreement: every unused-binding finding of each tool, file by file and
   span by span (line, start column, end column, name); the differences are
   listed.
2. Speed: both tools on the whole tree, interleaved, --runs times each; the
   medians of wall time and of CPU time (user + system of the child).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

FLAGS = {"-l": "--no-lambda-arg", "-L": "--no-lambda-pattern-names", "-_": "--no-underscore"}


def timed(argv):
    """Runs argv; returns (stdout, wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out.stdout, wall, cpu


def deadnix_findings(deadnix, tree, flags):
    out, _, _ = timed([deadnix, "--output-format", "json", *flags, tree])
    found = set()
    for line in out.decode().splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        rel = os.path.relpath(doc["file"], tree)
        for r in doc["results"]:
            name = r["message"].split(": ", 1)[1]
            found.add((rel, r["line"], r["column"], r["endColumn"], name))
    return found


def flakegate_cmd(flakegate, tree, flags):
    rules = "unused-let,unused-lambda-arg,unused-pattern-name"
    return [flakegate, "lint", "--select", rules, *[FLAGS[f] for f in flags], tree]


def flakegate_findings(flakegate, tree, flags):
    out, _, _ = timed([*flakegate_cmd(flakegate, tree, flags)[:-1], "--json", tree])
    found = set()
    for f in json.loads(out)["findings"]:
        name = f["message"].split("`")[1]
        rel = os.path.relpath(f["file"], tree)
        s, e = f["span"]["start"], f["span"]["end"]
        found.add((rel, s["line"], s["column"], e["column"], name))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tree")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--flakegate", default="target/release/flakegate")
    ap.add_argument("--deadnix", default="deadnix")
    # Everything after `--` is deadnix's flags; options may come before or
    # after TREE.
    argv = sys.argv[1:]
    flags = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    args.flags = flags
    unknown = [f for f in args.flags if f not in FLAGS]
    if unknown:
        ap.error(f"unknown deadnix flags: {unknown} (known: {list(FLAGS)})")
    tree = os.path.abspath(args.tree)
    os.chdir(tree)
    tree_arg = "."
    files = sum(1 for _, _, fs in os.walk(tree) for f in fs if f.endswith(".nix"))

    dn = deadnix_findings(args.deadnix, tree_arg, args.flags)
    fg = flakegate_findings(args.flakegate, tree_arg, args.flags)
    both = dn & fg
    print(f"tree: {args.tree} ({files} .nix files), flags: {' '.join(args.flags) or 'none'}")
    print(f"findings: deadnix {len(dn)}, flakegate {len(fg)}, same {len(both)}")
    for f in sorted(dn - fg):
        print("  only deadnix:   %s:%d:%d-%d %s" % f)
    for f in sorted(fg - dn):
        print("  only flakegate: %s:%d:%d-%d %s" % f)

    commands = {
        "deadnix": [args.deadnix, *args.flags, tree_arg],
        "flakegate": flakegate_cmd(args.flakegate, tree_arg, args.flags),
    }
    samples = {name: ([], []) for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():  # interleaved
            _, wall, cpu = timed(argv)
            samples[name][0].append(wall)
            samples[name][1].append(cpu)
    print(f"\nmedian of {args.runs} interleaved runs (the machine may be shared: prefer CPU)")
    print(f"{'tool':<10} {'wall':>9} {'cpu':>9}")
    med = {}
    for name, (walls, cpus) in samples.items():
        med[name] = (statistics.median(walls), statistics.median(cpus))
        print(f"{name:<10} {med[name][0] * 1000:>7.1f}ms {med[name][1] * 1000:>7.1f}ms")
    wall_x = med["deadnix"][0] / med["flakegate"][0]
    cpu_x = med["deadnix"][1] / med["flakegate"][1]
    print(f"flakegate is {wall_x:.2f}x faster in wall time, {cpu_x:.2f}x in CPU time")
    return 0 if dn == fg else 1


if __name__ == "__main__":
    sys.exit(main())
