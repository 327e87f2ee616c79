"""Investment follow-up: accumulated spending and forecast against each investment's budget (Tabell 3, 5).

Amounts are whole öre (int); transforms.figures turns them into SEK for figures.json.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

MONEY_KEYS = (
    "budget_year",
    "actual_ytd",
    "actual_since_previous",
    "forecast_year",
    "forecast_deviation",
    "forecast_previous",
    "forecast_change",
    "carry_over",
)


@dataclass(frozen=True)
class InvestmentPlanRow:
    name: str
    category: str
    budget_ore: int
    """The plan's budget for the report year; used when the source has no project row."""
    comment: str | None
    forecast_override_ore: int | None
    """A controller's forecast from the inputs file, replacing the default."""
    measures: str | None = None
    carry_over_ore: int | None = None
    """Proposed carry-over to next year (ombudgetering), entered for the annual report."""


def investment_figures(
    plan_rows: list[InvestmentPlanRow],
    projects: pd.DataFrame,
    actuals: pd.DataFrame,
    is_investment_account: Callable[[str], bool],
    *,
    year_closed: bool = False,
    previous_period: int | None = None,
) -> list[dict[str, object]]:
    """One entry per planned investment, in plan order, amounts in öre under MONEY_KEYS.

    actual_ytd sums the year's class-1 entries carrying the project; a credit note (a negative amount)
    lowers it. actual_since_previous is the part booked after the previous report's period (YYYYMM; the
    plan's Tabell 3 asks what was spent since the last report); without a previous report of the year it
    is the whole year to date. The default forecast assumes the budget will be used but never less than
    what is already spent: max(actual_ytd, budget); a controller's forecast from the inputs file replaces
    it. Once the year is closed (the December report) the forecast is the outcome, as for the operating
    economy. forecast_previous and forecast_change are None here; transforms.figures fills them in.
    """
    spent = _spent_by_project(actuals, is_investment_account)
    recent = actuals if previous_period is None else actuals[actuals["period"] > previous_period]
    spent_since = _spent_by_project(recent, is_investment_account)
    by_name: Mapping[str, pd.Series] = {row["name"]: row for _, row in projects.iterrows()}
    figures: list[dict[str, object]] = []
    for planned in plan_rows:
        source = by_name.get(planned.name)
        project = None if source is None else str(source["project"])
        budget = planned.budget_ore if source is None else int(source["budget_ore"])
        actual = spent.get(project, 0) if project is not None else 0
        actual_since = spent_since.get(project, 0) if project is not None else 0
        if year_closed:
            forecast = actual
        elif planned.forecast_override_ore is not None:
            forecast = planned.forecast_override_ore
        else:
            forecast = max(actual, budget)
        figures.append(
            {
                "project": project,
                "name": planned.name,
                "category": planned.category,
                "budget_year": budget,
                "actual_ytd": actual,
                "actual_since_previous": actual_since,
                "forecast_year": forecast,
                "forecast_deviation": budget - forecast,
                "forecast_previous": None,
                "forecast_change": None,
                "comment": planned.comment,
                "measures": planned.measures,
                "carry_over": planned.carry_over_ore,
            }
        )
    return figures


def investment_totals(figures: list[dict[str, object]]) -> dict[str, int | None]:
    """The totals row: every money key summed; a key that is None for any investment is None."""
    totals: dict[str, int | None] = {}
    for key in MONEY_KEYS:
        values = [entry[key] for entry in figures]
        if key == "carry_over":
            entered = [int(v) for v in values if v is not None]  # type: ignore[call-overload]
            totals[key] = sum(entered) if entered else None
        else:
            totals[key] = None if any(v is None for v in values) else sum(int(v) for v in values)  # type: ignore[call-overload]
    return totals


def _spent_by_project(
    actuals: pd.DataFrame, is_investment_account: Callable[[str], bool]
) -> Mapping[str, int]:
    if actuals.empty:
        return {}
    spending = actuals[
        actuals["project"].notna() & actuals["account"].map(is_investment_account).astype(bool)
    ]
    sums = spending.groupby("project")["amount_ore"].sum()
    return {str(project): int(amount) for project, amount in sums.items()}
