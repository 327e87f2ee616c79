"""The pure computations on tiny hand-made inputs; expected numbers are worked out in the comments."""

from __future__ import annotations

import pandas as pd
import pytest

from transforms.economy import UnmappedAccountError, economy_rows, results, sum_by_row
from transforms.investments import InvestmentPlanRow, investment_figures
from transforms.periods import Month, rolling_window, year_to_date
from transforms.sick_leave import sjukfranvaro
from transforms.turnover import personalomsattning

NAMES = {"intakter": "Intäkter", "personalkostnader": "P", "ovriga_driftskostnader": "Ö", "regionbidrag": "R"}


def series(intakter: float, personal: float, ovriga: float, bidrag: float) -> pd.Series:
    return pd.Series(
        {
            "intakter": intakter,
            "personalkostnader": personal,
            "ovriga_driftskostnader": ovriga,
            "regionbidrag": bidrag,
        }
    )


def test_rolling_window_crosses_the_year() -> None:
    window = rolling_window(Month(2025, 2), 12)
    assert (str(window.first), str(window.last)) == ("2024-03", "2025-02")
    assert len(window.month_ends) == 12
    assert str(window.month_ends[0]) == "2024-03-31" and str(window.month_ends[-1]) == "2025-02-28"
    assert str(year_to_date(Month(2025, 2)).first) == "2025-01"


