"""The comment sheet for finance staff: written pre-filled and protected, read back, imported all or nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from publish.comment_sheet import (
    ASSESSMENT_SHEET,
    DEVIATION_SHEET,
    INFO_SHEET,
    INVESTMENT_SHEET,
    OTHER_SHEET,
    build_comment_sheet,
)
from tests.fixtures.small_office import write_small_office
from tests.publish.test_render import make_figures
from uppfoljning.cli import main
from uppfoljning.comment_import import ImportRefused, import_comment_sheet
from uppfoljning.inputs import Inputs, load_inputs
from uppfoljning.plan import load_plan

PLAN = load_plan()
EXISTING = {
    "year": 2025,
    "goal_assessments": {
        "ur1": {"rs01-kris-och-krig": {"status": "uppfyllt", "comment": "Övningen är genomförd."}}
    },
    "investments": {"2025-04": {"FVIS": {"comment": "Enligt plan.", "forecast_sek": 14_000_000}}},
}


def figures(kind: str = "ur1", period: str = "2025-04") -> dict[str, Any]:
    """The render tests' hand-made figures, with one material deviation (personnel) and one indicator."""
    f = make_figures(kind, period)
    f["deviations"] = [
        {
            "id": "ekonomi.personalkostnader",
            "type": "economy_row",
            "ref": "personalkostnader",
            "name": "Personalkostnader",
            "reasons": ["forecast_deviation"],
            "figures": {"deviation_ytd": 4.1e6, "forecast_deviation": 7.1e6, "threshold": 4.1e6},
            "comment": None,
            "measures": None,
            "comment_required": True,
        },
        {
            "id": "indikator.sjukfranvaro",
            "type": "indicator",
            "ref": "sjukfranvaro",
            "name": "Sjukfrånvaro",
            "reasons": ["target_missed"],
            "figures": {"value": 5.3, "target": 5.2, "direction": "lower_is_better", "window": None},
            "comment": None,
            "measures": None,
            "comment_required": True,
        },
    ]
    return f


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "kommentarer.xlsx"
    path.write_bytes(build_comment_sheet(figures(), PLAN, Inputs.model_validate(EXISTING)))
    return path


@pytest.fixture
def inputs_file(tmp_path: Path) -> Path:
    path = tmp_path / "indata-2025.yaml"
    path.write_text(yaml.safe_dump(EXISTING, allow_unicode=True), encoding="utf-8")
    return path


def rows(workbook: Any, name: str) -> list[list[Any]]:
    return [list(row) for row in workbook[name].iter_rows(values_only=True)]


def find_row(workbook: Any, name: str, first: str, column: int = 1) -> int:
    """The row number whose cell in `column` (1-based) holds `first`."""
    for cells in workbook[name].iter_rows(min_row=2):
        if cells[column - 1].value == first:
            return cells[0].row
    raise AssertionError(f"{first!r} not on sheet {name}")


def fill(path: Path, edits: dict[tuple[str, str], Any]) -> None:
    """Type into cells, as finance staff do: {(sheet, "E5"): value}."""
    workbook = openpyxl.load_workbook(path)
    for (name, cell), value in edits.items():
        workbook[name][cell] = value
    workbook.save(path)


# --- the sheet as written -------------------------------------------------------------------------------
def test_the_sheet_has_one_row_per_thing_to_fill_with_its_figures(sheet: Path) -> None:
    workbook = openpyxl.load_workbook(sheet)
    assert workbook.sheetnames == [
        INFO_SHEET,
        ASSESSMENT_SHEET,
        DEVIATION_SHEET,
        INVESTMENT_SHEET,
        OTHER_SHEET,
    ]
    info = {row[0]: row[1] for row in rows(workbook, INFO_SHEET) if row[0]}
    assert (info["Period"], info["Rapporttyp"]) == ("2025-04", "ur1")

    assessments = rows(workbook, ASSESSMENT_SHEET)[1:]
    # 12 goals, 2 activities, the basic mission, 4 follow-up tools; each row carries the period.
    assert [r[0] for r in assessments].count("Mål") == 12
    assert len(assessments) == 12 + 2 + 1 + 4
    assert all(r[2] == "2025-04" for r in assessments)
    # Pre-filled from the inputs: what is entered is shown, so a second round loses nothing.
    rs01 = next(r for r in assessments if r[1] == "rs01-kris-och-krig")
    assert rs01[4:6] == ["Uppfyllt", "Övningen är genomförd."]

    deviations = rows(workbook, DEVIATION_SHEET)
    assert [r[0] for r in deviations[1:]] == ["ekonomi.personalkostnader", "indikator.sjukfranvaro"]
    personnel = deviations[1]
    assert personnel[3].startswith("Personalkostnaderna är 4,1")  # the drafted sentence, as in the report
    assert personnel[4:6] == [4_100_000, 7_100_000]  # numbers, not text
    assert deviations[2][6:8] == [5.3, 5.2]

    investments = {r[0]: r for r in rows(workbook, INVESTMENT_SHEET)[1:]}
    assert investments["FVIS"][2:6] == [15_000_000, 6_400_000, 17_000_000, -2_000_000]
    assert investments["FVIS"][6:8] == ["Enligt plan.", 14_000_000]
    assert investments["Bredbandsutbyggnad"][9] == "–"  # carry-over only in the annual report


