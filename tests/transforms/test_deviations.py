"""The deviations list: materiality thresholds from the plan, just below / at / above, with hand figures.

The built-in plan: net budget −440 + 586 + 674 = 820 mnkr; 0.5 % of it is 4.1 mnkr = 410 000 000 öre.
Investments: 10 % of their own budget, or the 4.1 mnkr of the economy, whichever is smaller.
"""

from __future__ import annotations

from typing import Any

import pytest

from transforms.deviations import economy_threshold, possible_ids, select_deviations, share_of
from uppfoljning.inputs import Inputs
from uppfoljning.plan import load_plan

PLAN = load_plan()
THRESHOLD = 410_000_000  # öre: 820 000 000 kr x 0.5 / 100 = 4 100 000 kr


def _row(deviation_ytd: int = 0, forecast_deviation: int = 0) -> dict[str, int]:
    return {
        "budget_ytd": 0,
        "actual_ytd": -deviation_ytd,
        "deviation_ytd": deviation_ytd,
        "budget_year": 0,
        "forecast_year": -forecast_deviation,
        "forecast_deviation": forecast_deviation,
    }


def _results(accumulated: int = 0, forecast: int = 0) -> dict[str, int]:
    return {
        "periodresultat": accumulated,
        "ackumulerad_budgetavvikelse": accumulated,
        "prognos_budgetavvikelse": forecast,
        "budgeted_result_ytd": 0,
        "budgeted_result_year": 0,
        "forecast_result": forecast,
    }


def _investment(name: str, budget: int, forecast_deviation: int) -> dict[str, Any]:
    return {
        "name": name,
        "budget_year": budget,
        "actual_ytd": 0,
        "forecast_year": budget - forecast_deviation,
        "forecast_deviation": forecast_deviation,
        "comment": None,
        "measures": None,
    }


def _indicators(turnover_met: bool | None = True, sick_met: bool | None = True) -> dict[str, Any]:
    return {
        "personalomsattning": {
            "name": "Personalomsättning",
            "value": 11.8,
            "target": 11.0,
            "met": turnover_met,
        },
        "sjukfranvaro": {"name": "Sjukfrånvaro", "value": 5.24, "target": 5.2, "met": sick_met},
    }


def _select(
    rows: dict[str, dict[str, int]] | None = None,
    results: dict[str, int] | None = None,
    investments: list[dict[str, Any]] | None = None,
    indicators: dict[str, Any] | None = None,
    inputs: Inputs | None = None,
) -> list[dict[str, Any]]:
    all_rows = {
        row: _row() for row in ("intakter", "personalkostnader", "ovriga_driftskostnader", "regionbidrag")
    }
    return select_deviations(
        plan=PLAN,
        inputs=inputs or Inputs(year=2025),
        period="2025-10",
        rows=all_rows | (rows or {}),
        results=results or _results(),
        investments=investments or [],
        indicators=indicators or _indicators(),
        comment_required=True,
    )


def test_the_economy_threshold_is_half_a_percent_of_the_net_budget() -> None:
    assert economy_threshold(PLAN) == THRESHOLD
    assert share_of(1_000_000_000, 10) == 100_000_000  # 10 % of 10 mnkr = 1 mnkr
    assert share_of(5, 10) == 1  # 0.5 öre rounds half up


@pytest.mark.parametrize(
    ("amount", "listed"),
    [
        (THRESHOLD - 1, False),
        (THRESHOLD, True),
        (THRESHOLD + 1, True),
        (-THRESHOLD, True),
        (-THRESHOLD + 1, False),
    ],
)
def test_an_economy_row_is_material_at_the_threshold(amount: int, listed: bool) -> None:
    # 4 099 999,99 kr is not material, 4 100 000,00 and 4 100 000,01 are; the sign does not matter.
    found = _select(rows={"personalkostnader": _row(deviation_ytd=amount)})
    assert [d["id"] for d in found] == (["ekonomi.personalkostnader"] if listed else [])
    if listed:
        assert found[0]["reasons"] == ["deviation_ytd"]
        assert found[0]["figures"]["deviation_ytd"] == amount
        assert found[0]["figures"]["threshold"] == THRESHOLD


