"""The plan-and-inputs suite: what finance staff must enter beside the source data (issue: warnings).

These checks read the inputs file against the plan, not a database, so they are plain Python that returns
the same `Finding`s as the SQL suites. Every rule is a warning: a missing assessment or comment is a
deviation the report must show ("Kommentar saknas"), never a reason to withhold the figures. The findings
reach figures.json, the run log and `uppfoljning validate`.

Two groups of checks:
- `check_inputs` before the figures: assessments of the whole-plan reports (goals, work-environment
  activities, the basic mission), investment comments of the board reports, and entries whose id the plan
  does not know (a typo would otherwise be silently ignored);
- `check_deviation_comments` after the figures, because which deviations are material depends on them:
  a material deviation of a board report without the controller's comment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from expectations import MAX_EXAMPLES, Finding
from transforms.deviations import possible_ids
from uppfoljning.inputs import Inputs
from uppfoljning.plan import Plan, ReportKind

GOAL_ASSESSMENT_MISSING = "inputs.goal_assessment_missing"
ACTIVITY_ASSESSMENT_MISSING = "inputs.activity_assessment_missing"
BASIC_MISSION_ASSESSMENT_MISSING = "inputs.basic_mission_assessment_missing"
INVESTMENT_COMMENT_MISSING = "inputs.investment_comment_missing"
DEVIATION_COMMENT_MISSING = "inputs.deviation_comment_missing"
UNKNOWN_ID = "inputs.unknown_id"


def check_inputs(plan: Plan, inputs: Inputs, kind: ReportKind, period: str) -> tuple[list[Finding], int]:
    """Findings for missing assessments (whole-plan reports), investment comments (board reports) and
    inputs of this report whose ids the plan does not know.

    Returns the findings and the number of checks run.
    """
    findings: list[Finding] = []
    checks = 0
    spec = plan.report_kinds[kind]
    if spec.whole_plan:
        checks += 3
        assessments = inputs.goal_assessments.get(kind, {})
        missing = [g.id for g in plan.board_goals() if g.id not in assessments]
        if missing:
            findings.append(
                _finding(
                    GOAL_ASSESSMENT_MISSING,
                    f"goal_assessments.{kind}",
                    missing,
                    f"board goal without an assessment for {kind}",
                    f"Målbedömning saknas för {spec.title}",
                )
            )
        activities = inputs.activity_assessments.get(kind, {})
        missing = [a.id for a in plan.work_environment_activities if a.id not in activities]
        if missing:
            findings.append(
                _finding(
                    ACTIVITY_ASSESSMENT_MISSING,
                    f"activity_assessments.{kind}",
                    missing,
                    f"work-environment activity without an assessment for {kind}",
                    f"Bedömning av arbetsmiljöaktivitet saknas för {spec.title}",
                )
            )
        if kind not in inputs.basic_mission_assessments:
            findings.append(
                _finding(
                    BASIC_MISSION_ASSESSMENT_MISSING,
                    f"basic_mission_assessments.{kind}",
                    [plan.basic_mission.id],
                    f"the basic mission has no assessment for {kind}",
                    f"Bedömning av grunduppdraget saknas för {spec.title}",
                )
            )
    if spec.board_report:
        checks += 1
        missing = [i.name for i in plan.investments if not inputs.investment_for(period, i.name).comment]
        if missing:
            findings.append(
                _finding(
                    INVESTMENT_COMMENT_MISSING,
                    f"investments.{period}",
                    missing,
                    "investment without the analysis comment the plan requires",
                    "Kommentar till investering saknas",
                )
            )
    checks += 1
    unknown = list(_unknown_ids(plan, inputs, kind, period))
    if unknown:
        findings.append(
            _finding(
                UNKNOWN_ID,
                "inputs of this report",
                unknown,
                "an entry names a goal, activity, tool, investment or deviation the plan does not have "
                "(it is not shown anywhere)",
                "Indata med okänd nyckel (visas inte i rapporten)",
            )
        )
    return findings, checks


def check_deviation_comments(
    deviations: Iterable[Mapping[str, Any]], period: str
) -> tuple[list[Finding], int]:
    """A material deviation of a board report whose comment is missing (figures["deviations"]).

    Investments are left to INVESTMENT_COMMENT_MISSING, which already asks for every investment's comment.
    Returns the findings and the number of checks run (1).
    """
    missing = [
        str(d["id"])
        for d in deviations
        if d["comment_required"] and not d["comment"] and d["type"] != "investment"
    ]
    if not missing:
        return [], 1
    return [
        _finding(
            DEVIATION_COMMENT_MISSING,
            f"deviation_comments.{period}",
            missing,
            "material deviation without the controller's comment",
            "Kommentar till väsentlig avvikelse saknas",
        )
    ], 1


def _unknown_ids(plan: Plan, inputs: Inputs, kind: ReportKind, period: str) -> Iterable[str]:
    goals = {g.id for g in plan.board_goals()}
    activities = {a.id for a in plan.work_environment_activities}
    tools = {t.id for t in plan.work_environment_follow_up}
    investments = {i.name for i in plan.investments}
    deviations = possible_ids(plan)
    for section, entries, known in (
        (f"goal_assessments.{kind}", inputs.goal_assessments.get(kind, {}), goals),
        (f"activity_assessments.{kind}", inputs.activity_assessments.get(kind, {}), activities),
        (f"work_environment_follow_up.{kind}", inputs.work_environment_follow_up.get(kind, {}), tools),
        (f"investments.{period}", inputs.investments.get(period, {}), investments),
        (f"deviation_comments.{period}", inputs.deviation_comments.get(period, {}), deviations),
    ):
        for key in entries:
            if key not in known:
                yield f"{section}: {key}"


def _finding(rule: str, table: str, keys: list[str], problem: str, swedish: str) -> Finding:
    shown = ", ".join(keys[:MAX_EXAMPLES])
    noun = "entry" if len(keys) == 1 else "entries"
    return Finding(
        rule=rule,
        table=f"inputs file: {table}",
        severity="warning",
        message=(
            f"inputs file, {table}: rule {rule} failed for {len(keys)} {noun} ({problem}): {shown}. "
            f"/ {swedish}: {shown}."
        ),
        count=len(keys),
        examples=keys[:MAX_EXAMPLES],
    )
