"""The plan file as the board adopted it: commitments word for word, Tabell 3, materiality, the calendar."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from uppfoljning.plan import load_plan

PLAN = load_plan()
SEED = "shared/seed/verksamhetsplan-2025.txt"


def _seed_text() -> str | None:
    """The seed plan (../shared from the checkout, also from a worktree one level deeper), whitespace
    collapsed: the text was extracted from a PDF, so its line breaks are layout, not words."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / SEED
        if candidate.is_file():
            return " ".join(candidate.read_text(encoding="utf-8").split())
    return None


def test_every_board_goal_has_its_commitments() -> None:
    assert all(goal.commitments for goal in PLAN.board_goals())
    text = " ".join(c for goal in PLAN.board_goals() for c in goal.commitments)
    # The examples the board asks about.
    for words in (
        "destruktionsanläggningar för medicinsk användning av lustgas",
        "regional fysisk plan",
        "Cosmic",
        "FVIS-programmet",
    ):
        assert words in text, words


def test_commitments_are_word_for_word_from_the_seed() -> None:
    seed = _seed_text()
    if seed is None:
        pytest.skip(f"{SEED} is not beside this checkout")
    for goal in PLAN.board_goals():
        for commitment in goal.commitments:
            assert commitment in seed, f"{goal.id}: {commitment!r} is not in the seed"
    for activity in PLAN.work_environment_activities:
        assert activity.desired_effect and activity.desired_effect in seed


def test_tabell_3_and_materiality_are_data() -> None:
    assert [i.id for i in PLAN.economy_indicators] == [
        "periodresultat",
        "ackumulerad_budgetavvikelse",
        "prognos_budgetavvikelse",
        "prognos_investeringsbudgetavvikelse",
    ]
    assert PLAN.economy_indicators[0].description == "Periodens resultat, ackumulerat"
    assert (
        PLAN.materiality.economy_share_of_net_budget_percent,
        PLAN.materiality.investment_share_of_budget_percent,
    ) == (0.5, 10)
    assert [t.name for t in PLAN.work_environment_follow_up] == [
        "Egenkontroller arbetsmiljö",
        "Medarbetarundersökning",
        "Intern kontroll",
        "Analys av arbetsskador och tillbud",
    ]


def test_end_reason_groups_must_cover_every_reason_once() -> None:
    turnover = PLAN.definitions.turnover
    with pytest.raises(ValueError, match="exactly once"):
        type(turnover).model_validate(
            {**turnover.model_dump(), "end_reason_groups": [{"label": "x", "reasons": ["pension"]}]}
        )
    assert re.search("byte_av_tjanst", str([g.reasons for g in turnover.end_reason_groups if g.internal]))
