#!/usr/bin/env python3
"""flake.lock benchmark: `flakegate lock` (health report, and --diff of two
locks) on a generated lock of N nodes (default 1,000), next to `jq .` on the
same file (parsing and printing it: a floor). Nix's own reading of a lock
(`nix flake metadata`) fetches the inputs' flakes, so it cannot run offline
on a generated lock and is not an anchor here.

The lock: a root with inputs that each bring their own nixpkgs, flake-utils
and systems (duplicates, as in real configurations), some of them following
the root's instead, nested three levels deep. The second lock moves every
revision, for --diff. Each command runs ROUNDS times, interleaved; the script
prints the median wall time and CPU time (user + system, from wait4) of each
as a Markdown table. The machine may be shared: CPU time is the steadier one.

    python3 benches/lock.py [--nodes 1000] [--rounds 11]

Needs: cargo, jq. Only the standard library.
"""

import argparse
import base64
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAY = 86400
NOW = 1717200000


def run(argv, cwd=None):
    """Runs argv; returns (wall seconds, CPU seconds) of the child."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode()
    # `flakegate lock` exits 1 when a gate fails; none is asked for here.
    if status != 0:
        sys.exit(f"benchmark command failed ({status}): {' '.join(argv)}\n{err}")
    return elapsed, usage.ru_utime + usage.ru_stime


def github(owner, repo, rev, age_days, ref=None):
    nar = base64.b64encode(hashlib.sha256(rev.encode()).digest()).decode()
    locked = {"lastModified": NOW - age_days * DAY, "narHash": f"sha256-{nar}",
              "owner": owner, "repo": repo, "rev": rev, "type": "github"}
    original = {"owner": owner, "repo": repo, "type": "github"}
    if ref:
        original["ref"] = ref
    return {"locked": locked, "original": original}


def generate(n, salt):
    """A lock of exactly n nodes (root included)."""
    nodes = {"root": {"inputs": {}}}
    counter = [0]

    def rev(i):
        return f"{salt}{i:039x}"[:40]

    def add(name, node):
        counter[0] += 1
        key = name if name not in nodes else f"{name}_{counter[0]}"
        nodes[key] = node
        return key

    nodes["nixpkgs"] = github("NixOS", "nixpkgs", rev(0), 3, "nixos-unstable")
    nodes["root"]["inputs"]["nixpkgs"] = "nixpkgs"
    parents = [("root", [])]
    i = 0
    while len(nodes) < n:
        parent, path = parents[i % len(parents)]
        i += 1
        name = f"input{len(nodes)}"
        node = github("someone", name, rev(len(nodes)), len(nodes) % 400)
        node["inputs"] = {}
        key = add(name, node)
        nodes[parent]["inputs"][name] = key
        for dep, (owner, repo) in [("nixpkgs", ("NixOS", "nixpkgs")),
                                   ("flake-utils", ("numtide", "flake-utils")),
                                   ("systems", ("nix-systems", "default"))]:
            if len(nodes) >= n:
                break
            if dep == "nixpkgs" and len(nodes) % 3 == 0:
                node["inputs"][dep] = ["nixpkgs"]  # follows the root's
                continue
            dep_key = add(dep, github(owner, repo, rev(len(nodes) % 7), len(nodes) % 500))
            node["inputs"][dep] = dep_key
        if len(path) < 2:
            parents.append((key, path + [name]))
    return {"nodes": nodes, "root": "root", "version": 7}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=11)
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "flakegate"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    flakegate = os.path.join(target, "release/flakegate")

    tmp = tempfile.mkdtemp()
    old, new = os.path.join(tmp, "old"), os.path.join(tmp, "new")
    for d, salt in [(old, "a"), (new, "b")]:
        os.mkdir(d)
        lock = generate(args.nodes, salt)
        assert len(lock["nodes"]) == args.nodes, len(lock["nodes"])
        with open(os.path.join(d, "flake.lock"), "w") as f:
            json.dump(lock, f, indent=2, sort_keys=True)
        # The flake declares the root's inputs, so Nix reads the lock as is.
        def url(key):
            o = lock["nodes"][key]["original"]
            return f"github:{o['owner']}/{o['repo']}" + (f"/{o['ref']}" if "ref" in o else "")
        names = " ".join(f'inputs.{k}.url = "{url(v)}";'
                         for k, v in lock["nodes"]["root"]["inputs"].items())
        with open(os.path.join(d, "flake.nix"), "w") as f:
            f.write(f"{{ {names} outputs = _: {{ }}; }}\n")
    report = os.path.join(tmp, "report.json")
    old_lock = os.path.join(old, "flake.lock")
    new_lock = os.path.join(new, "flake.lock")
    commands = {
        "`flakegate lock` (health, JSON)": [flakegate, "lock", old_lock, "--now", str(NOW),
                                            "--json", "-o", report],
        "`flakegate lock` (health, terminal)": [flakegate, "lock", old_lock, "--now", str(NOW)],
        "`flakegate lock --diff` (two locks, Markdown)": [flakegate, "lock", "--diff", old_lock,
                                                          new_lock, "--markdown"],
        "`jq .` (parse and print, a floor)": ["jq", ".", old_lock],
    }
    results = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, argv in commands.items():
            results[name].append(run(argv))

    with open(report) as f:
        r = json.load(f)
    print(f"{args.nodes}-node lock: {len(r['inputs'])} inputs, {r['extraNodes']} duplicate nodes, "
          f"{sum(len(d['follows']) for d in r['duplicates'])} follows lines", file=sys.stderr)
    print(f"\n{args.rounds} interleaved rounds, medians ({args.nodes}-node lock):\n")
    print("| command | wall time | CPU time |")
    print("|---|---:|---:|")
    for name, samples in results.items():
        wall = statistics.median(s for s, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        print(f"| {name} | {wall * 1000:.1f} ms | {cpu * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
