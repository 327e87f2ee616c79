"""The deviations list of a board report: what passes the plan's materiality thresholds, with its figures.

Every economy row, the result, every investment and every indicator is tested against the thresholds in
the plan file (`materiality`); what passes is listed with the figures that selected it and the controller's
comment and measures from the inputs. Amounts are whole öre here (transforms.figures turns them into SEK);
a threshold is met *at* the threshold (|deviation| ≥ threshold), and a deviation of exactly 0 is never
material (an investment without budget would otherwise be material at 0).

Ids are stable across reports so that comments can be entered per id: `resultat`, `ekonomi.<row id>`,
`investering.<investment name>`, `indikator.<indicator key>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from uppfoljning.inputs import Inputs
from uppfoljning.plan import PNL_ROWS, Materiality, Plan

RESULT_ID = "resultat"
RESULT_NAME = "Resultat"
ECONOMY_PREFIX = "ekonomi."
INVESTMENT_PREFIX = "investering."
INDICATOR_PREFIX = "indikator."
ECONOMY_ROW_IDS = (*PNL_ROWS, "regionbidrag")
INDICATOR_KEYS = ("personalomsattning", "sjukfranvaro")

ROW_FIGURES = (
    "budget_ytd",
    "actual_ytd",
    "deviation_ytd",
    "budget_year",
    "forecast_year",
    "forecast_deviation",
)
RESULT_FIGURES = (
    "periodresultat",
    "budgeted_result_ytd",
    "ackumulerad_budgetavvikelse",
    "forecast_result",
    "budgeted_result_year",
    "prognos_budgetavvikelse",
)
INVESTMENT_FIGURES = ("budget_year", "actual_ytd", "forecast_year", "forecast_deviation")
MONEY_FIGURES = frozenset({*ROW_FIGURES, *RESULT_FIGURES, *INVESTMENT_FIGURES, "threshold"})
"""The keys of a deviation's `figures` that are amounts (öre here, SEK in figures.json)."""


def share_of(amount_ore: int, percent: float) -> int:
    """`percent` % of an amount in whole öre, rounded half up: 0.5 % of 820 mnkr is exactly 4.1 mnkr."""
    exact = Decimal(abs(amount_ore)) * Decimal(str(percent)) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def economy_threshold(plan: Plan) -> int:
    """The economy threshold in öre: the plan's share of its own net budget (Tabell 4)."""
    net_ore = sum(_mnkr_ore(plan.operating_budget_mnkr[row]) for row in PNL_ROWS)
    return share_of(net_ore, plan.materiality.economy_share_of_net_budget_percent)


def _mnkr_ore(mnkr: float) -> int:
    return int(Decimal(str(mnkr)) * 100_000_000)


def _material(amount: int, threshold: int) -> bool:
    return amount != 0 and abs(amount) >= threshold


def possible_ids(plan: Plan) -> set[str]:
    """Every id a deviation of this plan can have (what the comment import accepts)."""
    return {
        RESULT_ID,
        *(ECONOMY_PREFIX + row for row in ECONOMY_ROW_IDS),
        *(INVESTMENT_PREFIX + i.name for i in plan.investments),
        *(INDICATOR_PREFIX + key for key in INDICATOR_KEYS),
    }


def select_deviations(
    *,
    plan: Plan,
    inputs: Inputs,
    period: str,
    rows: Mapping[str, Mapping[str, Any]],
    results: Mapping[str, int],
    investments: Sequence[Mapping[str, Any]],
    indicators: Mapping[str, Mapping[str, Any]],
    comment_required: bool,
) -> list[dict[str, Any]]:
    """The material deviations, in report order: the result, the economy rows, investments, indicators."""
    materiality: Materiality = plan.materiality
    threshold = economy_threshold(plan)
    selected: list[dict[str, Any]] = []
    figures: dict[str, Any]

    def add(
        deviation_id: str,
        kind: str,
        ref: str | None,
        name: str,
        reasons: list[str],
        figures: dict[str, Any],
        comment: str | None,
        measures: str | None,
    ) -> None:
        selected.append(
            {
                "id": deviation_id,
                "type": kind,
                "ref": ref,
                "name": name,
                "reasons": reasons,
                "figures": figures,
                "comment": comment,
                "measures": measures,
                "comment_required": comment_required,
            }
        )

    def entered(deviation_id: str) -> tuple[str | None, str | None]:
        note = inputs.deviation_comment_for(period, deviation_id)
        return note.comment, note.measures

    reasons = [
        k
        for k in ("ackumulerad_budgetavvikelse", "prognos_budgetavvikelse")
        if _material(results[k], threshold)
    ]
    if reasons:
        figures = {k: results[k] for k in RESULT_FIGURES} | {"threshold": threshold}
        add(RESULT_ID, "result", None, RESULT_NAME, reasons, figures, *entered(RESULT_ID))

    for row in ECONOMY_ROW_IDS:
        values = rows[row]
        reasons = [k for k in ("deviation_ytd", "forecast_deviation") if _material(int(values[k]), threshold)]
        if reasons:
            deviation_id = ECONOMY_PREFIX + row
            figures = {k: int(values[k]) for k in ROW_FIGURES} | {"threshold": threshold}
            add(
                deviation_id,
                "economy_row",
                row,
                plan.report_row(row).name,
                reasons,
                figures,
                *entered(deviation_id),
            )

    for investment in investments:
        deviation = int(investment["forecast_deviation"])
        own = share_of(int(investment["budget_year"]), materiality.investment_share_of_budget_percent)
        if _material(deviation, min(own, threshold)):
            figures = {k: int(investment[k]) for k in INVESTMENT_FIGURES} | {"threshold": min(own, threshold)}
            add(
                INVESTMENT_PREFIX + investment["name"],
                "investment",
                investment["name"],
                investment["name"],
                ["forecast_deviation"],
                figures,
                investment.get("comment"),
                investment.get("measures"),
            )

    if materiality.indicator_missing_target:
        for key in INDICATOR_KEYS:
            indicator = indicators[key]
            if indicator["met"] is False:
                deviation_id = INDICATOR_PREFIX + key
                figures = {
                    "value": indicator["value"],
                    "target": indicator["target"],
                    "direction": plan.indicators[key].direction,  # type: ignore[index]
                    "window": indicator.get("window"),
                }
                add(
                    deviation_id,
                    "indicator",
                    key,
                    indicator["name"],
                    ["target_missed"],
                    figures,
                    *entered(deviation_id),
                )
    return selected
