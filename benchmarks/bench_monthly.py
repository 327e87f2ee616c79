"""Benchmark of one monthly run's stages on a scaled-up demo source. Prints its figures; asserts nothing.

    .venv/bin/python benchmarks/bench_monthly.py [--scale 30] [--postgres] [--period 2025-10]

The demo source (~33 000 ledger rows, ~800 employees) is generated, then copied `scale` times inside the
database with fresh voucher and person ids (copies stay balanced and valid), so the stages see a realistic
shape at `scale` × the volume. Each stage is timed on its own; memory is the process's peak RSS and
Python's own peak allocation (tracemalloc) during the stage. Every statement sent to a database is counted
(a SQLAlchemy `before_cursor_execute` listener, GX's engines included), per stage and per validation suite.

The floor is measured in the same run: the single aggregate queries that give the economy rows, check
every voucher's balance and sum the HR hours, run directly in the database; validation and the whole
pipeline are shown as multiples of it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from expectations import validate_sources  # noqa: E402
from extract.hr import extract_hr  # noqa: E402
from extract.ledger import extract_ledger  # noqa: E402
from publish.render import render_report  # noqa: E402
from transforms.figures import build_figures  # noqa: E402
from transforms.periods import Month, rolling_window, year_to_date  # noqa: E402
from uppfoljning.demo import generate_demo  # noqa: E402
from uppfoljning.inputs import Inputs  # noqa: E402
from uppfoljning.plan import load_plan  # noqa: E402

LEDGER_COPY = """
INSERT INTO gl_entries (voucher_id, row_no, booking_date, period, account, cost_center, project, amount, description)
SELECT voucher_id || '-{n}', row_no, booking_date, period, account, cost_center, project, amount, description
FROM gl_entries WHERE voucher_id NOT LIKE '%-%'
"""
HR_COPIES = [
    "INSERT INTO employees SELECT person_id || '-{n}', birth_year, sex FROM employees WHERE person_id NOT LIKE '%-%'",
    "INSERT INTO employments SELECT employment_id || '-{n}', person_id || '-{n}', cost_center, employment_type,"
    " start_date, end_date, end_reason, work_rate FROM employments WHERE employment_id NOT LIKE '%-%'",
    "INSERT INTO scheduled_hours SELECT person_id || '-{n}', period, hours FROM scheduled_hours"
    " WHERE person_id NOT LIKE '%-%'",
    "INSERT INTO sick_leave SELECT person_id || '-{n}', spell_id || '-{n}', spell_start, spell_end, period, hours"
    " FROM sick_leave WHERE person_id NOT LIKE '%-%'",
]


FLOOR = {
    # Economy rows: the actuals and the approved budget, summed in the database (as extract.ledger does).
    "economy rows": (
        "ledger",
        "SELECT period, account, project, SUM(amount) FROM gl_entries WHERE period BETWEEN {ytd_first} AND"
        " {last} GROUP BY period, account, project",
        "SELECT period, account, SUM(amount) FROM budget_entries WHERE budget_version = '{version}'"
        " AND period BETWEEN {ytd_first} AND {year_last} GROUP BY period, account",
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


class QueryCounter:
    """Counts the statements every SQLAlchemy engine of the process sends, by the database they go to."""

    def __init__(self, suite_of_url: dict[str, str]) -> None:
        self.suite_of_url = suite_of_url
        self.counts: dict[str, int] = {}
        event.listen(sa.Engine, "before_cursor_execute", self._count)

    def _count(self, conn: sa.Connection, *args: Any) -> None:
        suite = self.suite_of_url.get(conn.engine.url.render_as_string(hide_password=False), "other")
        self.counts[suite] = self.counts.get(suite, 0) + 1

    def total(self) -> int:
        return sum(self.counts.values())

    def snapshot(self) -> dict[str, int]:
        return dict(self.counts)


def scale_up(url: str, statements: list[str], copies: int) -> None:
    with sa.create_engine(url).begin() as conn:
        for n in range(1, copies):
            for statement in statements:
                conn.execute(sa.text(statement.format(n=n)))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, fn: Callable[[], Any]) -> Any:
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{name:<22} {seconds:8.2f} s   python peak {python_peak / 2**20:8.1f} MiB   rss peak {peak_rss_mib():8.1f} MiB"
    )
    return result


@contextlib.contextmanager
def sources(postgres: bool) -> Iterator[tuple[str, str]]:
    if not postgres:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/ledger.db", f"sqlite:///{folder}/hr.db"
        return
    admin = sa.create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    name = f"uppf_bench_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        # One database; the application name tells the query counter which source a statement reads.
        yield f"{url}?application_name=ledger", f"{url}?application_name=hr"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))


def floor(ledger_url: str, hr_url: str, month: Month, plan: Any) -> float:
    """Run the floor's queries directly, print each one's time, return the total seconds."""
    values = {
        "ytd_first": month.year * 100 + 1,
        "last": month.yyyymm,
        "year_last": month.year * 100 + 12,
        "hr_first": month.plus(-(plan.definitions.sick_leave.window_months - 1)).yyyymm,
        "version": plan.approved_budget_version,
    }
    total = 0.0
    for name, (source, *queries) in FLOOR.items():
        engine = sa.create_engine(ledger_url if source == "ledger" else hr_url)
        try:
            with engine.connect() as conn:
                started = time.perf_counter()
                for query in queries:
                    conn.execute(sa.text(query.format(**values))).all()
                seconds = time.perf_counter() - started
        finally:
            engine.dispose()
        print(f"  floor {name:<16} {seconds:6.2f} s")
        total += seconds
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=30, help="copies of the demo source (default 30)")
    parser.add_argument("--postgres", action="store_true", help="use a fresh database on 127.0.0.1:5432")
    parser.add_argument("--period", default="2025-10")
    args = parser.parse_args()
    plan = load_plan()
    month = Month.parse(args.period)
    import great_expectations  # noqa: F401 - imported once before timing: a one-off cost, not the stage's

    with sources(args.postgres) as (ledger_url, hr_url):
        generate_demo(ledger_url, hr_url, plan)
        measure(
            "scale up source",
            lambda: (
                scale_up(ledger_url, [LEDGER_COPY], args.scale),
                scale_up(hr_url, HR_COPIES, args.scale),
            ),
        )
        with sa.create_engine(ledger_url).connect() as conn:
            gl_rows = conn.execute(sa.text("SELECT count(*) FROM gl_entries")).scalar_one()
        with sa.create_engine(hr_url).connect() as conn:
            persons = conn.execute(sa.text("SELECT count(*) FROM employees")).scalar_one()
        print(
            f"source: {'PostgreSQL' if args.postgres else 'SQLite'}, {gl_rows} gl_entries rows, {persons} persons, period {month}"
        )

        counter = QueryCounter({ledger_url: "ledger", hr_url: "hr"})
        floor_seconds = measure("floor (direct SQL)", lambda: floor(ledger_url, hr_url, month, plan))
        before = counter.snapshot()
        report = measure(
            "validate (GX, in db)",
            lambda: validate_sources(ledger_url, hr_url, plan, month.year, month.month),
        )
        queries = {suite: n - before.get(suite, 0) for suite, n in counter.snapshot().items()}
        print(f"  validation passed={report.passed}, checks={report.checks_run}")
        for suite, seconds in report.seconds_by_suite.items():
            print(f"  suite {suite:<7} {seconds:6.2f} s   {queries.get(suite, 0):4d} queries")
        validation_seconds = sum(report.seconds_by_suite.values())
        started = time.perf_counter()
        ledger_engine, hr_engine = sa.create_engine(ledger_url), sa.create_engine(hr_url)
        definitions = plan.definitions
        ledger = measure(
            "extract ledger", lambda: extract_ledger(ledger_engine, month, plan.approved_budget_version)
        )
        previous = plan.previous_report_month(month.month)
        previous_ledger = (
            None
            if previous is None
            else measure(
                "extract ledger of the previous report",
                lambda: extract_ledger(
                    ledger_engine, Month(month.year, previous), plan.approved_budget_version
                ),
            )
        )
        window = rolling_window(month, 12)
        hr = measure(
            "extract hr",
            lambda: extract_hr(hr_engine, month, window, window, year_to_date(month), definitions),
        )
        print(
            f"  rows reaching pandas: ledger {len(ledger.actuals) + len(ledger.budget)}, hr {len(hr.sick_rolling) + len(hr.sick_ytd)} groups"
        )
        figures = measure(
            "compute figures",
            lambda: build_figures(
                plan,
                Inputs(year=month.year),
                month,
                plan.report_kind(month.month),
                ledger,
                hr,
                {"status": "passed", "checks": []},
                previous_ledger=previous_ledger,
                generated_at=datetime.datetime.now(),
            ),
        )
        measure("render report", lambda: render_report({**figures, "version": 1}, plan))
        pipeline = time.perf_counter() - started + validation_seconds
        print(
            f"floor {floor_seconds:.2f} s; validation {validation_seconds:.2f} s"
            f" = {validation_seconds / floor_seconds:.1f}x floor; validate + extract + compute + render"
            f" {pipeline:.2f} s = {pipeline / floor_seconds:.1f}x floor"
        )
        print(
            f"  turnover {figures['indicators']['personalomsattning']['value']:.2f} %, sick leave {figures['indicators']['sjukfranvaro']['value']:.2f} %"
        )


if __name__ == "__main__":
    main()
