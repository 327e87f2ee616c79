"""HR extract: headcounts, leavers and sick-leave sums per group, all computed in the database.

No person-level row leaves the database: every query returns counts or sums per month-end or per
(sex, age group), and the group sizes needed for suppression.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from extract.sources import HrTables, hr_tables
from extract.sql import days_between, frame
from transforms.periods import Month, Window
from uppfoljning.plan import Definitions

SICK_GROUP_COLUMNS = ["sex", "age_group", "persons", "scheduled_hours", "sick_hours", "long_term_hours"]


@dataclass(frozen=True)
class HrExtract:
    headcounts: list[int]
    """Permanent employees at each month-end of the turnover window, oldest first."""
    leavers: int
    """Permanent employments that ended within the turnover window."""
    sick_rolling: pd.DataFrame
    """SICK_GROUP_COLUMNS per (sex, age group) over the rolling sick-leave window."""
    sick_ytd: pd.DataFrame
    """The same over the year to date."""


def extract_hr(
    engine: sa.Engine,
    report_month: Month,
    turnover_window: Window,
    sick_window: Window,
    ytd: Window,
    definitions: Definitions,
    tables: HrTables | None = None,
) -> HrExtract:
    """`tables`: the HR source's tables under the region's mapping (default: the contract's names)."""
    tables = tables or hr_tables()
    employments = tables.employments
    turnover = definitions.turnover
    with engine.connect() as conn:
        headcounts = [
            conn.execute(_headcount_query(day, turnover.employment_types, tables)).scalar_one()
            for day in turnover_window.month_ends
        ]
        leavers = conn.execute(
            sa.select(sa.func.count())
            .select_from(employments)
            .where(employments.c.employment_type.in_(turnover.employment_types))
            .where(employments.c.end_reason.in_(turnover.end_reasons))
            .where(
                employments.c.end_date.between(turnover_window.first.first_day, turnover_window.last.last_day)
            )
        ).scalar_one()
        sick_rolling = _sick_by_group(conn, sick_window, report_month, definitions, tables)
        sick_ytd = _sick_by_group(conn, ytd, report_month, definitions, tables)
    return HrExtract(
        headcounts=[int(h) for h in headcounts],
        leavers=int(leavers),
        sick_rolling=sick_rolling,
        sick_ytd=sick_ytd,
    )


def _headcount_query(day: dt.date, employment_types: list[str], tables: HrTables) -> sa.Select:
    employments = tables.employments
    return (
        sa.select(sa.func.count(sa.distinct(employments.c.person_id)))
        .where(employments.c.employment_type.in_(employment_types))
        .where(employments.c.start_date <= day)
        .where(sa.or_(employments.c.end_date.is_(None), employments.c.end_date >= day))
    )


def _age_group(report_year: int, definitions: Definitions, tables: HrTables) -> sa.ColumnElement[str]:
    """Age at the end of the period = report year - birth year, banded as the plan says."""
    employees = tables.employees
    age = sa.literal(report_year, sa.Integer) - employees.c.birth_year
    whens = []
    for group in definitions.sick_leave.age_groups:
        bounds = []
        if group.min_age is not None:
            bounds.append(age >= group.min_age)
        if group.max_age is not None:
            bounds.append(age <= group.max_age)
        whens.append((sa.and_(sa.true(), *bounds), group.label))
    return sa.case(*whens, else_=sa.null()).label("age_group")


def _sick_by_group(
    conn: sa.Connection, window: Window, report_month: Month, definitions: Definitions, tables: HrTables
) -> pd.DataFrame:
    employees, scheduled_hours, sick_leave = tables.employees, tables.scheduled_hours, tables.sick_leave
    first, last = window.first.yyyymm, window.last.yyyymm
    age_group = _age_group(report_month.year, definitions, tables)

    # Persons with scheduled hours in the window are the population; hourly staff without any are outside.
    # One flat join counted with DISTINCT: a grouped subquery joined to employees made SQLite nested-loop
    # over two unindexed sets (28 s at 30 000 persons, 0.4 s this way; benchmarks/bench_monthly.py).
    population = (
        sa.select(
            employees.c.sex,
            age_group,
            sa.func.count(sa.distinct(scheduled_hours.c.person_id)).label("persons"),
            sa.func.sum(scheduled_hours.c.hours).label("scheduled_hours"),
        )
        .select_from(scheduled_hours.join(employees, employees.c.person_id == scheduled_hours.c.person_id))
        .where(scheduled_hours.c.period.between(first, last))
        .where(scheduled_hours.c.hours > 0)
        .group_by(employees.c.sex, age_group)
    )

    # A spell is long-term when it lasts long_term_min_days or more, counted to its end or, while it is
    # ongoing or ended after the report month, to the last day of the report month: a rerun of an old
    # month then gives the same figure as the original run.
    report_end = sa.literal(report_month.last_day, sa.Date)
    spell_end = sa.case(
        (sa.or_(sick_leave.c.spell_end.is_(None), sick_leave.c.spell_end > report_end), report_end),
        else_=sick_leave.c.spell_end,
    )
    spell_days = days_between(sick_leave.c.spell_start, spell_end) + 1
    long_term = spell_days >= definitions.sick_leave.long_term_min_days
    # Sick hours count only in months where the person has scheduled hours. A join on (person, period)
    # rather than a correlated EXISTS: the sources are views without indexes, and on SQLite the EXISTS
    # form scanned scheduled_hours once per sick-leave row.
    scheduled_months = (
        sa.select(scheduled_hours.c.person_id, scheduled_hours.c.period)
        .where(scheduled_hours.c.period.between(first, last))
        .group_by(scheduled_hours.c.person_id, scheduled_hours.c.period)
        .having(sa.func.sum(scheduled_hours.c.hours) > 0)
        .subquery("scheduled_months")
    )
    sick = (
        sa.select(
            employees.c.sex,
            age_group,
            sa.func.sum(sick_leave.c.hours).label("sick_hours"),
            sa.func.sum(sa.case((long_term, sick_leave.c.hours), else_=0)).label("long_term_hours"),
        )
        .select_from(
            sick_leave.join(employees, employees.c.person_id == sick_leave.c.person_id).join(
                scheduled_months,
                sa.and_(
                    scheduled_months.c.person_id == sick_leave.c.person_id,
                    scheduled_months.c.period == sick_leave.c.period,
                ),
            )
        )
        .where(sick_leave.c.period.between(first, last))
        .group_by(employees.c.sex, age_group)
    )
    population_frame = frame(conn, population, ["sex", "age_group", "persons", "scheduled_hours"])
    sick_frame = frame(conn, sick, ["sex", "age_group", "sick_hours", "long_term_hours"])
    merged = population_frame.merge(sick_frame, on=["sex", "age_group"], how="left")
    for column in ("scheduled_hours", "sick_hours", "long_term_hours"):
        merged[column] = merged[column].astype(float).fillna(0.0)
    merged["persons"] = merged["persons"].astype(int)
    return merged[SICK_GROUP_COLUMNS]
