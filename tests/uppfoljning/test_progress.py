"""The progress line: its format from a hand-made clock, and that a run says nothing of it unless asked."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from tests.fixtures.small_office import write_small_office
from tests.flows.test_monthly import INPUTS
from uppfoljning import progress
from uppfoljning.cli import main


def ticking(*moments: float) -> Callable[[], float]:
    """A clock that reads the given moments in turn (seconds)."""
    readings: Iterator[float] = iter(moments)
    return lambda: next(readings)


def test_the_line_names_each_stage_with_its_seconds_the_swedish_way() -> None:
    # Start at 100.0; validation ends at 101.23 (1,23 s → "1,2 s"), the extracts at 102.03 (0,80 s), the
    # figures at 102.06 (0,03 s: under 0,05 s, named without seconds), publishing at 103.96 (1,90 s);
    # the line is made at 104.0: 4,0 s in all.
    stages = progress.Stages(clock=ticking(100.0, 101.23, 102.03, 102.06, 103.96, 104.0))
    for stage in ("validera", "hämta", "beräkna", "publicera"):
        stages.done(stage)
    assert stages.line("2025-04", "ur1", 2, "published") == (
        "2025-04 ur1 v2: validera 1,2 s · hämta 0,8 s · beräkna · publicera 1,9 s → publicerad (4,0 s)"
    )


def test_a_blocked_run_has_no_version_and_time_outside_the_stages_counts_only_in_the_total() -> None:
    # Start 0; waiting for the lock until 5.0 (skipped); validation 5.0 → 6.5; the line at 7.0.
    stages = progress.Stages(clock=ticking(0.0, 5.0, 6.5, 7.0))
    stages.skip()
    stages.done("validera")
    assert stages.line("2025-02", "avvikelserapport", None, "blocked") == (
        "2025-02 avvikelserapport: validera 1,5 s → stoppad (7,0 s)"
    )


def test_nothing_is_printed_unless_progress_is_shown(capsys: pytest.CaptureFixture[str]) -> None:
    stages = progress.Stages(clock=ticking(0.0, 1.0, 2.0, 3.0, 4.0))
    stages.done("validera")
    stages.report("2025-03", "manadsrapport", 1, "published")
    progress.say("Demokällan skriven")
    assert capsys.readouterr().err == ""
    with progress.shown():
        stages.report("2025-03", "manadsrapport", 1, "published")
        progress.say("Demokällan skriven")
    stages.report("2025-03", "manadsrapport", 1, "published")  # quiet again after the block
    assert capsys.readouterr().err == (
        "2025-03 manadsrapport v1: validera 1,0 s → publicerad (2,0 s)\nDemokällan skriven\n"
    )


@pytest.fixture
def office(tmp_path: Path) -> tuple[list[str], Path]:
    urls = (f"sqlite:///{tmp_path / 'ledger.db'}", f"sqlite:///{tmp_path / 'hr.db'}")
    write_small_office(*urls)
    inputs = tmp_path / "indata-2025.yaml"
    inputs.write_text(yaml.safe_dump(INPUTS, allow_unicode=True, sort_keys=False), encoding="utf-8")
    argv = ["run", "--period", "2025-04", "--ledger-url", urls[0], "--hr-url", urls[1]]
    return [*argv, "--out", str(tmp_path / "out"), "--inputs", str(inputs)], tmp_path


# The whole line, so that nothing else (a name, an amount, a key) can be in it.
STAGE = r"( \d+,\d s)?"
LINE = re.compile(
    rf"2025-04 ur1 v1: validera{STAGE} · hämta{STAGE} · beräkna{STAGE} · publicera{STAGE} → (\w+) \(\d+,\d s\)"
)


def test_a_run_is_quiet_without_progress_and_says_one_line_with_it(
    office: tuple[list[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv, _ = office
    assert main(argv) == 0
    assert not [line for line in capsys.readouterr().err.splitlines() if line.startswith("2025-04")]
    assert main([*argv, "--progress"]) == 0  # the same figures: version 1 stays, nothing is rendered
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("2025-04")]
    assert len(lines) == 1
    match = LINE.fullmatch(lines[0])
    assert match is not None, lines[0]
    assert match.group(5) == "oförändrad"
