"""Benchmark of the fixed cost of one `uppfoljning run`, beside a trivial Prefect flow. Prints; asserts nothing.

    .venv/bin/python benchmarks/bench_fixed_cost.py [--runs 3] [--period 2025-10] [--api-url URL]

The demo source (SQLite) is generated once. Then, `--runs` times each, back to back:
- `uppfoljning run --period P` of the demo month into a fresh output folder (so the whole package is
  rendered every time), and
- a trivial Prefect flow (one task that returns a number) started the same way: a fresh process, the same
  warm Prefect home and the same server mode: Prefect's temporary local server when no `--api-url` is
  given (our command starts it as its child, the trivial flow as Prefect does by itself), else the running
  server at `--api-url` for both.
Each is timed from outside, wall clock and CPU seconds of the process and its children (the temporary
server included). Our own fixed cost is the run minus the trivial flow. Also timed: `uppfoljning --help`
and `python -c 'import flows.monthly'` (the flow module's imports). The machine is shared: compare the
minimums of several runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
TRIVIAL_FLOW = textwrap.dedent(
    """
    from prefect import flow, task

    @task
    def one() -> int:
        return 1

    @flow(name="trivial")
    def trivial() -> int:
        return one()

    if __name__ == "__main__":
        assert trivial() == 1
    """
)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one command, children included; exits when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-1000:]}\n{done.stderr[-3000:]}"
        )
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def write_source(folder: Path) -> tuple[str, str, Path]:
    from generator import generate_demo
    from generator.demo_files import write_demo_inputs
    from uppfoljning.plan import load_plan

    plan = load_plan(year=2025)
    ledger_url, hr_url = f"sqlite:///{folder / 'ekonomi.db'}", f"sqlite:///{folder / 'hr.db'}"
    generate_demo(ledger_url, hr_url, plan)
    inputs = folder / "indata-2025.yaml"
    write_demo_inputs(inputs, plan)
    return ledger_url, hr_url, inputs


def summary(label: str, runs: list[tuple[float, float]]) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (
        f"{label:<34} wall min {min(walls):5.2f}  median {statistics.median(walls):5.2f}   "
        f"CPU min {min(cpus):5.2f}  median {statistics.median(cpus):5.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--period", default="2025-10")
    parser.add_argument(
        "--api-url", help="a running Prefect server (PREFECT_API_URL) instead of the temporary one"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-fixed-") as tmp:
        folder = Path(tmp)
        ledger_url, hr_url, inputs = write_source(folder)
        (folder / "trivial.py").write_text(TRIVIAL_FLOW, encoding="utf-8")
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PREFECT_", "UPPFOLJNING_"))
        }
        env |= {
            "PREFECT_HOME": str(folder / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        }
        if args.api_url:
            env["PREFECT_API_URL"] = args.api_url

        def our_run(number: int) -> list[str]:
            return [
                str(BIN / "uppfoljning"), "run", "--period", args.period, "--ledger-url", ledger_url,
                "--hr-url", hr_url, "--inputs", str(inputs), "--out", str(folder / f"out-{number}"),
            ]  # fmt: skip

        trivial = [str(BIN / "python"), str(folder / "trivial.py")]
        timed(trivial, env)  # warm-up: the Prefect home's database, the OS caches
        timed(our_run(0), env)
        ours, flows = [], []
        for number in range(1, args.runs + 1):
            flows.append(timed(trivial, env))
            ours.append(timed(our_run(number), env))
        helps = [timed([str(BIN / "uppfoljning"), "--help"], env) for _ in range(args.runs)]
        imports = [timed([str(BIN / "python"), "-c", "import flows.monthly"], env) for _ in range(args.runs)]
    mode = f"server {args.api_url}" if args.api_url else "temporary server"
    print(f"{args.runs} runs each, {mode}, period {args.period}, load average {os.getloadavg()[0]:.1f}")
    print(summary("trivial Prefect flow", flows))
    print(summary(f"uppfoljning run {args.period}", ours))
    for label, index in (("wall", 0), ("CPU", 1)):
        above = [o[index] - f[index] for o, f in zip(ours, flows, strict=True)]
        print(
            f"our fixed cost above the trivial flow ({label}): pairwise min {min(above):5.2f}  "
            f"median {statistics.median(above):5.2f}   min - min {min(o[index] for o in ours) - min(f[index] for f in flows):5.2f}"
        )
    print(summary("uppfoljning --help", helps))
    print(summary("python -c 'import flows.monthly'", imports))


if __name__ == "__main__":
    main()
