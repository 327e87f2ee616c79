"""HR aggregates computed in the database, on the edges the law and our definitions draw.

Every test runs on SQLite and on PostgreSQL (tests/databases.py). Expected numbers are worked out by hand in
the comments. Age = report year - birth year; 1980 is 45 and 1990 is 35 in 2025 (both 30-49).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
import sqlalchemy as sa

from extract.hr import SICK_GROUP_COLUMNS, HrExtract, extract_hr
from extract.sources import employees, employments, scheduled_hours, sick_leave
from tests.databases import database_url, empty_source  # noqa: F401  (database_url: a fixture)
from tests.pg import pg_url_factory  # noqa: F401  (needed by database_url)
from transforms.periods import Month, rolling_window, year_to_date
from uppfoljning.plan import load_plan

D = dt.date
APRIL = Month(2025, 4)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:  # noqa: F811
    with empty_source(database_url) as engine:
        yield engine


def insert(engine: sa.Engine, table: sa.Table, rows: list[dict[str, object]]) -> None:
    if rows:
        with engine.begin() as conn:
            conn.execute(table.insert(), rows)


def persons(engine: sa.Engine, *people: tuple[str, int, str]) -> None:
    insert(engine, employees, [{"person_id": p, "birth_year": born, "sex": sex} for p, born, sex in people])


def hours(engine: sa.Engine, *rows: tuple[str | None, int, float]) -> None:
    insert(engine, scheduled_hours, [{"person_id": p, "period": period, "hours": h} for p, period, h in rows])


def sick(engine: sa.Engine, *rows: tuple[str, str, dt.date, dt.date | None, int, float]) -> None:
    keys = ("person_id", "spell_id", "spell_start", "spell_end", "period", "hours")
    insert(engine, sick_leave, [dict(zip(keys, row, strict=True)) for row in rows])


def extract(engine: sa.Engine, month: Month = APRIL) -> HrExtract:
    definitions = load_plan().definitions  # 12-month windows, long term from 60 days
    window = rolling_window(month, 12)
    return extract_hr(engine, month, window, window, year_to_date(month), definitions)


def groups(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """The group rows as plain tuples, sorted: (sex, age_group, persons, scheduled, sick, long-term hours)."""
    assert list(frame.columns) == SICK_GROUP_COLUMNS
    return sorted(
        (
            r.sex,
            r.age_group,
            int(r.persons),
            float(r.scheduled_hours),
            float(r.sick_hours),
            float(r.long_term_hours),
        )
        for r in frame.itertuples()
    )


@pytest.mark.parametrize(
    ("spell_start", "spell_end", "long_term"),
    [
        (D(2025, 2, 1), D(2025, 4, 1), True),  # Feb 1..Apr 1 = 28 + 31 + 1 = 60 days
        (D(2025, 2, 2), D(2025, 4, 1), False),  # 59 days
        (D(2025, 3, 2), None, True),  # ongoing: Mar 2..Apr 30 = 30 + 30 = 60 days
        (D(2025, 3, 3), None, False),  # ongoing: 59 days
        (D(2025, 3, 3), D(2025, 6, 30), False),  # ended after April: counted to Apr 30 = 59 days
        (D(2025, 3, 2), D(2025, 6, 30), True),  # ended after April: counted to Apr 30 = 60 days
    ],
)
def test_long_term_spell_boundary(
    engine: sa.Engine, spell_start: dt.date, spell_end: dt.date | None, long_term: bool
) -> None:
    persons(engine, ("P1", 1980, "K"))
    hours(engine, ("P1", 202504, 160.0))
    sick(engine, ("P1", "S1", spell_start, spell_end, 202504, 16.0))
    assert groups(extract(engine).sick_rolling) == [
        ("K", "30-49", 1, 160.0, 16.0, 16.0 if long_term else 0.0)
    ]


def test_correction_rows_are_summed_per_person_and_month_first(engine: sa.Engine) -> None:
    persons(
        engine, ("P1", 1980, "K"), ("P2", 1980, "K"), ("P3", 1980, "M"), ("P4", 1990, "M"), ("P5", 1990, "M")
    )
    hours(
        engine,
        ("P1", 202504, 160.00),  # booked, then corrected: the month is 160 - 40 = 120 h
        ("P1", 202504, -40.00),
        ("P2", 202503, 160.00),  # March booked and cancelled: 0 h, no ordinary working time in March
        ("P2", 202503, -160.00),
        ("P2", 202504, 160.00),
        ("P3", 202504, 80.00),  # P3's only month nets to 0: P3 is outside the population
        ("P3", 202504, -80.00),
        ("P4", 202504, 160.00),
        # P5's only month is 40.10 + 40.20 - 80.30 = 0 exactly; in binary floats the sum is +1.4e-14 and
        # would put P5 in the population: the sums are taken in whole centi-hours.
        ("P5", 202504, 40.10),
        ("P5", 202504, 40.20),
        ("P5", 202504, -80.30),
    )
    sick(
        engine,
        ("P1", "S1", D(2025, 4, 7), D(2025, 4, 8), 202504, 16.00),
        ("P2", "S2", D(2025, 3, 3), D(2025, 3, 5), 202503, 24.00),  # in P2's zero month: does not count
        ("P2", "S3", D(2025, 4, 14), D(2025, 4, 14), 202504, 8.00),
        ("P3", "S4", D(2025, 4, 1), D(2025, 4, 1), 202504, 8.00),  # P3 has no ordinary working time
        # A sick-leave correction row: 40 h booked, 8 h taken back -> 32 h. The spell runs from Feb 1,
        # ongoing: Feb 1..Apr 30 = 28 + 31 + 30 = 89 days, long-term.
        ("P4", "S5", D(2025, 2, 1), None, 202504, 40.00),
        ("P4", "S5", D(2025, 2, 1), None, 202504, -8.00),
    )
    hr = extract(engine)
    # K 30-49: P1 (120 h) and P2 (April 160 h) = 2 persons, 280 h; sick 16 (P1) + 8 (P2 April) = 24.
    # M 30-49: P4 alone (P3 and P5 have no month above 0) = 1 person, 160 h; sick 40 - 8 = 32, all long-term.
    # (Row by row with hours > 0 the K group would be 2 persons, 160 + 320 = 480 h, and M 3 persons.)
    expected = [("K", "30-49", 2, 280.0, 24.0, 0.0), ("M", "30-49", 1, 160.0, 32.0, 32.0)]
    assert groups(hr.sick_rolling) == expected
    assert groups(hr.sick_ytd) == expected  # all rows are in 2025


def test_spell_across_the_year_boundary(engine: sa.Engine) -> None:
    persons(engine, ("P1", 1980, "K"), ("P2", 1980, "K"))
    hours(engine, *((p, period, 160.0) for p in ("P1", "P2") for period in (202412, 202501, 202502)))
    sick(
        engine,
        # Dec 2..Jan 31 = 30 + 31 = 61 days: long-term once the whole spell is seen.
        ("P1", "S1", D(2024, 12, 2), D(2025, 1, 31), 202412, 120.0),
        ("P1", "S1", D(2024, 12, 2), D(2025, 1, 31), 202501, 160.0),
        # Dec 20..Jan 10 = 12 + 10 = 22 days: short.
        ("P2", "S2", D(2024, 12, 20), D(2025, 1, 10), 202412, 40.0),
        ("P2", "S2", D(2024, 12, 20), D(2025, 1, 10), 202501, 48.0),
    )

    january = extract(engine, Month(2025, 1))
    # Rolling 202402..202501: scheduled 2 persons x (Dec + Jan) x 160 = 640; sick 120 + 160 + 40 + 48 = 368;
    # S1 is 61 days: long 120 + 160 = 280. February is later data.
    assert groups(january.sick_rolling) == [("K", "30-49", 2, 640.0, 368.0, 280.0)]
    # Year to date is January only: 2 x 160 = 320 h, sick 160 + 48 = 208, long 160 (S1 is still 61 days:
    # its length counts from its start in December, not from January 1).
    assert groups(january.sick_ytd) == [("K", "30-49", 2, 320.0, 208.0, 160.0)]

    december = extract(engine, Month(2024, 12))
    # A rerun of December with January present: S1 ended after December, so it is cut at 2024-12-31,
    # Dec 2..31 = 30 days: short. Rolling 202401..202412 = the year 2024: 320 h, sick 120 + 40 = 160, long 0.
    assert groups(december.sick_rolling) == [("K", "30-49", 2, 320.0, 160.0, 0.0)]
    assert groups(december.sick_ytd) == [("K", "30-49", 2, 320.0, 160.0, 0.0)]


def test_leap_day_is_a_month_end(engine: sa.Engine) -> None:
    keys = ["employment_id", "person_id", "employment_type", "start_date", "end_date", "end_reason"]
    rows = [
        (
            "E1",
            "P1",
            "tillsvidare",
            D(2020, 1, 1),
            D(2024, 2, 29),
            "egen_begaran",
        ),  # last day is the leap day
        ("E2", "P2", "tillsvidare", D(2020, 1, 1), D(2024, 2, 28), "pension"),  # gone by the month-end
        ("E3", "P3", "tillsvidare", D(2024, 3, 1), None, None),  # after February
    ]
    insert(
        engine,
        employments,
        [dict(zip(keys, r, strict=True)) | {"cost_center": "K1", "work_rate": 1.0} for r in rows],
    )
    persons(engine, ("P1", 1980, "K"))
    hours(engine, ("P1", 202401, 160.0), ("P1", 202402, 160.0))
    # Ongoing from Jan 1: to 2024-02-29 = 31 + 29 = 60 days, long-term (to the 28th it would be 59).
    sick(
        engine,
        ("P1", "S1", D(2024, 1, 1), None, 202401, 160.0),
        ("P1", "S1", D(2024, 1, 1), None, 202402, 80.0),
    )
    hr = extract(engine, Month(2024, 2))
    # Month-ends 2023-03-31..2024-01-31: E1 and E2 = 2 each; 2024-02-29: E1 only (E2 ended the 28th).
    assert hr.headcounts == [2] * 11 + [1]
    assert hr.leavers == 2  # E1 and E2 end in the window 2023-03-01..2024-02-29
    # 1980 is 44 in 2024; scheduled 2 x 160 = 320, sick 160 + 80 = 240, all long-term.
    assert groups(hr.sick_rolling) == [("K", "30-49", 1, 320.0, 240.0, 240.0)]


def test_headcount_and_leavers_at_month_ends(engine: sa.Engine) -> None:
    rows = [
        # Ends on the last day of March: in the March 31 headcount and a leaver of the window.
        ("E1", "P1", "tillsvidare", D(2020, 1, 1), D(2025, 3, 31), "egen_begaran"),
        # Internal move: the old employment ends Jan 15 (a leaver), the new one starts Jan 16 (same person).
        ("E2", "P2", "tillsvidare", D(2019, 1, 1), D(2025, 1, 15), "byte_av_tjanst"),
        ("E3", "P2", "tillsvidare", D(2025, 1, 16), None, None),
        # Ends after April: not a leaver of the April window.
        ("E4", "P3", "tillsvidare", D(2021, 1, 1), D(2025, 5, 31), "pension"),
        # Temporary: never in turnover.
        ("E5", "P4", "visstid", D(2024, 1, 1), D(2025, 2, 28), "ovrigt"),
        # Ended before the window (2024-04-30): not a leaver, not counted at any window month-end.
        ("E6", "P5", "tillsvidare", D(2010, 1, 1), D(2024, 4, 30), "pension"),
    ]
    keys = ["employment_id", "person_id", "employment_type", "start_date", "end_date", "end_reason"]
    insert(
        engine,
        employments,
        [dict(zip(keys, r, strict=True)) | {"cost_center": "K1", "work_rate": 1.0} for r in rows],
    )
    hr = extract(engine)
    # Window May 2024..April 2025: leavers E1 (Mar 31) and E2 (Jan 15) = 2.
    assert hr.leavers == 2
    # Counted per end reason in the database: E1 egen_begaran, E2 byte_av_tjanst; E4's pension is after
    # the window, E5 is temporary and E6 ended before the window, so no pension line at all.
    assert hr.leavers_by_reason == {"egen_begaran": 1, "byte_av_tjanst": 1}
    # Month-ends May 2024..Feb 2025: P1, P2, P3 = 3 each; Mar 31: P1 still employed -> 3; Apr 30: P2, P3 = 2.
    assert hr.headcounts == [3] * 11 + [2]


def test_empty_sources_give_empty_groups(engine: sa.Engine) -> None:
    hr = extract(engine)
    assert hr.headcounts == [0] * 12 and hr.leavers == 0 and hr.leavers_by_reason == {}
    assert groups(hr.sick_rolling) == [] and groups(hr.sick_ytd) == []


def test_the_extract_sends_two_statements(engine: sa.Engine) -> None:
    # One for the turnover figures (12 month-end headcounts and the leavers per reason), one for the
    # sick-leave groups of both windows; before, one statement per month-end, one for the leavers and one per window (15).
    statements: list[str] = []

    def count(conn: sa.Connection, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        hr = extract(engine)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 2
    assert hr.headcounts == [0] * 12


def test_a_group_outside_the_year_to_date_is_not_one_of_its_groups(engine: sa.Engine) -> None:
    # Both windows come from one statement over the months spanning them: a group with person-months only
    # before January must be a rolling group and no year-to-date group (not a row of 0 persons).
    persons(engine, ("P1", 1980, "K"), ("P2", 1960, "M"))
    hours(engine, ("P1", 202411, 160.0), ("P1", 202502, 160.0), ("P2", 202412, 120.0))
    sick(
        engine,
        ("P1", "S1", D(2024, 11, 4), D(2024, 11, 5), 202411, 16.0),
        ("P2", "S2", D(2024, 12, 1), D(2024, 12, 2), 202412, 16.0),
    )
    hr = extract(engine)
    # 1960 is 65 in 2025: "50-". Rolling May 2024..April 2025: P1 160 + 160 = 320 h, sick 16; P2 120 h,
    # sick 16. YTD January..April: P1's February only, 160 h, no sick hours; P2 has no month in 2025.
    assert groups(hr.sick_rolling) == [("K", "30-49", 1, 320.0, 16.0, 0.0), ("M", "50-", 1, 120.0, 16.0, 0.0)]
    assert groups(hr.sick_ytd) == [("K", "30-49", 1, 160.0, 0.0, 0.0)]


def test_year_to_date_longer_than_a_short_rolling_window(engine: sa.Engine) -> None:
    # A plan with a 2-month sick-leave window: for April the rolling window is March..April and the year to
    # date January..April reaches further back. The statement spans January..April.
    persons(engine, ("P1", 1980, "K"))
    hours(engine, *(("P1", period, 160.0) for period in (202412, 202501, 202502, 202503, 202504)))
    sick(engine, ("P1", "S1", D(2025, 1, 13), D(2025, 1, 14), 202501, 16.0))
    definitions = load_plan().definitions
    hr = extract_hr(
        engine, APRIL, rolling_window(APRIL, 12), rolling_window(APRIL, 2), year_to_date(APRIL), definitions
    )
    # Rolling March..April: 2 x 160 = 320 h, no sick hours. YTD January..April: 4 x 160 = 640 h, sick 16.
    assert groups(hr.sick_rolling) == [("K", "30-49", 1, 320.0, 0.0, 0.0)]
    assert groups(hr.sick_ytd) == [("K", "30-49", 1, 640.0, 16.0, 0.0)]


def test_two_employments_at_one_month_end_count_one_person(engine: sa.Engine) -> None:
    keys = ["employment_id", "person_id", "employment_type", "start_date", "end_date", "end_reason"]
    rows = [
        # P1 holds two permanent part-time employments at once: one person at every month-end.
        ("E1", "P1", "tillsvidare", D(2020, 1, 1), None, None),
        ("E2", "P1", "tillsvidare", D(2024, 9, 1), None, None),
        # P2 moves internally on March 31: the old employment's last day is the new one's first day, so both
        # are active at the March month-end; the old one is a leaver of the window.
        ("E3", "P2", "tillsvidare", D(2019, 1, 1), D(2025, 3, 31), "byte_av_tjanst"),
        ("E4", "P2", "tillsvidare", D(2025, 3, 31), None, None),
    ]
    insert(
        engine,
        employments,
        [dict(zip(keys, r, strict=True)) | {"cost_center": "K1", "work_rate": 0.5} for r in rows],
    )
    hr = extract(engine)
    # Every month-end May 2024..April 2025: P1 and P2 = 2.
    assert hr.headcounts == [2] * 12
    assert hr.leavers_by_reason == {"byte_av_tjanst": 1} and hr.leavers == 1


def test_two_leavers_of_one_person_are_two_leavers_and_one_person(engine: sa.Engine) -> None:
    # The employments are grouped per person before they are counted: the person's leavers are summed
    # (employments, not persons), the month-end headcounts count the person once. An employment without a
    # person id is nobody in a headcount, but its end is a leaver.
    keys = ["employment_id", "person_id", "employment_type", "start_date", "end_date", "end_reason"]
    rows = [
        # P1: two part-time employments; one ends June 30 2024, the other January 31 2025.
        ("E1", "P1", "tillsvidare", D(2020, 1, 1), D(2024, 6, 30), "egen_begaran"),
        ("E2", "P1", "tillsvidare", D(2020, 1, 1), D(2025, 1, 31), "egen_begaran"),
        # No person id: ends Feb 28.
        ("E3", None, "tillsvidare", D(2020, 1, 1), D(2025, 2, 28), "uppsagning"),
    ]
    insert(
        engine,
        employments,
        [dict(zip(keys, r, strict=True)) | {"cost_center": "K1", "work_rate": 0.5} for r in rows],
    )
    hr = extract(engine)
    # Window May 2024..April 2025: E1, E2 and E3 end inside it = 3 leavers, 2 egen_begaran, 1 uppsagning.
    assert hr.leavers_by_reason == {"egen_begaran": 2, "uppsagning": 1} and hr.leavers == 3
    # Month-ends May 2024..Jan 2025 (9): P1 once (E3 has no person); Feb..April 2025 (3): nobody.
    assert hr.headcounts == [1] * 9 + [0] * 3


def test_hours_of_a_person_without_an_employees_row_are_not_counted(engine: sa.Engine) -> None:
    # The person-months are grouped before they meet employees: a person id missing from employees (which
    # validation blocks) must still drop out, as with a join, and not land in a group of its own.
    persons(engine, ("P1", 1980, "K"))
    # An employees row without a person id matches nobody, not the hours without a person id.
    insert(engine, employees, [{"person_id": None, "birth_year": 1990, "sex": "M"}])
    hours(engine, ("P1", 202504, 160.0), ("P9", 202504, 160.0), (None, 202504, 80.0))
    sick(engine, ("P9", "S9", D(2025, 4, 1), D(2025, 4, 2), 202504, 16.0))
    hr = extract(engine)
    # Only P1: 160 h, no sick hours, in both windows.
    assert groups(hr.sick_rolling) == [("K", "30-49", 1, 160.0, 0.0, 0.0)]
    assert groups(hr.sick_ytd) == [("K", "30-49", 1, 160.0, 0.0, 0.0)]
