"""Economy figures: budget, actuals, deviations and the year-end forecast per report row (domain §3-5).

Ledger sign throughout (revenues negative, costs positive). Deviation = budget - actual, so a positive
deviation is favourable. Result = -(sum of all P&L amounts incl. the allocation), positive = surplus.
Every amount is whole öre (int); transforms.figures turns them into SEK for figures.json.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from transforms.forecast import budget_based_forecast
from uppfoljning.errors import DataError
from uppfoljning.plan import PNL_ROWS

ECONOMY_ROWS = (*PNL_ROWS, "regionbidrag")
ROW_KEYS = ("budget_year", "budget_ytd", "actual_ytd", "deviation_ytd", "forecast_year", "forecast_deviation")
RESULT_KEYS = (
    "periodresultat",
    "ackumulerad_budgetavvikelse",
    "prognos_budgetavvikelse",
    "budgeted_result_ytd",
    "budgeted_result_year",
    "forecast_result",
)


class UnmappedAccountError(DataError):
    """An account with amounts that maps to no report row (validation should have stopped the run)."""


def rows_of_accounts(
    amounts: pd.DataFrame,
    row_of_account: Mapping[str, str | None] | Callable[[str], str | None],
    *,
    source: str,
) -> pd.Series:
    """The report row of each line's account ('balance' for the balance sheet); an account that maps to no
    row is an error naming the table and the accounts."""
    rows = amounts["account"].map(row_of_account)
    unmapped = sorted(amounts.loc[rows.isna(), "account"].unique())
    if unmapped:
        raise UnmappedAccountError(
            table=source,
            key=f"account {', '.join(unmapped)}",
            rule="ledger.account_mapped",
            problem="the account maps to no report row of the plan",
            fix="Rebook the entries on a mapped account, or add the account to a report row in the plan file.",
        )
    return rows


def sum_by_row(amounts: pd.DataFrame, row_of_account: Mapping[str, str | None], *, source: str) -> pd.Series:
    """Sum `amount_ore` per report row (int64); balance-sheet rows are dropped, unmapped P&L accounts are
    an error naming the table and the accounts."""
    if amounts.empty:
        return pd.Series(0, index=list(ECONOMY_ROWS), dtype="int64")
    rows = rows_of_accounts(amounts, row_of_account, source=source)
    sums = amounts.groupby(rows)["amount_ore"].sum()
    return sums.reindex(list(ECONOMY_ROWS), fill_value=0).astype("int64")


def economy_rows(
    *,
    actual_ytd: pd.Series,
    budget_year: pd.Series,
    budget_ytd: pd.Series,
    adjustments: Mapping[str, int],
    names: Mapping[str, str],
) -> dict[str, dict[str, int | str]]:
    """The economy table in öre: one dict per report row with `name` and ROW_KEYS, plus 'netto' = the three
    P&L rows."""
    rows: dict[str, dict[str, int | str]] = {}
    for row in ECONOMY_ROWS:
        rows[row] = _row(
            names[row],
            budget_year=int(budget_year[row]),
            budget_ytd=int(budget_ytd[row]),
            actual_ytd=int(actual_ytd[row]),
            adjustment=int(adjustments.get(row, 0)),
        )
    rows["netto"] = _total("Nettokostnad", (rows[r] for r in PNL_ROWS))
    # Keep the contract's order: the three rows, netto, then the allocation.
    order = (*PNL_ROWS, "netto", "regionbidrag")
    return {row: rows[row] for row in order}


def _row(
    name: str, *, budget_year: int, budget_ytd: int, actual_ytd: int, adjustment: int
) -> dict[str, int | str]:
    forecast_year = budget_based_forecast(
        actual_ytd=actual_ytd, budget_year=budget_year, budget_ytd=budget_ytd, adjustment=adjustment
    )
    return {
        "name": name,
        "budget_year": budget_year,
        "budget_ytd": budget_ytd,
        "actual_ytd": actual_ytd,
        "deviation_ytd": budget_ytd - actual_ytd,
        "forecast_year": forecast_year,
        "forecast_deviation": budget_year - forecast_year,
    }


def _total(name: str, rows: Iterable[Mapping[str, int | str]]) -> dict[str, int | str]:
    total: dict[str, int | str] = {"name": name}
    materialised = list(rows)
    for key in ROW_KEYS:
        total[key] = sum(int(r[key]) for r in materialised)
    return total


def results(rows: Mapping[str, Mapping[str, int | str]]) -> dict[str, int]:
    """The result figures of Tabell 3 in öre, derived from the rows (netto + allocation = all P&L)."""

    def result(key: str) -> int:
        return -(int(rows["netto"][key]) + int(rows["regionbidrag"][key]))

    periodresultat = result("actual_ytd")
    budgeted_ytd = result("budget_ytd")
    budgeted_year = result("budget_year")
    forecast_result = result("forecast_year")
    return {
        "periodresultat": periodresultat,
        "ackumulerad_budgetavvikelse": periodresultat - budgeted_ytd,
        "prognos_budgetavvikelse": forecast_result - budgeted_year,
        "budgeted_result_ytd": budgeted_ytd,
        "budgeted_result_year": budgeted_year,
        "forecast_result": forecast_result,
    }
