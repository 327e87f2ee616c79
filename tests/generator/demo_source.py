"""The demo source read back, and the indicators recomputed from it independently of the project's code.

A few lines of pandas on the whole tables, following domain.md §3 and the README's definitions, written
without the project's extract or transforms (tests/generator/test_source.py and tests/flows/ compare the
pipeline with them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from extract import sources
from generator import DemoSummary


@dataclass(frozen=True)
class Demo:
    ledger_url: str
    hr_url: str
    summary: DemoSummary
    tables: dict[str, pd.DataFrame] = field(repr=False)

    def sql(self, url: str, query: str) -> list[sa.Row]:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(sa.text(query)))
        finally:
            engine.dispose()


def _read_tables(ledger_url: str, hr_url: str) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for url, group in ((ledger_url, sources.LEDGER_TABLES), (hr_url, sources.HR_TABLES)):
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            for table in group:
                tables[table.name] = pd.read_sql(sa.select(table), conn)
        engine.dispose()
    for name, columns in {
        "employments": ("start_date", "end_date"),
        "sick_leave": ("spell_start", "spell_end"),
        "gl_entries": ("booking_date",),
    }.items():
        for column in columns:
            tables[name][column] = pd.to_datetime(tables[name][column])
    return tables


SUPPRESSED_AT_MOST = 10


def _window(month: str) -> tuple[pd.Timestamp, list[pd.Timestamp]]:
    """The rolling 12-month window ending with `month`: its first day and its 12 month-ends, newest first."""
    last = pd.Period(month, "M")
    ends = [(last - k).end_time.normalize() for k in range(12)]
    return (last - 11).start_time, ends


def _turnover(employments: pd.DataFrame, month: str) -> tuple[int, float, float]:
    """(leavers, mean month-end headcount, turnover %) of permanent employments."""
    permanent = employments[employments.employment_type == "tillsvidare"]
    first_day, ends = _window(month)
    ended = int(permanent.end_date.between(first_day, ends[0]).sum())
    headcounts = [
        permanent[
            (permanent.start_date <= d) & (permanent.end_date.isna() | (permanent.end_date >= d))
        ].person_id.nunique()
        for d in ends
    ]
    mean = sum(headcounts) / 12
    return ended, mean, ended / mean * 100


def _centi(hours: pd.Series) -> pd.Series:
    return (hours * 100).round().astype("int64")


def _person_months(tables: dict[str, pd.DataFrame], month: str, periods: list[int]) -> pd.DataFrame:
    """Per person-month with ordinary working time: scheduled, sick and long-term sick centi-hours, sex, age."""
    month_end = pd.Period(month, "M").end_time.normalize()
    scheduled = tables["scheduled_hours"][tables["scheduled_hours"].period.isin(periods)]
    scheduled = scheduled.assign(c=_centi(scheduled.hours)).groupby(["person_id", "period"]).c.sum()
    scheduled = scheduled[scheduled > 0].rename("scheduled")
    sick = tables["sick_leave"][tables["sick_leave"].period.isin(periods)]
    # A spell lasts to its end, or to the report month's end while ongoing or when it ended later.
    end = sick.spell_end.where(sick.spell_end.notna() & (sick.spell_end <= month_end), month_end)
    long_term = (end - sick.spell_start).dt.days + 1 >= 60
    sick = sick.assign(sick=_centi(sick.hours), long_term=_centi(sick.hours).where(long_term, 0))
    sick = sick.groupby(["person_id", "period"])[["sick", "long_term"]].sum()
    joined = scheduled.to_frame().join(sick, how="left").fillna(0).reset_index()
    people = tables["employees"].set_index("person_id")
    joined["sex"] = joined.person_id.map(people.sex)
    age = int(month[:4]) - joined.person_id.map(people.birth_year)
    joined["age_group"] = np.select([age <= 29, age <= 49], ["-29", "30-49"], "50-")
    return joined


def _ratio(rows: pd.DataFrame, numerator: str, denominator: str) -> float | None:
    if rows.person_id.nunique() <= SUPPRESSED_AT_MOST:
        return None
    return rows[numerator].sum() / rows[denominator].sum() * 100


def _sick_leave(tables: dict[str, pd.DataFrame], month: str) -> dict[str, object]:
    last = pd.Period(month, "M")
    rolling = [int((last - k).strftime("%Y%m")) for k in range(12)]
    ytd = [last.year * 100 + m for m in range(1, last.month + 1)]
    window, year = _person_months(tables, month, rolling), _person_months(tables, month, ytd)
    return {
        "value": _ratio(window, "sick", "scheduled"),
        "value_ytd": _ratio(year, "sick", "scheduled"),
        "long_term_share": _ratio(window, "long_term", "sick"),
        "long_term_share_ytd": _ratio(year, "long_term", "sick"),
        "persons": window.person_id.nunique(),
        "by_sex": {sex: _ratio(window[window.sex == sex], "sick", "scheduled") for sex in ("K", "M")},
        "by_age": {
            group: _ratio(window[window.age_group == group], "sick", "scheduled")
            for group in ("-29", "30-49", "50-")
        },
    }


def _same(expected: object) -> object:
    """Nested values with every number compared to 1e-12 relative."""
    if isinstance(expected, dict):
        return {key: _same(value) for key, value in expected.items()}
    if isinstance(expected, tuple):
        return tuple(_same(value) for value in expected)
    if isinstance(expected, float):
        return pytest.approx(expected, rel=1e-12)
    return expected
