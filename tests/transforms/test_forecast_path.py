"""The forecast's path (contract §3: forecast_previous, forecast_change) across the calendar, by hand.

A tiny ledger, in kr (×100 for öre). Budget every month: 3010 −10 000, 4010 20 000, 5010 30 000,
8910 −40 000; the year: −120 000, 240 000, 360 000, −480 000 (net 480 000, budgeted result 0).
Actuals:  Jan: −11 000, 19 000, 30 000, −40 000;  Feb: −10 000, 21 000, 31 000, −40 000;
          Mar: −10 000, 20 000, 35 000, −40 000;  Apr: −12 000, 20 000, 30 000, −40 000.
Investment spending (1230, project P-IT): Jan 100, Mar 500, Apr 200.
Adjustments entered for 2025-02: personnel −5 000; for 2025-04: personnel −2 000 and revenue −1 000.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from extract.hr import SICK_GROUP_COLUMNS, HrExtract
from extract.ledger import LedgerExtract
from transforms.figures import build_figures
from transforms.periods import Month
from uppfoljning.inputs import Inputs
from uppfoljning.plan import load_plan

PLAN = load_plan()
MONTHLY_BUDGET = {"3010": -10_000, "4010": 20_000, "5010": 30_000, "8910": -40_000}
ACTUALS = {
    1: {"3010": -11_000, "4010": 19_000, "5010": 30_000, "8910": -40_000, "1230": 100},
    2: {"3010": -10_000, "4010": 21_000, "5010": 31_000, "8910": -40_000},
    3: {"3010": -10_000, "4010": 20_000, "5010": 35_000, "8910": -40_000, "1230": 500},
    4: {"3010": -12_000, "4010": 20_000, "5010": 30_000, "8910": -40_000, "1230": 200},
}
INPUTS = Inputs.model_validate(
    {
        "year": 2025,
        "forecast_adjustments": {
            "2025-02": [{"row": "personalkostnader", "amount_sek": -5000, "comment": "Vakans."}],
            "2025-04": [
                {"row": "personalkostnader", "amount_sek": -2000, "comment": "Vakansen tillsätts i juni."},
                {"row": "intakter", "amount_sek": -1000, "comment": "Extra bidrag."},
            ],
        },
    }
)


def ledger(month: int) -> LedgerExtract:
    """What extract_ledger returns for `month`: actuals of 2025-01..month only, the whole year's budget."""
    actuals = [
        {
            "period": 202500 + m,
            "account": account,
            "cost_center": "K1",
            "project": "P-IT" if account == "1230" else None,
            "amount_ore": amount * 100,
        }
        for m, amounts in ACTUALS.items()
        if m <= month
        for account, amount in amounts.items()
    ]
    budget = [
        {"period": 202500 + m, "account": account, "cost_center": "K1", "amount_ore": amount * 100}
        for m in range(1, 13)
        for account, amount in MONTHLY_BUDGET.items()
    ]
    return LedgerExtract(
        actuals=pd.DataFrame(actuals, columns=["period", "account", "cost_center", "project", "amount_ore"]),
        budget=pd.DataFrame(budget),
        projects=pd.DataFrame(
            [{"project": "P-IT", "name": "IT-utrustning", "category": "reinvestering", "budget_ore": 100_000}]
        ),
        cost_centers=pd.DataFrame([{"cost_center": "K1", "name": "Kansli", "parent": None}]),
    )


HR = HrExtract(
    headcounts=[0] * 12,
    leavers=0,
    sick_rolling=pd.DataFrame(columns=SICK_GROUP_COLUMNS),
    sick_ytd=pd.DataFrame(columns=SICK_GROUP_COLUMNS),
)


def figures(month: int, previous: LedgerExtract | None) -> dict[str, Any]:
    return build_figures(
        PLAN,
        INPUTS,
        Month(2025, month),
        PLAN.report_kind(month),
        ledger(month),
        HR,
        {"status": "passed", "checks_run": 0, "checks": []},
        previous_ledger=previous,
        generated_at=dt.datetime(2025, 5, 8),
    )


