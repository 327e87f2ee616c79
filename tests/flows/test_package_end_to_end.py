"""The package of a real run: the small office's April (tests/fixtures/small_office.py) through the CLI.

Expected values are the hand-computed figures of tests/flows/test_monthly.py (APRIL_ECONOMY), formatted or
summed here by hand; the package must say exactly what figures.json says, to the öre.
"""

from __future__ import annotations

import hashlib
import io
import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from tests.flows.test_monthly import (  # noqa: F401  (fixtures are used as test parameters)
    APRIL_ECONOMY,
    inputs_file,
    run,
    sqlite_office,
)

MINUS = "\u2212"
PACKAGE = ("figures.json", "report.html", "report.pdf", "report.xlsx", "email.eml", "manifest.json")
ROW_LABELS = {
    "intakter": "Intäkter",
    "personalkostnader": "Personalkostnader",
    "ovriga_driftskostnader": "Övriga driftskostnader",
    "netto": "Nettokostnad",
    "regionbidrag": "Regionbidrag",
}
COLUMNS = ("budget_year", "budget_ytd", "actual_ytd", "deviation_ytd", "forecast_year", "forecast_deviation")


@pytest.fixture(scope="module")
def april(
    sqlite_office: tuple[str, str],  # noqa: F811
    inputs_file: Path,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    out = tmp_path_factory.mktemp("out-package")
    run("2025-04", sqlite_office, out, inputs_file)
    return out / "2025-04"


def _ore(value: float) -> int:
    return round(value * 100)


def test_every_package_file_is_published_latest_and_in_its_version(april: Path) -> None:
    for name in PACKAGE:
        assert (april / name).read_bytes() == (april / "versions" / "v1" / name).read_bytes(), name
    manifest = json.loads((april / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == 1
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((april / name).read_bytes()).hexdigest(), name
    assert len(manifest["inputs_fingerprint"]["value"]) == 64
    assert manifest["parameters"]["period"] == "2025-04"
    assert manifest["parameters"]["ledger_url"].startswith("sqlite:///")


def test_workbook_equals_the_hand_computed_figures_and_drilldowns_add_up(april: Path) -> None:
    book = openpyxl.load_workbook(april / "report.xlsx")
    economy = {row[0].value: row for row in book["Driftredovisning"].iter_rows(min_row=4) if row[0].value}
    for row_id, label in ROW_LABELS.items():
        expected = APRIL_ECONOMY["rows"][row_id]
        cells = [economy[label][i + 1].value for i in range(len(COLUMNS))]
        assert [_ore(v) for v in cells] == [_ore(expected[c]) for c in COLUMNS], label
    for sheet_name, keys in (("Per ansvar", 5), ("Per konto", 2)):
        lines = [[c.value for c in row] for row in book[sheet_name].iter_rows(min_row=4)][:-1]
        for row_id in ("intakter", "personalkostnader", "ovriga_driftskostnader", "regionbidrag"):
            mine = [line for line in lines if line[0] == ROW_LABELS[row_id]]
            actual, budget_ytd, deviation, budget_year = (
                sum(_ore(line[keys + 4 + i]) for line in mine) for i in range(4)
            )
            expected = APRIL_ECONOMY["rows"][row_id]
            assert (actual, budget_ytd, deviation, budget_year) == (
                _ore(expected["actual_ytd"]),
                _ore(expected["budget_ytd"]),
                _ore(expected["deviation_ytd"]),
                _ore(expected["budget_year"]),
            ), (sheet_name, row_id)
    # Personalkostnader in April, month column: 36 000 000 (4010) + 13 250 000.75 (4510, the closing entry).
    by_account = [[c.value for c in row] for row in book["Per konto"].iter_rows(min_row=4)][:-1]
    april_salaries = sum(_ore(line[5]) for line in by_account if line[0] == "Personalkostnader")
    assert april_salaries == 4_925_000_075


def test_pdf_shows_the_headline_figures_formatted_in_swedish(april: Path) -> None:
    reader = PdfReader(april / "report.pdf")
    # No-break spaces as spaces, and the PDF's line breaks inside sentences as spaces.
    text = " ".join("\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ").split())
    assert "Ett överskott på 1,5 mnkr" in text  # periodresultat 1 499 999.75
    assert "2,5 mnkr sämre än budget" in text  # ackumulerad budgetavvikelse −2 500 000.25
    assert "500 tkr sämre än budget" in text  # prognos budgetavvikelse −500 000.25: tkr below 1 mnkr
    assert "16,3" in text  # personalomsättning 4 / 24.5 = 16.33 %
    assert "3,4" in text  # sjukfrånvaro 1576 / 47040 = 3.35 % (half up)
    assert "Innehåll" in text and "Måluppfyllelse" in text
    assert reader.metadata is not None and reader.metadata.title == "Uppföljningsrapport 1 – april 2025"
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_email_parses_with_its_images_and_attachments(april: Path) -> None:
    message = BytesParser(policy=policy.default).parsebytes((april / "email.eml").read_bytes())
    assert message["Subject"] == "Uppföljningsrapport 1 – april 2025"
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    html = html_part.get_content()
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    for part in images:
        assert f'src="cid:{str(part["Content-ID"]).strip("<>")}"' in html
    assert len(images) == 3 and "data:" not in html and "http" not in html
    names = sorted(p.get_filename() for p in message.walk() if p.is_attachment())
    assert names == ["Uppföljningsrapport 1 2025-04.pdf", "Uppföljningsrapport 1 2025-04.xlsx"]


def test_unchanged_rerun_renders_and_rewrites_nothing(
    sqlite_office: tuple[str, str],  # noqa: F811
    inputs_file: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    run("2025-04", sqlite_office, tmp_path, inputs_file)
    folder = tmp_path / "2025-04"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}
    run("2025-04", sqlite_office, tmp_path, inputs_file)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}
    assert after == before  # same version, no file touched: the package was not rendered again
    assert not (folder / "versions" / "v2").exists()
    # The stored PDF still opens after the rerun (nothing was half-replaced).
    assert PdfReader(io.BytesIO((folder / "report.pdf").read_bytes())).pages
