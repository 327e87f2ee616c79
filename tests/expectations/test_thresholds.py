"""Rule thresholds as data (expectations/thresholds.yaml): the built-in values, a region's file that lists
only what differs, what is refused, and the way a threshold travels to the rule, its wording, the
`validate` command and the monthly run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expectations import validate_sources
from expectations.thresholds import default_thresholds, load_thresholds
from extract.sources import scheduled_hours
from tests.expectations.test_suites import PLAN, YEAR, build_source, insert
from tests.fixtures.small_office import write_small_office
from uppfoljning.cli import main
from uppfoljning.errors import DataError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_built_in_thresholds_are_the_documented_ones() -> None:
    # README, "Data quality": 15 grace days, 250 h a month, half an öre, half a krona, years 2000..2100.
    t = default_thresholds()
    assert (t.period_end_grace_days, t.max_scheduled_hours_per_month, t.min_scheduled_hours_per_month) == (
        15,
        250,
        0,
    )
    assert (t.voucher_tolerance_sek, t.plan_tolerance_sek, t.decimals_tolerance_ore) == (0.005, 0.5, 0.001)
    assert (t.plausible_years.first, t.plausible_years.last) == (2000, 2100)


def test_a_file_lists_only_what_differs(tmp_path: Path) -> None:
    t = load_thresholds(write(tmp_path / "t.yaml", "max_scheduled_hours_per_month: 220\n"))
    assert t.max_scheduled_hours_per_month == 220
    assert t.period_end_grace_days == 15  # the built-in value where the file says nothing
    assert load_thresholds(write(tmp_path / "empty.yaml", "")) == default_thresholds()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "max_scheduled_hour_per_month: 220\n",
            "max_scheduled_hour_per_month: Extra inputs are not permitted",
        ),
        ("period_end_grace_days: -1\n", "period_end_grace_days: Input should be greater than or equal to 0"),
        ("min_scheduled_hours_per_month: 300\n", "min_scheduled_hours_per_month is above"),
        (
            "plausible_years: {first: 2100, last: 2000}\n",
            "plausible_years: first (2100) is after last (2000)",
        ),
        ("voucher_tolerance_sek: [1]\n", "voucher_tolerance_sek: Input should be a valid number"),
        ("- 15\n", "expected a mapping"),
        ("period_end_grace_days: [\n", "cannot be read"),
    ],
)
def test_a_wrong_file_is_refused_naming_file_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path / "gransvarden.yaml", text)
    with pytest.raises(DataError, match="gransvarden.yaml") as raised:
        load_thresholds(path)
    assert problem in str(raised.value)


def test_the_limit_and_its_wording_reach_the_rule(tmp_path: Path) -> None:
    # P1 has 150 h in February; 95 h more make 245 h: within the built-in 250 h, above a region's 240 h.
    url = build_source(
        f"sqlite:///{tmp_path / 'source.db'}",
        insert(scheduled_hours, person_id="P1", period=202502, hours=95.0),
    )
    assert validate_sources(url, url, PLAN, YEAR, 3).findings == []

    stricter = default_thresholds().model_copy(update={"max_scheduled_hours_per_month": 240})
    (finding,) = validate_sources(url, url, PLAN, YEAR, 3, thresholds=stricter).findings
    assert (finding.rule, finding.severity, finding.count) == ("hr.scheduled_hours_bounds", "warning", 1)
    assert finding.examples == ["person P1 period 202502 (245.00 h)"]
    assert "sum to more than 240 " in finding.message and "Mer än 240 schemalagda timmar" in finding.message


# The small office's April closing entry L2504B (period 202504) is booked on 8 May: within the built-in 15
# grace days; with 7 it is a day late, with 8 it is on the last allowed day.
LATE_ENTRY = "L2504B (booked 2025-05-08, period 202504)"


@pytest.fixture
def office(tmp_path: Path) -> dict[str, str]:
    urls = {"ledger": f"sqlite:///{tmp_path / 'ledger.db'}", "hr": f"sqlite:///{tmp_path / 'hr.db'}"}
    write_small_office(urls["ledger"], urls["hr"])
    return urls


def test_the_validate_command_reads_the_thresholds_file(
    tmp_path: Path, office: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["validate", "--period", "2025-04", "--ledger-url", office["ledger"], "--hr-url", office["hr"]]

    assert main([*argv, "--thresholds", str(write(tmp_path / "t8.yaml", "period_end_grace_days: 8\n"))]) == 0
    assert "ledger.period_matches_booking_date" not in capsys.readouterr().out
    assert main([*argv, "--thresholds", str(write(tmp_path / "t7.yaml", "period_end_grace_days: 7\n"))]) == 0
    printed = capsys.readouterr().out
    assert (
        "[warning]" in printed and "ledger.period_matches_booking_date" in printed and LATE_ENTRY in printed
    )

    assert (
        main([*argv, "--thresholds", str(write(tmp_path / "bad.yaml", "period_end_grace_days: 40\n"))]) == 2
    )
    assert "bad.yaml, the file: is invalid: period_end_grace_days" in capsys.readouterr().err


def test_the_monthly_run_reads_the_thresholds_file(
    tmp_path: Path, office: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through the environment this time (settings.py), as a scheduled run would get it.
    monkeypatch.setenv(
        "UPPFOLJNING_THRESHOLDS", str(write(tmp_path / "t7.yaml", "period_end_grace_days: 7\n"))
    )
    out = tmp_path / "out"
    argv = ["run", "--period", "2025-04", "--ledger-url", office["ledger"], "--hr-url", office["hr"]]

    assert main([*argv, "--out", str(out)]) == 0

    figures = json.loads((out / "2025-04" / "figures.json").read_text(encoding="utf-8"))
    (late,) = [
        c for c in figures["data_quality"]["checks"] if c["rule"] == "ledger.period_matches_booking_date"
    ]
    assert (late["severity"], late["count"], late["examples"]) == ("warning", 1, [LATE_ENTRY])