@pytest.mark.parametrize(
    ("month", "previous"),
    [(1, None), (2, None), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (10, 8), (11, 10), (12, 10)],
)
def test_the_previous_report_is_the_latest_earlier_month_that_is_not_a_monthly_report(
    month: int, previous: int | None
) -> None:
    # Calendar: 2 avvikelserapport, 4 ur1, 8 ur2, 10 avvikelserapport, 12 arsredovisning.
    assert PLAN.previous_report_month(month) == previous


def test_the_years_first_report_has_no_previous_forecast() -> None:
    february = figures(2, None)
    for row in february["economy"]["rows"].values():
        assert row["forecast_previous"] is None and row["forecast_change"] is None
    economy = february["economy"]
    assert (
        economy["previous_period"],
        economy["forecast_result_previous"],
        economy["forecast_result_change"],
    ) == (
        None,
        None,
        None,
    )
    # With no earlier report, "spent since the previous report" is the year to date: 100 kr in January.
    assert february["investments"][3]["actual_since_previous"] == 100.0


def test_april_compares_with_february_as_a_rerun_of_february_computes_it() -> None:
    april = figures(4, ledger(2))
    rows, economy = april["economy"]["rows"], april["economy"]
    # February's forecast (Jan–Feb actuals, February's adjustment −5 000 in force):
    #   personnel 40 000 + (240 000 − 40 000) − 5 000 = 235 000; revenue −21 000 + (−120 000 + 20 000) = −121 000;
    #   other 61 000 + (360 000 − 60 000) = 361 000; allocation −80 000 + (−480 000 + 80 000) = −480 000.
    # April's (Jan–Apr, April's adjustments): personnel 80 000 + 160 000 − 2 000 = 238 000;
    #   revenue −43 000 + (−80 000) − 1 000 = −124 000; other 126 000 + 240 000 = 366 000; allocation −480 000.
    expected = {
        "personalkostnader": (238_000.0, 235_000.0, 3_000.0),
        "intakter": (-124_000.0, -121_000.0, -3_000.0),
        "ovriga_driftskostnader": (366_000.0, 361_000.0, 5_000.0),
        "regionbidrag": (-480_000.0, -480_000.0, 0.0),
        "netto": (
            480_000.0,
            475_000.0,
            5_000.0,
        ),  # −124 000 + 238 000 + 366 000 vs −121 000 + 235 000 + 361 000
    }
    for row, (now, before, change) in expected.items():
        assert (rows[row]["forecast_year"], rows[row]["forecast_previous"], rows[row]["forecast_change"]) == (
            now,
            before,
            change,
        ), row
    # The bridge: the personnel adjustment was −5 000 in February and is −2 000 now.
    assert (
        rows["personalkostnader"]["forecast_adjustment_previous"],
        rows["personalkostnader"]["forecast_adjustment"],
    ) == (
        -5_000.0,
        -2_000.0,
    )
    # Result forecast: −(475 000 − 480 000) = 5 000 in February, −(480 000 − 480 000) = 0 now.
    assert (economy["previous_period"], economy["forecast_result_previous"], economy["forecast_result"]) == (
        "2025-02",
        5_000.0,
        0.0,
    )
    assert economy["forecast_result_change"] == -5_000.0
    assert [a["amount_sek"] for a in economy["forecast_adjustments_previous"]] == [-5000]
    # Investments: spent Jan–Apr 800 kr, of which 700 after February (March 500 + April 200).
    it = april["investments"][3]
    assert (it["actual_ytd"], it["actual_since_previous"]) == (800.0, 700.0)
    # Default forecast max(spent, budget 1 000 kr) in both reports: no change.
    assert (it["forecast_previous"], it["forecast_change"]) == (1_000.0, 0.0)


def test_the_previous_extract_is_required_exactly_when_there_is_a_previous_report() -> None:
    with pytest.raises(ValueError, match="previous report of 2025-04 is 2025-02"):
        figures(4, None)
    with pytest.raises(ValueError, match="previous report of 2025-02 is None"):
        figures(2, ledger(1))
