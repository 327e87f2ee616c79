"""The plan-and-inputs suite: what finance staff must enter beside the source data (issue: warnings).

These checks read the inputs file against the plan, not a database, so they are plain Python that returns
the same `Finding`s as the SQL suites. Both rules are warnings: a missing assessment or comment is a
deviation the report must show, never a reason to withhold the figures.
"""

from __future__ import annotations

from expectations import MAX_EXAMPLES, Finding
from uppfoljning.inputs import Inputs
from uppfoljning.plan import Plan, ReportKind

GOAL_ASSESSMENT_MISSING = "inputs.goal_assessment_missing"
INVESTMENT_COMMENT_MISSING = "inputs.investment_comment_missing"


def check_inputs(plan: Plan, inputs: Inputs, kind: ReportKind, period: str) -> tuple[list[Finding], int]:
    """Findings for missing assessments (whole-plan reports) and investment comments (board reports).

    Returns the findings and the number of checks run.
    """
    findings: list[Finding] = []
    checks = 0
    spec = plan.report_kinds[kind]
    if spec.whole_plan:
        checks += 1
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
    return findings, checks


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
