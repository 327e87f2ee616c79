"""Economy figures: budget, actuals, deviations and the year-end forecast per report row (domain §3-5).

Ledger sign throughout (revenues negative, costs positive). Deviation = budget - actual, so a positive
deviation is favourable. Result = -(sum of all P&L amounts incl. the allocation), positive = surplus.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from transforms.forecast import budget_based_forecast
from uppfoljning.plan import PNL_ROWS

ECONOMY_ROWS = (*PNL_ROWS, "regionbidrag")
ROW_KEYS = ("budget_year", "budget_ytd", "actual_ytd", "deviation_ytd", "forecast_year", "forecast_deviation")


class UnmappedAccountError(ValueError):
    """An account with amounts that maps to no report row (validation should have stopped the run)."""


def sum_by_row(amounts: pd.DataFrame, row_of_account: Mapping[str, str | None], *, source: str) -> pd.Series:
    """Sum `amount` per report row; balance-sheet rows are dropped, unmapped P&L accounts are an error."""
    if amounts.empty:
        return pd.Series(0.0, index=list(ECONOMY_ROWS))
    rows = amounts["account"].map(row_of_account)
    unmapped = sorted(amounts.loc[rows.isna(), "account"].unique())
    if unmapped:
        raise UnmappedAccountError(f"{source}: accounts {', '.join(unmapped)} map to no report row")
    sums = amounts.groupby(rows)["amount"].sum()
    return sums.reindex(list(ECONOMY_ROWS), fill_value=0.0)


def economy_rows(
    *,
    actual_ytd: pd.Series,
    budget_year: pd.Series,
    budget_ytd: pd.Series,
    adjustments: Mapping[str, float],
    names: Mapping[str, str],
) -> dict[str, dict[str, float | str]]:
    """The economy table: one dict per report row with ROW_KEYS, plus 'netto' = the three P&L rows."""
    rows: dict[str, dict[str, float | str]] = {}
    for row in ECONOMY_ROWS:
        rows[row] = _row(
            names[row],
            budget_year=float(budget_year[row]),
            budget_ytd=float(budget_ytd[row]),
            actual_ytd=float(actual_ytd[row]),
            adjustment=float(adjustments.get(row, 0.0)),
        )
    rows["netto"] = _total("Nettokostnad", (rows[r] for r in PNL_ROWS))
    # Keep the contract's order: the three rows, netto, then the allocation.
    order = (*PNL_ROWS, "netto", "regionbidrag")
    return {row: rows[row] for row in order}


def _row(name: str, *, budget_year: float, budget_ytd: float, actual_ytd: float, adjustment: float) -> dict:
    forecast_year = budget_based_forecast(
        actual_ytd=actual_ytd, budget_year=budget_year, budget_ytd=budget_ytd, adjustment=adjustment
    )
    return {
        "name": name,
        "budget_year": _sek(budget_year),
        "budget_ytd": _sek(budget_ytd),
        "actual_ytd": _sek(actual_ytd),
        "deviation_ytd": _sek(budget_ytd - actual_ytd),
        "forecast_year": _sek(forecast_year),
        "forecast_deviation": _sek(budget_year - forecast_year),
    }


def _total(name: str, rows: Iterable[Mapping[str, float | str]]) -> dict[str, float | str]:
    total: dict[str, float | str] = {"name": name}
    materialised = list(rows)
    for key in ROW_KEYS:
        total[key] = _sek(sum(float(r[key]) for r in materialised))
    return total


def results(rows: Mapping[str, Mapping[str, float | str]]) -> dict[str, float]:
    """The result figures of Tabell 3, derived from the rows (netto + allocation = all P&L)."""

    def result(key: str) -> float:
        return -(float(rows["netto"][key]) + float(rows["regionbidrag"][key]))

    periodresultat = result("actual_ytd")
    budgeted_ytd = result("budget_ytd")
    budgeted_year = result("budget_year")
    forecast_result = result("forecast_year")
    return {
        "periodresultat": _sek(periodresultat),
        "ackumulerad_budgetavvikelse": _sek(periodresultat - budgeted_ytd),
        "prognos_budgetavvikelse": _sek(forecast_result - budgeted_year),
        "budgeted_result_ytd": _sek(budgeted_ytd),
        "budgeted_result_year": _sek(budgeted_year),
        "forecast_result": _sek(forecast_result),
    }


def _sek(value: float) -> float:
    """Amounts are SEK with two decimals; rounding removes float noise from sums of öre."""
    return round(value + 0.0, 2) + 0.0
