"""Timing helpers shared by the benchmarks (imported by closure.py, diff.py
and sbom.py, which run from this folder). Only the standard library.

A command's peak RSS is read from `wait4`. Linux carries a process's peak RSS
across exec: a child started with vfork (Python's default) reports at least
this script's own peak, one started with fork at least its current RSS. So
children are forked (a preexec_fn forces fork) and the calling script stays
small: large reports are parsed in a worker process (`worker`). The floor
left is the script's own RSS, about 10 MiB.
"""

import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(argv, ok=(0,)):
    """Runs argv with its output discarded; returns (wall seconds, peak RSS in
    MiB, CPU seconds: user + system, all threads)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=lambda: None)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"benchmark command failed (exit {code}): {' '.join(argv)}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure(commands, rounds):
    """commands: name -> (argv, ok exit codes). Runs them interleaved
    (A B C A B C ...), so that load on a shared machine hits every command
    alike. Returns name -> (median wall s, largest peak RSS MiB, median CPU s)."""
    samples = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (argv, ok) in commands.items():
            samples[name].append(run(argv, ok))
    return {name: (statistics.median(t for t, _, _ in s), max(m for _, m, _ in s),
                   statistics.median(c for _, _, c in s))
            for name, s in samples.items()}


def table(title, results, reference):
    """A Markdown table of `measure`'s results, with each command's wall time
    relative to `reference`'s."""
    def code(name):  # names that quote their commands already stay as they are
        return name if "`" in name else f"`{name}`"

    ref_time = results[reference][0]
    print(f"\n### {title}\n")
    print(f"| command | wall time | vs {code(reference)} | CPU time | peak RSS |")
    print("|---|---:|---:|---:|---:|")
    for name, (t, rss, cpu) in results.items():
        print(f"| {code(name)} | {t * 1000:.0f} ms | {t / ref_time:.2f}× | {cpu * 1000:.0f} ms | {rss:.0f} MiB |")


def flakegate_binary(binary=None):
    """`binary`, or a release build of this checkout (honouring CARGO_TARGET_DIR)."""
    if binary:
        return binary
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "flakegate"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    return os.path.join(target, "release", "flakegate")


def worker():
    """A forked process to parse large outputs in, keeping this one small."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))


def output(argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout
