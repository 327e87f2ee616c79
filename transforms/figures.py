"""Assembling figures.json (contract §3) from the computed parts, the plan and the finance-staff inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from transforms.periods import Month, Window
from uppfoljning.inputs import Inputs
from uppfoljning.plan import Plan, ReportKind


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
    return {
        "period": str(report_month),
        "report_kind": kind,
        "version": None,  # set by the publisher, which knows the earlier versions
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "title": plan.report_kinds[kind].title,
        "organisation": plan.organisation,
        "year": report_month.year,
        "month": report_month.month,
        "economy": economy,
        "investments": investments,
        "indicators": indicators,
        **plan_section(plan, inputs, kind),
        "work_environment_activities": [a.model_dump() for a in plan.work_environment_activities],
        "basic_mission": plan.basic_mission.model_dump(),
        "data_quality": data_quality,
    }
