"""Benchmark of the whole demo year with its report packages (`make demo`, warm). Prints; asserts nothing.

    .venv/bin/python benchmarks/bench_demo.py [--runs 3] [--command "..."]

Each run writes the demo year into a fresh output folder with the project's warm Prefect home (as a
second `make demo` does) and is timed from outside: wall-clock seconds and the CPU seconds of the command
and its children (the Prefect server included). Where the year's time goes is read from what the demo
says: its progress lines on stderr (each run's stages: validera, hämta, beräkna, publicera, skicka; the
source; each comment sheet) and its INFO log (each package part's seconds, each run from call to return,
the demo flow's seconds and the process's own CPU). Summed over the year, per run:

    start-up          imports and Prefect's temporary server, until the demo flow starts (wall − flow)
    demo source       generating the two SQLite files
    validate, extract, compute       the monthly runs' stages
    charts, PDF       the package's two expensive parts
    other package     html, xlsx, eml, the comment sheet, writing the version (publicera − charts − PDF)
    send              the outbox
    Prefect, bookkeeping   each run from call to return less its stages: flow and task runs, the lock,
                      the run log and the artifact
    comment sheets    filling in and importing the five board reports' sheets
    rest              the demo flow's time not in any line above
    CPU               of the command and its children; of the command's process; the rest (mostly the
                      Prefect server)

`--command` times another command instead (with `{out}` for the output folder), e.g. an older checkout;
its table shows only what that command says. The machine is shared: compare minimums or medians of
several runs, not single runs.
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
SECONDS = r"(\d+,\d) s"
RUN_LINE = re.compile(rf"^2\d{{3}}-\d\d \w+ v\d+: (.*) → \w+ \({SECONDS}\)$", re.MULTILINE)
STAGE = re.compile(rf"(\w+)(?: {SECONDS})?")
SOURCE_LINE = re.compile(rf"^Demokällan skriven .*; {SECONDS}\)$", re.MULTILINE)
IMPORT_LINE = re.compile(rf"^2\d{{3}}-\d\d: kommentarsbladet .*; {SECONDS}\); körs om$", re.MULTILINE)
PARTS = re.compile(r"seconds by part (\{[^}]*\})")
CALL = re.compile(r"run \d{4}-\d\d: ([\d.]+) s from call to return")
YEAR = re.compile(r"demo year: ([\d.]+) s in the flow, process CPU ([\d.]+) s")
ROWS = (
    ("start-up", "imports and the temporary Prefect server, before the demo flow"),
    ("source", "demo source generated"),
    ("validera", "validate"),
    ("hämta", "extract (ledger twice, HR)"),
    ("beräkna", "compute"),
    ("charts", "charts"),
    ("pdf", "PDF"),
    ("package", "other package parts (html, xlsx, eml, comment sheet, write)"),
    ("skicka", "send to the outbox"),
    ("prefect", "Prefect and the run's bookkeeping (call to return − stages)"),
    ("comments", "comment sheets filled in and imported"),
    ("rest", "rest of the demo flow"),
    ("wall", "wall clock"),
    ("cpu", "CPU: the command and its children"),
    ("cpu_self", "CPU: the command's own process"),
    ("cpu_server", "CPU: its children (the Prefect server)"),
)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def one_run(command: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as out:
        # The INFO log carries the package parts' seconds; it goes to the terminal only, as a `make demo`
        # sends no INFO record to the server either (its level is WARNING).
        env = {**os.environ, "PREFECT_LOGGING_LEVEL": "INFO", "PREFECT_LOGGING_TO_API_ENABLED": "false"}
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
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return where_the_time_goes(done.stdout + done.stderr, wall, cpu)


def where_the_time_goes(output: str, wall: float, cpu: float) -> dict[str, float]:
    """The rows of ROWS from the demo's output (progress lines and INFO log); zero where it says nothing."""
    figures = dict.fromkeys((key for key, _ in ROWS), 0.0)
    figures.update(wall=wall, cpu=cpu)
    stages: dict[str, float] = {}
    for line, _total in RUN_LINE.findall(output):
        for name, seconds in STAGE.findall(line):
            stages[name] = stages.get(name, 0.0) + (_number(seconds) if seconds else 0.0)
    for name in ("validera", "hämta", "beräkna", "skicka"):
        figures[name] = stages.get(name, 0.0)
    for match in PARTS.finditer(output):
        for part, seconds in ast.literal_eval(match.group(1)).items():
            if part in ("charts", "pdf"):
                figures[part] += seconds
    figures["package"] = max(0.0, stages.get("publicera", 0.0) - figures["charts"] - figures["pdf"])
    figures["source"] = sum(_number(s) for s in SOURCE_LINE.findall(output))
    figures["comments"] = sum(_number(s) for s in IMPORT_LINE.findall(output))
    calls = sum(float(s) for s in CALL.findall(output))
    if calls:
        runs_total = sum(
            figures[k] for k in ("validera", "hämta", "beräkna", "charts", "pdf", "package", "skicka")
        )
        figures["prefect"] = calls - runs_total
    if year := YEAR.search(output):
        flow, figures["cpu_self"] = float(year.group(1)), float(year.group(2))
        figures["cpu_server"] = cpu - figures["cpu_self"]
        figures["start-up"] = wall - flow
        figures["rest"] = flow - figures["source"] - calls - figures["comments"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--command", default=DEFAULT_COMMAND)
    args = parser.parse_args()
    one_run(args.command)  # warm-up: the Prefect home and the OS caches, as after a first `make demo`
    runs = [one_run(args.command) for _ in range(args.runs)]
    load = os.getloadavg()[0]
    print(f"demo year, seconds summed over its runs ({args.runs} runs, load average now {load:.1f})")
    header = f"{'':62}" + "".join(f"{f'run {n}':>8}" for n in range(1, len(runs) + 1)) + f"{'median':>8}"
    print(header)
    for key, label in ROWS:
        values = [run[key] for run in runs]
        print(f"{label:62}" + "".join(f"{v:8.1f}" for v in values) + f"{statistics.median(values):8.1f}")


if __name__ == "__main__":
    main()
