"""Investment follow-up: accumulated spending and forecast against each investment's budget (Tabell 3, 5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class InvestmentPlanRow:
    name: str
    category: str
    budget_year: float
    """The plan's budget for the report year, SEK; used when the source has no project row."""
    comment: str | None
    forecast_override: float | None


def investment_figures(
    plan_rows: list[InvestmentPlanRow],
    projects: pd.DataFrame,
    actuals: pd.DataFrame,
    is_investment_account: Callable[[str], bool],
) -> list[dict[str, object]]:
    """One entry per planned investment, in plan order.

    actual_ytd sums the year's class-1 entries carrying the project. The default forecast assumes the budget
    will be used but never less than what is already spent: max(actual_ytd, budget); a controller's
    forecast from the inputs file replaces it.
    """
    spent = _spent_by_project(actuals, is_investment_account)
    by_name: Mapping[str, pd.Series] = {row["name"]: row for _, row in projects.iterrows()}
    figures: list[dict[str, object]] = []
    for planned in plan_rows:
        source = by_name.get(planned.name)
        project = None if source is None else str(source["project"])
        budget_year = planned.budget_year if source is None else float(source["budget"])
        actual_ytd = float(spent.get(project, 0.0)) if project is not None else 0.0
        forecast = (
            planned.forecast_override
            if planned.forecast_override is not None
            else max(actual_ytd, budget_year)
        )
        figures.append(
            {
                "project": project,
                "name": planned.name,
                "category": planned.category,
                "budget_year": round(budget_year, 2),
                "actual_ytd": round(actual_ytd, 2),
                "forecast_year": round(forecast, 2),
                "forecast_deviation": round(budget_year - forecast, 2),
                "comment": planned.comment,
            }
        )
    return figures


def _spent_by_project(
    actuals: pd.DataFrame, is_investment_account: Callable[[str], bool]
) -> Mapping[str, float]:
    if actuals.empty:
        return {}
    spending = actuals[
        actuals["project"].notna() & actuals["account"].map(is_investment_account).astype(bool)
    ]
    sums = spending.groupby("project")["amount"].sum()
    return {str(project): float(amount) for project, amount in sums.items()}
