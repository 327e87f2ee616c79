"""Assembling figures.json (contract §3) from the computed parts, the plan and the finance-staff inputs.

The previous report's forecast (contract §3, `forecast_previous`) is computed here too, from the ledger
extract of the previous report's month, "as a rerun of it would compute it": the same plan, the inputs in
force for that month, the periods up to that month only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from transforms.deviations import MONEY_FIGURES, economy_threshold, select_deviations
from transforms.economy import ECONOMY_ROWS, RESULT_KEYS, ROW_KEYS, economy_rows, results, sum_by_row
from transforms.investments import MONEY_KEYS as INVESTMENT_MONEY_KEYS
from transforms.investments import InvestmentPlanRow, investment_figures, investment_totals
from transforms.money import ore, ore_from_mnkr, sek
from transforms.periods import Month, Window, rolling_window
from transforms.sick_leave import sjukfranvaro
from transforms.turnover import leavers_by_reason_group, personalomsattning
from uppfoljning.inputs import Assessment, Inputs
from uppfoljning.plan import Plan, ReportKind

if TYPE_CHECKING:  # only the aggregate containers' types; transforms never query
    from extract.hr import HrExtract
    from extract.ledger import LedgerExtract


ROW_MONEY_KEYS = (
    *ROW_KEYS,
    "forecast_previous",
    "forecast_change",
    "forecast_adjustment",
    "forecast_adjustment_previous",
)
ECONOMY_MONEY_KEYS = (
    *RESULT_KEYS,
    "forecast_result_previous",
    "forecast_result_change",
    "prognos_investeringsbudgetavvikelse",
)


def indicator_entry(plan: Plan, key: str, computed: dict[str, Any], window: Window) -> dict[str, Any]:
    indicator = plan.indicators[key]  # type: ignore[index]
    value = computed["value"]
    return {
        "name": indicator.name,
        "value": value,
        "target": indicator.target,
        "met": indicator.met(value),
        **{k: v for k, v in computed.items() if k != "value"},
        "window": {"from": str(window.first), "to": str(window.last)},
    }


def _assessment(entry: Assessment | None) -> dict[str, str | None]:
    return {"status": entry.status if entry else None, "comment": entry.comment if entry else None}


def plan_section(plan: Plan, inputs: Inputs, kind: ReportKind) -> dict[str, Any]:
    """Goals with their commitments and this report's assessments, the work-environment activities and
    follow-up, and the basic mission with its assessment. Assessments belong to whole-plan reports (UR1,
    UR2, annual); other kinds list the activities and the basic mission without them."""
    whole_plan = plan.report_kinds[kind].whole_plan
    activities_assessed = inputs.activity_assessments.get(kind, {}) if whole_plan else {}
    activities = [
        {**a.model_dump(), **_assessment(activities_assessed.get(a.id))}
        for a in plan.work_environment_activities
    ]
    mission = {
        **plan.basic_mission.model_dump(),
        **_assessment(inputs.basic_mission_assessments.get(kind) if whole_plan else None),
    }
    if not whole_plan:
        return {
            "goals": [],
            "goal_summary": None,
            "council_goals_without_board_goal": [],
            "work_environment_activities": activities,
            "work_environment_follow_up": [],
            "basic_mission": mission,
        }
    assessments = inputs.goal_assessments.get(kind, {})
    goals = []
    without_board_goal = []
    for area in plan.focus_areas:
        for council_goal in area.council_goals:
            if not council_goal.board_goals:
                without_board_goal.append(council_goal.name)
            for goal in council_goal.board_goals:
                goals.append(
                    {
                        "focus_area": area.name,
                        "council_goal": council_goal.name,
                        "id": goal.id,
                        "name": goal.name,
                        "commitments": list(goal.commitments),
                        **_assessment(assessments.get(goal.id)),
                    }
                )
    notes = inputs.work_environment_follow_up.get(kind, {})
    follow_up = [
        {"id": tool.id, "name": tool.name, "comment": notes[tool.id].comment if tool.id in notes else None}
        for tool in plan.work_environment_follow_up
    ]
    return {
        "goals": goals,
        "goal_summary": goal_summary(goals),
        "council_goals_without_board_goal": without_board_goal,
        "work_environment_activities": activities,
        "work_environment_follow_up": follow_up,
        "basic_mission": mission,
    }


def goal_summary(goals: list[dict[str, Any]]) -> dict[str, int]:
    """How many goals are assessed as met, partly met and not met, and how many lack an assessment."""
    count = {
        status: sum(1 for g in goals if g["status"] == status)
        for status in ("uppfyllt", "delvis_uppfyllt", "ej_uppfyllt")
    }
    return {
        "total": len(goals),
        **count,
        "uppfyllt_helt_eller_delvis": count["uppfyllt"] + count["delvis_uppfyllt"],
        "saknar_bedomning": sum(1 for g in goals if g["status"] is None),
    }


def _sek_or_none(value: int | None) -> float | None:
    return None if value is None else sek(value)


def in_sek(
    economy: Mapping[str, Any], investments: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The one place where whole öre become SEK (figures.json, contract §3: numbers with two decimals).

    Everything before works in exact integer öre; the report and figures.json read SEK. None (not
    computable, e.g. the previous forecast in the year's first report) stays None.
    """
    rows = {
        row: {key: (_sek_or_none(value) if key in ROW_MONEY_KEYS else value) for key, value in entry.items()}
        for row, entry in economy["rows"].items()
    }
    economy_sek = {
        **economy,
        "rows": rows,
        **{key: _sek_or_none(economy[key]) for key in ECONOMY_MONEY_KEYS if key in economy},
    }
    investments_sek = [
        {
            key: (_sek_or_none(value) if key in INVESTMENT_MONEY_KEYS else value)
            for key, value in entry.items()
        }
        for entry in investments
    ]
    return economy_sek, investments_sek


