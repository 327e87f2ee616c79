"""The README is the finance staff's list of rules: it must name every rule the suites can report."""

from __future__ import annotations

from pathlib import Path

from expectations import RULES
from expectations.inputs import GOAL_ASSESSMENT_MISSING, INVESTMENT_COMMENT_MISSING

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_rule_with_its_severity() -> None:
    for rule in RULES:
        line = next((row for row in README.splitlines() if f"`{rule.id}`" in row), None)
        assert line is not None, f"README lacks rule {rule.id}"
        assert f"| {rule.severity} |" in line, f"README gives {rule.id} another severity"
    for rule_id in (GOAL_ASSESSMENT_MISSING, INVESTMENT_COMMENT_MISSING, "internal.expectation_error"):
        assert f"`{rule_id}`" in README