def test_only_the_cells_to_fill_are_unlocked(sheet: Path) -> None:
    workbook = openpyxl.load_workbook(sheet)
    for name in (ASSESSMENT_SHEET, DEVIATION_SHEET, INVESTMENT_SHEET, OTHER_SHEET, INFO_SHEET):
        assert workbook[name].protection.sheet, name
    assessments = workbook[ASSESSMENT_SHEET]
    row = find_row(workbook, ASSESSMENT_SHEET, "rs07-paverkansagenda", column=2)
    assert [assessments.cell(row, c).protection.locked for c in range(1, 7)] == [True] * 4 + [False, False]
    deviations = workbook[DEVIATION_SHEET]
    assert [deviations.cell(2, c).protection.locked for c in range(1, 11)] == [True] * 8 + [False, False]
    investments = workbook[INVESTMENT_SHEET]
    assert [investments.cell(2, c).protection.locked for c in range(1, 11)] == [True] * 6 + [False] * 3 + [
        True
    ]
    validations = assessments.data_validations.dataValidation
    assert validations and '"Uppfyllt,Delvis uppfyllt,Ej uppfyllt"' in {v.formula1 for v in validations}


def test_the_annual_sheet_asks_for_carry_overs() -> None:
    workbook = openpyxl.load_workbook(
        io.BytesIO(build_comment_sheet(figures("arsredovisning", "2025-12"), PLAN, Inputs(year=2025)))
    )
    investments = workbook[INVESTMENT_SHEET]
    assert investments.cell(2, 10).protection.locked is False and investments.cell(2, 10).value is None


def test_the_internal_monthly_report_asks_for_no_deviation_comments() -> None:
    f = figures("manadsrapport", "2025-03")
    for d in f["deviations"]:
        d["comment_required"] = False  # as transforms.deviations marks them outside board reports
    workbook = openpyxl.load_workbook(io.BytesIO(build_comment_sheet(f, PLAN, Inputs(year=2025))))
    assert rows(workbook, DEVIATION_SHEET)[1:] == []
    assert len(rows(workbook, INVESTMENT_SHEET)) == 1 + 2  # the investments still have their comments


def test_a_deviation_report_has_no_assessment_sheet() -> None:
    workbook = openpyxl.load_workbook(
        io.BytesIO(build_comment_sheet(figures("avvikelserapport", "2025-02"), PLAN, Inputs(year=2025)))
    )
    assert ASSESSMENT_SHEET not in workbook.sheetnames


