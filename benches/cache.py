#!/usr/bin/env python3
"""Binary-cache benchmark: `flakegate cache` against Nix's own answers.

Builds the synthetic closure of N store paths (tests/fixtures/synthetic-closure.nix,
`builtins.toFile` paths, valid at once), copies a reference-closed half of it
(the first N/2 paths of `nix-store -qR`, dependencies first) into a
`file://` binary cache with `nix copy --no-recursive`, serves that directory
with Python's threading HTTP server bound to 127.0.0.1 (HTTP/1.1 keep-alive
and a listen backlog of 1,024: `python3 -m http.server` keeps a backlog of 5,
so parallel clients lose SYNs and wait a second for each retry, which
measures the kernel, not the clients), and asks, over HTTP, which paths of
the closure the cache has:

- `flakegate cache ROOT --cache URL --json` (settles most paths through the
  cache's closure property), and the same with `--exhaustive` (one request
  per path);
- `nix build --dry-run` of every path, into an empty store, with the cache as
  the only substituter (Nix's parallel planner);
- `nix path-info --store URL --json` of every path.

Nix's narinfo disk cache is turned off (TTL 0) so no run answers from a
previous one. Commands run ROUNDS times, interleaved; the script prints the
median wall time and CPU time (user + system of the child) of each as a
Markdown table, after checking that flakegate's count of cached paths equals
N/2 and equals what `nix build --dry-run` would fetch.

    python3 benches/cache.py [--paths 20000] [--rounds 3] [--flakegate target/release/flakegate]

Needs: nix (2.8 or newer), python3, cargo. Only the standard library.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from closure import synthetic_root  # noqa: E402  (one fixture helper for every bench)
NIX = ["nix", "--extra-experimental-features", "nix-command"]
NO_DISK_CACHE = ["--option", "narinfo-cache-negative-ttl", "0",
                 "--option", "narinfo-cache-positive-ttl", "0"]


def run(argv, check=True):
    """Runs argv; returns (wall seconds, CPU seconds, stdout, stderr)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=out, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(), err.read().decode()
    if check and status != 0:
        sys.exit(f"benchmark command failed ({status}): {' '.join(argv[:6])} …\n{stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, stdout, stderr


def serve(directory, port):
    """The cache server (run as `cache.py --serve DIR PORT`)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 1024
        daemon_threads = True

    Server(("127.0.0.1", port), functools.partial(Handler, directory=directory)).serve_forever()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--flakegate", help="a built flakegate binary (default: build the release one)")
    ap.add_argument("--serve", nargs=2, metavar=("DIR", "PORT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        return serve(args.serve[0], int(args.serve[1]))

    flakegate = args.flakegate
    if not flakegate:
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "flakegate"], cwd=REPO, check=True)
        flakegate = os.path.join(REPO, "target/release/flakegate")
    root = synthetic_root(args.paths)
    members = subprocess.run(["nix-store", "-qR", root], check=True, capture_output=True,
                             text=True).stdout.split()
    assert len(members) == args.paths, len(members)
    half = members[: args.paths // 2]

    work = tempfile.mkdtemp(prefix="flakegate-cache-bench-")
    server = None
    try:
        cache = os.path.join(work, "cache")
        t0 = time.perf_counter()
        # `nix-store -qR` lists dependencies first, so every prefix is
        # reference-closed, as a binary cache must be.
        for i in range(0, len(half), 2000):
            subprocess.run(NIX + ["copy", "--no-recursive", "--to",
                                  f"file://{cache}?compression=none"] + half[i:i + 2000],
                           check=True, capture_output=True)
        print(f"cache of {len(half)} paths written in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", cache, str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)

        def dry_run():
            store = tempfile.mkdtemp(dir=work)
            return (NIX + ["build", "--dry-run", "--store", store, "--option", "substituters", url,
                           "--option", "require-sigs", "false"] + NO_DISK_CACHE + members)

        commands = {
            "flakegate cache": lambda: [flakegate, "cache", root, "--cache", url, "--json"],
            "flakegate cache --exhaustive": lambda: [flakegate, "cache", root, "--cache", url,
                                                     "--json", "--exhaustive"],
            "nix build --dry-run (empty store)": dry_run,
            "nix path-info --store http://…": lambda: (NIX + ["path-info", "--store", url, "--json"]
                                                      + NO_DISK_CACHE + members),
        }

        # Sanity: flakegate's answer is the truth, and Nix's.
        for name in ("flakegate cache", "flakegate cache --exhaustive"):
            report = json.loads(run(commands[name]())[2])
            assert report["total"]["paths"] == args.paths, report["total"]
            assert report["cached"]["paths"] == len(half), (name, report["cached"])
        fetched = re.search(r"these (\d+) paths will be fetched", run(dry_run())[3])
        assert fetched and int(fetched.group(1)) == len(half), fetched

        results = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, argv in commands.items():
                wall, cpu, _, _ = run(argv())
                results[name].append((wall, cpu))
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)

    anchor = min(statistics.median(w for w, _ in results[n]) for n in list(commands)[2:])
    print(f"\n{args.paths} paths, {len(half)} in the cache, {args.rounds} interleaved rounds, medians:\n")
    print("| command | wall time | CPU time | faster anchor ÷ this |")
    print("|---|---:|---:|---:|")
    for name, samples in results.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        print(f"| `{name}` | {wall:.2f} s | {cpu:.2f} s | {anchor / wall:.1f}× |")


if __name__ == "__main__":
    main()
