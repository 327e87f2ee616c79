"""The README's demo command, run as a user runs it: a console script in a fresh Prefect home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.test_demo import _read_tables, _same, _sick_leave, _turnover
from tests.test_package_end_to_end import PACKAGE, ROW_LABELS

# The calendar of domain §1 (months not listed are månadsrapporter).
EXPECTED_KINDS = {2: "avvikelserapport", 4: "ur1", 8: "ur2", 10: "avvikelserapport", 12: "arsredovisning"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("demo-out")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path_factory.mktemp("fresh-prefect-home"))  # as on a fresh machine
    command = Path(sys.executable).parent / "uppfoljning"
    result = subprocess.run(
        [str(command), "demo", "--out", str(out)], env=env, capture_output=True, text=True, timeout=600
    )
    return out, result


def test_demo_writes_every_month_of_the_year(demo_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    out, result = demo_run
    assert result.returncode == 0, result.stderr
    for month in range(1, 13):
        period = f"2025-{month:02d}"
        figures = json.loads((out / period / "figures.json").read_text(encoding="utf-8"))
        assert figures["period"] == period
        assert figures["report_kind"] == EXPECTED_KINDS.get(month, "manadsrapport")
        assert figures["version"] == 1
        # The demo source is clean; its inputs leave gaps on purpose, which publish as warnings.
        assert figures["data_quality"]["status"] in ("passed", "warnings")
        assert all(c["severity"] == "warning" for c in figures["data_quality"]["checks"])
        assert "<html" in (out / period / "report.html").read_text(encoding="utf-8")
        for name in PACKAGE:
            assert (out / period / name).stat().st_size > 0, f"{period}/{name}"
            assert (out / period / "versions" / "v1" / name).is_file(), f"{period}/versions/v1/{name}"


def test_demo_april_flags_the_missing_assessment(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """The demo inputs leave one board goal unassessed in UR1: the report must say so."""
    out, _ = demo_run
    april = json.loads((out / "2025-04" / "figures.json").read_text(encoding="utf-8"))
    warnings = {c["rule"]: c["examples"] for c in april["data_quality"]["checks"]}
    assert warnings["inputs.goal_assessment_missing"] == ["rs07-paverkansagenda"]
    report = (out / "2025-04" / "report.html").read_text(encoding="utf-8")
    assert "Bedömning saknas" in report
    assert "rs07-paverkansagenda" in report


def test_demo_output_is_clean(demo_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = demo_run
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "database is locked" not in output
    assert "Demoåret klart: 12 rapporter" in result.stdout


def test_demo_december_equals_an_independent_computation(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """The published December (the annual basis) against the plan's budget and against a few lines of
    pandas on the demo's own tables (tests/test_demo.py), not against ranges a wrong formula would pass."""
    out, _ = demo_run
    december = json.loads((out / "2025-12" / "figures.json").read_text(encoding="utf-8"))
    rows = december["economy"]["rows"]
    # The approved budget sums exactly to the plan: -440 / 586 / 674 / 820 mnkr, allocation -820.
    assert [rows[r]["budget_year"] for r in ("intakter", "personalkostnader", "ovriga_driftskostnader")] == [
        -440_000_000.0,
        586_000_000.0,
        674_000_000.0,
    ]
    assert rows["netto"]["budget_year"] == 820_000_000.0
    assert rows["regionbidrag"]["budget_year"] == -820_000_000.0
    # In December the whole budget is accumulated, so the forecast is the actual result, to the öre.
    assert rows["netto"]["forecast_year"] == rows["netto"]["actual_ytd"]

    source = out / "demo-kalla"
    tables = _read_tables(f"sqlite:///{source / 'ekonomi.db'}", f"sqlite:///{source / 'hr.db'}")
    leavers, mean_headcount, turnover = _turnover(tables["employments"], "2025-12")
    published = december["indicators"]["personalomsattning"]
    assert (published["numerator"], published["denominator"], published["value"]) == _same(
        (leavers, mean_headcount, turnover)
    )
    expected = _sick_leave(tables, "2025-12")
    published = december["indicators"]["sjukfranvaro"]
    assert {key: published[key] for key in expected} == _same(expected)


@pytest.mark.parametrize("period", ["2025-04", "2025-12"])
def test_demo_workbook_equals_figures_and_drilldowns_add_up(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]], period: str
) -> None:
    """Real demo data: every economy cell equals figures.json to the öre; each drill-down sums to its row."""
    out, _ = demo_run
    figures = json.loads((out / period / "figures.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(out / period / "report.xlsx")
    columns = (
        "budget_year",
        "budget_ytd",
        "actual_ytd",
        "deviation_ytd",
        "forecast_year",
        "forecast_deviation",
    )
    economy = {row[0].value: row for row in book["Driftredovisning"].iter_rows(min_row=4) if row[0].value}
    for row_id, label in ROW_LABELS.items():
        cells = [round(economy[label][i + 1].value * 100) for i in range(len(columns))]
        assert cells == [round(figures["economy"]["rows"][row_id][c] * 100) for c in columns], label
    for sheet, keys in (("Per ansvar", 5), ("Per konto", 2)):
        lines = [[c.value for c in row] for row in book[sheet].iter_rows(min_row=4)][:-1]
        for row_id in ("intakter", "personalkostnader", "ovriga_driftskostnader", "regionbidrag"):
            mine = [line for line in lines if line[0] == ROW_LABELS[row_id]]
            sums = [sum(round(line[keys + figures["month"] + i] * 100) for line in mine) for i in range(4)]
            row = figures["economy"]["rows"][row_id]
            expected = [
                round(row[k] * 100) for k in ("actual_ytd", "budget_ytd", "deviation_ytd", "budget_year")
            ]
            assert sums == expected, (sheet, row_id)
