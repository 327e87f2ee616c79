"""Investment follow-up: accumulated spending and forecast against each investment's budget (Tabell 3, 5).

Amounts are whole öre (int); transforms.figures turns them into SEK for figures.json.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

MONEY_KEYS = ("budget_year", "actual_ytd", "forecast_year", "forecast_deviation")


@dataclass(frozen=True)
class InvestmentPlanRow:
    name: str
    category: str
    budget_ore: int
    """The plan's budget for the report year; used when the source has no project row."""
    comment: str | None
    forecast_override_ore: int | None
    """A controller's forecast from the inputs file, replacing the default."""


def investment_figures(
    plan_rows: list[InvestmentPlanRow],
    projects: pd.DataFrame,
    actuals: pd.DataFrame,
    is_investment_account: Callable[[str], bool],
    *,
    year_closed: bool = False,
) -> list[dict[str, object]]:
    """One entry per planned investment, in plan order, amounts in öre under MONEY_KEYS.

    actual_ytd sums the year's class-1 entries carrying the project; a credit note (a negative amount)
    lowers it. The default forecast assumes the budget will be used but never less than what is already
    spent: max(actual_ytd, budget); a controller's forecast from the inputs file replaces it. Once the
    year is closed (the December report) the forecast is the outcome, as for the operating economy.
    """
    spent = _spent_by_project(actuals, is_investment_account)
    by_name: Mapping[str, pd.Series] = {row["name"]: row for _, row in projects.iterrows()}
    figures: list[dict[str, object]] = []
    for planned in plan_rows:
        source = by_name.get(planned.name)
        project = None if source is None else str(source["project"])
        budget = planned.budget_ore if source is None else int(source["budget_ore"])
        actual = spent.get(project, 0) if project is not None else 0
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
                "forecast_year": forecast,
                "forecast_deviation": budget - forecast,
                "comment": planned.comment,
            }
        )
    return figures


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
