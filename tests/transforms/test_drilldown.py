"""The drill-down behind the economy rows: by cost centre and by account, month by month, exact in öre."""

from __future__ import annotations

import pandas as pd
import pytest

from transforms.drilldown import build_drilldown
from transforms.economy import UnmappedAccountError

ROWS = {
    "3010": "intakter",
    "4011": "personalkostnader",
    "5010": "ovriga_driftskostnader",
    "8910": "regionbidrag",
    "1210": "balance",
}
COST_CENTERS = pd.DataFrame(
    [("A", "Ekonomi", None), ("A1", "Redovisning", "A"), ("B", "HR", None)],
    columns=["cost_center", "name", "parent"],
)


def actuals(rows: list[tuple[int, str, str, str | None, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "account", "cost_center", "project", "amount_ore"])


def budget_for_year(lines: list[tuple[str, str, int]], year: int = 2025) -> pd.DataFrame:
    """The same monthly amount in every month of the year, per (account, cost centre)."""
    rows = [(year * 100 + m, a, cc, amount) for a, cc, amount in lines for m in range(1, 13)]
    return pd.DataFrame(rows, columns=["period", "account", "cost_center", "amount_ore"])


ACTUALS = actuals(
    [
        (202501, "4011", "A1", None, 100_000),
        (202501, "4011", "B", None, 50_000),
        (202502, "4011", "A1", None, 120_000),
        (202501, "3010", "A1", None, -30_000),
        (202502, "1210", "A1", "P1", 999_999),  # investment spending: balance sheet, not in the drill-down
        (202501, "8910", "A", None, -200_000),
        (202502, "8910", "A", None, -200_000),
        (202502, "5010", "B", None, 7_001),
        (202503, "4011", "B", None, 1_000_000),  # a later month, present when February is rerun
    ]
)
BUDGET = pd.concat(
    [
        budget_for_year(
            [
                ("4011", "A1", 110_000),
                ("4011", "B", 40_000),
                ("3010", "A1", -25_000),
                ("8910", "A", -200_000),
                ("5010", "B", 5_000),
            ]
        ),
        budget_for_year([("4011", "B", 999)], year=2024),  # another year never counts
    ]
)


@pytest.fixture(scope="module")
def february() -> object:
    return build_drilldown(ACTUALS, BUDGET, COST_CENTERS, ROWS, year=2025, month=2)


def test_lines_by_cost_centre_in_row_order_with_months_and_totals(february) -> None:  # type: ignore[no-untyped-def]
    table = february.by_cost_center
    assert february.months == (202501, 202502)
    assert list(table.columns) == [
        "row",
        "cost_center",
        "name",
        "parent",
        "parent_name",
        "actual_202501",
        "actual_202502",
        "actual_ytd",
        "budget_ytd",
        "deviation_ytd",
        "budget_year",
    ]
    lines = [tuple(r) for r in table.itertuples(index=False)]
    assert lines == [
        # intakter/A1: actual −300 kr in Jan; budget −250 kr a month: ytd −500, deviation −500 − (−300) = −200 kr
        ("intakter", "A1", "Redovisning", "A", "Ekonomi", -30_000, 0, -30_000, -50_000, -20_000, -300_000),
        # personalkostnader/A1: 1 000 + 1 200 kr against 2 × 1 100 kr: no deviation; year 12 × 1 100 kr
        (
            "personalkostnader",
            "A1",
            "Redovisning",
            "A",
            "Ekonomi",
            100_000,
            120_000,
            220_000,
            220_000,
            0,
            1_320_000,
        ),
        # personalkostnader/B: 500 kr in Jan (March's 10 000 kr is after the report month): 800 − 500 = 300 kr
        ("personalkostnader", "B", "HR", None, None, 50_000, 0, 50_000, 80_000, 30_000, 480_000),
        # övriga/B: 70,01 kr against 2 × 50 kr: deviation 29,99 kr
        ("ovriga_driftskostnader", "B", "HR", None, None, 0, 7_001, 7_001, 10_000, 2_999, 60_000),
        ("regionbidrag", "A", "Ekonomi", None, None, -200_000, -200_000, -400_000, -400_000, 0, -2_400_000),
    ]


def test_lines_by_account_add_up_per_row(february) -> None:  # type: ignore[no-untyped-def]
    by_account = february.by_account.set_index(["row", "account"])
    # 4011 over A1 and B: Jan 1 000 + 500, Feb 1 200 kr; budget 2 × (1 100 + 400) kr, year 12 × 1 500 kr
    assert by_account.loc[("personalkostnader", "4011")].to_dict() == {
        "actual_202501": 150_000,
        "actual_202502": 120_000,
        "actual_ytd": 270_000,
        "budget_ytd": 300_000,
        "deviation_ytd": 30_000,
        "budget_year": 1_800_000,
    }
    # Both splits are of the same amounts: per row, cost centres and accounts give the same totals.
    columns = ["actual_ytd", "budget_ytd", "deviation_ytd", "budget_year"]
    by_cc = february.by_cost_center.groupby("row")[columns].sum()
    assert by_cc.equals(february.by_account.groupby("row")[columns].sum())
    assert "balance" not in set(february.by_account["row"])


def test_monthly_series_per_row_and_netto_for_the_whole_year(february) -> None:  # type: ignore[no-untyped-def]
    monthly = february.monthly.set_index(["row", "period"])
    assert len(monthly) == 5 * 12
    # netto Jan: actual 1 000 + 500 − 300 kr (allocation and balance sheet outside); budget 1 100 + 400 − 250 + 50 kr
    assert monthly.loc[("netto", 202501)].tolist() == [130_000, 120_000]
    # netto Feb: actual 1 200 + 70,01 kr
    assert monthly.loc[("netto", 202502)].tolist() == [130_000, 127_001]
    # After the report month there is budget but no actual (not zero: the month has not happened).
    assert monthly.loc[("netto", 202512), "budget_ore"] == 130_000
    assert pd.isna(monthly.loc[("netto", 202503), "actual_ore"])
    assert monthly.loc[("regionbidrag", 202502)].tolist() == [-200_000, -200_000]


def test_unmapped_account_is_named() -> None:
    bad = actuals([(202501, "8100", "A", None, 100)])
    with pytest.raises(
        UnmappedAccountError, match="gl_entries, account 8100: the account maps to no report row"
    ):
        build_drilldown(bad, BUDGET, COST_CENTERS, ROWS, year=2025, month=1)


def test_a_cost_centre_unknown_to_the_register_keeps_its_line_without_a_name() -> None:
    lines = build_drilldown(
        actuals([(202501, "4011", "Z9", None, 100)]), BUDGET.iloc[:0], COST_CENTERS, ROWS, year=2025, month=1
    ).by_cost_center
    assert [tuple(r) for r in lines.itertuples(index=False)] == [
        ("personalkostnader", "Z9", None, None, None, 100, 100, 0, -100, 0)
    ]