def deviations_in_sek(deviations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **entry,
            "figures": {
                key: (_sek_or_none(value) if key in MONEY_FIGURES and entry["type"] != "indicator" else value)
                for key, value in entry["figures"].items()
            },
        }
        for entry in deviations
    ]


def assemble(
    *,
    plan: Plan,
    inputs: Inputs,
    report_month: Month,
    kind: ReportKind,
    economy: dict[str, Any],
    investments: list[dict[str, Any]],
    indicators: dict[str, Any],
    deviations: list[dict[str, Any]],
    data_quality: dict[str, Any],
    generated_at: dt.datetime,
) -> dict[str, Any]:
    economy_sek, investments_sek = in_sek(economy, investments)
    totals = investment_totals(investments)
    period = str(report_month)
    return {
        "period": period,
        "report_kind": kind,
        "version": None,  # set by the publisher, which knows the earlier versions
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "title": plan.report_kinds[kind].title,
        "organisation": plan.organisation,
        "year": report_month.year,
        "month": report_month.month,
        "year_closed": report_month.month == 12,
        "economy": economy_sek,
        "investments": investments_sek,
        "investment_totals": {key: _sek_or_none(value) for key, value in totals.items()},
        "indicators": indicators,
        "materiality": {
            "economy_threshold": sek(economy_threshold(plan)),
            "economy_share_of_net_budget_percent": plan.materiality.economy_share_of_net_budget_percent,
            "investment_share_of_budget_percent": plan.materiality.investment_share_of_budget_percent,
            "indicator_missing_target": plan.materiality.indicator_missing_target,
        },
        "deviations": deviations_in_sek(deviations),
        "other_deviations": [d.model_dump() for d in inputs.other_deviations.get(period, [])],
        **plan_section(plan, inputs, kind),
        "data_quality": data_quality,
    }


