"""The plan-and-inputs suite: missing assessments, comments and unknown ids are warnings."""

from __future__ import annotations

from typing import Any

import pytest

from expectations.inputs import (
    ACTIVITY_ASSESSMENT_MISSING,
    BASIC_MISSION_ASSESSMENT_MISSING,
    DEVIATION_COMMENT_MISSING,
    GOAL_ASSESSMENT_MISSING,
    INVESTMENT_COMMENT_MISSING,
    UNKNOWN_ID,
    check_deviation_comments,
    check_inputs,
)
from uppfoljning.inputs import Inputs
from uppfoljning.plan import load_plan

PLAN = load_plan()
DONE = {"status": "uppfyllt", "comment": "Enligt plan."}
ALL_GOALS = {g.id: DONE for g in PLAN.board_goals()}
ALL_ACTIVITIES = {a.id: DONE for a in PLAN.work_environment_activities}
ALL_COMMENTS = {i.name: {"comment": "Förbrukningen följer prognosen."} for i in PLAN.investments}


def _inputs(goals: dict, comments: dict, **more: Any) -> Inputs:
    return Inputs.model_validate(
        {
            "year": 2025,
            "goal_assessments": {"ur1": goals},
            "activity_assessments": {"ur1": ALL_ACTIVITIES},
            "basic_mission_assessments": {"ur1": DONE},
            "investments": {"2025-04": comments},
            **more,
        }
    )


def test_complete_inputs_pass() -> None:
    findings, checks = check_inputs(PLAN, _inputs(ALL_GOALS, ALL_COMMENTS), "ur1", "2025-04")
    assert findings == []
    assert checks == 5  # goals, activities, basic mission, investment comments, unknown ids


def test_missing_assessment_is_a_warning_naming_the_goal() -> None:
    goals = {k: v for k, v in ALL_GOALS.items() if k != "rs07-paverkansagenda"}
    findings, _ = check_inputs(PLAN, _inputs(goals, ALL_COMMENTS), "ur1", "2025-04")
    assert [(f.rule, f.severity, f.count, f.examples) for f in findings] == [
        (GOAL_ASSESSMENT_MISSING, "warning", 1, ["rs07-paverkansagenda"])
    ]
    assert "rs07-paverkansagenda" in findings[0].message


def test_missing_activity_and_basic_mission_assessments() -> None:
    inputs = Inputs.model_validate(
        {
            "year": 2025,
            "goal_assessments": {"ur2": ALL_GOALS},
            "activity_assessments": {"ur2": {"chefers-forutsattningar": DONE}},
            "investments": {"2025-08": ALL_COMMENTS},
        }
    )
    findings, _ = check_inputs(PLAN, inputs, "ur2", "2025-08")
    assert [(f.rule, f.examples) for f in findings] == [
        (ACTIVITY_ASSESSMENT_MISSING, ["medarbetarnas-forutsattningar"]),
        (BASIC_MISSION_ASSESSMENT_MISSING, ["grunduppdrag"]),
    ]


def test_missing_investment_comment_is_a_warning_naming_the_investment() -> None:
    comments = {k: v for k, v in ALL_COMMENTS.items() if k != "FVIS"}
    findings, _ = check_inputs(PLAN, _inputs(ALL_GOALS, comments), "ur1", "2025-04")
    assert [(f.rule, f.severity, f.examples) for f in findings] == [
        (INVESTMENT_COMMENT_MISSING, "warning", ["FVIS"])
    ]


def test_an_id_the_plan_does_not_know_is_a_warning() -> None:
    # A typo in a goal id and a deviation id of this period; an unknown id of another period is not checked.
    goals = {**ALL_GOALS, "rs07-paverkansagendan": DONE}
    inputs = _inputs(
        goals,
        ALL_COMMENTS,
        deviation_comments={
            "2025-04": {"ekonomi.personal": {"comment": "x"}, "resultat": {"comment": "y"}},
            "2025-02": {"okand": {"comment": "z"}},
        },
    )
    findings, _ = check_inputs(PLAN, inputs, "ur1", "2025-04")
    assert [(f.rule, f.examples) for f in findings] == [
        (
            UNKNOWN_ID,
            ["goal_assessments.ur1: rs07-paverkansagendan", "deviation_comments.2025-04: ekonomi.personal"],
        )
    ]


@pytest.mark.parametrize(
    ("kind", "expected_checks", "expected_findings"),
    [("avvikelserapport", 2, 1), ("manadsrapport", 1, 0), ("ur2", 5, 4), ("arsredovisning", 5, 4)],
)
def test_which_reports_need_what(kind: str, expected_checks: int, expected_findings: int) -> None:
    # Assessments only for whole-plan reports; investment comments for reports to the board.
    findings, checks = check_inputs(PLAN, Inputs(year=2025), kind, "2025-04")  # type: ignore[arg-type]
    assert checks == expected_checks
    assert len(findings) == expected_findings


def test_a_material_deviation_without_comment_is_a_warning() -> None:
    deviations = [
        {"id": "ekonomi.personalkostnader", "type": "economy_row", "comment": None, "comment_required": True},
        {"id": "resultat", "type": "result", "comment": "Förklarad.", "comment_required": True},
        # Investments are asked for by INVESTMENT_COMMENT_MISSING already: not listed twice.
        {"id": "investering.FVIS", "type": "investment", "comment": None, "comment_required": True},
        # The internal monthly report does not require comments.
        {"id": "indikator.sjukfranvaro", "type": "indicator", "comment": None, "comment_required": False},
    ]
    findings, checks = check_deviation_comments(deviations, "2025-10")
    assert checks == 1
    assert [(f.rule, f.severity, f.examples) for f in findings] == [
        (DEVIATION_COMMENT_MISSING, "warning", ["ekonomi.personalkostnader"])
    ]
    assert check_deviation_comments(deviations[1:], "2025-10") == ([], 1)
