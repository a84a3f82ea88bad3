#!/usr/bin/env python3
"""Diff benchmark: `flakegate diff` against Nix's and other tools' diffs.

Two views, each at several sizes (default 5,000 and 20,000):

- closure view: two synthetic closures of N store paths
  (tests/fixtures/synthetic-closure.nix, seeds "a" and "b": `builtins.toFile`
  paths, valid at once) diffed by flakegate (terminal and --json),
  `nix store diff-closures`, and, when given, dix and nvd;
- derivation view: two derivation graphs of N `.drv`s
  (tests/fixtures/diff/drv-graph.nix, seeds "a" and "b", instantiated only)
  diffed by flakegate (terminal and --json) and, when given, nix-diff-rs.

Before timing, the script checks that every tool finds the same differences
(see `closure_counts` and `drv_counts` for what is compared and why the
numbers are comparable). Then it runs each group's commands ROUNDS times,
interleaved (A B C A B C ...) so that load on a shared machine hits every
command alike, and prints median wall and CPU times (user + system, all
threads) and peak RSS as Markdown tables. `--baseline BIN` times another
flakegate build alongside, for before/after figures.

    python3 benches/diff.py [--sizes 5000,20000] [--rounds 5] [--views closure,drv]
        [--dix BIN] [--nvd SCRIPT] [--nix-diff BIN] [--flakegate BIN] [--baseline BIN]

The other tools are not part of flakegate: build them yourself and pass their
paths (or set DIX, NVD, NIX_DIFF); a tool not given is skipped with a note.
nvd is a Python script; it is run with python3. Without --flakegate the
script builds flakegate with `cargo build --release` (honouring
CARGO_TARGET_DIR).

Needs: nix (2.8 or newer), cargo. Only the standard library.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

from measure import REPO, flakegate_binary, measure, table, worker
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def output(argv, ok=(0,)):
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode not in ok:
        sys.exit(f"command failed (exit {proc.returncode}): {' '.join(argv)}\n{proc.stderr}")
    return ANSI.sub("", proc.stdout)


def timed(what, fn):
    t0 = time.perf_counter()
    result = fn()
    print(f"{what}: ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return result


def closure_pair(n):
    """Roots of the two synthetic closures (seeds a and b) of n paths."""
    def root(seed):
        return json.loads(output(
            ["nix-instantiate", "--eval", "--read-write-mode", "--json",
             os.path.join(REPO, "tests/fixtures/synthetic-closure.nix"),
             "--arg", "n", str(n), "--argstr", "seed", seed]))
    return timed(f"closure pair, {n} paths", lambda: (root("a"), root("b")))


def drv_pair(n):
    """The two root .drv files (seeds a and b) of derivation graphs of n nodes."""
    def root(seed):
        # Instantiate only: the graph is never built.
        return output(["nix-instantiate", os.path.join(REPO, "tests/fixtures/diff/drv-graph.nix"),
                       "--arg", "n", str(n), "--argstr", "seed", seed]).strip()
    return timed(f".drv graph pair, {n} derivations (nix-instantiate)", lambda: (root("a"), root("b")))


# --- What each tool found ----------------------------------------------------
#
# Closure view. Every tool groups store paths by package name and compares the
# versions on each side. The numbers all of them report are: packages whose
# version changed, split into upgraded and downgraded where the tool orders
# versions, and packages added or removed. flakegate also reports packages
# *rebuilt* at the same version; the other tools do not list those, so they
# are left out of the comparison. `nix store diff-closures` does not say up
# or down; it also prints size-only changes (>= 8 KiB), which these fixtures
# do not have (their sizes do not depend on the seed).


def flakegate_closure_counts(report):
    s = report["closure"]["summary"]
    return {"changed": s["upgraded"] + s["downgraded"] + s["changed"],
            "upgraded": s["upgraded"], "downgraded": s["downgraded"],
            "added": s["added"], "removed": s["removed"]}


def sdc_counts(text):
    counts = {"changed": 0, "added": 0, "removed": 0}
    for line in text.splitlines():
        name, sep, rest = line.partition(": ")
        if not sep or "→" not in rest:
            continue  # a size-only line
        versions = rest.split(", ")[0]
        old, _, new = versions.partition(" → ")
        if old == "∅":
            counts["added"] += 1
        elif new == "∅":
            counts["removed"] += 1
        else:
            counts["changed"] += 1
    return counts


def dix_counts(report):
    counts = {"changed": 0, "upgraded": 0, "downgraded": 0, "added": 0, "removed": 0}
    for d in report["diffs"]:
        status = d["status"]
        if isinstance(status, dict) and "Changed" in status:
            counts["changed"] += 1
            kind = status["Changed"].lower()
            if kind in counts:
                counts[kind] += 1
        elif status in ("Added", "Removed"):
            counts[status.lower()] += 1
    return counts


def nvd_counts(text):
    # Lines start with "[S." where S is U(pgrade), D(owngrade), C(hanged),
    # A(dded), R(emoved); C also marks a changed selection state, which these
    # fixtures do not have.
    counts = {"changed": 0, "upgraded": 0, "downgraded": 0, "added": 0, "removed": 0}
    for line in text.splitlines():
        m = re.match(r"\[([UDCAR])", line)
        if not m:
            continue
        kind = {"U": "upgraded", "D": "downgraded", "C": "changed",
                "A": "added", "R": "removed"}[m.group(1)]
        counts[kind] += 1
        if kind in ("upgraded", "downgraded"):
            counts["changed"] += 1
    return counts


# Derivation view. flakegate and nix-diff-rs both walk the two graphs from the
# roots, pair input derivations by name, compare each pair of differing .drv
# files once and descend into its differing inputs. The comparable number is
# the count of distinct pairs compared. One definitional difference: flakegate
# pairs inputs by *package* name (`libfoo-1.0.2` with `libfoo-1.0.3`) and
# compares them, while nix-diff-rs pairs by the full name and reports a
# version bump as one input removed and one added, without descending. The
# fixture's version bumps are leaves (with their sources below them, renamed
# too), so nix-diff-rs' count must equal flakegate's minus the pairs whose
# names differ.


def flakegate_drv_counts(report):
    r = report["derivations"][0]["report"]
    renamed = sum(1 for d in r["derivations"] if d["nameBefore"] != d["nameAfter"])
    return {"compared": r["summary"]["compared"], "renamed": renamed,
            "ownChanges": r["summary"]["withOwnChanges"]}


def nix_diff_counts(text):
    # Each differing input pair is a "• name" line; a pair met again is marked
    # "(already compared)". The root pair has no bullet.
    bullets = [line for line in text.splitlines() if line.lstrip().startswith("• ")]
    again = sum(1 for line in bullets if "(already compared)" in line)
    return {"compared": len(bullets) - again + 1}


def check(view, n, found):
    """Prints what each tool found and fails unless they agree."""
    print(f"{view}, {n}: " + "; ".join(f"{tool} {counts}" for tool, counts in found.items()),
          file=sys.stderr)
    ref_tool, ref = next(iter(found.items()))
    for tool, counts in found.items():
        for key, value in counts.items():
            if key in ref and ref[key] != value:
                sys.exit(f"{view}, {n}: {tool} says {key} = {value}, {ref_tool} says {ref[key]}")


# --- Timing ------------------------------------------------------------------


def tool(arg, env):
    path = arg or os.environ.get(env)
    if path and not os.path.exists(path):
        sys.exit(f"{env}: {path} does not exist")
    return path


def closure_agreement(flakegate, dix, nvd, a, b, n):
    """Checks the closure view's counts; returns flakegate's summary and the
    number of lines each tool prints by default (what a reader scrolls)."""
    report = json.loads(output([flakegate, "diff", a, b, "--json"]))
    found = {"flakegate": flakegate_closure_counts(report)}
    sdc = output(["nix", "store", "diff-closures", a, b])
    found["nix store diff-closures"] = sdc_counts(sdc)
    lines = {"flakegate diff": len(output([flakegate, "diff", a, b, "--color", "never"]).splitlines()),
             "nix store diff-closures": len(sdc.splitlines())}
    if dix:
        found["dix"] = dix_counts(json.loads(output([dix, a, b, "--output", "json"])))
        lines["dix"] = len(output([dix, a, b, "--color", "never"]).splitlines())
    if nvd:
        text = output(["python3", nvd, "--color", "never", "diff", a, b])
        found["nvd"] = nvd_counts(text)
        lines["nvd diff"] = len(text.splitlines())
    check("closure view", n, found)
    return report["closure"]["summary"], lines


def drv_agreement(flakegate, nix_diff, a, b, n):
    """Checks the derivation view's counts; returns flakegate's."""
    fg = flakegate_drv_counts(json.loads(output([flakegate, "diff", a, b, "--json"])))
    found = {"flakegate": {"compared": fg["compared"]}}
    if nix_diff:
        nd = nix_diff_counts(output([nix_diff, "--color", "never", a, b], ok=(0, 1)))
        found["nix-diff-rs (+ renamed pairs)"] = {"compared": nd["compared"] + fg["renamed"]}
    check("derivation view", n, found)
    return fg


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,20000", help="comma-separated sizes (paths / derivations)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--views", default="closure,drv", help="closure, drv or both")
    ap.add_argument("--flakegate", help="a flakegate binary (default: cargo build --release)")
    ap.add_argument("--baseline", help="another flakegate binary, e.g. an earlier build, timed alongside")
    ap.add_argument("--dix", help="dix binary (or $DIX)")
    ap.add_argument("--nvd", help="nvd script (or $NVD); run with python3")
    ap.add_argument("--nix-diff", help="nix-diff-rs binary (or $NIX_DIFF)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    views = args.views.split(",")

    flakegate = flakegate_binary(args.flakegate)
    dix = tool(args.dix, "DIX")
    nvd = tool(args.nvd, "NVD")
    nix_diff = tool(args.nix_diff, "NIX_DIFF")
    for name, path in [("dix", dix), ("nvd", nvd), ("nix-diff-rs", nix_diff)]:
        if not path:
            print(f"note: {name} not given; skipped", file=sys.stderr)

    # The reports (up to ~50 MB of JSON) are parsed in a worker process, so
    # that this one stays small while it starts the timed commands (see measure.py).
    pool = worker()
    print(f"{args.rounds} interleaved rounds each: median wall and CPU times, the largest peak RSS.")
    for n in sizes:
        if "closure" in views:
            a, b = closure_pair(n)
            s, lines = pool.submit(closure_agreement, flakegate, dix, nvd, a, b, n).result()
            print(f"\nLines printed by default, {n:,} paths per side: "
                  + ", ".join(f"{tool} {count:,}" for tool, count in lines.items())
                  + " (target: flakegate ≤ dix)")
            commands = {
                "flakegate diff": ([flakegate, "diff", a, b, "--color", "never"], (0,)),
                "flakegate diff --json": ([flakegate, "diff", a, b, "--json"], (0,)),
            }
            if args.baseline:
                commands["baseline: flakegate diff"] = ([args.baseline, "diff", a, b, "--color", "never"], (0,))
            commands["nix store diff-closures"] = (["nix", "store", "diff-closures", a, b], (0,))
            if dix:
                commands["dix"] = ([dix, a, b, "--color", "never"], (0,))
                commands["dix --output json"] = ([dix, a, b, "--output", "json"], (0,))
            if nvd:
                commands["nvd diff"] = (["python3", nvd, "--color", "never", "diff", a, b], (0,))
            results = measure(commands, args.rounds)
            table(f"Closure view, {n:,} paths per side ({s['upgraded'] + s['downgraded']:,} version "
                  f"changes, {s['rebuilt']:,} rebuilds)", results, "flakegate diff")
            if dix:
                fg, other = results["flakegate diff"], results["dix"]
                print(f"\nflakegate / dix: wall {fg[0] / other[0]:.2f}×, CPU {fg[2] / other[2]:.2f}× "
                      "(target at 20,000 paths: ≤ 0.5× dix's time)")
        if "drv" in views:
            a, b = drv_pair(n)
            fg = pool.submit(drv_agreement, flakegate, nix_diff, a, b, n).result()
            commands = {
                "flakegate diff": ([flakegate, "diff", a, b, "--color", "never"], (0,)),
                "flakegate diff --json": ([flakegate, "diff", a, b, "--json"], (0,)),
            }
            if args.baseline:
                commands["baseline: flakegate diff"] = ([args.baseline, "diff", a, b, "--color", "never"], (0,))
            if nix_diff:
                commands["nix-diff-rs"] = ([nix_diff, "--color", "never", a, b], (0, 1))
            results = measure(commands, args.rounds)
            table(f"Derivation view, {n:,} derivations per side ({fg['compared']:,} differing pairs, "
                  f"{fg['ownChanges']} with changes of their own)", results, "flakegate diff")
            if nix_diff:
                ours, other = results["flakegate diff"], results["nix-diff-rs"]
                print(f"\nnix-diff-rs / flakegate: wall {other[0] / ours[0]:.1f}×, CPU {other[2] / ours[2]:.1f}×, "
                      f"peak RSS {other[1] / ours[1]:.1f}× (target at 20,000 derivations: ≥ 5× faster, "
                      "≤ 1/5 of the memory)")
    pool.shutdown()


if __name__ == "__main__":
    main()