def economy_figures(plan: Plan, inputs: Inputs, report_month: Month, ledger: LedgerExtract) -> dict[str, Any]:
    """The economy of one report month in öre: rows, result figures and the adjustments in force."""
    period = str(report_month)
    accounts = {*ledger.actuals["account"], *ledger.budget["account"]}
    row_of_account = {a: plan.row_for_account(a) for a in accounts}
    pnl = {a: r for a, r in row_of_account.items() if r != "balance"}  # unmapped (None) stays: an error
    actuals_pnl = ledger.actuals[ledger.actuals["account"].isin(pnl)]
    budget_pnl = ledger.budget[ledger.budget["account"].isin(pnl)]
    # An adjustment concerns the rest of the year; after December nothing remains, so the forecast is the outcome.
    year_closed = report_month.month == 12
    adjustments_in_force = [] if year_closed else inputs.adjustments_for(period)
    adjustments = adjustment_sums(adjustments_in_force)
    rows = economy_rows(
        actual_ytd=sum_by_row(actuals_pnl, pnl, source="gl_entries"),
        budget_year=sum_by_row(budget_pnl, pnl, source="budget_entries"),
        budget_ytd=sum_by_row(
            budget_pnl[budget_pnl["period"] <= report_month.yyyymm], pnl, source="budget_entries"
        ),
        adjustments=adjustments,
        names={row.id: row.name for row in plan.report_rows},
    )
    for row_id, row in rows.items():
        row["forecast_adjustment"] = _row_adjustment(adjustments, row_id)
    return {
        "rows": rows,
        **results(rows),
        "forecast_adjustments": [a.model_dump() for a in adjustments_in_force],
    }


def adjustment_sums(adjustments: list[Any]) -> dict[str, int]:
    sums: dict[str, int] = {}
    for adjustment in adjustments:
        sums[adjustment.row] = sums.get(adjustment.row, 0) + ore(adjustment.amount_sek)
    return sums


def _row_adjustment(adjustments: Mapping[str, int], row_id: str) -> int:
    if row_id == "netto":
        return sum(adjustments.get(r, 0) for r in ECONOMY_ROWS if r != "regionbidrag")
    return adjustments.get(row_id, 0)


def with_previous_forecast(
    economy: dict[str, Any], previous: dict[str, Any] | None, previous_month: Month | None
) -> dict[str, Any]:
    """Add the previous report's forecast and the change per row and for the result (contract §3):
    `forecast_previous`, `forecast_change` = forecast_year − forecast_previous; None in the year's first
    report. The adjustments then in force are kept beside: with this report's, they are the bridge."""
    rows = {}
    for row_id, row in economy["rows"].items():
        before = None if previous is None else int(previous["rows"][row_id]["forecast_year"])
        before_adjustment = None if previous is None else int(previous["rows"][row_id]["forecast_adjustment"])
        rows[row_id] = {
            **row,
            "forecast_previous": before,
            "forecast_change": None if before is None else int(row["forecast_year"]) - before,
            "forecast_adjustment_previous": before_adjustment,
        }
    result_before = None if previous is None else int(previous["forecast_result"])
    return {
        **economy,
        "rows": rows,
        "previous_period": None if previous_month is None else str(previous_month),
        "forecast_result_previous": result_before,
        "forecast_result_change": None
        if result_before is None
        else int(economy["forecast_result"]) - result_before,
        "forecast_adjustments_previous": None if previous is None else previous["forecast_adjustments"],
    }


def investment_rows(
    plan: Plan, inputs: Inputs, report_month: Month, ledger: LedgerExtract, previous_month: Month | None
) -> list[dict[str, Any]]:
    """Every investment of the plan for one report month, in öre (transforms.investments)."""
    period = str(report_month)
    plan_rows = []
    for investment in plan.investments:
        entered = inputs.investment_for(period, investment.name)
        plan_rows.append(
            InvestmentPlanRow(
                name=investment.name,
                category=investment.category,
                budget_ore=ore_from_mnkr(investment.budget_mnkr.get(report_month.year, 0)),
                comment=entered.comment,
                forecast_override_ore=None if entered.forecast_sek is None else ore(entered.forecast_sek),
                measures=entered.measures,
                carry_over_ore=None if entered.carry_over_sek is None else ore(entered.carry_over_sek),
            )
        )
    return investment_figures(
        plan_rows,
        ledger.projects,
        ledger.actuals,
        plan.is_investment_account,
        year_closed=report_month.month == 12,
        previous_period=None if previous_month is None else previous_month.yyyymm,
    )