@pytest.mark.parametrize("text", ["2025-13", "2025-2", "202502", "abcd-ef", ""])
def test_bad_period_is_named(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Month.parse(text)


def test_economy_rows_signs_and_forecast() -> None:
    # Budget year (mnkr): revenues -440, personnel 586, other 674, allocation -820 -> result 0.
    # Jan-Feb budget: -80, 100, 110, -140 -> budgeted result YTD = -(-80+100+110-140) = 10.
    # Actual Jan-Feb: -90 (more revenue), 95 (lower cost), 120 (higher cost), -140.
    rows = economy_rows(
        actual_ytd=series(-90, 95, 120, -140),
        budget_year=series(-440, 586, 674, -820),
        budget_ytd=series(-80, 100, 110, -140),
        adjustments={"personalkostnader": -3},
        names=NAMES,
    )
    # deviation = budget - actual: revenues -80 - -90 = 10 (favourable), personnel 100-95 = 5, other 110-120 = -10.
    assert [
        rows[r]["deviation_ytd"] for r in ("intakter", "personalkostnader", "ovriga_driftskostnader")
    ] == [
        10,
        5,
        -10,
    ]
    # forecast = actual + (budget_year - budget_ytd) + adjustment: personnel 95 + 486 - 3 = 578; deviation 8.
    assert rows["personalkostnader"]["forecast_year"] == 578
    assert rows["personalkostnader"]["forecast_deviation"] == 8
    # netto = the three rows: budget 820, actual -90+95+120 = 125, deviation 5.
    assert rows["netto"]["budget_year"] == 820 and rows["netto"]["actual_ytd"] == 125
    assert rows["netto"]["deviation_ytd"] == 5
    assert list(rows) == ["intakter", "personalkostnader", "ovriga_driftskostnader", "netto", "regionbidrag"]
    figures = results(rows)
    # periodresultat = -(125 - 140) = 15; budgeted YTD = 10 -> accumulated deviation 5.
    assert figures["periodresultat"] == 15
    assert figures["ackumulerad_budgetavvikelse"] == 5
    # forecast result = -(netto forecast + allocation forecast): netto forecast = (-90-360)+(578)+(120+564) = 812,
    # allocation -140-680 = -820 -> result 8 -> deviation against the budgeted 0 is 8.
    assert figures["prognos_budgetavvikelse"] == 8


def test_preliminary_rows_never_reach_sum_by_row_unmapped_accounts_do() -> None:
    amounts = pd.DataFrame({"account": ["3011", "8500"], "amount": [-1.0, 2.0]})
    with pytest.raises(UnmappedAccountError, match="8500"):
        sum_by_row(amounts, {"3011": "intakter", "8500": None}, source="gl_entries")


@pytest.mark.parametrize(
    ("leavers", "headcounts", "expected"),
    [
        (11, [100] * 12, 11.0),  # 11 / 100 * 100
        (3, [20, 20, 20, 20, 20, 20, 30, 30, 30, 30, 30, 30], 12.0),  # mean 25 -> 3/25 = 12 %
        (1, [10] * 12, None),  # ten employees: suppressed
        (1, [11] * 12, 100 / 11),  # eleven: shown
    ],
)
def test_personalomsattning(leavers: int, headcounts: list[int], expected: float | None) -> None:
    result = personalomsattning(leavers, headcounts, max_suppressed_size=10)
    assert result["value"] == (pytest.approx(expected) if expected is not None else None)
    assert result["numerator"] == leavers


def groups(rows: list[tuple[str, str, int, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["sex", "age_group", "persons", "scheduled_hours", "sick_hours", "long_term_hours"]
    )


def test_sjukfranvaro_suppresses_groups_of_ten_or_fewer() -> None:
    rolling = groups(
        [
            ("K", "30-49", 8, 1000.0, 60.0, 30.0),
            ("K", "50-", 4, 500.0, 40.0, 0.0),
            ("M", "30-49", 10, 1500.0, 30.0, 0.0),
        ]
    )
    result = sjukfranvaro(rolling, rolling, age_labels=["-29", "30-49", "50-"], max_suppressed_size=10)
    # Total: 130 / 3000 = 4.333 %; long-term 30 / 130 = 23.08 %.
    assert result["value"] == pytest.approx(130 / 3000 * 100)
    assert result["long_term_share"] == pytest.approx(30 / 130 * 100)
    # K has 12 persons (shown): 100 / 1500; M has exactly 10 (suppressed).
    assert result["by_sex"] == {"K": pytest.approx(100 / 1500 * 100), "M": None}
    # 30-49: 18 persons, 90 / 2500; 50-: 4 persons -> suppressed; -29: nobody -> suppressed.
    assert result["by_age"] == {"-29": None, "30-49": pytest.approx(90 / 2500 * 100), "50-": None}


def test_investments_default_and_override_forecasts() -> None:
    projects = pd.DataFrame(
        {
            "project": ["P1", "P2"],
            "name": ["Bredband", "IT"],
            "category": ["beslutad"] * 2,
            "budget": [100.0, 50.0],
        }
    )
    actuals = pd.DataFrame(
        {
            "period": [202501, 202502, 202502, 202502],
            "account": ["1110", "1220", "5410", "1220"],
            "project": ["P1", "P1", "P1", "P2"],
            "amount": [30.0, 20.0, 99.0, 60.0],
        }
    )
    plan_rows = [
        InvestmentPlanRow("Bredband", "beslutad", 100.0, comment=None, forecast_override=None),
        InvestmentPlanRow("IT", "reinvestering", 50.0, comment="Över budget", forecast_override=None),
        InvestmentPlanRow("Saknas", "beslutad", 7.0, comment=None, forecast_override=5.0),
    ]
    result = investment_figures(plan_rows, projects, actuals, lambda a: a.startswith("1"))
    # P1: 30 + 20 on class 1 (the 5410 row is operating cost) = 50; forecast max(50, 100) = 100.
    assert result[0]["actual_ytd"] == 50 and result[0]["forecast_year"] == 100
    # P2: spent 60 > budget 50 -> forecast 60, deviation -10.
    assert result[1]["forecast_year"] == 60 and result[1]["forecast_deviation"] == -10
    # Not in the source: plan budget, nothing spent, the controller's forecast 5 -> deviation 2.
    assert result[2]["project"] is None and result[2]["forecast_deviation"] == 2
