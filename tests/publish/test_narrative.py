"""The drafted Swedish sentences: sign words, rounding, the annual wording; figures worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from publish import narrative
from uppfoljning.plan import load_plan

PLAN = load_plan()
NBSP = "\u00a0"


def plain(text: str) -> str:
    """No-break spaces as spaces, to compare with readable expectations."""
    return text.replace(NBSP, " ")


def _figures(month: int = 10) -> dict[str, Any]:
    return {"year": 2025, "month": month, "year_closed": month == 12}


def _row(budget_ytd: float, actual_ytd: float, budget_year: float, forecast_year: float) -> dict[str, float]:
    return {
        "budget_ytd": budget_ytd,
        "actual_ytd": actual_ytd,
        "deviation_ytd": budget_ytd - actual_ytd,
        "budget_year": budget_year,
        "forecast_year": forecast_year,
        "forecast_deviation": budget_year - forecast_year,
    }


def test_cost_row_over_budget_with_a_forecast_deficit() -> None:
    # Budget Jan–Oct 480,0 mnkr, actual 482,3: 2,3 mnkr more cost. Forecast 587,1 against 586,0: 1,1 worse.
    row = _row(480_000_000, 482_300_000, 586_000_000, 587_100_000)
    assert plain(narrative.row_sentence(PLAN, "personalkostnader", row, _figures())) == (
        "Personalkostnaderna är 2,3 mnkr högre än budget för januari–oktober 2025; "
        "helårsprognosen är ett underskott på 1,1 mnkr mot budget."
    )


def test_revenue_over_budget_is_higher_and_a_surplus() -> None:
    # Ledger sign: budget −360,0, actual −362,05 -> deviation = −360,0 − (−362,05) = +2,05 (more revenue);
    # 2,05 rounds half up to 2,1. Forecast −442,05 against −440,0: +2,05, a surplus against budget.
    row = _row(-360_000_000, -362_050_000, -440_000_000, -442_050_000)
    assert plain(narrative.row_sentence(PLAN, "intakter", row, _figures())) == (
        "Intäkterna är 2,1 mnkr högre än budget för januari–oktober 2025; "
        "helårsprognosen är ett överskott på 2,1 mnkr mot budget."
    )


def test_cost_under_budget_and_a_forecast_on_budget() -> None:
    # 2 049 999 kr less cost rounds to 2,0 (not up); a forecast 0,40 kr from budget is on budget.
    row = _row(100_000_000, 97_950_001, 200_000_000, 200_000_000.4)
    assert plain(narrative.row_sentence(PLAN, "ovriga_driftskostnader", row, _figures())) == (
        "Övriga driftskostnader är 2,0 mnkr lägre än budget för januari–oktober 2025; "
        "helårsprognosen är i nivå med budget."
    )


def test_small_amounts_keep_their_digits() -> None:
    # Below 1 mnkr in tkr, below 1 tkr in kr: never "0,0 mnkr".
    assert plain(narrative.magnitude(-624_000)) == "624 tkr"
    assert plain(narrative.magnitude(999_499)) == "999 tkr"
    assert plain(narrative.magnitude(999_500)) == "1,0 mnkr"  # 999,5 tkr rounds to 1 000 tkr
    assert plain(narrative.magnitude(300)) == "300 kr"
    assert plain(narrative.versus_budget(-40_000)) == "40 tkr sämre än budget"
    assert narrative.versus_budget(0.49) == "i nivå med budget"


def test_the_annual_basis_speaks_of_the_outcome() -> None:
    # December: budget 586,0, outcome 576,76 -> 9,24 mnkr less cost, rounded 9,2.
    row = _row(586_000_000, 576_760_000, 586_000_000, 576_760_000)
    assert plain(narrative.row_sentence(PLAN, "personalkostnader", row, _figures(12))) == (
        "Personalkostnaderna blev 9,2 mnkr lägre än budget för helåret 2025."
    )
    economy = {"periodresultat": -1_150_000, "ackumulerad_budgetavvikelse": -1_150_000}
    assert plain(narrative.result_sentence(economy, _figures(12))) == (
        "Årets resultat blev ett underskott på 1,2 mnkr, 1,2 mnkr sämre än budget."
    )
    investment = {
        "name": "FVIS",
        "budget_year": 15e6,
        "actual_ytd": 11.85e6,
        "forecast_year": 11.85e6,
        "forecast_deviation": 3.15e6,
    }
    assert plain(narrative.investment_sentence(investment, _figures(12))) == (
        "Utfallet för året är 11,9 mnkr av budgeten 15,0 mnkr, 3,2 mnkr lägre än budget."
    )


def test_result_sentence_during_the_year() -> None:
    # Result Jan–Oct 31,08 mnkr against a budgeted 30,21: 0,87 better; forecast 3,87 against 0: 3,87 better.
    economy = {
        "periodresultat": 31_080_000,
        "ackumulerad_budgetavvikelse": 870_000,
        "forecast_result": 3_870_000,
        "prognos_budgetavvikelse": 3_870_000,
    }
    assert plain(narrative.result_sentence(economy, _figures())) == (
        "Resultatet för januari–oktober 2025 är ett överskott på 31,1 mnkr, 870 tkr bättre än budget för "
        "perioden; helårsprognosen är ett överskott på 3,9 mnkr, 3,9 mnkr bättre än budget."
    )


def test_investment_sentence_over_budget_in_tkr() -> None:
    # 600 tkr budget, forecast 624 tkr: 24 tkr higher than budget.
    investment = {
        "name": "Möbler och utrustning, övrigt",
        "budget_year": 600_000,
        "actual_ytd": 437_000,
        "forecast_year": 624_000,
        "forecast_deviation": -24_000,
    }
    assert plain(narrative.investment_sentence(investment, _figures())) == (
        "Av årets budget på 600 tkr har 437 tkr förbrukats; prognosen för helåret är 624 tkr, 24 tkr högre än budget."
    )


def test_indicator_sentence_carries_the_verdict_in_its_precision() -> None:
    indicator = {"value": 5.236, "target": 5.2, "met": False, "window": {"from": "2024-11", "to": "2025-10"}}
    assert plain(narrative.indicator_sentence(PLAN, "sjukfranvaro", indicator)) == (
        "Sjukfrånvaron är 5,24 % för de senaste tolv månaderna (november 2024 – oktober 2025), "
        "över målvärdet högst 5,2 %; målvärdet uppnås inte."
    )


def test_forecast_path_and_outcome_sentences() -> None:
    economy = {
        "previous_period": "2025-08",
        "forecast_result_previous": 9_430_000,
        "forecast_result": 3_870_000,
        "forecast_result_change": -5_560_000,
    }
    assert plain(narrative.forecast_path_sentence(economy) or "") == (
        "Resultatprognosen har försämrats med 5,6 mnkr sedan augusti 2025, från ett överskott på 9,4 mnkr "
        "till ett överskott på 3,9 mnkr."
    )
    assert (
        narrative.forecast_path_sentence(
            {**economy, "forecast_result_previous": None, "forecast_result_change": None}
        )
        is None
    )
    annual = {
        "previous_period": "2025-10",
        "forecast_result_previous": 3_870_000,
        "forecast_result": -1_150_000,
        "forecast_result_change": -5_020_000,
    }
    assert plain(narrative.outcome_vs_forecast_sentence(annual) or "") == (
        "Årets resultat, ett underskott på 1,2 mnkr, blev 5,0 mnkr sämre än prognosen i oktober 2025 "
        "(ett överskott på 3,9 mnkr)."
    )


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        (
            {"rule": "inputs.goal_assessment_missing", "count": 1, "examples": ["rs07-paverkansagenda"]},
            "Bedömning saknas för 1 mål: ”Regionstyrelsen ska utveckla Region Hallands påverkansagenda”.",
        ),
        (
            {"rule": "inputs.investment_comment_missing", "count": 2, "examples": ["FVIS", "IT-utrustning"]},
            "Kommentar saknas för investeringarna ”FVIS” och ”IT-utrustning”.",
        ),
        (
            {
                "rule": "inputs.deviation_comment_missing",
                "count": 2,
                "examples": ["ekonomi.personalkostnader", "indikator.sjukfranvaro"],
            },
            "Kommentar saknas för avvikelserna ”Personalkostnader” och ”Sjukfrånvaro”.",
        ),
        (
            {"rule": "hr.some_future_rule", "count": 3, "examples": []},
            "En kontroll av underlaget gav 3 anmärkningar; detaljerna finns i körningsloggen.",
        ),
    ],
)
def test_data_quality_for_the_board_names_not_ids(check: dict[str, Any], expected: str) -> None:
    sentence = narrative.data_quality_sentence(check, PLAN)
    assert sentence == expected
    assert "inputs." not in sentence and "rs07" not in sentence
