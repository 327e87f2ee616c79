"""Benchmark of one monthly run's stages on a generated source of a given size. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_monthly.py [--size demo|scale120|region] [--sizes demo,scale120]
        [--ledger-scale N --hr-scale M] [--postgres] [--no-indexes] [--period 2025-10]

The source is written by the generator (`generator.generate_source`: the demo office scaled inside the
database with fresh voucher and person ids, COPY into PostgreSQL, the contract's recommended indexes unless
`--no-indexes`). One monthly run's stages then run in a child process, so that generating the data does not
count in their memory: validate, extract ledger (the month and the previous report's month), extract HR,
compute figures, render. Per stage: wall-clock seconds, peak RSS of the stage (the kernel's high-water
mark, reset before each stage), and the statements sent to each source (a SQLAlchemy
`before_cursor_execute` listener, GX's engines included).

The floor is measured in the same child, before the stages: the single aggregate queries that give the
economy rows, check every voucher's balance and sum the HR hours, run directly in the database. The
pipeline (validate + extract + compute + render) is printed as a multiple of it. With `--sizes`, each size
is run in turn and a last table shows the ledger rows per second of the pipeline: equal figures mean
the cost grows linearly with the volume.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import SIZES, Size, generate_source  # noqa: E402
from transforms.periods import Month, rolling_window, year_to_date  # noqa: E402
from uppfoljning.plan import Plan, load_plan  # noqa: E402

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STAGES = ("validate", "extract ledger", "extract HR", "compute figures", "render report")
RESULT_PREFIX = "RESULT "

FLOOR = {
    # Economy rows: the actuals and the approved budget, summed in the database (as extract.ledger does).
    "economy rows": (
        "ledger",
        "SELECT period, account, cost_center, project, SUM(amount) FROM gl_entries WHERE period BETWEEN"
        " {ytd_first} AND {last} GROUP BY period, account, cost_center, project",
        "SELECT period, account, cost_center, SUM(amount) FROM budget_entries WHERE budget_version = '{version}'"
        " AND period BETWEEN {ytd_first} AND {year_last} GROUP BY period, account, cost_center",
    ),
    # Every voucher's balance over the year to date.
    "voucher balance": (
        "ledger",
        "SELECT voucher_id FROM gl_entries WHERE period BETWEEN {ytd_first} AND {last}"
        " GROUP BY voucher_id HAVING ABS(SUM(amount)) >= 0.005",
    ),
    # The HR hours of the window: scheduled and sick hours summed per month.
    "HR hours": (
        "hr",
        "SELECT period, SUM(hours) FROM scheduled_hours WHERE period BETWEEN {hr_first} AND {last} GROUP BY period",
        "SELECT period, SUM(hours) FROM sick_leave WHERE period BETWEEN {hr_first} AND {last} GROUP BY period",
    ),
}


# --- the parent: sources, sizes, the printed tables ----------------------------------------------------
@contextlib.contextmanager
def sources(postgres: bool) -> Iterator[tuple[str, str]]:
    """(ledger URL, HR URL) of a fresh, empty source: two SQLite files, or one PostgreSQL database."""
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="bench-monthly-") as folder:
            yield f"sqlite:///{folder}/ledger.db", f"sqlite:///{folder}/hr.db"
        return
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"uppf_bench_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        url = sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        # One database; the application name tells the statement counter which source a statement reads.
        yield f"{url}?application_name=ledger", f"{url}?application_name=hr"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


def count_rows(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def run_size(size: Size, args: argparse.Namespace, plan: Plan) -> dict[str, Any]:
    """Generate the source of `size`, run the stages in a child process, print and return the figures."""
    engine_name = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"== size {size.name} (ledger × {size.ledger_factor}, HR × {size.hr_factor}) on {engine_name}",
        flush=True,
    )
    with sources(args.postgres) as (ledger_url, hr_url):
        started = time.perf_counter()

        def progress(step: str) -> None:
            print(f"  [{time.perf_counter() - started:7.1f} s] {step}", flush=True)

        generate_source(ledger_url, hr_url, plan, size, indexes=not args.no_indexes, progress=progress)
        # The freshly written files to disk now, not while the stages run (writeback competes for the disk).
        os.sync()
        generated = time.perf_counter() - started
        gl_rows, persons = count_rows(ledger_url, "gl_entries"), count_rows(hr_url, "employees")
        hr_rows = count_rows(hr_url, "scheduled_hours") + count_rows(hr_url, "sick_leave")
        print(
            f"source: {gl_rows:,} gl_entries rows, {persons:,} persons, generated in {generated:.1f} s;"
            f" indexes {'no' if args.no_indexes else 'yes'}; period {args.period}",
            flush=True,
        )
        child = subprocess.run(
            [sys.executable, __file__, "--child", json.dumps([ledger_url, hr_url, args.period])],
            capture_output=True,
            text=True,
            check=False,
        )
    if child.returncode != 0:
        sys.exit(f"the monthly run failed ({child.returncode}):\n{child.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(
        next(line for line in child.stdout.splitlines() if line.startswith(RESULT_PREFIX))[
            len(RESULT_PREFIX) :
        ]
    )
    result.update(size=size.name, gl_rows=gl_rows, persons=persons, hr_rows=hr_rows)
    print_result(result)
    return result


def print_result(result: dict[str, Any]) -> None:
    print(f"{'':<26}{'seconds':>9}{'peak RSS MiB':>14}{'statements':>12}")
    for name, seconds in result["floor_parts"].items():
        print(f"  floor: {name:<17}{seconds:9.2f}")
    print(f"{'floor':<26}{result['floor']:9.2f}")
    for stage in STAGES:
        figures = result["stages"][stage]
        print(f"{stage:<26}{figures['seconds']:9.2f}{figures['rss_mib']:14.0f}{figures['statements']:12d}")
        for detail in figures.get("details", []):
            print(f"  {detail}")
    pipeline, floor = result["pipeline"], result["floor"]
    print(
        f"pipeline (validate + extract + compute + render) {pipeline:.2f} s; floor {floor:.2f} s;"
        f" pipeline / floor {pipeline / floor:.1f}x; peak RSS {result['peak_rss_mib']:.0f} MiB;"
        f" {result['gl_rows'] / pipeline:,.0f} ledger rows/s",
        flush=True,
    )


def print_growth(results: list[dict[str, Any]]) -> None:
    """Rows per second of each source's work (its validation suite and its extract): equal at every size
    when the cost grows linearly."""
    print("== growth: the same run at each size (ledger: validate ledger + extract ledger; HR likewise)")
    header = (
        "size",
        "gl rows",
        "ledger s",
        "ledger rows/s",
        "HR rows",
        "HR s",
        "HR rows/s",
        "pipeline / floor",
    )
    print(f"{header[0]:<10}" + "".join(f"{h:>17}" for h in header[1:]))
    for r in results:
        stages, suites = r["stages"], r["seconds_by_suite"]
        ledger = suites.get("ledger", 0.0) + stages["extract ledger"]["seconds"]
        hr = suites.get("hr", 0.0) + stages["extract HR"]["seconds"]
        figures = (
            f"{r['gl_rows']:,}",
            f"{ledger:.2f}",
            f"{r['gl_rows'] / ledger:,.0f}",
            f"{r['hr_rows']:,}",
            f"{hr:.2f}",
            f"{r['hr_rows'] / hr:,.0f}",
            f"{r['pipeline'] / r['floor']:.1f}x",
        )
        print(f"{r['size']:<10}" + "".join(f"{f:>17}" for f in figures))


# --- the child: floor and stages --------------------------------------------------------------------------
class StatementCounter:
    """Counts the statements every SQLAlchemy engine of the process sends, by the source they go to."""

    def __init__(self, source_of_url: dict[str, str]) -> None:
        self.source_of_url = source_of_url
        self.by_source: dict[str, int] = {}
        event.listen(sa.Engine, "before_cursor_execute", self._count)

    def _count(self, conn: sa.Connection, *args: Any) -> None:
        source = self.source_of_url.get(conn.engine.url.render_as_string(hide_password=False), "other")
        self.by_source[source] = self.by_source.get(source, 0) + 1

    def since(self, before: dict[str, int]) -> dict[str, int]:
        return {
            source: n - before.get(source, 0)
            for source, n in self.by_source.items()
            if n > before.get(source, 0)
        }


def reset_peak_rss() -> None:
    """Reset the kernel's peak-RSS mark of this process (Linux), so a stage's peak is its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mib() -> float:
    """The peak RSS since the last reset (VmHWM), or since the start where it cannot be reset."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(ledger_url: str, hr_url: str, month: Month, plan: Plan) -> dict[str, float]:
    """The floor's queries run directly in the database: seconds per group."""
    values = {
        "ytd_first": month.year * 100 + 1,
        "last": month.yyyymm,
        "year_last": month.year * 100 + 12,
        "hr_first": month.plus(-(plan.definitions.sick_leave.window_months - 1)).yyyymm,
        "version": plan.approved_budget_version,
    }
    seconds: dict[str, float] = {}
    for name, (source, *queries) in FLOOR.items():
        engine = sa.create_engine(ledger_url if source == "ledger" else hr_url)
        try:
            with engine.connect() as conn:
                started = time.perf_counter()
                for query in queries:
                    conn.execute(sa.text(query.format(**values))).all()
                seconds[name] = time.perf_counter() - started
        finally:
            engine.dispose()
    return seconds


