"""HR extract: headcounts, leavers per end reason and sick-leave sums per group, computed in the database.

No person-level row leaves the database: every query returns counts or sums per month-end or per
(sex, age group), and the group sizes needed for suppression.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa

from extract.sources import HrTables, hr_tables
from extract.sql import days_between, hundredths, total
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
    """One row per (sex, age_group) over the rolling sick-leave window, from person-month sums: `persons`
    (int, distinct persons with scheduled hours), `scheduled_hours`, `sick_hours`, `long_term_hours`
    (float hours, exact to the centi-hour). See _sick_by_group."""
    sick_ytd: pd.DataFrame
    """The same over the year to date."""
    leavers_by_reason: dict[str, int] = field(default_factory=dict)
    """`leavers` counted per end_reason, grouped in the database (a count per reason, never a person);
    reasons without a leaver are absent. Suppression of small counts is transforms.turnover's."""


def extract_hr(
    engine: sa.Engine,
    report_month: Month,
    turnover_window: Window,
    sick_window: Window,
    ytd: Window,
    definitions: Definitions,
    tables: HrTables | None = None,
) -> HrExtract:
    """Two statements: the turnover figures, then the sick-leave groups of both windows.

    `tables`: the HR source's tables under the region's mapping (default: the contract's names)."""
    tables = tables or hr_tables()
    with engine.connect() as conn:
        headcounts, leavers_by_reason = _turnover(conn, turnover_window, definitions, tables)
        sick_rolling, sick_ytd = _sick_by_group(conn, (sick_window, ytd), report_month, definitions, tables)
    return HrExtract(
        headcounts=headcounts,
        leavers=sum(leavers_by_reason.values()),
        sick_rolling=sick_rolling,
        sick_ytd=sick_ytd,
        leavers_by_reason=leavers_by_reason,
    )


