"""Drill-down behind the economy rows: by cost centre and by account, month by month, in integer öre.

Finance staff reconcile the report in the workbook: every economy row (Intäkter, Personalkostnader, Övriga
driftskostnader, Regionbidrag) is split by cost centre and by account, with the actual of every month of
the year to date, the accumulated actual and budget, the deviation and the full-year budget. The lines of
one row add up exactly to that row of the report, because both are sums of the same aggregates and
amounts stay integer öre until they are written.

Input frames have the shape of the ledger extract:
- actuals: period (int YYYYMM), account (str), cost_center (str), project (str or None), amount_ore (int),
  the periods January..M of the report year;
- budget: period, account, cost_center, amount_ore: the approved version, all twelve months;
- cost_centers: cost_center, name, parent (None for the top level).
Balance-sheet accounts are left out (investments have their own table); an account that maps to no row is
a DataError, as it is for the report itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from transforms.economy import rows_of_accounts
from transforms.periods import Month, calendar_year, year_to_date
from uppfoljning.plan import PNL_ROWS

DRILLDOWN_ROWS = (*PNL_ROWS, "regionbidrag")
"""The economy rows that the ledger feeds directly (netto is the sum of the three P&L rows)."""
NETTO = "netto"
VALUE_COLUMNS = ("actual_ytd", "budget_ytd", "deviation_ytd", "budget_year")


@dataclass(frozen=True)
class Drilldown:
    """The drill-down frames of one report month (all amounts integer öre, ledger sign).

    `by_cost_center` and `by_account` have one line per (row, key) with any amount: the key columns, one
    column per month of the year to date (named by `month_column`), then VALUE_COLUMNS.
    `monthly` has one line per (row, period) for the five rows incl. netto and all twelve periods:
    `budget_ore` and `actual_ore` (missing after the report month).
    """

    months: tuple[int, ...]
    by_cost_center: pd.DataFrame
    by_account: pd.DataFrame
    monthly: pd.DataFrame


def month_column(period: int) -> str:
    return f"actual_{period}"


def build_drilldown(
    actuals: pd.DataFrame,
    budget: pd.DataFrame,
    cost_centers: pd.DataFrame,
    row_of_account: Callable[[str], str | None] | Mapping[str, str | None],
    *,
    year: int,
    month: int,
) -> Drilldown:
    """Split every economy row by cost centre and by account, month by month (see the module doc)."""
    months = tuple(m.yyyymm for m in year_to_date(Month(year, month)).months)
    actual_lines = _pnl_lines(actuals[actuals["period"].isin(months)], row_of_account, "gl_entries")
    budget_lines = _pnl_lines(
        budget[budget["period"].isin([m.yyyymm for m in calendar_year(year).months])],
        row_of_account,
        "budget_entries",
    )

    names = cost_centers.set_index("cost_center")["name"].to_dict()
    parents = cost_centers.set_index("cost_center")["parent"].to_dict()
    by_cost_center = _split(actual_lines, budget_lines, "cost_center", months)
    parent = by_cost_center["cost_center"].map(parents)
    by_cost_center.insert(2, "name", _text(by_cost_center["cost_center"].map(names)))
    by_cost_center.insert(3, "parent", _text(parent))
    by_cost_center.insert(4, "parent_name", _text(parent.map(names)))
    by_account = _split(actual_lines, budget_lines, "account", months)
    return Drilldown(
        months=months,
        by_cost_center=by_cost_center,
        by_account=by_account,
        monthly=_monthly(actual_lines, budget_lines, year, month),
    )


def _text(values: pd.Series) -> pd.Series:
    """Text with None for missing (a cost centre without parent, or unknown to the register)."""
    return values.astype(object).where(values.notna(), None)


def _pnl_lines(
    frame: pd.DataFrame, row_of_account: Callable[[str], str | None] | Mapping[str, str | None], table: str
) -> pd.DataFrame:
    """The frame's P&L lines with their report row; balance-sheet lines dropped, unmapped ones refused
    as the economy rows refuse them (the figures would have stopped the run first)."""
    lines = frame.assign(row=rows_of_accounts(frame, row_of_account, source=table))
    lines = lines[lines["row"].isin(DRILLDOWN_ROWS)]
    return lines[["row", "period", "account", "cost_center", "amount_ore"]].astype({"amount_ore": "int64"})


def _split(actuals: pd.DataFrame, budget: pd.DataFrame, key: str, months: tuple[int, ...]) -> pd.DataFrame:
    """One line per (row, key): actual per month, accumulated actual and budget, deviation, budget year."""
    index = ["row", key]
    per_month = (
        actuals.pivot_table(index=index, columns="period", values="amount_ore", aggfunc="sum", fill_value=0)
        .reindex(columns=list(months), fill_value=0)
        .rename(columns=month_column)
    )
    per_month.columns.name = None
    budget_ytd = budget[budget["period"] <= months[-1]].groupby(index)["amount_ore"].sum()
    budget_year = budget.groupby(index)["amount_ore"].sum()
    table = per_month.join(
        [budget_ytd.rename("budget_ytd"), budget_year.rename("budget_year")], how="outer"
    ).fillna(0)
    table = table.astype("int64")
    table["actual_ytd"] = table[[month_column(p) for p in months]].sum(axis=1)
    table["deviation_ytd"] = table["budget_ytd"] - table["actual_ytd"]
    table = table[[month_column(p) for p in months] + list(VALUE_COLUMNS)]
    amounts = [month_column(p) for p in months] + list(VALUE_COLUMNS)
    table = table[(table[amounts] != 0).any(axis=1)].reset_index()
    order = {row: i for i, row in enumerate(DRILLDOWN_ROWS)}
    table = table.sort_values(by=["row", key], key=lambda s: s.map(order) if s.name == "row" else s)
    return table.reset_index(drop=True)


def _monthly(actuals: pd.DataFrame, budget: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """Per row (and netto) and period of the year: budget and actual (actual missing after the month)."""
    periods = [year * 100 + m for m in range(1, 13)]
    grid = pd.MultiIndex.from_product([list(DRILLDOWN_ROWS), periods], names=["row", "period"])
    actual = actuals.groupby(["row", "period"])["amount_ore"].sum().reindex(grid, fill_value=0)
    planned = budget.groupby(["row", "period"])["amount_ore"].sum().reindex(grid, fill_value=0)
    frame = pd.DataFrame({"budget_ore": planned, "actual_ore": actual}).reset_index()
    netto = (
        frame[frame["row"].isin(PNL_ROWS)].groupby("period")[["budget_ore", "actual_ore"]].sum().reset_index()
    )
    frame = pd.concat([frame, netto.assign(row=NETTO)], ignore_index=True)
    frame["actual_ore"] = frame["actual_ore"].astype("Int64").where(frame["period"] <= year * 100 + month)
    frame["budget_ore"] = frame["budget_ore"].astype("int64")
    return frame[["row", "period", "budget_ore", "actual_ore"]]
