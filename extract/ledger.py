"""Ledger extract: actuals, periodised budget, investment projects and cost centres, aggregated in the database.

Amounts leave the database as whole öre (int64): each row is turned into öre before it is summed
(extract.sql.hundredths), so sums over millions of rows are exact. They stay integers through the
transforms; transforms.figures turns them into SEK once, when figures.json is assembled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from extract.sources import LedgerTables, ledger_tables
from extract.sql import frame, hundredths, total
from transforms.periods import Month

ACTUALS_COLUMNS = ["period", "account", "cost_center", "project", "amount_ore"]
BUDGET_COLUMNS = ["period", "account", "cost_center", "amount_ore"]
PROJECT_COLUMNS = ["project", "name", "category", "budget_ore"]
COST_CENTER_COLUMNS = ["cost_center", "name", "parent"]


@dataclass(frozen=True)
class LedgerExtract:
    """What one report needs from the ledger source; every amount in integer öre, ledger sign.

    The frames are small (one row per group, not per voucher row) and are what the report package's
    drill-down by cost centre and by account reads.
    """

    actuals: pd.DataFrame
    """`gl_entries` summed per (period, account, cost_center, project), periods Y01..YM of the report year
    only (later periods exist when an old month is rerun).

    Columns: `period` (int, YYYYMM), `account` (str), `cost_center` (str), `project` (str, None when the
    rows carry none; object dtype), `amount_ore` (int64, debit positive, credit negative).
    """
    budget: pd.DataFrame
    """The plan's approved budget version summed per (period, account, cost_center), all twelve months of
    the report year (other versions share the table and never count).

    Columns: `period` (int, YYYYMM), `account` (str), `cost_center` (str), `amount_ore` (int64).
    """
    projects: pd.DataFrame
    """The report year's `investment_projects` rows.

    Columns: `project` (str, the region's id), `name` (str, as in the plan), `category` (str),
    `budget_ore` (int64, that year's investment budget).
    """
    cost_centers: pd.DataFrame
    """The `cost_centers` table as it is (a few dozen rows).

    Columns: `cost_center` (str), `name` (str), `parent` (str, None at the top of the roll-up).
    """


def extract_ledger(
    engine: sa.Engine, report_month: Month, budget_version: str, tables: LedgerTables | None = None
) -> LedgerExtract:
    """`tables`: the ledger source's tables under the region's mapping (default: the contract's names)."""
    (extract,) = extract_ledger_months(engine, [report_month], budget_version, tables)
    return extract


def extract_with_previous(
    engine: sa.Engine,
    report_month: Month,
    previous_month: int | None,
    budget_version: str,
    tables: LedgerTables | None = None,
) -> tuple[LedgerExtract, LedgerExtract | None]:
    """The report month's extract and the previous report's (month `previous_month` of the same year; None
    when there is none), from one set of statements (extract_ledger_months)."""
    if previous_month is None:
        return extract_ledger(engine, report_month, budget_version, tables), None
    current, previous = extract_ledger_months(
        engine, [report_month, Month(report_month.year, previous_month)], budget_version, tables
    )
    return current, previous


def extract_ledger_months(
    engine: sa.Engine, months: Sequence[Month], budget_version: str, tables: LedgerTables | None = None
) -> list[LedgerExtract]:
    """The extract of each of `months` (one year's: the report month and the previous report's month),
    equal to extract_ledger of each, from one set of statements: the economy rows are read once, up to the
    latest month, and an earlier month's are the rows of its year to date among them (the rows are sums
    per period, so they are the same rows). The budget, projects and cost centres are the year's, shared.
    Reading the year to date once instead of once per month: 0.58 s -> 0.35 s at 4 million entries."""
    years = {month.year for month in months}
    if len(years) != 1:
        raise ValueError(f"the months of one extract are of one year, not {sorted(years)}")
    (year,) = years
    tables = tables or ledger_tables()
    gl_entries, budget_entries, investment_projects, cost_centers = (
        tables.gl_entries,
        tables.budget_entries,
        tables.investment_projects,
        tables.cost_centers,
    )
    first, last = Month(year, 1), max(months, key=lambda month: month.yyyymm)
    actuals_query = (
        sa.select(
            gl_entries.c.period,
            gl_entries.c.account,
            gl_entries.c.cost_center,
            gl_entries.c.project,
            total(hundredths(gl_entries.c.amount)),
        )
        # Only the report year up to M: later periods exist when an old month is rerun.
        .where(gl_entries.c.period.between(first.yyyymm, last.yyyymm))
        .group_by(gl_entries.c.period, gl_entries.c.account, gl_entries.c.cost_center, gl_entries.c.project)
    )
    budget_query = (
        sa.select(
            budget_entries.c.period,
            budget_entries.c.account,
            budget_entries.c.cost_center,
            total(hundredths(budget_entries.c.amount)),
        )
        # Preliminary versions live in the same table and must never count.
        .where(budget_entries.c.budget_version == budget_version)
        .where(budget_entries.c.period.between(first.yyyymm, Month(year, 12).yyyymm))
        .group_by(budget_entries.c.period, budget_entries.c.account, budget_entries.c.cost_center)
    )
    projects_query = sa.select(
        investment_projects.c.project,
        investment_projects.c.name,
        investment_projects.c.category,
        hundredths(investment_projects.c.budget),
    ).where(investment_projects.c.year == year)
    cost_centers_query = sa.select(cost_centers.c.cost_center, cost_centers.c.name, cost_centers.c.parent)
    with engine.connect() as conn:
        actuals = frame(conn, actuals_query, ACTUALS_COLUMNS)
        budget = frame(conn, budget_query, BUDGET_COLUMNS)
        projects = frame(conn, projects_query, PROJECT_COLUMNS)
        centers = frame(conn, cost_centers_query, COST_CENTER_COLUMNS)
    for table, column in ((actuals, "amount_ore"), (budget, "amount_ore"), (projects, "budget_ore")):
        table[column] = table[column].astype("int64")
    actuals["period"] = actuals["period"].astype("int64")
    budget["period"] = budget["period"].astype("int64")
    actuals["project"] = _none_when_missing(actuals["project"])
    centers["parent"] = _none_when_missing(centers["parent"])
    return [
        LedgerExtract(
            actuals=actuals[actuals["period"] <= month.yyyymm].reset_index(drop=True),
            budget=budget.copy(),
            projects=projects.copy(),
            cost_centers=centers.copy(),
        )
        for month in months
    ]


def _none_when_missing(column: pd.Series) -> pd.Series:
    """A text column whose missing values are None (pandas would infer NaN), as the docstrings promise."""
    as_objects = column.astype(object)
    return as_objects.where(as_objects.notna(), None)