def test_the_forecast_deviation_alone_selects_a_row_and_says_so() -> None:
    found = _select(rows={"ovriga_driftskostnader": _row(deviation_ytd=100, forecast_deviation=-THRESHOLD)})
    assert [(d["id"], d["reasons"], d["name"]) for d in found] == [
        ("ekonomi.ovriga_driftskostnader", ["forecast_deviation"], "Övriga driftskostnader")
    ]


@pytest.mark.parametrize(
    ("accumulated", "forecast", "reasons"),
    [
        (THRESHOLD - 1, THRESHOLD - 1, None),
        (THRESHOLD, 0, ["ackumulerad_budgetavvikelse"]),
        (0, -THRESHOLD - 1, ["prognos_budgetavvikelse"]),
    ],
)
def test_the_result_is_material_on_either_deviation(
    accumulated: int, forecast: int, reasons: list[str] | None
) -> None:
    found = _select(results=_results(accumulated, forecast))
    assert [(d["id"], d["reasons"]) for d in found] == ([] if reasons is None else [("resultat", reasons)])


@pytest.mark.parametrize(
    ("budget", "deviation", "listed"),
    [
        # 10 mnkr: 10 % = 1 000 000 kr = 100 000 000 öre (below the economy's 4.1 mnkr, so it applies).
        (1_000_000_000, 99_999_999, False),
        (1_000_000_000, 100_000_000, True),
        (1_000_000_000, -100_000_001, True),
        # 80 mnkr: 10 % = 8 mnkr, but 4.1 mnkr is smaller and applies.
        (8_000_000_000, THRESHOLD - 1, False),
        (8_000_000_000, THRESHOLD, True),
        # 600 tkr: 10 % = 60 000 kr; 24 000 kr over budget is not material, 60 000 kr is.
        (60_000_000, -2_400_000, False),
        (60_000_000, -6_000_000, True),
        # No budget: any non-zero deviation is material, a zero one never.
        (0, 0, False),
        (0, -1, True),
    ],
)
def test_investment_materiality(budget: int, deviation: int, listed: bool) -> None:
    found = _select(investments=[_investment("FVIS", budget, deviation)])
    assert [d["id"] for d in found] == (["investering.FVIS"] if listed else [])


def test_an_indicator_missing_its_target_is_listed_and_a_suppressed_one_is_not() -> None:
    found = _select(indicators=_indicators(turnover_met=False, sick_met=None))
    assert [(d["id"], d["reasons"], d["figures"]["direction"]) for d in found] == [
        ("indikator.personalomsattning", ["target_missed"], "lower_is_better")
    ]


def test_order_comments_and_measures() -> None:
    inputs = Inputs.model_validate(
        {
            "year": 2025,
            "deviation_comments": {
                "2025-10": {"resultat": {"comment": "Se raderna.", "measures": "Anställningsstopp."}},
                "2025-08": {"ekonomi.intakter": {"comment": "Fel månad: syns inte i oktober."}},
            },
        }
    )
    investment = _investment("Bredbandsutbyggnad", 1_000_000_000, 320_000_000) | {
        "comment": "Försenad entreprenör.",
        "measures": "Vite.",
    }
    found = _select(
        rows={"intakter": _row(deviation_ytd=THRESHOLD)},
        results=_results(forecast=THRESHOLD),
        investments=[investment],
        indicators=_indicators(sick_met=False),
        inputs=inputs,
    )
    assert [(d["id"], d["comment"], d["measures"]) for d in found] == [
        ("resultat", "Se raderna.", "Anställningsstopp."),
        ("ekonomi.intakter", None, None),  # a comment of another period does not apply
        ("investering.Bredbandsutbyggnad", "Försenad entreprenör.", "Vite."),  # the investment's own
        ("indikator.sjukfranvaro", None, None),
    ]
    assert all(d["comment_required"] for d in found)


def test_possible_ids_cover_every_row_investment_and_indicator() -> None:
    ids = possible_ids(PLAN)
    assert {
        "resultat",
        "ekonomi.regionbidrag",
        "investering.Möbler och utrustning, övrigt",
        "indikator.sjukfranvaro",
    } <= ids
    assert "ekonomi.netto" not in ids  # the result covers the net cost
    assert len(ids) == 1 + 4 + 4 + 2
