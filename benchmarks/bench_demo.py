"""Benchmark of the whole demo year with its report packages (`make demo`, warm). Prints; asserts nothing.

    .venv/bin/python benchmarks/bench_demo.py [--runs 3] [--command "..."]

Each run writes the demo year into a fresh output folder with the project's warm Prefect home (as a
second `make demo` does) and is timed from outside: wall-clock seconds and the CPU seconds of the command
and its children (the Prefect server included). The flow logs the seconds each package part took per
month (charts, html, pdf, xlsx, eml); the sums over the twelve months are printed beside each run.
`--command` times another command instead (with `{out}` for the output folder), e.g. an older checkout.
The machine is shared: compare minimums of several runs, not single runs.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_COMMAND = f"{ROOT / '.venv' / 'bin' / 'uppfoljning'} demo --out {{out}}"
PARTS = ("charts", "html", "pdf", "xlsx", "eml")
SECONDS_BY_PART = re.compile(r"seconds by part (\{[^}]*\})")


def one_run(command: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as out:
        env = {**os.environ, "PREFECT_LOGGING_LEVEL": "INFO"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            shlex.split(command.format(out=out)),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"the demo failed ({done.returncode}):\n{done.stderr[-2000:]}")
    figures = {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)}
    for part in PARTS:
        figures[part] = 0.0
    for match in SECONDS_BY_PART.finditer(done.stdout + done.stderr):
        for part, seconds in ast.literal_eval(match.group(1)).items():
            figures[part] = figures.get(part, 0.0) + seconds
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--command", default=DEFAULT_COMMAND)
    args = parser.parse_args()
    one_run(args.command)  # warm-up: the Prefect home and the OS caches, as after a first `make demo`
    runs = [one_run(args.command) for _ in range(args.runs)]
    columns = ("wall", "cpu", *PARTS)
    print("run  " + "  ".join(f"{c:>7}" for c in columns))
    for number, run in enumerate(runs, start=1):
        print(f"{number:<4} " + "  ".join(f"{run[c]:7.1f}" for c in columns))
    print("min  " + "  ".join(f"{min(r[c] for r in runs):7.1f}" for c in columns))
    print("med  " + "  ".join(f"{statistics.median(r[c] for r in runs):7.1f}" for c in columns))


if __name__ == "__main__":
    main()