def extract_hr_of(hr_engine: sa.Engine, month: Month, plan: Plan) -> Any:
    """The HR extract as the monthly flow calls it (the one place to follow a change of its signature)."""
    from extract.hr import extract_hr

    window = rolling_window(month, 12)
    return extract_hr(hr_engine, month, window, window, year_to_date(month), plan.definitions)


def child(ledger_url: str, hr_url: str, period: str) -> None:
    import great_expectations  # noqa: F401 - imported before timing: a one-off cost of the process

    from expectations import validate_sources
    from extract.ledger import extract_with_previous
    from publish.render import render_report
    from transforms.figures import build_figures
    from uppfoljning.inputs import Inputs

    plan = load_plan()
    month = Month.parse(period)
    floor_parts = floor(ledger_url, hr_url, month, plan)
    counter = StatementCounter({ledger_url: "ledger", hr_url: "hr"})
    ledger_engine, hr_engine = sa.create_engine(ledger_url), sa.create_engine(hr_url)
    stages: dict[str, dict[str, Any]] = {}
    values: dict[str, Any] = {}

    def measure(stage: str, fn: Callable[[], Any]) -> None:
        reset_peak_rss()
        before = dict(counter.by_source)
        started = time.perf_counter()
        values[stage] = fn()
        seconds = time.perf_counter() - started
        statements = counter.since(before)
        stages[stage] = {
            "seconds": seconds,
            "rss_mib": peak_rss_mib(),
            "statements": sum(statements.values()),
            "statements_by_source": statements,
        }

    def ledgers() -> tuple[Any, Any]:
        previous = plan.previous_report_month(month.month)
        return extract_with_previous(ledger_engine, month, previous, plan.approved_budget_version)

    measure("validate", lambda: validate_sources(ledger_url, hr_url, plan, month.year, month.month))
    measure("extract ledger", ledgers)
    measure("extract HR", lambda: extract_hr_of(hr_engine, month, plan))
    ledger, previous_ledger = values["extract ledger"]
    measure(
        "compute figures",
        lambda: build_figures(
            plan,
            Inputs(year=month.year),
            month,
            plan.report_kind(month.month),
            ledger,
            values["extract HR"],
            {"status": "passed", "checks": []},
            previous_ledger=previous_ledger,
            generated_at=datetime.datetime.now(),
        ),
    )
    measure("render report", lambda: render_report({**values["compute figures"], "version": 1}, plan))
    report = values["validate"]
    stages["validate"]["details"] = [
        f"passed={report.passed}, checks={report.checks_run}; "
        + "; ".join(
            f"suite {suite} {seconds:.2f} s ({stages['validate']['statements_by_source'].get(suite, 0)} statements)"
            for suite, seconds in report.seconds_by_suite.items()
        )
    ]
    indicators = values["compute figures"]["indicators"]
    stages["compute figures"]["details"] = [
        f"turnover {indicators['personalomsattning']['value']:.2f} %,"
        f" sick leave {indicators['sjukfranvaro']['value']:.2f} %"
    ]
    result = {
        "floor_parts": floor_parts,
        "floor": sum(floor_parts.values()),
        "seconds_by_suite": report.seconds_by_suite,
        "stages": stages,
        "pipeline": sum(stage["seconds"] for stage in stages.values()),
        "peak_rss_mib": max(stage["rss_mib"] for stage in stages.values()),
    }
    print(RESULT_PREFIX + json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="scale120")
    parser.add_argument("--sizes", help="several sizes in turn, comma-separated (e.g. demo,scale120)")
    parser.add_argument("--ledger-scale", type=int, help="a size of your own: copies of the demo's ledger")
    parser.add_argument("--hr-scale", type=int, help="a size of your own: copies of the demo's persons")
    parser.add_argument("--postgres", action="store_true", help="use a fresh database on 127.0.0.1:5432")
    parser.add_argument("--no-indexes", action="store_true", help="without the recommended indexes")
    parser.add_argument("--period", default="2025-10")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*json.loads(args.child))
        return
    if args.ledger_scale or args.hr_scale:
        sizes = [Size("custom", args.ledger_scale or 1, args.hr_scale or 1)]
    elif args.sizes:
        unknown = [name for name in args.sizes.split(",") if name not in SIZES]
        if unknown:
            parser.error(f"unknown sizes {unknown}; known: {', '.join(SIZES)}")
        sizes = [SIZES[name] for name in args.sizes.split(",")]
    else:
        sizes = [SIZES[args.size]]
    plan = load_plan()
    results = [run_size(size, args, plan) for size in sizes]
    if len(results) > 1:
        print_growth(results)


if __name__ == "__main__":
    main()
