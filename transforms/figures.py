"""Assembling figures.json (contract §3) from the computed parts, the plan and the finance-staff inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from transforms.economy import RESULT_KEYS, ROW_KEYS, economy_rows, results, sum_by_row
from transforms.investments import MONEY_KEYS as INVESTMENT_MONEY_KEYS
from transforms.investments import InvestmentPlanRow, investment_figures
from transforms.money import ore, ore_from_mnkr, sek
from transforms.periods import Month, Window, rolling_window
from transforms.sick_leave import sjukfranvaro
from transforms.turnover import personalomsattning
from uppfoljning.inputs import Inputs
from uppfoljning.plan import Plan, ReportKind

if TYPE_CHECKING:  # only the aggregate containers' types; transforms never query
    from extract.hr import HrExtract
    from extract.ledger import LedgerExtract


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


def plan_section(plan: Plan, inputs: Inputs, kind: ReportKind) -> dict[str, Any]:
    """Goals with this report's assessments; only whole-plan reports (UR1, UR2, annual) carry them."""
    if not plan.report_kinds[kind].whole_plan:
        return {"goals": [], "council_goals_without_board_goal": []}
    assessments = inputs.goal_assessments.get(kind, {})
    goals = []
    without_board_goal = []
    for area in plan.focus_areas:
        for council_goal in area.council_goals:
            if not council_goal.board_goals:
                without_board_goal.append(council_goal.name)
            for goal in council_goal.board_goals:
                assessment = assessments.get(goal.id)
                goals.append(
                    {
                        "focus_area": area.name,
                        "council_goal": council_goal.name,
                        "id": goal.id,
                        "name": goal.name,
                        "status": assessment.status if assessment else None,
                        "comment": assessment.comment if assessment else None,
                    }
                )
    return {"goals": goals, "council_goals_without_board_goal": without_board_goal}


def in_sek(
    economy: Mapping[str, Any], investments: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The one place where whole öre become SEK (figures.json, contract §3: numbers with two decimals).

    Everything before works in exact integer öre; the report and figures.json read SEK.
    """
    rows = {
        row: {key: (sek(value) if key in ROW_KEYS else value) for key, value in entry.items()}
        for row, entry in economy["rows"].items()
    }
    economy_sek = {
        **economy,
        "rows": rows,
        **{key: sek(economy[key]) for key in RESULT_KEYS},
    }
    investments_sek = [
        {key: (sek(value) if key in INVESTMENT_MONEY_KEYS else value) for key, value in entry.items()}
        for entry in investments
    ]
    return economy_sek, investments_sek


def assemble(
    *,
    plan: Plan,
    inputs: Inputs,
    report_month: Month,
    kind: ReportKind,
    economy: dict[str, Any],
    investments: list[dict[str, Any]],
    indicators: dict[str, Any],
    data_quality: dict[str, Any],
    generated_at: dt.datetime,
) -> dict[str, Any]:
    economy_sek, investments_sek = in_sek(economy, investments)
    return {
        "period": str(report_month),
        "report_kind": kind,
        "version": None,  # set by the publisher, which knows the earlier versions
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "title": plan.report_kinds[kind].title,
        "organisation": plan.organisation,
        "year": report_month.year,
        "month": report_month.month,
        "economy": economy_sek,
        "investments": investments_sek,
        "indicators": indicators,
        **plan_section(plan, inputs, kind),
        "work_environment_activities": [a.model_dump() for a in plan.work_environment_activities],
        "basic_mission": plan.basic_mission.model_dump(),
        "data_quality": data_quality,
    }


def build_figures(
    plan: Plan,
    inputs: Inputs,
    report_month: Month,
    kind: ReportKind,
    ledger: LedgerExtract,
    hr: HrExtract,
    data_quality: dict[str, Any],
    *,
    generated_at: dt.datetime,
) -> dict[str, Any]:
    """All figures of the month from the extracts' aggregates, the plan and the inputs."""
    period = str(report_month)
    accounts = {*ledger.actuals["account"], *ledger.budget["account"]}
    row_of_account = {a: plan.row_for_account(a) for a in accounts}
    pnl = {a: r for a, r in row_of_account.items() if r != "balance"}  # unmapped (None) stays: an error
    actuals_pnl = ledger.actuals[ledger.actuals["account"].isin(pnl)]
    budget_pnl = ledger.budget[ledger.budget["account"].isin(pnl)]
    # An adjustment concerns the rest of the year; after December nothing remains, so the forecast is the outcome.
    year_closed = report_month.month == 12
    adjustments_in_force = [] if year_closed else inputs.adjustments_for(period)
    adjustments: dict[str, int] = {}
    for adjustment in adjustments_in_force:
        adjustments[adjustment.row] = adjustments.get(adjustment.row, 0) + ore(adjustment.amount_sek)

    rows = economy_rows(
        actual_ytd=sum_by_row(actuals_pnl, pnl, source="gl_entries"),
        budget_year=sum_by_row(budget_pnl, pnl, source="budget_entries"),
        budget_ytd=sum_by_row(
            budget_pnl[budget_pnl["period"] <= report_month.yyyymm], pnl, source="budget_entries"
        ),
        adjustments=adjustments,
        names={row.id: row.name for row in plan.report_rows},
    )
    economy = {
        "rows": rows,
        **results(rows),
        "forecast_adjustments": [a.model_dump() for a in adjustments_in_force],
    }

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
            )
        )
    investments = investment_figures(
        plan_rows, ledger.projects, ledger.actuals, plan.is_investment_account, year_closed=year_closed
    )

    definitions = plan.definitions
    max_size = definitions.suppression_max_group_size
    indicators = {
        "personalomsattning": indicator_entry(
            plan,
            "personalomsattning",
            personalomsattning(hr.leavers, hr.headcounts, max_suppressed_size=max_size),
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
    return assemble(
        plan=plan,
        inputs=inputs,
        report_month=report_month,
        kind=kind,
        economy=economy,
        investments=investments,
        indicators=indicators,
        data_quality=data_quality,
        generated_at=generated_at,
    )
