"""HR aggregates computed in the database, on the edges the law and our definitions draw."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from extract.hr import extract_hr
from transforms.periods import Month, rolling_window, year_to_date
from uppfoljning.plan import load_plan
from uppfoljning.sources import create_source_tables, employees, employments, scheduled_hours, sick_leave

D = dt.date
APRIL = Month(2025, 4)


def _engine(tmp_path: Path) -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'hr.db'}")
    create_source_tables(engine, engine)
    return engine


def _extract(engine: sa.Engine):  # type: ignore[no-untyped-def]
    definitions = load_plan().definitions
    window = rolling_window(APRIL, 12)
    return extract_hr(engine, APRIL, window, window, year_to_date(APRIL), definitions)


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
    tmp_path: Path, spell_start: dt.date, spell_end: dt.date | None, long_term: bool
):
    engine = _engine(tmp_path)
    with engine.begin() as conn:
        conn.execute(employees.insert(), [{"person_id": "P1", "birth_year": 1980, "sex": "K"}])
        conn.execute(scheduled_hours.insert(), [{"person_id": "P1", "period": 202504, "hours": 160.0}])
        conn.execute(
            sick_leave.insert(),
            [
                {
                    "person_id": "P1",
                    "spell_id": "S1",
                    "spell_start": spell_start,
                    "spell_end": spell_end,
                    "period": 202504,
                    "hours": 16.0,
                }
            ],
        )
    group = _extract(engine).sick_rolling.iloc[0]
    assert (group["sex"], group["age_group"], group["persons"]) == ("K", "30-49", 1)  # 2025 - 1980 = 45
    assert group["sick_hours"] == 16.0
    assert group["long_term_hours"] == (16.0 if long_term else 0.0)


def test_headcount_and_leavers_at_month_ends(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
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
    with engine.begin() as conn:
        conn.execute(
            employments.insert(), [dict(zip(keys, r, strict=True)) | {"cost_center": "K1"} for r in rows]
        )
    hr = _extract(engine)
    # Window May 2024..April 2025: leavers E1 (Mar 31) and E2 (Jan 15) = 2.
    assert hr.leavers == 2
    # Month-ends May 2024..Feb 2025: P1, P2, P3 = 3 each; Mar 31: P1 still employed -> 3; Apr 30: P2, P3 = 2.
    assert hr.headcounts == [3] * 11 + [2]
