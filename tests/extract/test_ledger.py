"""The ledger extract's interface (what the report package drills into) and exact money, on SQLite and PostgreSQL.

Report month 2025-04: actuals 202501..202504, the approved budget B2025 for 202501..202512. Expected values
are worked out by hand in the comments; amounts are whole öre.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
import sqlalchemy as sa

from extract.ledger import LedgerExtract, extract_ledger, extract_ledger_months
from extract.sources import (
    budget_entries,
    cost_centers,
    gl_entries,
    investment_projects,
)
from tests.databases import database_url, empty_source  # noqa: F401  (database_url: a fixture)
from tests.pg import pg_url_factory  # noqa: F401  (needed by database_url)
from transforms.periods import Month

APRIL = Month(2025, 4)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:  # noqa: F811
    with empty_source(database_url) as engine:
        yield engine


def gl(
    voucher: str, row: int, period: int, account: str, center: str, project: str | None, amount: float
) -> dict:
    day = dt.date(period // 100, period % 100, 10)
    return dict(
        voucher_id=voucher,
        row_no=row,
        booking_date=day,
        period=period,
        account=account,
        cost_center=center,
        project=project,
        amount=amount,
        description=None,
    )


def budget(version: str, period: int, account: str, center: str, amount: float) -> dict:
    return dict(budget_version=version, period=period, account=account, cost_center=center, amount=amount)


def extract(engine: sa.Engine) -> LedgerExtract:
    return extract_ledger(engine, APRIL, "B2025")


def fill_source(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            gl_entries.insert(),
            [
                gl("A1", 1, 202501, "4010", "K1", None, 100.10),
                gl("A1", 2, 202501, "4010", "K1", None, 200.20),  # same group: 100.10 + 200.20 = 300.30
                gl("A1", 3, 202501, "4010", "K2", None, 50.00),  # another cost centre: its own row
                gl("A1", 4, 202501, "1150", "K1", "P1", 1_000.00),
                gl("A1", 5, 202501, "2440", "K1", None, -1_350.30),
                gl("A2", 1, 202504, "1150", "K1", "P1", -0.01),  # a credit note of one öre
                gl("A2", 2, 202504, "2440", "K1", None, 0.01),
                gl("A0", 1, 202412, "4010", "K1", None, 7.00),  # last year: not in 2025's actuals
                gl("A0", 2, 202412, "2440", "K1", None, -7.00),
                gl("A9", 1, 202505, "4010", "K1", None, 9.00),  # after April: later data on a rerun
                gl("A9", 2, 202505, "2440", "K1", None, -9.00),
            ],
        )
        conn.execute(
            budget_entries.insert(),
            [
                budget("B2025", 202501, "4010", "K1", 100.00),
                budget("B2025", 202501, "4010", "K1", 20.05),  # two rows of one key: 120.05
                budget("B2025", 202512, "4010", "K2", 0.00),  # a zero budget row is a row
                budget("B2025-PRELIM", 202501, "4010", "K1", 999.00),  # another version: never
                budget("B2024", 202412, "4010", "K1", 888.00),
            ],
        )
        conn.execute(
            investment_projects.insert(),
            [
                dict(
                    project="P1",
                    name="Bredbandsutbyggnad",
                    category="beslutad",
                    year=2025,
                    budget=10_000_000.01,
                ),
                dict(
                    project="P1",
                    name="Bredbandsutbyggnad",
                    category="beslutad",
                    year=2026,
                    budget=20_000_000.00,
                ),
            ],
        )
        conn.execute(
            cost_centers.insert(),
            [
                dict(cost_center="K1", name="Kansli", parent=None),
                dict(cost_center="K2", name="Ekonomi", parent="K1"),
            ],
        )


def test_the_extract_keeps_cost_centre_account_and_project_in_whole_ore(engine: sa.Engine) -> None:
    fill_source(engine)
    ledger = extract(engine)

    assert list(ledger.actuals.columns) == ["period", "account", "cost_center", "project", "amount_ore"]
    assert (
        str(ledger.actuals["amount_ore"].dtype) == "int64" and str(ledger.actuals["period"].dtype) == "int64"
    )
    assert sorted(ledger.actuals.itertuples(index=False, name=None), key=str) == sorted(
        [
            (202501, "4010", "K1", None, 30_030),
            (202501, "4010", "K2", None, 5_000),
            (202501, "1150", "K1", "P1", 100_000),
            (202501, "2440", "K1", None, -135_030),
            (202504, "1150", "K1", "P1", -1),
            (202504, "2440", "K1", None, 1),
        ],
        key=str,
    )
    assert list(ledger.budget.columns) == ["period", "account", "cost_center", "amount_ore"]
    assert str(ledger.budget["amount_ore"].dtype) == "int64"
    assert sorted(ledger.budget.itertuples(index=False, name=None)) == [
        (202501, "4010", "K1", 12_005),
        (202512, "4010", "K2", 0),
    ]
    assert list(ledger.projects.itertuples(index=False, name=None)) == [
        ("P1", "Bredbandsutbyggnad", "beslutad", 1_000_000_001)
    ]
    assert str(ledger.projects["budget_ore"].dtype) == "int64"
    assert sorted(ledger.cost_centers.itertuples(index=False, name=None), key=str) == [
        ("K1", "Kansli", None),
        ("K2", "Ekonomi", "K1"),
    ]


def test_two_months_of_a_year_from_one_read_equal_each_month_alone(engine: sa.Engine) -> None:
    fill_source(engine)
    april, february = extract_ledger_months(engine, [APRIL, Month(2025, 2)], "B2025")

    # February's year to date: January's four rows, not April's credit note.
    assert sorted(february.actuals.itertuples(index=False, name=None), key=str) == sorted(
        [
            (202501, "4010", "K1", None, 30_030),
            (202501, "4010", "K2", None, 5_000),
            (202501, "1150", "K1", "P1", 100_000),
            (202501, "2440", "K1", None, -135_030),
        ],
        key=str,
    )
    for month, together in ((APRIL, april), (Month(2025, 2), february)):
        alone = extract_ledger(engine, month, "B2025")
        for name in ("actuals", "budget", "projects", "cost_centers"):
            pd.testing.assert_frame_equal(getattr(together, name), getattr(alone, name))
    with pytest.raises(ValueError, match="of one year"):
        extract_ledger_months(engine, [APRIL, Month(2024, 12)], "B2025")


# 2 000 000 rows cycling 0.07, 0.10, 0.20, 99 999.99 SEK: 500 000 x 100 000.36 = 50 000 180 000.00 SEK.
ROWS = 2_000_000
MANY_ROWS = f"""
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS})
INSERT INTO gl_entries (voucher_id, row_no, booking_date, period, account, cost_center, project, amount)
SELECT 'M', i, '2025-03-10', 202503, '4010', 'K1', NULL,
       CASE i % 4 WHEN 1 THEN 0.07 WHEN 2 THEN 0.10 WHEN 3 THEN 0.20 ELSE 99999.99 END
FROM n
"""


def test_a_sum_over_millions_of_rows_is_exact_to_the_ore(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(MANY_ROWS))
    (row,) = extract(engine).actuals.itertuples(index=False, name=None)
    # 500 000 x (7 + 10 + 20 + 9 999 999) öre = 500 000 x 10 000 036 = 5 000 018 000 000 öre. Summed as
    # binary floats in row order, SQLite 3.40 gets 50 000 179 999.04 SEK: 96 öre short.
    assert row == (202503, "4010", "K1", None, 5_000_018_000_000)
