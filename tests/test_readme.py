"""The README is the finance staff's list of rules: it must name every rule the suites can report."""

from __future__ import annotations

from pathlib import Path

from expectations import RULES
from expectations.inputs import (
    ACTIVITY_ASSESSMENT_MISSING,
    BASIC_MISSION_ASSESSMENT_MISSING,
    DEVIATION_COMMENT_MISSING,
    GOAL_ASSESSMENT_MISSING,
    INVESTMENT_COMMENT_MISSING,
    UNKNOWN_ID,
)
from extract.sources import hr_tables, ledger_tables, load_mapping

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_rule_with_its_severity() -> None:
    for rule in RULES:
        line = next((row for row in README.splitlines() if f"`{rule.id}`" in row), None)
        assert line is not None, f"README lacks rule {rule.id}"
        assert f"| {rule.severity} |" in line, f"README gives {rule.id} another severity"
    for rule_id in (
        GOAL_ASSESSMENT_MISSING,
        ACTIVITY_ASSESSMENT_MISSING,
        BASIC_MISSION_ASSESSMENT_MISSING,
        INVESTMENT_COMMENT_MISSING,
        DEVIATION_COMMENT_MISSING,
        UNKNOWN_ID,
        "internal.expectation_error",
    ):
        assert f"`{rule_id}`" in README


def test_readme_mapping_example_is_a_valid_mapping(tmp_path: Path) -> None:
    start = README.index("# mappning.yaml")
    example = tmp_path / "mappning.yaml"
    example.write_text(README[start : README.index("```", start)], encoding="utf-8")
    mapping = load_mapping(example)

    gl, cost_centers = ledger_tables(mapping).gl_entries, ledger_tables(mapping).cost_centers
    assert (gl.schema, gl.name, gl.c.amount.name, gl.c.period.name) == (
        "ekonomi",
        "Verifikationsrader",
        "Belopp (kr)",
        "period",  # not in the file: the contract's name
    )
    assert (cost_centers.schema, cost_centers.name) == ("Gemensamma register", "Ansvar")
    sick = hr_tables(mapping).sick_leave
    assert (sick.schema, sick.name, sick.c.spell_start.name) == (None, "Sjukfrånvaro", "Sjukfall från")
