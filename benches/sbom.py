#!/usr/bin/env python3
"""SBOM benchmark: `flakegate sbom` on a 3,000-path runtime closure and a
6,000-derivation build-time graph.

The fixtures need no build: the runtime closure is
tests/fixtures/synthetic-closure.nix (`builtins.toFile` paths, valid once
evaluated), the derivation graph tests/fixtures/sbom/drv-graph.nix
(instantiated only). Each command runs ROUNDS times, interleaved, and the
script prints the median wall time and peak RSS of each as a Markdown table,
next to Nix's own listing of the same graph for scale. sbomnix does not run
on the Nix 2.8 here; its figures (4.2 s runtime, 3.6 s build time, measured
through a shim with a newer Nix) are quoted in docs/sbom.md.

    python3 benches/sbom.py [--paths 3000] [--drvs 6000] [--rounds 7] [--validate]
                            [--flakegate BIN] [--baseline BIN]

--flakegate measures that binary instead of a release build of this checkout;
--baseline adds the build-time rows of another binary (an older commit's
release build), interleaved with the rest, to compare the two side by side.

--validate also runs tests/validate/sbom.py on the four large documents (slow:
the schema validators take minutes on thousands of components).
Needs: nix (2.8 or newer), cargo. Only the standard library.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from measure import REPO, flakegate_binary, measure, table, worker
from measure import output as out


def counts(files, drv):
    """Components of the runtime and build-time documents, and the members of
    the .drv's closure (parsed in the worker, see measure.py)."""
    runtime = json.load(open(files["runtime CycloneDX"]))
    build = json.load(open(files["build time CycloneDX"]))
    return (len(runtime["components"]) + 1, len(build["components"]) + 1,
            len(out(["nix-store", "-qR", drv]).split()))


def walked_packages(graph, n, walker):
    """How many packages the metadata walker finds (in the worker)."""
    walked = json.loads(out(["nix", "--extra-experimental-features", "nix-command", "eval",
                             "--json", "--impure", "--expr",
                             f"import {graph} {{ n = {n}; }}", "--apply", walker]))
    return len(walked["packages"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=3000)
    ap.add_argument("--drvs", type=int, default=6000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--validate", action="store_true")
    ap.add_argument("--flakegate", help="the binary to measure (default: a release build)")
    ap.add_argument("--baseline", help="another binary whose build-time rows are added")
    args = ap.parse_args()

    flakegate = flakegate_binary(args.flakegate)
    pool = worker()
    t0 = time.perf_counter()
    root = json.loads(out(["nix-instantiate", "--eval", "--read-write-mode", "--json",
                           os.path.join(REPO, "tests/fixtures/synthetic-closure.nix"),
                           "--arg", "n", str(args.paths), "--argstr", "seed", "a"]))
    drv = out(["nix-instantiate", os.path.join(REPO, "tests/fixtures/sbom/drv-graph.nix"),
               "--arg", "n", str(args.drvs)]).strip()
    print(f"fixtures ready in {time.perf_counter() - t0:.1f} s: {root}, {drv}", file=sys.stderr)

    graph = os.path.join(REPO, "tests/fixtures/sbom/drv-graph.nix")
    with open(os.path.join(REPO, "crates/flakegate-store/src/meta_eval.nix")) as f:
        walker = f.read()
    packages = pool.submit(walked_packages, graph, args.drvs, walker).result()
    assert packages == args.drvs, packages

    tmp = tempfile.mkdtemp()
    files = {
        "runtime CycloneDX": os.path.join(tmp, "runtime.cdx.json"),
        "runtime SPDX": os.path.join(tmp, "runtime.spdx.json"),
        "build time CycloneDX": os.path.join(tmp, "buildtime.cdx.json"),
        "build time SPDX": os.path.join(tmp, "buildtime.spdx.json"),
    }
    nix = ["nix", "--extra-experimental-features", "nix-command"]
    commands = {
        f"`flakegate sbom` runtime, CycloneDX ({args.paths} paths)":
            [flakegate, "sbom", root, "-o", files["runtime CycloneDX"]],
        f"`flakegate sbom` runtime, SPDX ({args.paths} paths)":
            [flakegate, "sbom", root, "--format", "spdx", "-o", files["runtime SPDX"]],
        f"`flakegate sbom --buildtime`, CycloneDX ({args.drvs} drvs)":
            [flakegate, "sbom", drv, "--buildtime", "-o", files["build time CycloneDX"]],
        f"`flakegate sbom --buildtime`, SPDX ({args.drvs} drvs)":
            [flakegate, "sbom", drv, "--buildtime", "--format", "spdx",
             "-o", files["build time SPDX"]],
        # What a flake reference adds: one evaluation of the metadata walker
        # over the whole graph (every package is passed as an attribute).
        f"`nix eval` of the metadata walker ({args.drvs} drvs)":
            nix + ["eval", "--json", "--impure", "--expr",
                   f"import {graph} {{ n = {args.drvs}; }}", "--apply", walker],
        f"`nix path-info -r --json` ({args.paths} paths, for scale)":
            nix + ["path-info", "-r", "--json", root],
        f"`nix-store -qR` of the .drv ({args.drvs} drvs, for scale)": ["nix-store", "-qR", drv],
    }

    if args.baseline:
        for fmt in ("cyclonedx", "spdx"):
            commands[f"baseline `sbom --buildtime`, {fmt} ({args.drvs} drvs)"] = [
                args.baseline, "sbom", drv, "--buildtime", "--format", fmt,
                "-o", os.path.join(tmp, f"baseline.{fmt}.json")]

    results = measure({k: (v, (0,)) for k, v in commands.items()}, args.rounds)

    # Sanity: one component per path (no derivations behind toFile paths) and
    # one per derivation.
    found = pool.submit(counts, files, drv).result()
    assert found == (args.paths, args.drvs, args.drvs), found
    pool.shutdown()

    print(f"\n{args.rounds} interleaved rounds: median wall and CPU times, the largest peak RSS.")
    table("SBOM", results, f"`nix path-info -r --json` ({args.paths} paths, for scale)")
    sizes = ", ".join(f"{k} {os.path.getsize(v) / 1e6:.1f} MB" for k, v in files.items())
    print(f"\ndocument sizes: {sizes}")

    if args.validate:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(REPO, "tests/validate/sbom.py"),
                        *files.values()], check=True)
        print(f"validated in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