# --- import ---------------------------------------------------------------------------------------------
def test_a_filled_in_sheet_is_imported_into_the_inputs(sheet: Path, inputs_file: Path) -> None:
    workbook = openpyxl.load_workbook(sheet)
    rs07 = find_row(workbook, ASSESSMENT_SHEET, "rs07-paverkansagenda", column=2)
    survey = find_row(workbook, ASSESSMENT_SHEET, "medarbetarundersokning", column=2)
    bredband = find_row(workbook, INVESTMENT_SHEET, "Bredbandsutbyggnad")
    fill(
        sheet,
        {
            (ASSESSMENT_SHEET, f"E{rs07}"): "delvis uppfyllt",  # any case
            (ASSESSMENT_SHEET, f"F{rs07}"): "Agendan är på remiss.",
            (ASSESSMENT_SHEET, f"F{survey}"): "Svarsfrekvens 81 %.",
            (DEVIATION_SHEET, "I2"): "<b>Vakanser</b> & sjukskrivningar.",
            (DEVIATION_SHEET, "J2"): "Rekrytering pausad.",
            (INVESTMENT_SHEET, f"G{bredband}"): "Etapp 2 försenad.",
            (INVESTMENT_SHEET, f"H{bredband}"): 9_500_000.5,
            (OTHER_SHEET, "B2"): "It-avbrott",
            (OTHER_SHEET, "C2"): "Lönesystemet låg nere två dagar i mars.",
        },
    )
    result = import_comment_sheet(sheet, inputs_file, PLAN)
    # rs01 (pre-filled, unchanged), rs07, the survey, the deviation, FVIS (pre-filled) and Bredband, one other.
    assert (result.period, result.kind, result.entries) == ("2025-04", "ur1", 7)
    inputs = load_inputs(inputs_file, 2025)
    assert inputs.goal_assessments["ur1"]["rs07-paverkansagenda"].status == "delvis_uppfyllt"
    assert inputs.goal_assessments["ur1"]["rs01-kris-och-krig"].comment == "Övningen är genomförd."
    assert inputs.work_environment_follow_up["ur1"]["medarbetarundersokning"].comment == "Svarsfrekvens 81 %."
    note = inputs.deviation_comment_for("2025-04", "ekonomi.personalkostnader")
    assert (note.comment, note.measures) == ("<b>Vakanser</b> & sjukskrivningar.", "Rekrytering pausad.")
    bredband_input = inputs.investment_for("2025-04", "Bredbandsutbyggnad")
    assert (bredband_input.comment, bredband_input.forecast_sek) == ("Etapp 2 försenad.", 9_500_000.5)
    assert inputs.investment_for("2025-04", "FVIS").forecast_sek == 14_000_000
    assert [o.title for o in inputs.other_deviations["2025-04"]] == ["It-avbrott"]


def test_importing_the_same_sheet_twice_gives_the_same_file(sheet: Path, inputs_file: Path) -> None:
    fill(sheet, {(DEVIATION_SHEET, "I2"): "Vakanser."})
    import_comment_sheet(sheet, inputs_file, PLAN)
    first = inputs_file.read_bytes()
    import_comment_sheet(sheet, inputs_file, PLAN)
    assert inputs_file.read_bytes() == first


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        # An unknown goal id (a row pasted from another plan's sheet).
        (
            {
                (ASSESSMENT_SHEET, "B3"): "rs99-okant",
                (ASSESSMENT_SHEET, "E3"): "Uppfyllt",
                (ASSESSMENT_SHEET, "F3"): "x",
            },
            "blad ”Bedömningar”, rad 3, cell B3: okänt id ”rs99-okant” (Mål)",
        ),
        # A row of another period (pasted from February's sheet).
        (
            {(DEVIATION_SHEET, "B2"): "2025-02", (DEVIATION_SHEET, "I2"): "Vakanser."},
            "blad ”Avvikelser”, rad 2, cell B2: raden gäller perioden 2025-02, bladet 2025-04",
        ),
        # An empty mandatory cell: measures without the comment.
        (
            {(DEVIATION_SHEET, "J2"): "Rekrytering pausad."},
            "blad ”Avvikelser”, rad 2, cell I2: kommentar saknas (obligatorisk på en ifylld rad)",
        ),
        # An assessment outside the allowed values.
        (
            {(ASSESSMENT_SHEET, "E3"): "Klart", (ASSESSMENT_SHEET, "F3"): "Klart."},
            "blad ”Bedömningar”, rad 3, cell E3: bedömningen ”Klart” är inte en av Uppfyllt, Delvis uppfyllt, Ej uppfyllt",
        ),
        # An amount typed as text.
        (
            {(INVESTMENT_SHEET, "G2"): "Försenad.", (INVESTMENT_SHEET, "H2"): "9 500 000,50"},
            "blad ”Investeringar”, rad 2, cell H2: '9 500 000,50' är inte ett belopp i kronor",
        ),
    ],
)
def test_a_bad_cell_refuses_the_whole_import_and_changes_nothing(
    sheet: Path, inputs_file: Path, edits: dict[tuple[str, str], Any], expected: str
) -> None:
    # A good row beside the bad one must not be imported either.
    good = {(OTHER_SHEET, "B2"): "It-avbrott", (OTHER_SHEET, "C2"): "Lönesystemet låg nere."}
    fill(sheet, {**good, **edits})
    before = inputs_file.read_bytes()
    with pytest.raises(ImportRefused) as refused:
        import_comment_sheet(sheet, inputs_file, PLAN)
    assert expected in str(refused.value)
    assert inputs_file.read_bytes() == before
    assert [p for p in inputs_file.parent.iterdir() if p.name.startswith(".tmp-")] == []


