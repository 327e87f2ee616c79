"""The plan-and-inputs suite: missing assessments and investment comments are warnings."""

from __future__ import annotations

import pytest

from expectations.inputs import GOAL_ASSESSMENT_MISSING, INVESTMENT_COMMENT_MISSING, check_inputs
from uppfoljning.inputs import Inputs
from uppfoljning.plan import load_plan

PLAN = load_plan()
ALL_GOALS = {g.id: {"status": "uppfyllt", "comment": "Enligt plan."} for g in PLAN.board_goals()}
ALL_COMMENTS = {i.name: {"comment": "Förbrukningen följer prognosen."} for i in PLAN.investments}


def _inputs(goals: dict, comments: dict) -> Inputs:
    return Inputs.model_validate(
        {"year": 2025, "goal_assessments": {"ur1": goals}, "investments": {"2025-04": comments}}
    )


def test_complete_inputs_pass() -> None:
    findings, checks = check_inputs(PLAN, _inputs(ALL_GOALS, ALL_COMMENTS), "ur1", "2025-04")
    assert findings == []
    assert checks == 2


def test_missing_assessment_is_a_warning_naming_the_goal() -> None:
    goals = {k: v for k, v in ALL_GOALS.items() if k != "rs07-paverkansagenda"}
    findings, _ = check_inputs(PLAN, _inputs(goals, ALL_COMMENTS), "ur1", "2025-04")
    assert [(f.rule, f.severity, f.count, f.examples) for f in findings] == [
        (GOAL_ASSESSMENT_MISSING, "warning", 1, ["rs07-paverkansagenda"])
    ]
    assert "rs07-paverkansagenda" in findings[0].message


def test_missing_investment_comment_is_a_warning_naming_the_investment() -> None:
    comments = {k: v for k, v in ALL_COMMENTS.items() if k != "FVIS"}
    findings, _ = check_inputs(PLAN, _inputs(ALL_GOALS, comments), "ur1", "2025-04")
    assert [(f.rule, f.severity, f.examples) for f in findings] == [
        (INVESTMENT_COMMENT_MISSING, "warning", ["FVIS"])
    ]


@pytest.mark.parametrize(
    ("kind", "expected_checks"),
    [("avvikelserapport", 1), ("manadsrapport", 0), ("ur2", 2), ("arsredovisning", 2)],
)
def test_which_reports_need_what(kind: str, expected_checks: int) -> None:
    # Assessments only for whole-plan reports; investment comments for reports to the board.
    findings, checks = check_inputs(PLAN, Inputs(year=2025), kind, "2025-04")  # type: ignore[arg-type]
    assert checks == expected_checks
    assert len(findings) == expected_checks
