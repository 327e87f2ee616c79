"""The demo's ledger source (generator/ledger.py): vouchers, budget versions, investments, cost centres."""

from __future__ import annotations

import pandas as pd

from tests.generator.demo_source import Demo
from uppfoljning.plan import Plan


def test_every_voucher_balances_to_the_ore(demo: Demo) -> None:
    # Summed in integer öre: SQLite stores numeric(18,2) as binary floats, whose sums carry noise.
    unbalanced = demo.sql(
        demo.ledger_url,
        "select voucher_id, sum(cast(round(amount * 100) as integer)) from gl_entries "
        "group by voucher_id having sum(cast(round(amount * 100) as integer)) != 0",
    )
    assert unbalanced == []


def test_vouchers_are_numbered_per_series_with_rows_from_one(demo: Demo) -> None:
    gl = demo.tables["gl_entries"]
    assert gl.voucher_id.str.fullmatch(r"[A-Z][1-9][0-9]*").all()
    assert not gl.duplicated(["voucher_id", "row_no"]).any()
    rows = gl.groupby("voucher_id").row_no.agg(["min", "max", "count"])
    assert (rows["min"] == 1).all() and (rows["max"] == rows["count"]).all()


def test_booking_dates_are_in_the_period_or_the_first_days_after(demo: Demo) -> None:
    gl = demo.tables["gl_entries"]
    booked = gl.booking_date.dt.year * 100 + gl.booking_date.dt.month
    period_end = pd.to_datetime(gl.period.astype(str), format="%Y%m") + pd.offsets.MonthEnd(0)
    late = booked != gl.period
    assert late.mean() < 0.15
    assert (gl.booking_date[late] - period_end[late]).dt.days.between(1, 7).all()
    assert sorted(gl.period.unique()) == [y * 100 + m for y in (2024, 2025) for m in range(1, 13)]


def test_every_account_is_mapped_by_the_plan(demo: Demo, plan: Plan) -> None:
    for table in ("gl_entries", "budget_entries"):
        accounts = demo.tables[table].account.unique()
        assert [a for a in accounts if plan.row_for_account(a) is None] == [], table
    cost_centers = set(demo.tables["cost_centers"].cost_center)
    assert set(demo.tables["gl_entries"].cost_center) <= cost_centers
    assert set(demo.tables["employments"].cost_center) <= cost_centers


def test_cost_centres_roll_up_in_two_levels(demo: Demo) -> None:
    cc = demo.tables["cost_centers"]
    assert 20 <= len(cc) <= 30
    departments = set(cc[cc.parent.isna()].cost_center)
    assert set(cc.parent.dropna()) <= departments
    assert {"Ekonomi", "HR", "Regional utveckling", "IT-förvaltning"} <= set(cc.name)


def _by_row(frame: pd.DataFrame, plan: Plan) -> pd.Series:
    """Integer öre per report row (exact, unlike a float sum)."""
    ore = (frame.amount * 100).round().astype("int64")
    return ore.groupby(frame.account.map(plan.row_for_account)).sum()


def test_approved_budget_equals_the_plan_to_the_ore(demo: Demo, plan: Plan) -> None:
    budget = demo.tables["budget_entries"]
    approved = budget[budget.budget_version == plan.approved_budget_version]
    assert sorted(approved.period.unique()) == [202500 + m for m in range(1, 13)]
    expected = {row: round(mnkr * 100_000_000) for row, mnkr in plan.operating_budget_mnkr.items()}
    assert _by_row(approved, plan).to_dict() == expected


def test_preliminary_and_previous_year_versions_exist_with_other_amounts(demo: Demo, plan: Plan) -> None:
    budget = demo.tables["budget_entries"]
    versions = budget.groupby("budget_version").period.agg(["min", "max"])
    assert list(versions.loc["B2025-PRELIM"]) == [202501, 202512]
    assert list(versions.loc["B2024"]) == [202401, 202412]
    approved = _by_row(budget[budget.budget_version == "B2025"], plan)
    preliminary = _by_row(budget[budget.budget_version == "B2025-PRELIM"], plan)
    assert (approved != preliminary).any()
    for version in ("B2025-PRELIM", "B2024"):  # every version funds its net cost: result 0
        assert _by_row(budget[budget.budget_version == version], plan).sum() == 0


def test_actuals_deviate_from_budget_as_the_demo_story_says(demo: Demo, plan: Plan) -> None:
    gl = demo.tables["gl_entries"]
    actual = _by_row(gl[gl.period // 100 == 2025], plan) / 100
    budget = {row: mnkr * 1e6 for row, mnkr in plan.operating_budget_mnkr.items()}
    assert 0.98 <= actual["personalkostnader"] / budget["personalkostnader"] <= 0.99
    assert 1.0 < actual["ovriga_driftskostnader"] / budget["ovriga_driftskostnader"] < 1.03
    assert 1.0 < actual["intakter"] / budget["intakter"] < 1.03  # both negative: more revenue
    # The allocation is -820/12 mnkr each month, to the öre over the year.
    allocation = gl[(gl.account == "8910") & (gl.period // 100 == 2025)].groupby("period").amount.sum()
    assert len(allocation) == 12 and (allocation + 820e6 / 12).abs().max() < 0.01
    assert actual["regionbidrag"] == -820_000_000


def test_investment_projects_follow_the_plan_and_spending_varies(demo: Demo, plan: Plan) -> None:
    projects = demo.tables["investment_projects"]
    expected = {
        (inv.name, inv.category, y, mnkr * 1e6)
        for inv in plan.investments
        for y, mnkr in inv.budget_mnkr.items()
    }
    assert (
        set(projects[["name", "category", "year", "budget"]].itertuples(index=False, name=None)) == expected
    )
    assert not projects.duplicated(["project", "year"]).any()

    gl = demo.tables["gl_entries"]
    spending = gl[gl.project.notna()]
    assert spending.account.str.startswith("1").all()
    assert sorted(spending.period.unique()) == [202500 + m for m in range(1, 13)]
    budget_2025 = projects[projects.year == 2025].set_index("project").budget
    ratio = spending.groupby("project").amount.sum() / budget_2025
    assert (ratio < 0.97).sum() >= 2
    assert ((ratio > 1.0) & (ratio < 1.1)).sum() == 1
