"""Scale-out on existing engines: a backfill run by one Prefect worker, then by two. Prints; asserts nothing
about time (it exits non-zero when a run fails or the period lock did not hold).

    .venv/bin/python benchmarks/scale_out.py [--periods 2025-01,...,2025-06] [--duplicate 2025-03]

What production would have (README, "Scale-out"), all on this machine and torn down afterwards:
- a Prefect server on PostgreSQL: its own database on 127.0.0.1:5432, created for the run
  (PREFECT_SERVER_DATABASE_CONNECTION_URL=postgresql+asyncpg://...), `prefect server start` as a child;
- the source on PostgreSQL: the demo source in another fresh database, so the heavy lifting (validation,
  aggregates) happens in the database engine, not in the workers;
- a process work pool `uppfoljning` and the deployment of prefect.yaml (`prefect deploy --all`);
- the backfill: one deployment run per period (`send` off), plus a second run of `--duplicate` submitted
  right after the first, run by 1 worker and then by 2 workers (`--limit 1` each: one run at a time per
  worker), each pass into its own, fresh output folder shared by its workers.
For each pass: wall time from the first run submitted to the last finished, and that every run completed.
The period lock: the duplicated period's two runs each record when they held the lock (the run log's
started_at / finished_at); the intervals must not overlap, and the period has exactly one version (the
second run found it published). Whether the two runs ran at the same time is printed too (with 2 workers
they usually do: then the lock did the serialising).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pg import temporary_database  # noqa: E402
from uppfoljning.prefect_server import api, free_port, start_server  # noqa: E402
from uppfoljning.settings import redact  # noqa: E402

BIN = ROOT / ".venv" / "bin"
POOL = "uppfoljning"  # prefect.yaml's work pool
DEPLOYMENT = "manadsuppfoljning-schemalagd/manadsuppfoljning"
RUN_TIMEOUT_SECONDS = 1800
TERMINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


def prefect(*args: str) -> None:
    subprocess.run(
        [str(BIN / "prefect"), "--no-prompt", *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def write_source(ledger_url: str, hr_url: str, folder: Path) -> Path:
    from generator import generate_demo
    from generator.demo_files import write_demo_inputs
    from uppfoljning.plan import load_plan

    plan = load_plan(year=2025)
    generate_demo(ledger_url, hr_url, plan)
    inputs = folder / "inputs"
    inputs.mkdir()
    write_demo_inputs(inputs / "indata-2025.yaml", plan)
    return inputs


def start_workers(count: int, env: dict[str, str], base: str, logs: Path) -> list[subprocess.Popen[bytes]]:
    workers = []
    for number in range(1, count + 1):
        with (logs / f"worker-{count}-{number}.log").open("wb") as log:
            workers.append(
                subprocess.Popen(
                    [str(BIN / "prefect"), "worker", "start", "--pool", POOL, "--limit", "1",
                     "--name", f"worker-{count}-{number}"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # each worker has registered with the pool
        online = api(base, f"/work_pools/{POOL}/workers/filter", {})
        if {f"worker-{count}-{n}" for n in range(1, count + 1)} <= {w["name"] for w in online}:
            return workers
        time.sleep(0.5)
    sys.exit("the workers did not register with the work pool")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def backfill(base: str, deployment_id: str, periods: list[str]) -> tuple[float, list[dict[str, Any]]]:
    started = time.perf_counter()
    runs = [
        api(
            base,
            f"/deployments/{deployment_id}/create_flow_run",
            {"parameters": {"period": p, "send": False}},
        )
        for p in periods
    ]
    while True:
        states = [api(base, f"/flow_runs/{run['id']}") for run in runs]
        if all(s["state"]["type"] in TERMINAL for s in states):
            return time.perf_counter() - started, states
        if time.perf_counter() - started > RUN_TIMEOUT_SECONDS:
            sys.exit("the backfill did not finish in time")
        time.sleep(0.5)


def lock_held(out: Path, period: str) -> list[str]:
    """Problems with the period lock, from the run log and the published versions (empty: it held)."""
    problems = []
    records = [
        json.loads(line) for line in (out / "runs" / f"{period}.jsonl").read_text("utf-8").splitlines()
    ]
    spans = sorted(
        (dt.datetime.fromisoformat(r["started_at"]), dt.datetime.fromisoformat(r["finished_at"]))
        for r in records
    )
    if len(spans) != 2:
        problems.append(f"{period}: {len(spans)} runs in the run log, expected 2")
    if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)):
        problems.append(f"{period}: two runs held the lock at the same time: {spans}")
    versions = sorted(p.name for p in (out / period / "versions").iterdir())
    if versions != ["v1"]:
        problems.append(f"{period}: versions {versions}, expected only v1 (identical figures)")
    outcomes = sorted(r["outcome"] for r in records)
    if outcomes != ["published", "unchanged"]:
        problems.append(f"{period}: outcomes {outcomes}, expected one published and one unchanged")
    return problems


def overlapped(runs: list[dict[str, Any]], period: str) -> bool:
    """Whether the period's two deployment runs were running at the same time (start to end)."""
    spans = sorted(
        (dt.datetime.fromisoformat(r["start_time"]), dt.datetime.fromisoformat(r["end_time"]))
        for r in runs
        if r["parameters"].get("period") == period
    )
    return len(spans) == 2 and spans[1][0] < spans[0][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", default="2025-01,2025-02,2025-03,2025-04,2025-05,2025-06")
    parser.add_argument("--duplicate", default="2025-03", help="a period submitted twice, to check its lock")
    args = parser.parse_args()
    periods = args.periods.split(",")
    first = periods.index(args.duplicate)
    submitted = [*periods[: first + 1], args.duplicate, *periods[first + 1 :]]
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="scale-out-")))
        prefect_db = stack.enter_context(temporary_database())
        source_url = stack.enter_context(temporary_database())
        inputs = write_source(source_url, source_url, folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "UPPFOLJNING_"))}
        env |= {
            "PREFECT_HOME": str(folder / "prefect-home"),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_db.replace("+psycopg", "+asyncpg"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
            "PREFECT_WORKER_QUERY_SECONDS": "1",  # the default, 10 s, would dominate short runs
        }
        os.environ.clear()
        os.environ.update(env)
        server = start_server(free_port())
        stack.callback(server.stop)
        server.wait_until_ready()
        base = server.api_url
        env["PREFECT_API_URL"] = os.environ["PREFECT_API_URL"] = base
        prefect("work-pool", "create", POOL, "--type", "process")
        os.environ["UPPFOLJNING_CHECKOUT"] = str(ROOT)  # prefect.yaml's pull step
        prefect("deploy", "--all", "--prefect-file", str(ROOT / "prefect.yaml"))
        deployment = api(base, f"/deployments/name/{DEPLOYMENT}")
        print(
            f"Prefect server on PostgreSQL ({redact(prefect_db)}), source {redact(source_url)} (demo), "
            f"{len(submitted)} runs: {', '.join(submitted)}"
        )
        results = {}
        failed = False
        for count in (1, 2):
            out = folder / f"out-{count}"
            worker_env = env | {
                "UPPFOLJNING_LEDGER_URL": source_url,
                "UPPFOLJNING_HR_URL": source_url,
                "UPPFOLJNING_OUT": str(out),
                "UPPFOLJNING_INPUTS": str(inputs),
            }
            workers = start_workers(count, worker_env, base, folder)
            try:
                seconds, runs = backfill(base, deployment["id"], submitted)
            finally:
                stop(workers)
            results[count] = seconds
            states = [r["state"]["type"] for r in runs]
            problems = lock_held(out, args.duplicate)
            completed = states.count("COMPLETED")
            print(
                f"{count} worker(s): {seconds:6.1f} s wall, {completed}/{len(runs)} runs completed; "
                f"{args.duplicate}'s two runs {'ran at the same time' if overlapped(runs, args.duplicate) else 'ran one after the other'}, "
                f"lock {'held' if not problems else 'NOT held: ' + '; '.join(problems)}"
            )
            failed |= completed != len(runs) or bool(problems)
            if completed != len(runs):
                for log in sorted(folder.glob(f"worker-{count}-*.log")):
                    print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        print(f"1 worker / 2 workers: {results[1] / results[2]:.2f}x (load average {os.getloadavg()[0]:.1f})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
