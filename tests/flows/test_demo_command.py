"""The README's demo command, run as a user runs it: a console script in a fresh Prefect home."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.flows.test_package_end_to_end import PACKAGE, ROW_LABELS
from tests.generator.demo_source import _read_tables, _same, _sick_leave, _turnover

# The calendar of domain §1 (months not listed are månadsrapporter).
EXPECTED_KINDS = {2: "avvikelserapport", 4: "ur1", 8: "ur2", 10: "avvikelserapport", 12: "arsredovisning"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("demo-out")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path_factory.mktemp("fresh-prefect-home"))  # as on a fresh machine
    # A fresh home's server migrates its database first: on a busy shared machine that can exceed the
    # default wait of 20 s for the temporary server (seen at load average 7).
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
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
        # A board report is published, its comment sheet filled in and imported, and the month rerun.
        assert figures["version"] == (2 if month in EXPECTED_KINDS else 1)
        # The demo source is clean and every comment is entered: nothing to remark.
        assert figures["data_quality"] == {
            "status": "passed",
            "checks_run": figures["data_quality"]["checks_run"],
            "checks": [],
        }
        assert "<html" in (out / period / "report.html").read_text(encoding="utf-8")
        for name in (*PACKAGE, "kommentarer.xlsx"):
            assert (out / period / name).stat().st_size > 0, f"{period}/{name}"
            assert (out / period / "versions" / "v1" / name).is_file(), f"{period}/versions/v1/{name}"


@pytest.mark.parametrize("month", sorted(EXPECTED_KINDS))
def test_demo_board_reports_are_complete_after_the_comment_sheet(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]], month: int
) -> None:
    """Version 1 is the report before finance staff's comments: it flags what is missing. Version 2, after
    the filled-in sheet is imported, has every assessment and comment, and its deviations explained."""
    out, _ = demo_run
    period = out / f"2025-{month:02d}"
    before = json.loads((period / "versions" / "v1" / "figures.json").read_text(encoding="utf-8"))
    assert "inputs.investment_comment_missing" in {c["rule"] for c in before["data_quality"]["checks"]}
    assert 'class="saknas"' in (period / "versions" / "v1" / "report.html").read_text(encoding="utf-8")

    figures = json.loads((period / "figures.json").read_text(encoding="utf-8"))
    report = (period / "report.html").read_text(encoding="utf-8")
    assert (
        'class="saknas"' not in report
        and "Kommentar saknas" not in report
        and "Bedömning saknas" not in report
    )
    assert all(d["comment"] for d in figures["deviations"])
    assert all(i["comment"] for i in figures["investments"])
    if figures["goals"]:
        assert all(g["status"] and g["comment"] for g in figures["goals"])
        assert all(a["status"] for a in figures["work_environment_activities"])
        assert figures["basic_mission"]["status"]


def test_demo_shows_other_deviations_and_carry_overs(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    out, _ = demo_run
    february = json.loads((out / "2025-02" / "figures.json").read_text(encoding="utf-8"))
    assert [d["title"] for d in february["other_deviations"]] == ["Krisledning under stormen i januari"]
    december = json.loads((out / "2025-12" / "figures.json").read_text(encoding="utf-8"))
    carried = {i["name"]: i["carry_over"] for i in december["investments"] if i["carry_over"]}
    # The unspent budget of the three delayed investments: budget − outcome.
    assert carried == {
        i["name"]: round(i["budget_year"] - i["actual_ytd"], 2)
        for i in december["investments"]
        if i["name"] in ("Bredbandsutbyggnad", "FVIS", "IT-utrustning")
    }


def test_demo_output_is_clean(demo_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = demo_run
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "database is locked" not in output
    assert "Demoåret klart: 12 rapporter" in result.stdout


SECONDS = r"\d+,\d s"
STAGE = rf"( {SECONDS})?"
RUN_LINE = re.compile(
    rf"(2025-\d\d) (\w+) v(\d): validera{STAGE} · hämta{STAGE} · beräkna{STAGE} · publicera{STAGE}"
    rf"( · skicka{STAGE})? → (\w+) \({SECONDS}\)"
)
IMPORT_LINE = re.compile(
    rf"(2025-\d\d): kommentarsbladet ifyllt \(\d+ celler\) och inläst \(\d+ rader; {SECONDS}\); körs om"
)


def test_demo_says_what_it_does_month_by_month_without_flooding(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """One stderr line per step (uppfoljning.progress), in order: the source; each month's run; for a board
    report its version 1 (not sent), the comment sheet imported and version 2 (sent). 23 lines in all:
    1 + 12 + 5 × 2. Whole lines are matched, so no name, amount or key can be in them."""
    _, result = demo_run
    lines = result.stderr.splitlines()
    assert re.fullmatch(
        rf"Demokällan skriven till .*demo-kalla/ \(\d+ verifikationer, \d+ personer; {SECONDS}\)", lines[0]
    )
    steps = []
    for line in lines[1:]:
        if run := RUN_LINE.fullmatch(line):
            sent = run.group(8) is not None
            steps.append(("run", run.group(1), run.group(2), run.group(3), sent, run.group(10)))
        elif imported := IMPORT_LINE.fullmatch(line):
            steps.append(("import", imported.group(1)))
        else:
            raise AssertionError(f"not a progress line: {line!r}")
    expected: list[tuple[object, ...]] = []
    for month in range(1, 13):
        period, kind = f"2025-{month:02d}", EXPECTED_KINDS.get(month, "manadsrapport")
        if month in EXPECTED_KINDS:
            expected += [("run", period, kind, "1", False, "publicerad"), ("import", period)]
        expected.append(("run", period, kind, "2" if month in EXPECTED_KINDS else "1", True, "publicerad"))
    assert steps == expected
    assert len(lines) == 23


def test_demo_december_equals_an_independent_computation(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """The published December (the annual basis) against the plan's budget and against a few lines of
    pandas on the demo's own tables (tests/generator/demo_source.py), not against ranges a wrong formula would pass."""
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


def test_demo_shows_what_would_go_out_in_the_outbox(
    demo_run: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """The demo's lists (uppfoljning.demo.DEMO_RECIPIENTS): two addresses for the deviation reports and the
    annual basis, three for UR1 and UR2, none for the monthly reports; one .eml per recipient and report.
    Only a board report's final version goes out: version 2, after the demo imported its comment sheet
    (version 1 lacked the comments and is not sent, so no "Rättelse:" either)."""
    out, _ = demo_run
    names = sorted(path.name for path in (out / "outbox").glob("*.eml"))
    expected_counts = {"2025-02": 2, "2025-04": 3, "2025-08": 3, "2025-10": 2, "2025-12": 2}
    assert len(names) == sum(expected_counts.values()) == 12
    for period, count in expected_counts.items():
        assert len([n for n in names if n.startswith(f"{period}-v2-")]) == count, period
    assert "2025-04-v2-ledamot@regionhalland.example.eml" in names
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(
        (out / "outbox" / "2025-04-v2-ledamot@regionhalland.example.eml").read_bytes()
    )
    assert message["To"] == "ledamot@regionhalland.example"
    assert message["Subject"] == "Uppföljningsrapport 1 – april 2025"
