#!/usr/bin/env python3
"""`flakegate bench` overhead against hyperfine timing the same `nix eval`.

Copies the bench fixture flake (tests/fixtures/bench/flake) to a temporary
directory with a workload of N options, then, ROUNDS times and alternating
(hyperfine, flakegate, hyperfine, ...) so that load on a shared machine hits
both alike, runs

  hyperfine -N --warmup 1 --runs R 'nix ... eval --no-eval-cache --raw FLAKE#ATTR.drvPath'
  the same hyperfine with NIX_SHOW_STATS=1 and NIX_SHOW_STATS_PATH set
  flakegate bench FLAKE --attr ATTR --warmup 1 --runs R --json

and reports, as medians over the rounds:

- the median wall time each tool measured for one evaluation (flakegate's
  includes writing NIX_SHOW_STATS, which a plain `nix eval` does not do);
- the wall time of each whole tool process (flakegate's adds `nix --version`
  and reading the stats files);
- the tool's own CPU time per evaluation (its process tree's CPU less what
  the evaluations themselves used): the overhead that does not depend on
  the machine's load;
- flakegate's overhead in percent of hyperfine's, for the wall times. The middle line
  separates what Nix itself spends writing its statistics from what
  flakegate adds.

    python3 benches/bench.py [--options 200000] [--runs 10] [--rounds 5] [--hyperfine PATH]

Needs: nix (2.8 or newer), cargo, hyperfine (`cargo install hyperfine`).
Only the standard library.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ATTR = "nixosConfigurations.web.config.system.build.toplevel"


def timed(argv, env=None):
    """Runs argv; returns its wall time and the CPU time (user + system) of
    it and all its descendants, in seconds. One child runs at a time, so the
    growth of RUSAGE_CHILDREN is this one's. Exits on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def own_cpu(total, per_run, runs):
    """The tool's own CPU per evaluation: its process tree's CPU less that of
    the evaluations (warm-up counted as one more run), over all evaluations."""
    return (total - per_run * (runs + 1)) / (runs + 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--options", type=int, default=200000, help="the fixture's n")
    ap.add_argument("--runs", type=int, default=10, help="measured runs per tool invocation")
    ap.add_argument("--rounds", type=int, default=5, help="alternating invocations of each tool")
    ap.add_argument("--hyperfine", default=shutil.which("hyperfine") or "hyperfine")
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "flakegate"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    flakegate = os.path.join(target, "release", "flakegate")

    with tempfile.TemporaryDirectory() as tmp:
        flake = os.path.join(tmp, "flake")
        shutil.copytree(os.path.join(REPO, "tests/fixtures/bench/flake"), flake)
        with open(os.path.join(flake, "workload.nix"), "w") as f:
            f.write(f"{{ n = {args.options}; }}\n")
        ref = f"path:{flake}"
        nix_eval = ("nix --extra-experimental-features 'nix-command flakes' eval --no-eval-cache "
                    f"--raw {ref}#{ATTR}.drvPath")
        hf_json = os.path.join(tmp, "hyperfine.json")
        fg_json = os.path.join(tmp, "flakegate.json")
        hyperfine = [args.hyperfine, "-N", "--style", "none", "--warmup", "1", "--runs", str(args.runs),
                     "--export-json", hf_json, nix_eval]
        bench = [flakegate, "bench", ref, "--attr", ATTR, "--warmup", "1", "--runs", str(args.runs),
                 "--quiet", "--json", "-o", fg_json]

        stats_env = dict(os.environ, NIX_SHOW_STATS="1",
                         NIX_SHOW_STATS_PATH=os.path.join(tmp, "stats.json"))
        rows = {"hyperfine": [], "hyperfine, NIX_SHOW_STATS": [], "flakegate": []}
        for i in range(args.rounds):
            for name, env in (("hyperfine", None), ("hyperfine, NIX_SHOW_STATS", stats_env)):
                wall, cpu = timed(hyperfine, env)
                with open(hf_json) as f:
                    r = json.load(f)["results"][0]
                child = r["user"] + r["system"]
                rows[name].append((r["median"], wall, child, max(r.get("memory_usage_byte") or [0]),
                                   own_cpu(cpu, child, args.runs)))
            wall, cpu = timed(bench)
            with open(fg_json) as f:
                b = json.load(f)["benchmarks"][0]
            assert b["pure"], "the fixture's evaluation must be pure"
            rows["flakegate"].append((b["wall"]["median"], wall, b["cpu"]["mean"], b["maxRss"]["max"],
                                      own_cpu(cpu, b["cpu"]["mean"], args.runs)))
            print(f"round {i + 1}/{args.rounds}: hyperfine {rows['hyperfine'][-1][0]:.3f} s, "
                  f"flakegate {rows['flakegate'][-1][0]:.3f} s", file=sys.stderr)
        thunks = b["counters"]["exact"]["nrThunks"]

    med = {k: [statistics.median(x[j] for x in v) for j in range(5)] for k, v in rows.items()}
    print(f"\nworkload: n = {args.options} ({thunks:,} thunks), {args.runs} runs + 1 warm-up per "
          f"invocation, {args.rounds} alternating rounds, medians\n")
    print("| tool | median of one evaluation | its CPU (user+sys, mean) | its peak RSS "
          "| whole tool process | the tool's own CPU per evaluation |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in rows:
        m = med[k]
        print(f"| {k} | {m[0] * 1000:.1f} ms | {m[2] * 1000:.1f} ms | {m[3] / 2**20:.1f} MiB "
              f"| {m[1]:.2f} s | {m[4] * 1000:.1f} ms ({m[4] / m[2] * 100:.1f} %) |")
    print()
    for k in ("hyperfine", "hyperfine, NIX_SHOW_STATS"):
        per_eval = (med["flakegate"][0] / med[k][0] - 1) * 100
        process = (med["flakegate"][1] / med[k][1] - 1) * 100
        print(f"flakegate against {k}: {per_eval:+.2f}% per evaluation, "
              f"{process:+.2f}% for the whole process")


if __name__ == "__main__":
    main()
