"""The source generator: the contract's ledger and HR sources of a fictitious regional office, at a size.

`generate_demo` writes the demo office (about 800 employees, ~33 000 ledger rows) for the plan year and the
year before, so that rolling 12-month windows are full from January of the plan year; `uppfoljning demo`
and the tests use it. `generate_source` writes the same office scaled to a size (`scale.SIZES`: demo,
scale120, region) inside the database, for the benchmarks; both create the indexes the source contract
recommends (extract.sources.RECOMMENDED_INDEXES) unless `indexes=False`.

Everything random comes from `random.Random` streams seeded by `seed`: the same seed gives identical
tables. The parts: `organisation` (cost centres and staff numbers), `ledger`, `hr`, `demo_files` (the
inputs, recipients and filled-in comment sheets the demo writes), `scale`, `database` (writing, COPY,
indexes), `common` (exact splits, the calendar).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from extract import sources
from generator.database import create_recommended_indexes, write_tables
from generator.hr import hr_source
from generator.ledger import ledger_source
from generator.scale import HR_IDS, LEDGER_IDS, SIZES, Size, scale_up
from uppfoljning.plan import Plan

__all__ = ["SIZES", "DemoSummary", "Size", "generate_demo", "generate_source"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoSummary:
    """What was written, for a log line. Counts only: never person-level data."""

    seed: int
    persons: int
    employments: int
    scheduled_hours_rows: int
    sick_spells: int
    sick_leave_rows: int
    cost_centers: int
    budget_rows: int
    vouchers: int
    gl_rows: int
    investment_projects: int
    size: str = "demo"

    def __str__(self) -> str:
        what = "demo data" if self.size == "demo" else f"source of size {self.size}"
        return (
            f"{what} (seed {self.seed}): {self.persons} persons, {self.employments} employments, "
            f"{self.scheduled_hours_rows} scheduled-hours rows, {self.sick_spells} sick-leave spells "
            f"({self.sick_leave_rows} rows), {self.cost_centers} cost centres, {self.budget_rows} budget rows, "
            f"{self.vouchers} vouchers ({self.gl_rows} rows), {self.investment_projects} investment-project rows"
        )


def generate_demo(
    ledger_url: str, hr_url: str, plan: Plan, seed: int = 2025, *, indexes: bool = True
) -> DemoSummary:
    """(Re)create the contract's source tables and fill them with the demo office's plan year and year before.

    Existing tables are dropped first, so a rerun gives the same contents. `ledger_url` and `hr_url` may
    name the same database.
    """
    return generate_source(ledger_url, hr_url, plan, "demo", seed=seed, indexes=indexes)


def generate_source(
    ledger_url: str,
    hr_url: str,
    plan: Plan,
    size: str | Size = "demo",
    *,
    seed: int = 2025,
    indexes: bool = True,
    progress: Progress | None = None,
) -> DemoSummary:
    """The demo office at `size` (a name of `SIZES` or a `Size`): generated, written, scaled inside the
    database, indexed. `progress` is told each step in a few words (a step can take minutes at region size).
    """
    size = SIZES[size] if isinstance(size, str) else size
    say = progress or (lambda _: None)
    say("generating the demo office's ledger and HR rows")
    hr = hr_source(seed, date(plan.year - 1, 1, 1), date(plan.year, 12, 31))
    ledger = ledger_source(plan, seed)
    say("writing the ledger source")
    write_tables(ledger_url, sources.ledger_metadata, ledger.rows)
    say("writing the HR source")
    write_tables(hr_url, sources.hr_metadata, hr.rows)
    scale_up(ledger_url, LEDGER_IDS, size.ledger_factor, say)
    scale_up(hr_url, HR_IDS, size.hr_factor, say)
    if indexes:
        say("creating the recommended indexes")
        create_recommended_indexes(ledger_url, sources.LEDGER_TABLES)
        create_recommended_indexes(hr_url, sources.HR_TABLES)
    base = DemoSummary(
        seed=seed,
        persons=len(hr.rows[sources.employees]),
        employments=len(hr.rows[sources.employments]),
        scheduled_hours_rows=len(hr.rows[sources.scheduled_hours]),
        sick_spells=hr.sick_spells,
        sick_leave_rows=len(hr.rows[sources.sick_leave]),
        cost_centers=len(ledger.rows[sources.cost_centers]),
        budget_rows=len(ledger.rows[sources.budget_entries]),
        vouchers=ledger.vouchers,
        gl_rows=len(ledger.rows[sources.gl_entries]),
        investment_projects=len(ledger.rows[sources.investment_projects]),
    )
    h, g = size.hr_factor, size.ledger_factor
    return dataclasses.replace(
        base,
        size=size.name,
        persons=base.persons * h,
        employments=base.employments * h,
        scheduled_hours_rows=base.scheduled_hours_rows * h,
        sick_spells=base.sick_spells * h,
        sick_leave_rows=base.sick_leave_rows * h,
        vouchers=base.vouchers * g,
        gl_rows=base.gl_rows * g,
    )
