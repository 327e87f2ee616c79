"""A small, consistent report package input for April 2025 (UR1): ledger frames and the figures they give.

The figures' economy rows are worked out by hand from the frames below (arithmetic in the comments), so the
workbook's drill-down can be checked to add up to the report rows. Everything else comes from the hand-made
figures of tests/publish/test_render.py.

Cost centres: 100 Ekonomi (top), 110 Redovisning (under 100), 200 HR (top).
Budget B2025, the same every month of 2025 (kronor):
    3010 intakter        110   −3 000 000.00      year −36 000 000   Jan..Apr −12 000 000
    4011 personal        110    2 000 000.00      year  24 000 000   Jan..Apr   8 000 000
    4011 personal        200    2 500 000.00      year  30 000 000   Jan..Apr  10 000 000
    5010 övriga          200    1 000 000.00      year  12 000 000   Jan..Apr   4 000 000
    8910 regionbidrag    100   −2 500 000.00      year −30 000 000   Jan..Apr −10 000 000
Actuals Jan..Apr (kronor):
    3010/110   −3 536 419.97 a month                          ytd −14 145 679.88
    4011/110    1 950 000.10 a month                          ytd   7 800 000.40
    4011/200    2 450 000.05 a month                          ytd   9 800 000.20
    5010/200    Jan 1 000 000.00, Feb 1 200 000.33, Mar 900 000.00, Apr 1 100 000.00   ytd 4 200 000.33
    8910/100   −2 500 000.00 a month                          ytd −10 000 000.00
    1210/110    500 000.00 in March with project P1 (investment: balance sheet, not in the economy rows)
    4011/200    1 000 000.00 in May (after the report month: never counted)
Forecast adjustment: personalkostnader −1 000 000 (lower cost in the rest of the year).
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from tests.publish.test_render import make_figures
from transforms.drilldown import Drilldown, build_drilldown

ROW_OF_ACCOUNT = {
    "3010": "intakter",
    "4011": "personalkostnader",
    "5010": "ovriga_driftskostnader",
    "8910": "regionbidrag",
    "1210": "balance",
}
COST_CENTERS = pd.DataFrame(
    [("100", "Ekonomi", None), ("110", "Redovisning", "100"), ("200", "HR", None)],
    columns=["cost_center", "name", "parent"],
)
MONTHLY_BUDGET_ORE = {
    ("3010", "110"): -300_000_000,
    ("4011", "110"): 200_000_000,
    ("4011", "200"): 250_000_000,
    ("5010", "200"): 100_000_000,
    ("8910", "100"): -250_000_000,
}
OTHER_COSTS_ORE = {1: 100_000_000, 2: 120_000_033, 3: 90_000_000, 4: 110_000_000}


def budget_frame() -> pd.DataFrame:
    rows = [
        (202500 + month, account, cc, amount)
        for (account, cc), amount in MONTHLY_BUDGET_ORE.items()
        for month in range(1, 13)
    ]
    return pd.DataFrame(rows, columns=["period", "account", "cost_center", "amount_ore"])


def actuals_frame() -> pd.DataFrame:
    rows: list[tuple[int, str, str, str | None, int]] = []
    for month in range(1, 5):
        period = 202500 + month
        rows += [
            (period, "3010", "110", None, -353_641_997),
            (period, "4011", "110", None, 195_000_010),
            (period, "4011", "200", None, 245_000_005),
            (period, "5010", "200", None, OTHER_COSTS_ORE[month]),
            (period, "8910", "100", None, -250_000_000),
        ]
    rows += [(202503, "1210", "110", "P1", 50_000_000), (202505, "4011", "200", None, 100_000_000)]
    return pd.DataFrame(rows, columns=["period", "account", "cost_center", "project", "amount_ore"])


def drilldown() -> Drilldown:
    return build_drilldown(actuals_frame(), budget_frame(), COST_CENTERS, ROW_OF_ACCOUNT, year=2025, month=4)


def _row(
    budget_year: float, budget_ytd: float, actual_ytd: float, forecast_year: float, adjustment: float = 0.0
) -> dict[str, float | None]:
    return {
        "budget_year": budget_year,
        "budget_ytd": budget_ytd,
        "actual_ytd": actual_ytd,
        "deviation_ytd": round(budget_ytd - actual_ytd, 2),
        "forecast_year": forecast_year,
        "forecast_deviation": round(budget_year - forecast_year, 2),
        "forecast_adjustment": adjustment,
        # The package's figures compare with no earlier report (the forecast path is tested elsewhere).
        "forecast_previous": None,
        "forecast_change": None,
        "forecast_adjustment_previous": None,
    }


ECONOMY_ROWS = {
    # actual −14 145 679.88; forecast = actual + (year − ytd) = −14 145 679.88 − 24 000 000
    "intakter": _row(-36_000_000.00, -12_000_000.00, -14_145_679.88, -38_145_679.88),
    # actual 7 800 000.40 + 9 800 000.20; forecast = 17 600 000.60 + 36 000 000 − 1 000 000 (adjustment)
    "personalkostnader": _row(54_000_000.00, 18_000_000.00, 17_600_000.60, 52_600_000.60, -1_000_000.00),
    # forecast = 4 200 000.33 + (12 000 000 − 4 000 000)
    "ovriga_driftskostnader": _row(12_000_000.00, 4_000_000.00, 4_200_000.33, 12_200_000.33),
    # the three rows: actual −14 145 679.88 + 17 600 000.60 + 4 200 000.33; forecast likewise
    "netto": _row(30_000_000.00, 10_000_000.00, 7_654_321.05, 26_654_321.05, -1_000_000.00),
    "regionbidrag": _row(-30_000_000.00, -10_000_000.00, -10_000_000.00, -30_000_000.00),
}
# Result = −(netto + regionbidrag): actual −(7 654 321.05 − 10 000 000) = 2 345 678.95 ("2,3 mnkr");
# budgeted 0 both to date and for the year; forecast −(26 654 321.05 − 30 000 000) = 3 345 678.95 ("3,3 mnkr").
PERIODRESULTAT = 2_345_678.95
FORECAST_RESULT = 3_345_678.95


def figures(kind: str = "ur1", version: int = 1) -> dict[str, Any]:
    """make_figures of test_render with the economy above (amounts SEK, ledger sign)."""
    f = copy.deepcopy(make_figures(kind, "2025-04"))
    f["version"] = version
    f["economy"] = {
        "rows": ECONOMY_ROWS,
        "periodresultat": PERIODRESULTAT,
        "ackumulerad_budgetavvikelse": PERIODRESULTAT,  # − budgeted result to date (0)
        "prognos_budgetavvikelse": FORECAST_RESULT,  # − budgeted full-year result (0)
        "budgeted_result_ytd": 0.0,
        "budgeted_result_year": 0.0,
        "forecast_result": FORECAST_RESULT,
        "forecast_adjustments": [
            {"row": "personalkostnader", "amount_sek": -1_000_000.0, "comment": "Vakanser tillsätts i höst."}
        ],
        "previous_period": None,
        "forecast_result_previous": None,
        "forecast_result_change": None,
        "forecast_adjustments_previous": None,
        "prognos_investeringsbudgetavvikelse": f["economy"]["prognos_investeringsbudgetavvikelse"],
    }
    return f


def earlier_months() -> list[dict[str, Any]]:
    """Published figures of January..March: what the history charts read (only the keys they use)."""

    def month(period: str, forecast_deviation: float, turnover: float | None, sick: float) -> dict[str, Any]:
        return {
            "period": period,
            "economy": {"prognos_budgetavvikelse": forecast_deviation},
            "indicators": {"personalomsattning": {"value": turnover}, "sjukfranvaro": {"value": sick}},
        }

    return [
        month("2025-01", 1_250_000.0, 11.2, 5.1),
        month("2025-02", -340_000.0, None, 5.24),  # turnover withheld in February (a small group)
        month("2025-03", 2_049_999.99, 10.9, 5.3),
    ]