def build_figures(
    plan: Plan,
    inputs: Inputs,
    report_month: Month,
    kind: ReportKind,
    ledger: LedgerExtract,
    hr: HrExtract,
    data_quality: dict[str, Any],
    *,
    previous_ledger: LedgerExtract | None,
    generated_at: dt.datetime,
) -> dict[str, Any]:
    """All figures of the month from the extracts' aggregates, the plan and the inputs.

    `previous_ledger` is the ledger extract of the previous report's month (Plan.previous_report_month),
    required when the year has an earlier report and None in its first report.
    """
    previous_month_number = plan.previous_report_month(report_month.month)
    previous_month = (
        None if previous_month_number is None else Month(report_month.year, previous_month_number)
    )
    if (previous_month is None) != (previous_ledger is None):
        raise ValueError(
            f"the previous report of {report_month} is {previous_month}: "
            f"its ledger extract must be given exactly when there is one"
        )
    economy = economy_figures(plan, inputs, report_month, ledger)
    investments = investment_rows(plan, inputs, report_month, ledger, previous_month)
    previous_economy = None
    if previous_month is not None and previous_ledger is not None:
        previous_economy = economy_figures(plan, inputs, previous_month, previous_ledger)
        before_of_previous = plan.previous_report_month(previous_month.month)
        previous_investments = investment_rows(
            plan,
            inputs,
            previous_month,
            previous_ledger,
            None if before_of_previous is None else Month(report_month.year, before_of_previous),
        )
        for now, before in zip(investments, previous_investments, strict=True):
            now["forecast_previous"] = before["forecast_year"]
            now["forecast_change"] = int(now["forecast_year"]) - int(before["forecast_year"])
    economy = with_previous_forecast(economy, previous_economy, previous_month)
    economy["prognos_investeringsbudgetavvikelse"] = sum(int(i["forecast_deviation"]) for i in investments)

    definitions = plan.definitions
    max_size = definitions.suppression_max_group_size
    turnover = personalomsattning(hr.leavers, hr.headcounts, max_suppressed_size=max_size)
    turnover["by_end_reason"] = leavers_by_reason_group(
        hr.leavers_by_reason,
        definitions.turnover.end_reason_groups,
        turnover_suppressed=bool(turnover["suppressed"]),
        max_suppressed_size=max_size,
    )
    indicators = {
        "personalomsattning": indicator_entry(
            plan,
            "personalomsattning",
            turnover,
            rolling_window(report_month, definitions.turnover.window_months),
        ),
        "sjukfranvaro": indicator_entry(
            plan,
            "sjukfranvaro",
            sjukfranvaro(
                hr.sick_rolling,
                hr.sick_ytd,
                age_labels=[g.label for g in definitions.sick_leave.age_groups],
                max_suppressed_size=max_size,
            ),
            rolling_window(report_month, definitions.sick_leave.window_months),
        ),
    }
    deviations = select_deviations(
        plan=plan,
        inputs=inputs,
        period=str(report_month),
        rows=economy["rows"],
        results={key: int(economy[key]) for key in RESULT_KEYS},
        investments=investments,
        indicators=indicators,
        comment_required=plan.report_kinds[kind].board_report,
    )
    return assemble(
        plan=plan,
        inputs=inputs,
        report_month=report_month,
        kind=kind,
        economy=economy,
        investments=investments,
        indicators=indicators,
        deviations=deviations,
        data_quality=data_quality,
        generated_at=generated_at,
    )
