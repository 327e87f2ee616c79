"""The files the demo writes beside its source (generator/demo_files.py): the inputs file and the comment
sheets filled in as finance staff would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.demo_files import fill_demo_comment_sheet, write_demo_inputs
from publish.comment_sheet import build_comment_sheet
from tests.publish.test_render import make_figures
from uppfoljning.comment_import import import_comment_sheet
from uppfoljning.inputs import Inputs, load_inputs
from uppfoljning.plan import Plan


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
