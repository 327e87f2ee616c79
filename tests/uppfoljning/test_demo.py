"""The demo data generator: determinism, the contract's rules, and the pipeline's indicators on it.

The indicator check recomputes turnover and sick leave here with a few lines of pandas, independent of the
project's extract and transforms, following the definitions in domain.md §3, and requires the pipeline to
agree; the generator's story (turnover near 11 %, sick leave near 5 %) is checked on top.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from extract import sources
from extract.hr import extract_hr
from extract.ledger import extract_ledger
from publish.comment_sheet import build_comment_sheet
from tests.publish.test_render import make_figures
from transforms.figures import build_figures
from transforms.periods import Month, rolling_window, year_to_date
from uppfoljning.comment_import import import_comment_sheet
from uppfoljning.demo import DemoSummary, fill_demo_comment_sheet, generate_demo, write_demo_inputs
from uppfoljning.inputs import Inputs, load_inputs
from uppfoljning.plan import Plan, load_plan

END_REASONS = {"egen_begaran", "pension", "byte_av_tjanst", "uppsagning", "avliden", "ovrigt"}


@dataclass(frozen=True)
class Demo:
    ledger_url: str
    hr_url: str
    summary: DemoSummary
    tables: dict[str, pd.DataFrame] = field(repr=False)

    def sql(self, url: str, query: str) -> list[sa.Row]:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(sa.text(query)))
        finally:
            engine.dispose()


def _read_tables(ledger_url: str, hr_url: str) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    for url, group in ((ledger_url, sources.LEDGER_TABLES), (hr_url, sources.HR_TABLES)):
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            for table in group:
                tables[table.name] = pd.read_sql(sa.select(table), conn)
        engine.dispose()
    for name, columns in {
        "employments": ("start_date", "end_date"),
        "sick_leave": ("spell_start", "spell_end"),
        "gl_entries": ("booking_date",),
    }.items():
        for column in columns:
            tables[name][column] = pd.to_datetime(tables[name][column])
    return tables


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


@pytest.fixture(scope="module")
def demo(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """One generation for the whole module, in two databases as a region with separate sources has."""
    tmp_path = tmp_path_factory.mktemp("demo")
    ledger_url, hr_url = f"sqlite:///{tmp_path}/ledger.db", f"sqlite:///{tmp_path}/hr.db"
    summary = generate_demo(ledger_url, hr_url, plan)
    return Demo(ledger_url, hr_url, summary, _read_tables(ledger_url, hr_url))


# --- Determinism and the summary ------------------------------------------------------------------------
def test_same_seed_gives_identical_tables_also_when_rerun_into_one_database(
    demo: Demo, plan: Plan, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/both.db"
    generate_demo(url, url, plan)
    generate_demo(url, url, plan)  # a rerun drops and rewrites: no duplicated rows
    again = _read_tables(url, url)
    for name, table in demo.tables.items():
        pd.testing.assert_frame_equal(again[name], table, obj=name)


def test_summary_counts_what_was_written_and_nothing_person_level(demo: Demo) -> None:
    t = demo.tables
    s = demo.summary
    assert (s.persons, s.employments) == (len(t["employees"]), len(t["employments"]))
    assert (s.scheduled_hours_rows, s.sick_leave_rows) == (len(t["scheduled_hours"]), len(t["sick_leave"]))
    assert s.sick_spells == t["sick_leave"].spell_id.nunique()
    assert (s.cost_centers, s.budget_rows) == (len(t["cost_centers"]), len(t["budget_entries"]))
    assert (s.gl_rows, s.vouchers) == (len(t["gl_entries"]), t["gl_entries"].voucher_id.nunique())
    assert s.investment_projects == len(t["investment_projects"])
    assert all(isinstance(getattr(s, f.name), int) for f in fields(s))
    assert "P0" not in str(s)
    # The sizes the issue asks for: ~800 employed at a time, a modest ledger.
    assert 750 <= _employed_on(t["employments"], "2025-06-30") <= 850
    assert 20_000 <= s.gl_rows <= 40_000


def _employed_on(employments: pd.DataFrame, day: str) -> int:
    d = pd.Timestamp(day)
    active = (employments.start_date <= d) & (employments.end_date.isna() | (employments.end_date >= d))
    return employments[active].person_id.nunique()


# --- Ledger ---------------------------------------------------------------------------------------------
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


# --- HR -------------------------------------------------------------------------------------------------
def test_employments_follow_the_contract(demo: Demo) -> None:
    e = demo.tables["employments"]
    assert (e.end_date.notna() == e.end_reason.notna()).all()
    assert (e.end_date.isna() | (e.start_date <= e.end_date)).all()
    assert ((e.work_rate > 0) & (e.work_rate <= 1)).all()
    assert set(e.employment_type) == {"tillsvidare", "visstid", "timavlonad"}
    permanent_ends = e[(e.employment_type == "tillsvidare") & e.end_date.notna()]
    assert set(permanent_ends.end_reason) == END_REASONS
    assert permanent_ends.end_date.dt.is_month_end.any() and not permanent_ends.end_date.dt.is_month_end.all()
    assert not e.employment_id.duplicated().any()


def test_employees_are_pseudonymous_and_realistic(demo: Demo) -> None:
    p = demo.tables["employees"]
    assert p.person_id.str.fullmatch(r"P\d{5}").all() and not p.person_id.duplicated().any()
    assert p.birth_year.between(1960, 2003).all()
    assert 0.6 <= (p.sex == "K").mean() <= 0.7 and set(p.sex) == {"K", "M"}


def test_internal_move_continues_the_next_day_on_another_cost_centre(demo: Demo) -> None:
    e = demo.tables["employments"]
    moves = e[e.end_reason == "byte_av_tjanst"]
    following = moves.merge(e[e.employment_type == "tillsvidare"], on="person_id", suffixes=("", "_new"))
    following = following[following.start_date_new == following.end_date + pd.Timedelta(days=1)]
    assert len(following) == len(moves)
    assert (following.cost_center != following.cost_center_new).all()


def test_scheduled_hours_only_for_staff_with_ordinary_working_time(demo: Demo) -> None:
    e, hours = demo.tables["employments"], demo.tables["scheduled_hours"]
    hourly_only = set(e.person_id) - set(e[e.employment_type != "timavlonad"].person_id)
    assert hourly_only and not set(hours.person_id) & hourly_only
    assert not hours.duplicated(["person_id", "period"]).any()
    assert hours.hours.between(0.01, 185).all()
    # A full-time, full month is about 165 hours.
    assert 150 <= hours.hours.median() <= 180


def test_sick_hours_never_exceed_scheduled_hours(demo: Demo) -> None:
    sick = demo.tables["sick_leave"].groupby(["person_id", "period"]).hours.sum()
    scheduled = demo.tables["scheduled_hours"].set_index(["person_id", "period"]).hours
    joined = sick.to_frame("sick").join(scheduled.rename("scheduled"), how="left")
    assert joined.scheduled.notna().all(), "sick leave for a person-month without scheduled hours"
    assert (joined.sick <= joined.scheduled + 1e-9).all()


def test_sick_leave_spells_are_consistent(demo: Demo) -> None:
    sick = demo.tables["sick_leave"]
    per_spell = sick.groupby("spell_id").agg(
        persons=("person_id", "nunique"),
        starts=("spell_start", "nunique"),
        ends=("spell_end", lambda s: s.nunique(dropna=False)),
        start=("spell_start", "first"),
        end=("spell_end", "first"),
    )
    assert (per_spell[["persons", "starts", "ends"]] == 1).all().all()
    assert not sick.duplicated(["spell_id", "period"]).any()
    days = (per_spell.end - per_spell.start).dt.days + 1
    assert days.dropna().between(1, 200).all()
    assert days.between(1, 14).sum() > 1000 and days.between(60, 200).sum() > 50
    ongoing = per_spell[per_spell.end.isna()]
    assert (ongoing.start <= pd.Timestamp("2025-11-01")).any(), "an ongoing spell that is long by December"
    crossing = (per_spell.start.dt.year == 2024) & ((per_spell.end.dt.year == 2025) | per_spell.end.isna())
    assert crossing.any()


# --- Indicators: the pipeline against an independent computation -------------------------------------
# A few lines of pandas on the whole tables, following domain.md §3 and the README's definitions, written
# without the project's extract or transforms. The pipeline must agree with it to 1e-12 (both are exact
# sums of whole centi-hours and integer counts; only the final division is floating point).
SUPPRESSED_AT_MOST = 10


def _window(month: str) -> tuple[pd.Timestamp, list[pd.Timestamp]]:
    """The rolling 12-month window ending with `month`: its first day and its 12 month-ends, newest first."""
    last = pd.Period(month, "M")
    ends = [(last - k).end_time.normalize() for k in range(12)]
    return (last - 11).start_time, ends


def _turnover(employments: pd.DataFrame, month: str) -> tuple[int, float, float]:
    """(leavers, mean month-end headcount, turnover %) of permanent employments."""
    permanent = employments[employments.employment_type == "tillsvidare"]
    first_day, ends = _window(month)
    ended = int(permanent.end_date.between(first_day, ends[0]).sum())
    headcounts = [
        permanent[
            (permanent.start_date <= d) & (permanent.end_date.isna() | (permanent.end_date >= d))
        ].person_id.nunique()
        for d in ends
    ]
    mean = sum(headcounts) / 12
    return ended, mean, ended / mean * 100


def _centi(hours: pd.Series) -> pd.Series:
    return (hours * 100).round().astype("int64")


def _person_months(tables: dict[str, pd.DataFrame], month: str, periods: list[int]) -> pd.DataFrame:
    """Per person-month with ordinary working time: scheduled, sick and long-term sick centi-hours, sex, age."""
    month_end = pd.Period(month, "M").end_time.normalize()
    scheduled = tables["scheduled_hours"][tables["scheduled_hours"].period.isin(periods)]
    scheduled = scheduled.assign(c=_centi(scheduled.hours)).groupby(["person_id", "period"]).c.sum()
    scheduled = scheduled[scheduled > 0].rename("scheduled")
    sick = tables["sick_leave"][tables["sick_leave"].period.isin(periods)]
    # A spell lasts to its end, or to the report month's end while ongoing or when it ended later.
    end = sick.spell_end.where(sick.spell_end.notna() & (sick.spell_end <= month_end), month_end)
    long_term = (end - sick.spell_start).dt.days + 1 >= 60
    sick = sick.assign(sick=_centi(sick.hours), long_term=_centi(sick.hours).where(long_term, 0))
    sick = sick.groupby(["person_id", "period"])[["sick", "long_term"]].sum()
    joined = scheduled.to_frame().join(sick, how="left").fillna(0).reset_index()
    people = tables["employees"].set_index("person_id")
    joined["sex"] = joined.person_id.map(people.sex)
    age = int(month[:4]) - joined.person_id.map(people.birth_year)
    joined["age_group"] = np.select([age <= 29, age <= 49], ["-29", "30-49"], "50-")
    return joined


def _ratio(rows: pd.DataFrame, numerator: str, denominator: str) -> float | None:
    if rows.person_id.nunique() <= SUPPRESSED_AT_MOST:
        return None
    return rows[numerator].sum() / rows[denominator].sum() * 100


def _sick_leave(tables: dict[str, pd.DataFrame], month: str) -> dict[str, object]:
    last = pd.Period(month, "M")
    rolling = [int((last - k).strftime("%Y%m")) for k in range(12)]
    ytd = [last.year * 100 + m for m in range(1, last.month + 1)]
    window, year = _person_months(tables, month, rolling), _person_months(tables, month, ytd)
    return {
        "value": _ratio(window, "sick", "scheduled"),
        "value_ytd": _ratio(year, "sick", "scheduled"),
        "long_term_share": _ratio(window, "long_term", "sick"),
        "long_term_share_ytd": _ratio(year, "long_term", "sick"),
        "persons": window.person_id.nunique(),
        "by_sex": {sex: _ratio(window[window.sex == sex], "sick", "scheduled") for sex in ("K", "M")},
        "by_age": {
            group: _ratio(window[window.age_group == group], "sick", "scheduled")
            for group in ("-29", "30-49", "50-")
        },
    }


def _pipeline_indicators(demo: Demo, plan: Plan, month: str) -> dict[str, dict[str, object]]:
    report_month = Month.parse(month)
    ledger_engine, hr_engine = sa.create_engine(demo.ledger_url), sa.create_engine(demo.hr_url)
    try:
        window = rolling_window(report_month, 12)
        hr = extract_hr(hr_engine, report_month, window, window, year_to_date(report_month), plan.definitions)
        ledger = extract_ledger(ledger_engine, report_month, plan.approved_budget_version)
        previous = plan.previous_report_month(report_month.month)
        previous_ledger = (
            None
            if previous is None
            else extract_ledger(
                ledger_engine, Month(report_month.year, previous), plan.approved_budget_version
            )
        )
    finally:
        ledger_engine.dispose()
        hr_engine.dispose()
    figures = build_figures(
        plan,
        Inputs(year=plan.year),
        report_month,
        plan.report_kind(report_month.month),
        ledger,
        hr,
        {"status": "passed", "checks_run": 0, "checks": []},
        previous_ledger=previous_ledger,
        generated_at=dt.datetime(2026, 1, 10),
    )
    return figures["indicators"]


def _same(expected: object) -> object:
    """Nested values with every number compared to 1e-12 relative."""
    if isinstance(expected, dict):
        return {key: _same(value) for key, value in expected.items()}
    if isinstance(expected, tuple):
        return tuple(_same(value) for value in expected)
    if isinstance(expected, float):
        return pytest.approx(expected, rel=1e-12)
    return expected


@pytest.mark.parametrize("month", ["2025-06", "2025-12"])
def test_pipeline_indicators_equal_an_independent_computation(demo: Demo, plan: Plan, month: str) -> None:
    pipeline = _pipeline_indicators(demo, plan, month)

    leavers, mean_headcount, turnover = _turnover(demo.tables["employments"], month)
    got = pipeline["personalomsattning"]
    assert (got["numerator"], got["denominator"], got["value"]) == _same((leavers, mean_headcount, turnover))

    expected = _sick_leave(demo.tables, month)
    got = pipeline["sjukfranvaro"]
    assert {key: got[key] for key in expected} == _same(expected)

    # The demo's story (what the generator is built for), now that the formulas are pinned above.
    assert 10.0 <= turnover <= 12.5
    assert 4.3 <= expected["value"] <= 5.8  # type: ignore[operator]
    assert 35 <= expected["long_term_share"] <= 50  # type: ignore[operator]


# --- The inputs file ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_inputs(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("inputs") / "inputs" / "inputs-2025.yaml"
    write_demo_inputs(path, plan)
    yield path


def test_demo_inputs_hold_the_forecast_adjustment_only(demo_inputs: Path, plan: Plan) -> None:
    # Assessments and comments reach the inputs through the comment sheets (test below).
    inputs = load_inputs(demo_inputs, plan.year)
    assert inputs.adjustments_for("2025-07") == []
    (adjustment,) = inputs.adjustments_for("2025-12")
    assert (adjustment.row, adjustment.amount_sek) == ("personalkostnader", -3_000_000)
    assert inputs.goal_assessments == {} and inputs.investments == {}


@pytest.mark.parametrize(("kind", "period"), [("ur1", "2025-04"), ("avvikelserapport", "2025-10")])
def test_the_demo_fills_in_every_cell_of_a_comment_sheet(
    plan: Plan, tmp_path: Path, kind: str, period: str
) -> None:
    figures = make_figures(kind, period)
    figures["deviations"] = [
        {
            "id": "ekonomi.ovriga_driftskostnader",
            "type": "economy_row",
            "ref": "ovriga_driftskostnader",
            "name": "Övriga driftskostnader",
            "reasons": ["deviation_ytd"],
            "figures": {},
            "comment": None,
            "measures": None,
            "comment_required": True,
        },
    ]
    sheet = tmp_path / "kommentarer.xlsx"
    sheet.write_bytes(build_comment_sheet(figures, plan, Inputs(year=2025)))
    assert fill_demo_comment_sheet(sheet, plan) > 0
    inputs_path = tmp_path / "indata-2025.yaml"
    import_comment_sheet(sheet, inputs_path, plan, expected_period=period)
    inputs = load_inputs(inputs_path, 2025)
    assert inputs.deviation_comment_for(period, "ekonomi.ovriga_driftskostnader").comment
    assert all(inputs.investment_for(period, i["name"]).comment for i in figures["investments"])
    if kind == "ur1":
        assert set(inputs.goal_assessments["ur1"]) == {g.id for g in plan.board_goals()}
        assert set(inputs.activity_assessments["ur1"]) == {a.id for a in plan.work_environment_activities}
        assert "ur1" in inputs.basic_mission_assessments
        assert set(inputs.work_environment_follow_up["ur1"]) == {
            t.id for t in plan.work_environment_follow_up
        }
    # Filling again types nothing: every cell it would fill is already filled.
    sheet.write_bytes(build_comment_sheet(figures, plan, inputs))
    assert fill_demo_comment_sheet(sheet, plan) == 0
