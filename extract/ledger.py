"""Ledger extract: actuals, periodised budget and investment projects, aggregated in the database."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from extract.sources import LedgerTables, ledger_tables
from extract.sql import frame
from transforms.periods import Month


@dataclass(frozen=True)
class LedgerExtract:
    actuals: pd.DataFrame
    """period, account, project (None when none), amount: gl_entries summed, periods Jan..M of the year."""
    budget: pd.DataFrame
    """period, account, amount: the approved budget version summed, all twelve periods of the year."""
    projects: pd.DataFrame
    """project, name, category, budget: the investment projects' rows of the report year."""


def extract_ledger(
    engine: sa.Engine, report_month: Month, budget_version: str, tables: LedgerTables | None = None
) -> LedgerExtract:
    """`tables`: the ledger source's tables under the region's mapping (default: the contract's names)."""
    tables = tables or ledger_tables()
    gl_entries, budget_entries, investment_projects = (
        tables.gl_entries,
        tables.budget_entries,
        tables.investment_projects,
    )
    first, last = Month(report_month.year, 1), report_month
    actuals_query = (
        sa.select(
            gl_entries.c.period,
            gl_entries.c.account,
            gl_entries.c.project,
            sa.func.sum(gl_entries.c.amount).label("amount"),
        )
        # Only the report year up to M: later periods exist when an old month is rerun.
        .where(gl_entries.c.period.between(first.yyyymm, last.yyyymm))
        .group_by(gl_entries.c.period, gl_entries.c.account, gl_entries.c.project)
    )
    budget_query = (
        sa.select(
            budget_entries.c.period,
            budget_entries.c.account,
            sa.func.sum(budget_entries.c.amount).label("amount"),
        )
        # Preliminary versions live in the same table and must never count.
        .where(budget_entries.c.budget_version == budget_version)
        .where(budget_entries.c.period.between(first.yyyymm, Month(report_month.year, 12).yyyymm))
        .group_by(budget_entries.c.period, budget_entries.c.account)
    )
    projects_query = sa.select(
        investment_projects.c.project,
        investment_projects.c.name,
        investment_projects.c.category,
        investment_projects.c.budget,
    ).where(investment_projects.c.year == report_month.year)
    with engine.connect() as conn:
        actuals = frame(conn, actuals_query, ["period", "account", "project", "amount"])
        budget = frame(conn, budget_query, ["period", "account", "amount"])
        projects = frame(conn, projects_query, ["project", "name", "category", "budget"])
    for table in (actuals, budget, projects):
        amount_column = "budget" if "budget" in table.columns else "amount"
        table[amount_column] = table[amount_column].astype(float).round(2)
    return LedgerExtract(actuals=actuals, budget=budget, projects=projects)