def _turnover(
    conn: sa.Connection, window: Window, definitions: Definitions, tables: HrTables
) -> tuple[list[int], dict[str, int]]:
    """The permanent employees at each month-end of the window and the window's leavers per end reason,
    in one statement: the employments grouped per person (one grouping), a column per month-end (1 if one
    of the person's employments is active that day) and per end reason of the plan (the person's leavers),
    then summed.

    A person with two employments at one month-end (an internal move on the same day) counts once. One
    grouping per person rather than a COUNT(DISTINCT ...) per month-end, which sorts the employments
    once for each month-end; an employment without a person id is no person (COUNT(DISTINCT) skips it
    too) but its end is a leaver.
    """
    employments = tables.employments
    turnover = definitions.turnover
    started, ended, person = employments.c.start_date, employments.c.end_date, employments.c.person_id

    def employed_at(day: dt.date) -> sa.ColumnElement[bool]:
        return sa.and_(started <= day, sa.or_(ended.is_(None), ended >= day))

    left_in_window = ended.between(window.first.first_day, window.last.last_day)
    per_person = (
        sa.select(
            *(
                sa.func.max(sa.case((employed_at(day), 1), else_=0)).label(f"employed_{number}")
                for number, day in enumerate(window.month_ends)
            ),
            *(
                sa.func.sum(
                    sa.case((sa.and_(left_in_window, employments.c.end_reason == reason), 1), else_=0)
                ).label(f"left_{number}")
                for number, reason in enumerate(turnover.end_reasons)
            ),
        )
        .where(employments.c.employment_type.in_(turnover.employment_types))
        # Only employments that may count: a month-end headcount or a leaver of the window.
        .where(sa.or_(ended.is_(None), ended >= window.first.first_day))
        .group_by(person)
        .add_columns(person.label("person_id"))
        .subquery("per_person")
    )
    headcounts = [
        sa.func.sum(sa.case((per_person.c.person_id.is_(None), 0), else_=per_person.c[f"employed_{number}"]))
        for number in range(len(window.month_ends))
    ]
    leavers = [sa.func.sum(per_person.c[f"left_{number}"]) for number in range(len(turnover.end_reasons))]
    row = conn.execute(sa.select(*headcounts, *leavers)).one()
    counts = [int(value or 0) for value in row]  # SUM over no rows is NULL
    by_reason = dict(zip(turnover.end_reasons, counts[len(headcounts) :], strict=True))
    return counts[: len(headcounts)], {str(reason): n for reason, n in by_reason.items() if n > 0}


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
    conn: sa.Connection,
    windows: tuple[Window, ...],
    report_month: Month,
    definitions: Definitions,
    tables: HrTables,
) -> list[pd.DataFrame]:
    """Scheduled, sick and long-term sick hours per (sex, age group), computed on person-month sums, for
    each of `windows` (the rolling window and the year to date) in one statement.

    HR systems book corrections as extra rows for the same person and month (+160 h, then -40 h), so a
    single row says nothing: every rule works on the person-month's sums, as validation judges them
    (hr.scheduled_hours_nonnegative). A person-month whose scheduled hours sum to 0 or less has no
    ordinary working time: the person is not in that month's population and that month's sick hours do
    not count. Hours are summed as whole centi-hours (extract.sql.hundredths), so a month of +160.10 and
    -160.10 is exactly 0.

    The query is groupings only, no join: scheduled and sick rows side by side (UNION ALL), grouped per
    person-month over the months spanning all windows, without employees; then the person-months beside
    the employees' rows (sex and age group), grouped per person, with a column set per window (a
    person-month outside a window adds nothing to its columns); then per group. A person without an
    employees row is not counted (as an inner join would drop it); a person id twice in employees, which
    hr.person_ids_unique blocks, would count once. Grouping before meeting employees keeps the rows that
    are sorted or hashed narrow, and the one place persons meet employees is a grouping, not a join: the
    sources are views without indexes, and a join of a grouped subquery with employees made SQLite nest
    loops over both (28 s at 30 000 persons; a correlated EXISTS 55 s; benchmarks/bench_monthly.py).
    """
    employees, scheduled_hours, sick_leave = tables.employees, tables.scheduled_hours, tables.sick_leave
    span = Window.spanning(*windows)
    first, last = span.first.yyyymm, span.last.yyyymm
    none = sa.literal_column("0", sa.BigInteger)

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
    sick_centi = hundredths(sick_leave.c.hours)

    scheduled_rows = sa.select(
        scheduled_hours.c.person_id.label("person_id"),
        scheduled_hours.c.period.label("period"),
        hundredths(scheduled_hours.c.hours).label("scheduled"),
        none.label("sick"),
        none.label("long_term"),
    ).where(scheduled_hours.c.period.between(first, last))
    sick_rows = sa.select(
        sick_leave.c.person_id,
        sick_leave.c.period,
        none,
        sick_centi,
        sa.case((long_term, sick_centi), else_=none),
    ).where(sick_leave.c.period.between(first, last))
    rows = sa.union_all(scheduled_rows, sick_rows).subquery("hours_by_kind")
    person_months = (
        sa.select(
            rows.c.person_id,
            rows.c.period,
            sa.func.sum(rows.c.scheduled).label("scheduled"),
            sa.func.sum(rows.c.sick).label("sick"),
            sa.func.sum(rows.c.long_term).label("long_term"),
            sa.null().cast(sa.Text).label("sex"),
            sa.null().cast(sa.Text).label("age_group"),
            sa.literal_column("0", sa.Integer).label("is_employee"),
        )
        .group_by(rows.c.person_id, rows.c.period)
        # Only months with ordinary working time: their persons are the population, their sick hours count.
        .having(sa.func.sum(rows.c.scheduled) > 0)
    )
    employee_rows = sa.select(
        employees.c.person_id,
        sa.null().cast(sa.Integer),
        none,
        none,
        none,
        employees.c.sex,
        _age_group(report_month.year, definitions, tables),
        sa.literal_column("1", sa.Integer),
    ).where(employees.c.person_id.is_not(None))
    facts = sa.union_all(person_months, employee_rows).subquery("person_facts")
    # Per person and window: 1 if the person has such a month in the window, and the window's sums. A
    # grouping per person, then per group, is cheaper than COUNT(DISTINCT person_id) per group and window,
    # which sorts the person-months once more for each window.
    per_window: list[sa.ColumnElement[int]] = []
    for number, window in enumerate(windows):
        inside = facts.c.period.between(window.first.yyyymm, window.last.yyyymm)
        per_window.append(sa.func.max(sa.case((inside, 1), else_=0)).label(f"present_{number}"))
        for hours in ("scheduled", "sick", "long_term"):
            column = facts.c[hours]
            per_window.append(sa.func.sum(sa.case((inside, column), else_=none)).label(f"{hours}_{number}"))
    persons = (
        sa.select(
            sa.func.max(facts.c.sex).label("sex"),
            sa.func.max(facts.c.age_group).label("age_group"),
            *per_window,
        )
        .group_by(facts.c.person_id)
        .having(sa.func.max(facts.c.is_employee) == 1)
        .subquery("persons")
    )
    groups = sa.select(
        persons.c.sex, persons.c.age_group, *(total(persons.c[column.name]) for column in per_window)
    ).group_by(persons.c.sex, persons.c.age_group)
    found = conn.execute(groups).all()
    return [_groups_of(found, i) for i in range(len(windows))]


def _groups_of(found: Sequence[Sequence[Any]], window: int) -> pd.DataFrame:
    """One window's columns of the grouped rows, as SICK_GROUP_COLUMNS; a group without a person in the
    window is not one of its groups (its persons would read 0)."""
    first = 2 + 4 * window  # after sex and age group, four columns per window
    rows = [(row[0], row[1], *row[first : first + 4]) for row in found if row[first] > 0]
    result = pd.DataFrame(rows, columns=SICK_GROUP_COLUMNS)
    result["persons"] = result["persons"].astype("int64")
    for column in ("scheduled_hours", "sick_hours", "long_term_hours"):
        result[column] = result[column].astype("int64") / 100  # centi-hours to hours
    return result