def test_another_period_than_expected_or_another_years_inputs_are_refused(
    sheet: Path, tmp_path: Path
) -> None:
    inputs_2026 = tmp_path / "indata-2026.yaml"
    inputs_2026.write_text("year: 2026\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="cell B3: bladet gäller 2025-04, inte 2025-10"):
        import_comment_sheet(sheet, tmp_path / "new.yaml", PLAN, expected_period="2025-10")
    with pytest.raises(
        ImportRefused, match="cell B3: bladet gäller 2025-04, men indatafilen .* gäller ett annat år"
    ):
        import_comment_sheet(sheet, inputs_2026, PLAN)
    assert inputs_2026.read_text(encoding="utf-8") == "year: 2026\n"
    assert not (tmp_path / "new.yaml").exists()


def test_the_command_exits_2_and_names_the_cell(
    sheet: Path, inputs_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(sheet, {(DEVIATION_SHEET, "J2"): "Åtgärd utan kommentar."})
    before = inputs_file.read_bytes()
    assert main(["import-kommentarer", str(sheet), "--inputs", str(inputs_file)]) == 2
    error = capsys.readouterr().err
    assert "inget ändrades" in error and "cell I2" in error
    assert inputs_file.read_bytes() == before

    fill(sheet, {(DEVIATION_SHEET, "I2"): "Vakanser."})
    assert main(["import-kommentarer", str(sheet), "--inputs", str(inputs_file), "--period", "2025-04"]) == 0
    assert "Inläst" in capsys.readouterr().out
    assert (
        load_inputs(inputs_file, 2025).deviation_comment_for("2025-04", "ekonomi.personalkostnader").comment
        == "Vakanser."
    )


def test_a_file_that_is_not_a_comment_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_sheet = tmp_path / "kommentarer.xlsx"
    not_a_sheet.write_text("hej", encoding="utf-8")
    assert main(["import-kommentarer", str(not_a_sheet), "--inputs", str(tmp_path / "x.yaml")]) == 2
    assert "inte ett läsbart kommentarsblad" in capsys.readouterr().err


def test_the_round_trip_through_a_real_run_shows_typed_markup_escaped(tmp_path: Path) -> None:
    """Run April on the small office, fill in the sheet it wrote, import it, rerun: the comments are in
    the new version's report, and markup typed into a cell is text on the page, not markup."""
    urls = (f"sqlite:///{tmp_path / 'ledger.db'}", f"sqlite:///{tmp_path / 'hr.db'}")
    write_small_office(*urls)
    out, inputs = tmp_path / "out", tmp_path / "indata-2025.yaml"
    argv = ["run", "--period", "2025-04", "--ledger-url", urls[0], "--hr-url", urls[1], "--out", str(out)]
    assert main([*argv, "--inputs", str(inputs)]) == 0
    sheet = out / "2025-04" / "kommentarer.xlsx"
    workbook = openpyxl.load_workbook(sheet)
    # The small office's turnover misses its target in April (tests/flows/test_monthly.py): a deviation row.
    row = find_row(workbook, DEVIATION_SHEET, "indikator.personalomsattning")
    fill(
        sheet,
        {
            (DEVIATION_SHEET, f"I{row}"): '<script>alert("x")</script> Fyra avgångar på ett litet kontor.',
            (DEVIATION_SHEET, f"J{row}"): "<b>Exitsamtal</b>",
        },
    )
    assert main(["import-kommentarer", str(sheet), "--inputs", str(inputs)]) == 0
    assert main([*argv, "--inputs", str(inputs)]) == 0
    report = (out / "2025-04" / "report.html").read_text(encoding="utf-8")
    assert "version 2" in report
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Fyra avgångar på ett litet kontor." in report
    assert "&lt;b&gt;Exitsamtal&lt;/b&gt;" in report
    assert "<script>" not in report and "<b>Exitsamtal" not in report
    # The new version's sheet is pre-filled with what was imported.
    again = openpyxl.load_workbook(out / "2025-04" / "kommentarer.xlsx")[DEVIATION_SHEET]
    assert again[f"J{row}"].value == "<b>Exitsamtal</b>"


def test_the_import_keeps_the_inputs_files_mode(sheet: Path, inputs_file: Path) -> None:
    inputs_file.chmod(0o640)  # e.g. readable by the finance group only
    fill(sheet, {(DEVIATION_SHEET, "I2"): "Vakanser."})
    import_comment_sheet(sheet, inputs_file, PLAN)
    assert inputs_file.stat().st_mode & 0o777 == 0o640
